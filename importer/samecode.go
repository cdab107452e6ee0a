package importer

import (
	"context"
	"strings"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
)

// A code TMS gives one new customer must be that customer's alone. A TMS
// that answers several creates with one CCODE has either made customers
// that cannot be told apart or stored several as one: the rows stay OK
// (TMS said so), each with a warning naming the others, and the summary
// counts them. Rows of this run are matched in the writer, in input
// order, the earlier ones' warnings amended in the results; creates of
// earlier runs are found in the ledger by the worker that got the code.

// codeUse is a customer code TMS gave to creates of this run.
type codeUse struct {
	lines    []int    // the rows, in input order
	warnings []string // each row's warnings as written (amended)
	counted  []bool   // the row is counted in Summary.SharedCodes
}

// sharedCodes are the codes TMS gave this run's creates, by code; only
// the writer goroutine uses it.
type sharedCodes map[string]*codeUse

// givenCode returns the code TMS gave a create of this run (sent
// without a code) that it accepted, or "" for any other row: its status,
// requests sent and code are st, attempts and ccode.
func givenCode(sent string, st Status, attempts int, ccode string) string {
	if sent != "" || st != StatusOK || attempts == 0 {
		return ""
	}
	return strings.TrimSpace(ccode)
}

// earlierCreates warns in m, a create TMS accepted, when an earlier
// run's create got the same code from TMS; the worker calls it (the
// ledger's reads cannot see this run's own creates reliably, and need
// not). It reports whether it warned.
func (r *run) earlierCreates(ctx context.Context, it *item, m *row.Move) bool {
	code := givenCode(it.Outcome.Code, m.Status, m.Attempts, m.CCODE)
	if code == "" || r.opts.Ledger == nil {
		return false
	}
	creates, err := r.opts.Ledger.CreatedWithCode(context.WithoutCancel(ctx), code)
	if err != nil {
		r.log.Warn("reading the ledger for creates with the same code", "line", it.Rec.Line, "code", code, "err", err)
		return false
	}
	var earlier []ledger.Create
	for _, c := range creates {
		if c.RunID != r.runID {
			earlier = append(earlier, c)
		}
	}
	if len(earlier) == 0 {
		return false
	}
	m.Warning = row.JoinWarnings(m.Warning, r.msg.sameCodeEarlier(code, earlier))
	r.log.Warn("TMS gave a new customer a code it gave an earlier create", "line", it.Rec.Line, "code", code, "earlier", len(earlier))
	return true
}

// noteCode matches a row about to be written against the rows of this
// run TMS gave the same code: this row's warnings name them, theirs
// (already written) are amended to name it. It returns how many rows
// newly share a code (for Summary.SharedCodes) and the first error of
// the amendments.
func (r *run) noteCode(it *item) (int, error) {
	res := it.Result()
	code := givenCode(it.Outcome.Code, res.Status, res.Attempts, res.CCODE)
	if code == "" {
		return 0, nil
	}
	if r.codes == nil {
		r.codes = sharedCodes{}
	}
	key := strings.ToUpper(code)
	use := r.codes[key]
	if use == nil {
		r.codes[key] = &codeUse{lines: []int{it.Rec.Line}, warnings: []string{it.Result().Warnings}, counted: []bool{it.SharedPrior}}
		if it.SharedPrior {
			return 1, nil
		}
		return 0, nil
	}
	newly := 1
	it.Warn(r.msg.sameCodeInRun(code, use.lines))
	var firstErr error
	for i, line := range use.lines {
		use.warnings[i] = row.JoinWarnings(use.warnings[i], r.msg.sameCodeInRun(code, []int{it.Rec.Line}))
		// ImportWarnings is the last results column.
		if err := r.writer.w.Amend(line, len(r.in.lay.header)-1, use.warnings[i]); err != nil && firstErr == nil {
			firstErr = err
		}
		if !use.counted[i] {
			use.counted[i] = true
			newly++
		}
	}
	r.log.Warn("TMS gave one code to several new customers of this run", "line", it.Rec.Line, "code", code, "rows", append(append([]int(nil), use.lines...), it.Rec.Line))
	use.lines = append(use.lines, it.Rec.Line)
	use.warnings = append(use.warnings, it.Result().Warnings)
	use.counted = append(use.counted, true)
	return newly, firstErr
}
