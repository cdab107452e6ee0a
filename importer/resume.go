package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/journal"
	"github.com/custimport/custimport/importer/tms"
)

// openJournal opens the run's journal and returns what it records of
// earlier runs of this input. When the input changed since the journal was
// written, the journal is started anew for this version holding what the
// old one knew (journal.Replace): rows imported or maybe created by any
// earlier version are recognised by their content, so editing the input
// file, however often and back and forth, never creates a customer twice.
func openJournal(path, identity string, opts Options, log *slog.Logger) (*journal.Journal, *journal.State, error) {
	j, st, err := journal.Open(path, opts.Input, identity, journal.Options{Fresh: opts.Fresh})
	if errors.Is(err, journal.ErrOtherInput) {
		// Another version of the same sheet is carried forward; another
		// sheet is another input altogether.
		switch {
		case sheetOf(st.InputSHA256) == sheetOf(identity):
			archived, err := journal.Replace(path, opts.Input, identity, st.Carry(), time.Now())
			if err != nil {
				return nil, nil, err
			}
			log.Warn("the input changed since the last run: rows imported before are recognised by their content",
				"old_journal", archived)
		case rehome(path, st, opts, log):
			// This sheet may have a journal of its own under its name.
			if err := adoptJournal(strings.TrimSuffix(path, ".journal"), opts, sheetOf(identity), log); err != nil {
				return nil, nil, err
			}
			return openJournal(path, identity, opts, log)
		default:
			archived, err := journal.Archive(path, time.Now())
			if err != nil {
				return nil, nil, err
			}
			log.Warn("the journal recorded another sheet: archived", "archived", archived)
		}
		j, st, err = journal.Open(path, opts.Input, identity, journal.Options{})
	}
	if err != nil {
		return nil, nil, err
	}
	if n := len(st.Rows); n > 0 {
		log.Info("resuming: the journal records earlier sends", "journal", path, "rows", n)
	}
	return j, st, nil
}

// A workbook sheet's journal lives under one of two default names: the
// results name without a sheet (book.results.xlsx.journal, when read
// without --sheet) or with it (book.客戶.results.xlsx.journal, --sheet 客戶).
// adoptJournal and the rehoming in openJournal keep one journal per sheet
// across both, so reading a sheet with or without --sheet, or after other
// sheets moved in front of it, never starts it afresh (which would create
// its new customers again). Results named by --out have no other name.

// defaultNamed reports whether out is the default results name of this
// run (not chosen with --out).
func defaultNamed(out string, opts Options) bool {
	return filepath.Base(out) == filepath.Base(DefaultOut(opts.Input, opts.Source.Sheet))
}

// sheetJournal is the journal path of sheet under its default name beside
// out: "" for the name without a sheet.
func sheetJournal(out, input, sheet string) string {
	return filepath.Join(filepath.Dir(out), filepath.Base(DefaultOut(input, sheet))) + ".journal"
}

// sameSheet reports whether two sheet names name the same sheet (as the
// reader matches --sheet: trimmed, case-insensitive).
func sameSheet(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// adoptJournal takes over the journal of the sheet being read kept under
// another default name (without a sheet, or with the sheet spelt another
// way), when this run's journal does not exist yet. A journal is taken
// only when its header names the same input file (by name) and the same
// sheet: another file whose name starts alike (book.2024.xlsx beside
// book.xlsx) has results named like a sheet's, but is not this input. The
// input's lock keeps another run of it from using the journal meanwhile.
func adoptJournal(out string, opts Options, sheet string, log *slog.Logger) error {
	if sheet == "" || !defaultNamed(out, opts) {
		return nil
	}
	path := out + ".journal"
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	stem := strings.TrimSuffix(filepath.Base(opts.Input), filepath.Ext(opts.Input))
	candidates, _ := filepath.Glob(filepath.Join(filepath.Dir(out), globEscape(stem)+".*.journal"))
	var best string
	var bestTime time.Time
	for _, c := range candidates {
		if c == path || !isDefaultName(strings.TrimSuffix(filepath.Base(c), ".journal"), opts.Input) {
			continue
		}
		st, err := journal.Read(c)
		if err != nil || filepath.Base(st.Input) != filepath.Base(opts.Input) || !sameSheet(sheetOf(st.InputSHA256), sheet) {
			continue
		}
		if fi, err := os.Stat(c); err == nil && (best == "" || fi.ModTime().After(bestTime)) {
			best, bestTime = c, fi.ModTime()
		}
	}
	if best == "" {
		return nil
	}
	if err := os.Rename(best, path); err != nil {
		return fmt.Errorf("taking over the journal %s of sheet %s: %w", best, sheet, err)
	}
	log.Info("took over the journal of the same sheet kept under another name", "from", best, "to", path)
	return nil
}

// isDefaultName reports whether name could be a default results name of
// input (see DefaultOut): <stem>[.SHEET].results.xlsx, or .rerun.xlsx for
// a results file fed back, and the same in CSV. Whether it really is
// input's is for the journal's header to say.
func isDefaultName(name, input string) bool {
	stem := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
	if !strings.HasPrefix(name, stem+".") {
		return false
	}
	for _, tail := range []string{".results.csv", ".results.xlsx", ".rerun.csv", ".rerun.xlsx"} {
		if strings.HasSuffix(name, tail) {
			return true
		}
	}
	return false
}

// rehome moves the journal at path, which records another sheet of the
// same workbook, to that sheet's own default name, where adoptJournal
// finds it when that sheet is read again. It reports whether it did; when
// the name is taken (or the results were named by --out) the caller
// archives the journal instead.
func rehome(path string, st *journal.State, opts Options, log *slog.Logger) bool {
	out := strings.TrimSuffix(path, ".journal")
	sheet := sheetOf(st.InputSHA256)
	if sheet == "" || !defaultNamed(out, opts) || filepath.Base(st.Input) != filepath.Base(opts.Input) {
		return false
	}
	target := sheetJournal(out, opts.Input, sheet)
	if target == path {
		return false
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err := os.Rename(path, target); err != nil {
		return false
	}
	log.Info("the journal of another sheet moved to that sheet's name", "sheet", sheet, "to", target)
	return true
}

// journalIdentity names what a journal belongs to: the input's content
// and, for a workbook, the sheet read.
func journalIdentity(sha256, sheet string) string {
	if sheet == "" {
		return sha256
	}
	return sha256 + "#" + sheet
}

func sheetOf(identity string) string {
	_, sheet, _ := strings.Cut(identity, "#")
	return sheet
}

// resumeRules decide, from the journals of earlier runs, what happens to a
// valid row of this run.
type resumeRules struct {
	state         *journal.State // earlier runs of this same input, by row
	earlier       bool           // the input changed: earlier versions are known
	byHash        map[string][]*earlierRow
	byLine        map[int][]*earlierRow
	journal       *journal.Journal
	resendUnknown bool
	msg           catalogMessages
}

// earlierRow is a row of an earlier version of the input; each settles at
// most one row of this version.
type earlierRow struct {
	journal.Row
	used bool
}

// newResumeRules indexes what earlier versions knew. A customer created
// by any earlier version is recognised by its content, and its row number
// there marks a place where a changed create may be that customer edited.
// A row with a code is only compared with the version just before: its
// latest content is what TMS holds (after A → B → A, A is sent again).
func newResumeRules(state *journal.State, j *journal.Journal, resendUnknown bool, msg catalogMessages) *resumeRules {
	r := &resumeRules{state: state, journal: j, resendUnknown: resendUnknown, msg: msg}
	if state == nil || state.Earlier == nil {
		return r
	}
	r.earlier = true
	r.byHash = map[string][]*earlierRow{}
	r.byLine = map[int][]*earlierRow{}
	for _, row := range state.Earlier.Known { // the most recent generation first
		if !row.Create && row.Gen > 0 {
			continue
		}
		e := &earlierRow{Row: row}
		r.byHash[row.Hash] = append(r.byHash[row.Hash], e)
		r.byLine[row.Line] = append(r.byLine[row.Line], e)
	}
	return r
}

// find returns the first unused earlier row of list that ok accepts.
func find(list []*earlierRow, ok func(*earlierRow) bool) (*earlierRow, bool) {
	for _, e := range list {
		if !e.used && ok(e) {
			return e, true
		}
	}
	return nil, false
}

// take is find, marking the row found used.
func take(list []*earlierRow, ok func(*earlierRow) bool) (*earlierRow, bool) {
	e, found := find(list, ok)
	if found {
		e.used = true
	}
	return e, found
}

// apply settles a valid row that earlier runs already handled. It runs in
// the producer, before the row is queued. An error means the journal
// could not record a row carried over from an earlier version.
func (r *resumeRules) apply(it *item) error {
	it.hash = journal.HashPayload(it.outcome.Payload)
	create := it.outcome.Code == ""
	sameHash := func(e *earlierRow) bool { return e.Hash == it.hash }
	anyRow := func(*earlierRow) bool { return true }
	if r.state != nil {
		if row, ok := r.state.Rows[it.rec.Line]; ok {
			if r.earlier {
				// A run of this version settled this row, maybe from an
				// earlier row: that one is taken, for later rows too.
				if _, ok := take(r.byLine[it.rec.Line], sameHash); !ok {
					take(r.byHash[it.hash], anyRow)
				}
			}
			r.settle(it, row, create)
			return nil
		}
	}
	if !r.earlier {
		return nil
	}
	// The input changed. The same content is the same customer: at the
	// same row number first, else wherever it was (each earlier row
	// settles one row: a second identical row is a new one). A create at
	// a row where an earlier version had created (or maybe created) one
	// may be that customer edited, or a new row: UNKNOWN, for the user to
	// decide, never silently skipped nor created twice.
	createdHere := func(e *earlierRow) bool {
		return e.Create && (e.Event == journal.OK || e.Event == journal.Sending || e.Event == journal.Unknown)
	}
	if e, ok := take(r.byLine[it.rec.Line], sameHash); ok {
		if !r.settle(it, e.Row, create) {
			return nil
		}
	} else if e, ok := take(r.byHash[it.hash], anyRow); ok {
		if !r.settle(it, e.Row, create) {
			return nil
		}
	} else if e, ok := find(r.byLine[it.rec.Line], createdHere); ok && create {
		// Not taken: if that customer turns up further down, unchanged,
		// it is recognised there. Reported UNKNOWN even with
		// --resend-unknown: that flag releases rows the user was shown as
		// UNKNOWN (a run of this version records them), not this one.
		it.send = false
		it.res = Result{Line: it.rec.Line, Status: StatusUnknown, ErrorCode: "UNKNOWN",
			Message: r.msg.editedAfterCreate(e.CCODE), Warnings: it.res.Warnings}
	} else {
		return nil
	}
	// Record the carried-over row in this version's journal, so later runs
	// of it know it too.
	event := journal.OK
	if it.res.Status == StatusUnknown {
		event = journal.Unknown
	}
	return r.journal.Carried(it.rec.Line, it.hash, create, it.outcome.Code, event, it.res.CCODE, create)
}

// settle applies an earlier run's record of a row. It reports whether the
// row was settled without sending.
func (r *resumeRules) settle(it *item, row journal.Row, create bool) bool {
	switch row.Event {
	case journal.OK:
		// A created customer stays created, whatever changed; an upsert
		// is resent only when its content changed.
		if create || row.Hash == it.hash {
			it.send = false
			it.res = Result{Line: it.rec.Line, Status: StatusOK, CCODE: row.CCODE, Warnings: joinNonEmpty(it.res.Warnings, r.msg.journalOK(row.Time))}
			return true
		}
	case journal.Sending, journal.Unknown:
		if row.Create && create && !r.resendUnknown {
			it.send = false
			it.res = Result{Line: it.rec.Line, Status: StatusUnknown, ErrorCode: "UNKNOWN",
				Message: r.msg.journalUnknown(row.Time), Warnings: it.res.Warnings}
			return true
		}
		it.maybeApplied = true
	case journal.Failed:
		// A row that got no answer may have been applied all the same.
		it.maybeApplied = isLocalErrorCode(row.Code)
	}
	return false
}

// sendJournaled records the request in the journal, sends it, and records
// the outcome. A journal that cannot be written stops the row unsent.
func sendJournaled(ctx context.Context, s Sender, j *journal.Journal, it *item, msg catalogMessages, fatal func(error)) Result {
	if j == nil {
		return sendOne(ctx, s, it, msg)
	}
	create := it.outcome.Code == ""
	// The row is recorded right before its first request, not while it
	// waits for the rate limiter.
	recorded := false
	ctx = tms.WithBeforeFirst(ctx, func() error {
		// A request that must not be repeated is on disk before it goes
		// out; any other is resent after a power cut, which is harmless.
		if err := j.Sending(it.rec.Line, it.hash, create, it.outcome.Code, it.outcome.Create); err != nil {
			fatal(err)
			return err
		}
		recorded = true
		return nil
	})
	res := sendOne(ctx, s, it, msg)
	if !recorded {
		return res // never sent: nothing to record
	}
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

// existsAfterMaybe turns "the code already exists" into UNKNOWN for an add
// whose earlier attempt (in an earlier run) may have created it: TMS
// cannot tell us whether it was that attempt or somebody else.
func existsAfterMaybe(it *item, resp tms.Response, msg catalogMessages) (Result, bool) {
	if !it.maybeApplied || !tms.CodeExists(resp) {
		return Result{}, false
	}
	return Result{Line: it.rec.Line, Status: StatusUnknown, ErrorCode: resp.ErrorCode,
		Message: msg.existsAfterMaybe(it.outcome.Code, resp.ErrorMessage), Warnings: it.res.Warnings}, true
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
