package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/custimport/custimport/importer/journal"
)

// openJournal opens the run's journal. A journal left by another version
// of the input is archived, unless it holds creates whose outcome is
// unknown: those must be checked first, so the run stops.
func openJournal(path string, opts Options, log *slog.Logger) (*journal.Journal, *journal.State, error) {
	hash, err := journal.HashFile(opts.Input)
	if err != nil {
		return nil, nil, err
	}
	j, st, err := journal.Open(path, opts.Input, hash, journal.Options{Fresh: opts.Fresh})
	if errors.Is(err, journal.ErrOtherInput) {
		if n := st.Pending(); n > 0 && !opts.ResendUnknown {
			return nil, nil, fmt.Errorf("%w; it records %d auto-numbered row(s) whose outcome is unknown (they may exist in TMS). Check them in TMS (see the UNKNOWN rows of the last results), then run again with --fresh", err, n)
		}
		archived, aerr := journal.Archive(path, time.Now())
		if aerr != nil {
			return nil, nil, aerr
		}
		log.Warn("the input changed since the last run: its journal was archived and this run starts anew", "archived", archived)
		j, st, err = journal.Open(path, opts.Input, hash, journal.Options{})
	}
	if err != nil {
		return nil, nil, err
	}
	if n := len(st.Rows); n > 0 {
		log.Info("resuming: the journal records earlier sends", "journal", path, "rows", n)
	}
	return j, st, nil
}

// resumeRules decide, from the journal of earlier runs, what happens to a
// valid row of this run.
type resumeRules struct {
	state         *journal.State
	resendUnknown bool
	msg           catalogMessages
}

// apply settles a valid row that earlier runs already handled. It runs in
// the producer, before the row is queued.
func (r resumeRules) apply(it *item) {
	it.hash = journal.HashPayload(it.outcome.Payload)
	if r.state == nil {
		return
	}
	row, ok := r.state.Rows[it.rec.Line]
	if !ok {
		return
	}
	create := it.outcome.Code == ""
	switch row.Event {
	case journal.OK:
		// An auto-numbered row that was created stays created, whatever
		// changed; an upsert is resent only when its payload changed.
		if create || row.Hash == it.hash {
			it.send = false
			it.res = Result{Line: it.rec.Line, Status: StatusOK, CCODE: row.CCODE,
				Warnings: joinNonEmpty(it.res.Warnings, r.msg.journalOK(row.Time))}
		}
	case journal.Sending, journal.Unknown:
		if row.Create && create && !r.resendUnknown {
			it.send = false
			it.res = Result{Line: it.rec.Line, Status: StatusUnknown, ErrorCode: "UNKNOWN",
				Message: r.msg.journalUnknown(row.Time), Warnings: it.res.Warnings}
		}
	}
}

// sendJournaled records the request in the journal, sends it, and records
// the outcome. A journal that cannot be written stops the row unsent.
func sendJournaled(ctx context.Context, s Sender, j *journal.Journal, it *item, msg catalogMessages, fatal func(error)) Result {
	if j == nil {
		return sendOne(ctx, s, it, msg)
	}
	create := it.outcome.Code == ""
	if err := j.Sending(it.rec.Line, it.hash, create, it.outcome.Code); err != nil {
		fatal(err)
		return Result{Line: it.rec.Line, Status: StatusNotSent, Message: msg.notSent(err), Warnings: it.res.Warnings}
	}
	res := sendOne(ctx, s, it, msg)
	ev := journal.Failed
	switch res.Status {
	case StatusOK:
		ev = journal.OK
	case StatusUnknown:
		ev = journal.Unknown
	}
	if err := j.Finished(it.rec.Line, ev, res.CCODE, res.ErrorCode, res.Message); err != nil {
		fatal(err)
	}
	return res
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
