package importer

import (
	"strconv"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// item is one data row travelling through the pipeline (row.Item).
type item = row.Item

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
	rec := it.Rec
	if p.unescape {
		for i, c := range rec.Cells {
			if i != p.lay.status && len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
				rec.Cells[i] = c[1:]
			}
		}
	}
	it.Unlabelled = p.unlabelled(rec.Cells)
	before := Status(strings.TrimSpace(cellAt(rec.Cells, p.lay.status)))
	if before == StatusOK {
		// A results file is evidence: OK with a code is a row with that
		// code, so even a lost ledger never creates it again.
		it.FedBackCode = strings.TrimSpace(cellAt(rec.Cells, p.lay.ccode))
		if it.FedBackCode == "" {
			it.To(row.Move{Status: StatusOK, Warning: p.msg.priorOK()})
			return
		}
	}
	if before == StatusSkipped {
		// A results file fed back: what an earlier run skipped (a hidden
		// row with --skip-hidden, a totals row) stays skipped.
		it.To(row.Move{Status: StatusSkipped, Message: p.msg.priorSkipped()})
		return
	}
	if rec.Hidden && p.skipHidden {
		// Left out, not lost: the row stays in the results as it is.
		it.To(row.Move{Status: StatusSkipped, Message: p.msg.hiddenRow()})
		return
	}
	if reason, ok := validate.SummaryRow(p.hdr, rec.Cells); ok && it.FedBackCode == "" {
		// 合計, 共 11 筆, 製表人: not a customer.
		it.To(row.Move{Status: StatusSkipped, Message: validate.SummaryMessage(reason, p.msg.lang)})
		return
	}
	if cols, ok := validate.SumRow(p.hdr, rec.Cells); ok && it.FedBackCode == "" {
		// ,,,3000 under 信用額度: a sum without its label.
		it.To(row.Move{Status: StatusSkipped, Message: validate.SumMessage(cols, p.msg.lang)})
		return
	}
	it.Before = before
	it.FedBackFilled = it.FedBackCode != "" && strings.TrimSpace(cellAt(rec.Cells, p.cols.code)) == ""
	it.Extra = p.extraProblems(rec)
	code, edit := it.FedBackCode, ""
	if p.existing != nil && it.FedBackCode == "" && strings.TrimSpace(cellAt(rec.Cells, p.cols.code)) == "" {
		code, edit = p.matchExisting(it)
	}
	it.Checked = p.k.Check(p.values(rec, code, edit))
	it.Pending = true
}

// matchExisting matches a row without a code with the customers TMS has,
// unless the ledger's own rule took it (it keeps its place): a match by
// 統一編號 or name makes the row INVALID (EXISTS), or, with
// updateExisting, an update of the customer, whose code and EditItem it
// returns; a weaker match is a warning.
func (p *preparer) matchExisting(it *item) (code, editItem string) {
	if _, taken := p.assigned[it.Seq]; taken {
		return "", ""
	}
	cells := it.Rec.Cells
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
	it.Existing = v
	col, field := p.cols.name, mapping.CNAM1
	if v.By == decide.ByTaxID {
		col, field = p.cols.taxID, mapping.CTCOD
	}
	sev := validate.Warning
	if v.Action == decide.RefuseExisting {
		sev = validate.Error
	}
	code, msg := p.msg.existing(v, decide.NormTaxID(taxID), p.updateExisting)
	it.Extra = append(it.Extra, validate.Problem{Field: field, Column: col, Severity: sev, Code: code, Message: msg})
	if v.Action == decide.UpdateExisting {
		return v.Customer.Code, strconv.Itoa(mapping.EditUpdate)
	}
	return "", ""
}

// recheck checks a settled row again with another code (a fed-back code
// Excel shortened, read as the code TMS has), on the settling goroutine,
// and settles it again; note is a warning to add.
func (p *preparer) recheck(it *item, code, note string) {
	it.FedBackCode = code
	it.To(row.Move{Status: row.Pending})
	it.Checked = p.k.Check(p.values(it.Rec, code, ""))
	it.Extra = append(it.Extra, validate.Problem{Field: mapping.CCODE, Column: p.cols.code, Severity: validate.Warning, Code: msgFedBackZeros, Message: note})
	it.Pending = true
	p.settle(it)
}

// settle completes a checked row, in file order: the checks against the
// rows before it (validate.Validator.Remember), then its result.
func (p *preparer) settle(it *item) {
	if !it.Pending {
		return
	}
	it.Pending = false
	it.Outcome = p.v.Remember(it.Rec.Line, it.Checked)
	it.Checked = validate.Checked{}
	errs, warns := row.JoinProblems(it.Outcome.Problems, it.Extra)
	if errs != "" {
		m := row.Move{Status: StatusInvalid, Message: errs, Warning: warns}
		if it.Existing.Action == decide.RefuseExisting {
			m.ErrorCode, m.CCODE = ErrorExists, it.Existing.Customer.Code
		}
		it.To(m)
		return
	}
	if it.Before == StatusUnknown && it.Outcome.Code == "" && !p.resendUnknown {
		// The results say an earlier run may have created this customer;
		// it stays UNKNOWN until the user fills in its code or checked TMS.
		it.To(row.Move{Status: StatusUnknown, ErrorCode: "UNKNOWN", Message: p.msg.priorUnknown(), Warning: warns})
		return
	}
	it.To(row.Move{Status: StatusValid, CCODE: it.Outcome.Code, Warning: warns})
	if p.fingerprints {
		it.FP = decide.Fingerprint(it.Outcome.Payload)
	}
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
	text := it.PayloadText
	return decide.Row{Seq: it.Seq, Line: it.Rec.Line, Code: it.Outcome.Code, Fingerprint: it.FP,
		TaxID: decide.NormTaxID(text(mapping.CTCOD)), Name: decide.NormName(text(mapping.CNAM1)),
		ShortName: decide.NormName(text(mapping.CNAM2)), Lineage: lineage}
}

func cellAt(cells []string, i int) string {
	if i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
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
