package importer

import (
	"fmt"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/internal/row"
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
			err = fmt.Errorf("%w: reading: %w", dispatch.ErrLedger, err)
			r.brake.Stop(err)
			it.To(row.Move{Status: StatusNotSent, Message: r.msg.NotSent(err)})
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
		return []string{strings.TrimSpace("FAILED " + res.ErrorCode + " " + firstClause(dispatch.TMSSaid(res.Message)))}
	case StatusUnknown:
		return []string{"UNKNOWN"}
	}
	return nil
}
