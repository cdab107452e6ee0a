package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// decide applies the rules to a valid row (in the producer, before the
// row is queued): a code is checked against what TMS has (checkCode);
// then, with a ledger, it is sent, settled as already done, or held as
// UNKNOWN. f is what is known of the batch's codes.
func (r *run) decide(it *item, f codeFacts) {
	if it.Send && it.Outcome.Code != "" {
		if err := f.err; err != nil && r.opts.Ledger != nil {
			err = fmt.Errorf("%w: reading: %w", errLedger, err)
			r.brake.stop(err)
			it.To(row.Move{Status: StatusNotSent, Message: r.msg.notSent(err)})
			return
		}
		r.checkCode(it, f)
	}
	if !it.Send {
		return
	}
	defer r.countCreation(it)
	if r.opts.Ledger == nil {
		if r.opts.DryRun {
			it.Send = false
		}
		return
	}
	dr := decideRow(it, r.planned.lineage)
	if dr.Code != "" {
		code, found := f.known[dr.Code]
		it.Decision = decide.ForCode(dr, code, found, r.decisionOptions())
	} else {
		a := r.planned.assigned[it.Seq]
		it.Decision = decide.ForCreate(a.Record, a.Match, r.decisionOptions())
	}
	r.applyDecision(it)
}

// applyDecision turns a decision into the row's result.
func (r *run) applyDecision(it *item) {
	d := it.Decision
	if r.opts.DryRun {
		// A check sends nothing; it says what the import would do.
		it.Send = false
		switch d.Action {
		case decide.Settled:
			r.wouldSettle++
			it.Warn(r.msg.wouldSettle(d))
		case decide.Hold:
			r.wouldHold++
			it.Warn(r.msg.wouldHold(d))
		}
		return
	}
	switch d.Action {
	case decide.Settled:
		note := r.msg.unchanged()
		if d.Record != nil {
			note = r.msg.ledgerOK(d.Record)
		}
		it.To(row.Move{Status: StatusOK, CCODE: d.Code, Warning: note})
	case decide.Hold:
		it.To(row.Move{Status: StatusUnknown, ErrorCode: "UNKNOWN", Message: r.msg.held(d)})
	}
}

// sendRow is the send contract, in order: wait while paused and for the
// rate limit, claim the row in the ledger (a create is on disk before its
// request leaves), send, record the outcome. A ledger that cannot record
// stops the run: nothing is sent without its record. ctx ends when the
// run is stopped; waits ends with it, or when sending stops. It returns
// the row's next state.
func (r *run) sendRow(ctx, waits context.Context, it *item) row.Move {
	line := it.Rec.Line
	notSent := func(msg string) row.Move {
		return row.Move{Status: StatusNotSent, Message: msg}
	}
	if err := r.brake.reason(); err != nil {
		return notSent(r.msg.notSent(err))
	}
	if r.job.gate.wait(waits) != nil || r.opts.Sender.Ready(waits) != nil {
		if err := r.brake.reason(); err != nil {
			return notSent(r.msg.notSent(err))
		}
		return notSent(r.msg.interrupted())
	}
	if err := r.brake.reason(); err != nil {
		return notSent(r.msg.notSent(err)) // stopped while this row waited
	}
	claim, err := r.claim(it)
	if err != nil {
		err = fmt.Errorf("%w: %w", errLedger, err)
		r.log.Error("the ledger could not record a row; sending stops", "line", line, "err", err)
		r.brake.stop(err)
		return notSent(r.msg.notSent(err))
	}
	if r.job.listening() {
		r.job.emit(RowSending{Line: line, Code: it.Outcome.Code})
	}
	o := r.opts.Sender.Send(r.abortCtx, tms.Request{
		Main: tms.Main(it.Outcome.Payload), Idempotent: it.Outcome.Code != "", Stop: ctx.Done(),
		OnRetry: func(attempt int, wait time.Duration, err error) {
			r.job.emit(RowRetrying{Line: line, Attempt: attempt, Wait: wait, ErrorCode: localErrorCode(err), Message: r.msg.why(err)})
		},
	})
	res := r.resultOf(it, o)
	it.SharedPrior = r.earlierCreates(ctx, it, &res)
	if o.Err != nil {
		r.log.Warn("row not accepted", "line", line, "status", res.Status, "kind", tms.Kind(o.Err).String(), "err", o.Err.Error())
	}
	a := answerOf(o)
	if err := r.record(it, claim, res, a); err != nil {
		err = fmt.Errorf("%w: %w", errLedger, err)
		r.log.Error("the ledger could not record an outcome; sending stops", "line", line, "err", err)
		r.brake.stop(err)
	}
	r.brake.observe(a, res, busyWait(o))
	return res
}

// claim records in the ledger that the row is about to be sent. A create
// (no code: sending it twice makes two customers) is on disk when claim
// returns; concurrent workers share the commit. It returns the create's
// ledger id (0 for a row with a code).
func (r *run) claim(it *item) (int64, error) {
	l := r.opts.Ledger
	text := it.PayloadText
	if it.Outcome.Code != "" {
		names := ledger.Names{Name: text(mapping.CNAM1), ShortName: text(mapping.CNAM2), TaxID: text(mapping.CTCOD)}
		return 0, l.SendingCode(it.Outcome.Code, it.FP, names, r.runID)
	}
	if it.Decision.Release && it.Decision.Record != nil {
		// The user checked TMS: the earlier create is not there.
		if err := l.Release(it.Decision.Record.ID); err != nil {
			return 0, err
		}
	}
	payload, _ := json.Marshal(it.Outcome.Payload)
	// Names and tax id as written, for people to find; matching
	// normalises them.
	return l.Claim(context.Background(), ledger.Create{
		Fingerprint: it.FP, Payload: string(payload), TaxID: text(mapping.CTCOD), Name: text(mapping.CNAM1), ShortName: text(mapping.CNAM2),
		Source: r.in.abs, Sheet: r.in.sheet, Row: it.Rec.Line, ResultRow: it.Seq + 2, InputSHA256: r.in.sha256,
		Lineage: r.planned.lineage, RunID: r.runID,
	})
}

// record writes a sent row's outcome to the ledger; a is what TMS's
// answer was.
func (r *run) record(it *item, id int64, res row.Move, a answer) error {
	l := r.opts.Ledger
	if it.Outcome.Code != "" {
		switch {
		case res.Status == StatusOK:
			return l.Accepted(it.Outcome.Code, it.FP, r.runID)
		case res.Status == StatusFailed && (a == answered || a == refused):
			return l.Failed(it.Outcome.Code) // TMS answered: nothing applied
		}
		return nil // no answer: TMS may hold it; the code stays pending
	}
	state := ledger.Refused // nothing was created
	switch res.Status {
	case StatusOK:
		state = ledger.Created
	case StatusUnknown:
		state = ledger.Unknown
	}
	return l.Settle(id, state, res.CCODE, res.ErrorCode, msg.Clip(res.Message, 500))
}

// resultOf turns a Sender's outcome into the row's next state.
func (r *run) resultOf(it *item, o tms.Outcome) row.Move {
	msg := r.msg
	res := row.Move{Attempts: o.Attempts}
	idempotent := it.Outcome.Code != ""
	switch {
	case o.Unknown:
		res.Status, res.Message = StatusUnknown, msg.unknown(o.Err)
	case o.Err != nil && o.Attempts == 0:
		res.Status, res.Message = StatusNotSent, msg.notSent(o.Err)
	case errors.Is(o.Err, context.Canceled) && !idempotent:
		// Aborted (a second Ctrl-C) before TMS could have seen it: a
		// create that may have reached TMS is Unknown, handled above.
		res.Status, res.Message = StatusNotSent, msg.interrupted()
	case errors.Is(o.Err, context.Canceled):
		// Aborted in flight: the row has a code, so resending is safe.
		res.Status, res.ErrorCode, res.Message = StatusFailed, "ABORTED", msg.aborted()
	case o.Err != nil:
		res.Status, res.ErrorCode = StatusFailed, localErrorCode(o.Err)
		res.Message = msg.failure(o.Err, o.Attempts)
	case o.Response.Status == "S" && !idempotent && strings.TrimSpace(o.Response.CCODE) == "":
		// A create TMS says it made, without saying which code: the
		// customer exists, but no code can be recorded or resent safely.
		res.Status, res.ErrorCode, res.Message = StatusUnknown, "NO_CCODE", msg.createdWithoutCode()
	case o.Response.Status == "S":
		res.Status, res.CCODE = StatusOK, o.Response.CCODE
		if res.CCODE == "" {
			res.CCODE = it.Outcome.Code
		}
		if sent := it.Outcome.Code; sent != "" && !strings.EqualFold(strings.TrimSpace(res.CCODE), sent) {
			res.Warning = msg.otherCode(sent, res.CCODE)
		}
	case it.Decision.MaybeApplied && tms.CodeExists(o.Response):
		// An add whose earlier request (in an earlier run) got no answer
		// may have created the code itself: TMS cannot tell us.
		res.Status, res.ErrorCode = StatusUnknown, o.Response.ErrorCode
		res.Message = msg.existsAfterMaybe(it.Outcome.Code, o.Response.ErrorMessage)
	default:
		res.Status, res.ErrorCode, res.Message = StatusFailed, o.Response.ErrorCode, o.Response.ErrorMessage
		if res.Message == "" {
			res.Message = msg.serverError(o.Response.ErrorCode)
		}
		// A refusal of the request itself is about the settings, not
		// the row: say which, after TMS's own words.
		if hint := probe.Hint(o.Response.ErrorCode, o.Response.ErrorMessage, msg.lang); hint != "" {
			res.Message += hintSep + hint
		}
	}
	return res
}

// hintSep joins TMS's message and the setting it points at.
const hintSep = " → "

// tmsSaid is TMS's own message of a result, without the hint.
func tmsSaid(message string) string {
	said, _, _ := strings.Cut(message, hintSep)
	return said
}

// errLedger and errResults mark a run stopped by its own records.
var (
	errLedger  = errors.New("the ledger could not be written")
	errResults = errors.New("the results file could not be written")
)

// Local error codes of rows that got no answer from TMS, or none that
// can be trusted.
const (
	codeNetwork   = "NETWORK"
	codeTimeout   = "TIMEOUT"
	codeAmbiguous = "AMBIGUOUS" // an answer that reads both as a success and as a failure
)

// localErrorCode names failures that have no server ErrorCode.
func localErrorCode(err error) string {
	if tms.Kind(err) == tms.KindAmbiguousAnswer {
		return codeAmbiguous
	}
	var te *tms.Error
	if errors.As(err, &te) && te.HTTPStatus != 0 {
		return "HTTP" + itoa(te.HTTPStatus)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return codeTimeout
	}
	return codeNetwork
}

// ownCode reports whether a problem is the one an ImportErrorCode of the
// importer's own (EXISTS, LOST_ZEROS) names.
func ownCode(code string) bool {
	return strings.HasPrefix(code, "exists") || code == msgCodeZeros
}

// errorKeys names the errors of a row for the summary's per-error counts.
func errorKeys(it *item) []string {
	res := it.Result()
	switch res.Status {
	case StatusInvalid:
		seen := map[string]bool{}
		var keys []string
		if res.ErrorCode != "" {
			// EXISTS, LOST_ZEROS: the row's own kind of trouble.
			seen["row"], keys = true, []string{"INVALID " + res.ErrorCode}
		}
		for _, ps := range [][]validate.Problem{it.Outcome.Problems, it.Extra} {
			for _, p := range ps {
				if p.Severity != validate.Error || (res.ErrorCode != "" && ownCode(p.Code)) {
					continue
				}
				k := p.Field
				if f, ok := mapping.Lookup(p.Field); ok {
					k = f.Code + " " + f.Label
				}
				if k == "" {
					k = "row"
				}
				if !seen[k] {
					seen[k] = true
					keys = append(keys, "INVALID "+k)
				}
			}
		}
		return keys
	case StatusFailed:
		return []string{strings.TrimSpace("FAILED " + res.ErrorCode + " " + firstClause(tmsSaid(res.Message)))}
	case StatusUnknown:
		return []string{"UNKNOWN"}
	}
	return nil
}
