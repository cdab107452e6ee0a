package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// item is one data row travelling through the pipeline.
type item struct {
	seq int
	rec source.Record
	// checked is the row checked on its own (preparer.check), which
	// settle completes in file order; pending says it has to.
	checked validate.Checked
	pending bool
	before  Status // the row's ImportStatus in a results file fed back
	// unlabelled are the columns where the row has data under no header.
	unlabelled []int
	outcome    validate.Outcome
	extra      []validate.Problem // problems the importer itself finds
	send       bool               // valid and to be sent
	fp         string             // the content's fingerprint (decide.Fingerprint)
	// fedBackCode: the row came from a results file that shows it OK with
	// this code, so it is treated as a row with that code.
	fedBackCode string
	decision    decide.Decision
	res         Result
}

// preparer maps and validates rows, and recognises rows a results file
// (fed back as input) says an earlier run handled. Its check runs on
// several goroutines, each with a fork; settle runs on one, in file order.
type preparer struct {
	hdr           mapping.Header
	fields        []mapping.Column // hdr.Fields()
	labelled      int              // the header's leading columns with text
	lay           *layout
	v             *validate.Validator
	k             *validate.Checker // this goroutine's
	vals          []validate.Value  // reused row after row
	msg           catalogMessages
	resendUnknown bool
	skipHidden    bool // a hidden row is SKIPPED
	fingerprints  bool // a ledger is there to match rows by content
	// unescape undoes the formula guard of CSV results ('=1 → =1) when
	// a CSV results file is the input.
	unescape bool
}

var (
	fieldCCODE     = mapping.MustLookup(mapping.CCODE)
	fieldAutoCCODE = mapping.MustLookup(mapping.AutoCCODE)
)

// newPreparer returns a preparer of rows under hdr, validating with v.
func newPreparer(hdr mapping.Header, v *validate.Validator) *preparer {
	p := &preparer{hdr: hdr, fields: hdr.Fields(), v: v, k: v.NewChecker()}
	for p.labelled < len(hdr.Columns) && strings.TrimSpace(hdr.Columns[p.labelled].Header) != "" {
		p.labelled++
	}
	return p
}

// unlabelled returns the columns where cells hold data under no header
// text (mapping.Header.Unlabelled), looking at most cells only once.
func (p *preparer) unlabelled(cells []string) []int {
	for _, c := range cells[min(p.labelled, len(cells)):] {
		if strings.TrimSpace(c) != "" {
			return p.hdr.Unlabelled(cells)
		}
	}
	return nil
}

// fork returns a preparer for another goroutine: the same settings and
// validator, its own Checker and buffers.
func (p *preparer) fork() *preparer {
	q := *p
	q.k, q.vals = p.v.NewChecker(), nil
	return &q
}

// check does what preparing a row needs of that row alone: it recognises
// the rows not to check (fed back as done, skipped, hidden, totals) and
// checks the others' values (validate.Checker.Check).
func (p *preparer) check(it *item) {
	rec := it.rec
	if p.unescape {
		for i, c := range rec.Cells {
			if i != p.lay.status && len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
				rec.Cells[i] = c[1:]
			}
		}
	}
	it.unlabelled = p.unlabelled(rec.Cells)
	before := Status(strings.TrimSpace(cellAt(rec.Cells, p.lay.status)))
	if before == StatusOK {
		// A results file is evidence: OK with a code is a row with that
		// code, so even a lost ledger never creates it again.
		it.fedBackCode = strings.TrimSpace(cellAt(rec.Cells, p.lay.ccode))
		if it.fedBackCode == "" {
			it.res = Result{Line: rec.Line, Status: StatusOK, Warnings: p.msg.priorOK()}
			return
		}
	}
	if before == StatusSkipped {
		// A results file fed back: what an earlier run skipped (a hidden
		// row with --skip-hidden, a totals row) stays skipped.
		it.res = Result{Line: rec.Line, Status: StatusSkipped, Message: p.msg.priorSkipped()}
		return
	}
	if rec.Hidden && p.skipHidden {
		// Left out, not lost: the row stays in the results as it is.
		it.res = Result{Line: rec.Line, Status: StatusSkipped, Message: p.msg.hiddenRow()}
		return
	}
	if reason, ok := validate.SummaryRow(p.hdr, rec.Cells); ok && it.fedBackCode == "" {
		// 合計, 共 11 筆, 製表人: not a customer.
		it.res = Result{Line: rec.Line, Status: StatusSkipped, Message: validate.SummaryMessage(reason, p.msg.lang)}
		return
	}
	if cols, ok := validate.SumRow(p.hdr, rec.Cells); ok && it.fedBackCode == "" {
		// ,,,3000 under 信用額度: a sum without its label.
		it.res = Result{Line: rec.Line, Status: StatusSkipped, Message: validate.SumMessage(cols, p.msg.lang)}
		return
	}
	it.before = before
	it.checked = p.k.Check(p.values(rec, it.fedBackCode))
	it.extra = p.extraProblems(rec)
	it.pending = true
}

// settle completes a checked row, in file order: the checks against the
// rows before it (validate.Validator.Remember), then its result.
func (p *preparer) settle(it *item) {
	if !it.pending {
		return
	}
	it.pending = false
	rec := it.rec
	it.outcome = p.v.Remember(rec.Line, it.checked)
	it.checked = validate.Checked{}
	errs, warns := joinProblems(it.outcome.Problems, it.extra)
	if errs != "" {
		it.res = Result{Line: rec.Line, Status: StatusInvalid, Message: errs, Warnings: warns}
		return
	}
	if it.before == StatusUnknown && it.outcome.Code == "" && !p.resendUnknown {
		// The results say an earlier run may have created this customer;
		// it stays UNKNOWN until the user fills in its code or checked TMS.
		it.res = Result{Line: rec.Line, Status: StatusUnknown, ErrorCode: "UNKNOWN", Message: p.msg.priorUnknown(), Warnings: warns}
		return
	}
	it.res = Result{Line: rec.Line, Status: StatusValid, CCODE: it.outcome.Code, Warnings: warns}
	if p.fingerprints {
		it.fp = decide.Fingerprint(it.outcome.Payload)
	}
	it.send = true
}

// values maps a row's cells onto fields. A fed-back code fills a blank
// code column (or stands for a missing one), and drops the AutoCCODE that
// asked for a code to be given.
func (p *preparer) values(rec source.Record, fedBackCode string) []validate.Value {
	values := p.vals[:0]
	defer func() { p.vals = values[:0] }()
	hasCode := false
	for _, c := range p.fields {
		v := validate.Value{Field: c.Field, Column: c.Index, Text: cellAt(rec.Cells, c.Index)}
		if fedBackCode != "" {
			switch c.Field.Code {
			case fieldCCODE.Code:
				hasCode = true
				if strings.TrimSpace(v.Text) == "" {
					v.Text = fedBackCode
				}
			case fieldAutoCCODE.Code:
				continue
			}
		}
		values = append(values, v)
	}
	if fedBackCode != "" && !hasCode {
		values = append(values, validate.Value{Field: &fieldCCODE, Column: -1, Text: fedBackCode})
	}
	return values
}

// extraProblems are the problems the importer finds itself: formulas
// without a saved value, and cells beyond the header.
func (p *preparer) extraProblems(rec source.Record) []validate.Problem {
	var extra []validate.Problem
	for _, col := range rec.NoValue {
		// A formula whose result was never saved: its value is unknown,
		// which matters only in a column that is imported.
		if imported(p.hdr, col) {
			extra = append(extra, validate.Problem{Column: col, Severity: validate.Error,
				Message: p.msg.noFormulaValue(mapping.ColumnName(col) + strconv.Itoa(rec.Line))})
		}
	}
	if n := len(rec.Cells); n > len(p.hdr.Columns) {
		var cells []string
		for _, s := range rec.Cells[len(p.hdr.Columns):] {
			if strings.TrimSpace(s) != "" {
				cells = append(cells, fmt.Sprintf("%q", clip(s, 40)))
			}
		}
		if len(cells) > 0 {
			extra = append(extra, validate.Problem{Column: -1, Severity: validate.Error,
				Message: p.msg.ragged(n, len(p.hdr.Columns), clip(strings.Join(cells, ", "), 200))})
		}
	}
	return extra
}

// decideRow is what the ledger's rules need of a prepared, valid row.
func decideRow(it *item, lineage string) decide.Row {
	text := it.payloadText
	return decide.Row{Seq: it.seq, Line: it.rec.Line, Code: it.outcome.Code, Fingerprint: it.fp,
		TaxID: decide.NormTaxID(text(mapping.CTCOD)), Name: decide.NormName(text(mapping.CNAM1)),
		ShortName: decide.NormName(text(mapping.CNAM2)), Lineage: lineage}
}

// payloadText is a field of the row's payload as text ("" when absent).
func (it *item) payloadText(code string) string {
	if v, ok := it.outcome.Payload[code]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func cellAt(cells []string, i int) string {
	if i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
}

func joinProblems(lists ...[]validate.Problem) (errs, warns string) {
	var e, w []string
	for _, ps := range lists {
		for _, p := range ps {
			if p.Severity == validate.Error {
				e = append(e, p.Message)
			} else {
				w = append(w, p.Message)
			}
		}
	}
	return strings.Join(e, "; "), strings.Join(w, "; ")
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

// formulaOnly reports whether a record is blank but for formulas without
// a saved result (NoValue) in columns that are not imported: a template's
// helper column filled down past the data. Such a row is skipped like a
// blank one.
func formulaOnly(rec source.Record, hdr mapping.Header) bool {
	if len(rec.NoValue) == 0 {
		return false
	}
	for _, c := range rec.Cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	for _, col := range rec.NoValue {
		if imported(hdr, col) {
			return false
		}
	}
	return true
}

// imported reports whether column col of the input feeds a field.
func imported(hdr mapping.Header, col int) bool {
	return col < len(hdr.Columns) && hdr.Columns[col].Field != nil && !hdr.Columns[col].Ignored
}

// problems are the row's problems: the validator's and the importer's.
func (it *item) problems() []validate.Problem {
	if len(it.extra) == 0 {
		return it.outcome.Problems
	}
	return append(append([]validate.Problem(nil), it.outcome.Problems...), it.extra...)
}
