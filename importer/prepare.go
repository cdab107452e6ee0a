package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/msg"
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
	// this code, so it is treated as a row with that code. fedBackFilled:
	// the row's own code cell is blank, so its code is that one.
	fedBackCode   string
	fedBackFilled bool
	// existing is the verdict on a row without a code matched with the
	// customers TMS has (decide.ForExisting); its zero value: no match.
	existing decide.ExistingVerdict
	// creation says whether sending the row creates a customer.
	creation decide.Creation
	decision decide.Decision
	res      Result
	// sharedPrior: TMS gave this create a code it gave an earlier run's.
	sharedPrior bool
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
	// existing, when set, matches the rows without a code with the
	// customers TMS has before they create one (not the rows the ledger's
	// own rule took: assigned, by sequence number); updateExisting sends
	// those matched by 統一編號 as updates of the customer.
	existing       *decide.ExistingIndex
	assigned       map[int]decide.Assignment
	updateExisting bool
	cols           fieldColumns
}

// fieldColumns are the input columns of the fields a row is matched
// with (-1: none).
type fieldColumns struct {
	code, taxID, name, shortName int
}

func columnsOf(fields []mapping.Column) fieldColumns {
	c := fieldColumns{-1, -1, -1, -1}
	for _, f := range fields {
		var dst *int
		switch f.Field.Code {
		case mapping.CCODE:
			dst = &c.code
		case mapping.CTCOD:
			dst = &c.taxID
		case mapping.CNAM1:
			dst = &c.name
		case mapping.CNAM2:
			dst = &c.shortName
		}
		if dst != nil && *dst < 0 {
			*dst = f.Index
		}
	}
	return c
}

var (
	fieldCCODE     = mapping.MustLookup(mapping.CCODE)
	fieldAutoCCODE = mapping.MustLookup(mapping.AutoCCODE)
	fieldEditItem  = mapping.MustLookup(mapping.EditItem)
)

// ErrorExists is the ImportErrorCode of a row without a code that is a
// customer TMS already has: not sent, ImportCCODE names the customer.
const ErrorExists = "EXISTS"

// newPreparer returns a preparer of rows under hdr, validating with v.
func newPreparer(hdr mapping.Header, v *validate.Validator) *preparer {
	p := &preparer{hdr: hdr, fields: hdr.Fields(), v: v, k: v.NewChecker()}
	p.cols = columnsOf(p.fields)
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
	it.fedBackFilled = it.fedBackCode != "" && strings.TrimSpace(cellAt(rec.Cells, p.cols.code)) == ""
	it.extra = p.extraProblems(rec)
	code, edit := it.fedBackCode, ""
	if p.existing != nil && it.fedBackCode == "" && strings.TrimSpace(cellAt(rec.Cells, p.cols.code)) == "" {
		code, edit = p.matchExisting(it)
	}
	it.checked = p.k.Check(p.values(rec, code, edit))
	it.pending = true
}

// matchExisting matches a row without a code with the customers TMS has,
// unless the ledger's own rule took it (it keeps its place): a match by
// 統一編號 or name makes the row INVALID (EXISTS), or, with
// updateExisting, an update of the customer, whose code and EditItem it
// returns; a weaker match is a warning.
func (p *preparer) matchExisting(it *item) (code, editItem string) {
	if _, taken := p.assigned[it.seq]; taken {
		return "", ""
	}
	cells := it.rec.Cells
	taxID := strings.TrimSpace(cellAt(cells, p.cols.taxID))
	name, short := cellAt(cells, p.cols.name), cellAt(cells, p.cols.shortName)
	if strings.TrimSpace(name) == "" {
		name = short // TMS fills 客戶名稱 from 客戶簡稱 on add
	}
	k := decide.RowKeys(taxID, name, short)
	v := decide.ForExisting(p.existing.Match(k), k, p.updateExisting)
	if v.Action == decide.NotExisting {
		return "", ""
	}
	it.existing = v
	col, field := p.cols.name, mapping.CNAM1
	if v.By == decide.ByTaxID {
		col, field = p.cols.taxID, mapping.CTCOD
	}
	sev := validate.Warning
	if v.Action == decide.RefuseExisting {
		sev = validate.Error
	}
	code, msg := p.msg.existing(v, decide.NormTaxID(taxID), p.updateExisting)
	it.extra = append(it.extra, validate.Problem{Field: field, Column: col, Severity: sev, Code: code, Message: msg})
	if v.Action == decide.UpdateExisting {
		return v.Customer.Code, strconv.Itoa(mapping.EditUpdate)
	}
	return "", ""
}

// recheck checks a settled row again with another code (a fed-back code
// Excel shortened, read as the code TMS has), on the settling goroutine,
// and settles it again; note is a warning to add.
func (p *preparer) recheck(it *item, code, note string) {
	it.fedBackCode = code
	it.res = Result{}
	it.send = false
	it.checked = p.k.Check(p.values(it.rec, code, ""))
	it.extra = append(it.extra, validate.Problem{Field: mapping.CCODE, Column: p.cols.code, Severity: validate.Warning, Code: msgFedBackZeros, Message: note})
	it.pending = true
	p.settle(it)
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
		if it.existing.Action == decide.RefuseExisting {
			it.res.ErrorCode, it.res.CCODE = ErrorExists, it.existing.Customer.Code
		}
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

// values maps a row's cells onto fields. A code given (fed back, or of
// the existing customer the row updates) fills a blank code column (or
// stands for a missing one), and drops the AutoCCODE that asked for a
// code to be given; an EditItem given replaces the row's.
func (p *preparer) values(rec source.Record, code, editItem string) []validate.Value {
	values := p.vals[:0]
	defer func() { p.vals = values[:0] }()
	hasCode, hasEdit := false, false
	for _, c := range p.fields {
		v := validate.Value{Field: c.Field, Column: c.Index, Text: cellAt(rec.Cells, c.Index)}
		if code != "" {
			switch c.Field.Code {
			case fieldCCODE.Code:
				hasCode = true
				if strings.TrimSpace(v.Text) == "" {
					v.Text = code
				}
			case fieldAutoCCODE.Code:
				continue
			}
		}
		if editItem != "" && c.Field.Code == fieldEditItem.Code {
			if hasEdit {
				continue
			}
			hasEdit, v.Text = true, editItem
		}
		values = append(values, v)
	}
	if code != "" && !hasCode {
		values = append(values, validate.Value{Field: &fieldCCODE, Column: -1, Text: code})
	}
	if editItem != "" && !hasEdit {
		values = append(values, validate.Value{Field: &fieldEditItem, Column: -1, Text: editItem})
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
				cells = append(cells, msg.Quote(p.msg.lang, clip(s, 40)))
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
