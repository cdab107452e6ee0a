// Package prepare owns the rows of an input from the header down: it
// reads the data rows in order (DataRows), maps each row's cells onto
// fields and checks the row on its own on every processor (Preparer.Check),
// then settles the rows in file order, where a row is compared with the
// rows before it (Preparer.Settle), and hands them on a batch at a time
// (CheckRows). It recognises the rows a results file fed back says an
// earlier run handled, the rows that are not customers (totals, sign-off
// rows, hidden rows left out), and, when given the customers TMS has,
// the rows that are one of them. Replay keeps each row's own check for a
// Checker, so that a changed row costs that row, not the file.
//
// It moves rows only through row.Item.To. It does not know the ledger,
// TMS, the results file or the words of its messages (Texts gives them,
// in the run's language).
package prepare

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

type item = row.Item

// Config is what a Preparer is told of the run.
type Config struct {
	Header mapping.Header
	// StatusColumn and CCODEColumn are the input's ImportStatus and
	// ImportCCODE columns when it is a results file fed back, else -1.
	StatusColumn, CCODEColumn int
	Texts                     Texts
	ResendUnknown             bool // send rows an earlier run left UNKNOWN
	SkipHidden                bool // a hidden row is SKIPPED
	Fingerprints              bool // a ledger is there to match rows by content
	// Unescape undoes the formula guard of CSV results ('=1 → =1) when
	// a CSV results file is the input.
	Unescape bool
	// TextBytes is the size of the input's text when it is delimited
	// text (0: not known, or a workbook): CheckRows estimates from it
	// and the first rows how many codes the file holds.
	TextBytes int64
}

// Texts are the words a Preparer puts in rows, in the run's language.
type Texts interface {
	Lang() string
	PriorOK() string      // a row an earlier run imported, fed back without a code
	PriorSkipped() string // a row an earlier run skipped
	HiddenRow() string    // a hidden row left out
	PriorUnknown() string // a row an earlier run left UNKNOWN, held
	NoFormulaValue(cell string) string
	Ragged(n, want int, extra string) string
	// Existing renders the verdict on a row that matched a customer TMS
	// has, with its message code.
	Existing(v decide.ExistingVerdict, taxID string, update bool) (code, msg string)
}

// Preparer maps and validates rows, and recognises rows a results file
// (fed back as input) says an earlier run handled. Its Check runs on
// several goroutines, each with a Fork; Settle runs on one, in file order.
type Preparer struct {
	cfg      Config
	hdr      mapping.Header
	fields   []mapping.Column // hdr.Fields()
	labelled int              // the header's leading columns with text
	v        *validate.Validator
	k        *validate.Checker // this goroutine's
	vals     []validate.Value  // reused row after row
	msg      Texts
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

// New returns a Preparer of rows under cfg.Header, validating with v.
func New(cfg Config, v *validate.Validator) *Preparer {
	p := &Preparer{cfg: cfg, hdr: cfg.Header, fields: cfg.Header.Fields(), v: v, k: v.NewChecker(), msg: cfg.Texts}
	p.cols = columnsOf(p.fields)
	for p.labelled < len(p.hdr.Columns) && strings.TrimSpace(p.hdr.Columns[p.labelled].Header) != "" {
		p.labelled++
	}
	return p
}

// With returns a Preparer like p validating with v, its own: each pass
// over the file needs a validator of its own (it remembers the codes).
func (p *Preparer) With(v *validate.Validator) *Preparer {
	q := *p
	q.v, q.k, q.vals = v, v.NewChecker(), nil
	return &q
}

// MatchExisting makes p match the rows without a code with ix, the
// customers TMS has (nil: none), but the rows of assigned, which the
// ledger's own rule took; update sends those matched by 統一編號 as
// updates of the customer.
func (p *Preparer) MatchExisting(ix *decide.ExistingIndex, assigned map[int]decide.Assignment, update bool) {
	p.existing, p.assigned, p.updateExisting = ix, assigned, update
}

// Reserve makes room in the validator's code set for n rows.
func (p *Preparer) Reserve(n int) { p.v.Reserve(n) }

// CodeColumn is the input column of the customer code, -1 when none.
func (p *Preparer) CodeColumn() int { return p.cols.code }

// Header is the header the rows are under.
func (p *Preparer) Header() mapping.Header { return p.hdr }

// unlabelled returns the columns where cells hold data under no header
// text (mapping.Header.Unlabelled), looking at most cells only once.
func (p *Preparer) unlabelled(cells []string) []int {
	for _, c := range cells[min(p.labelled, len(cells)):] {
		if strings.TrimSpace(c) != "" {
			return p.hdr.Unlabelled(cells)
		}
	}
	return nil
}

// Fork returns a preparer for another goroutine: the same settings and
// validator, its own Checker and buffers.
func (p *Preparer) Fork() *Preparer {
	q := *p
	q.k, q.vals = p.v.NewChecker(), nil
	return &q
}

// Check does what preparing a row needs of that row alone: it recognises
// the rows not to check (fed back as done, skipped, hidden, totals) and
// checks the others' values (validate.Checker.Check).
func (p *Preparer) Check(it *item) {
	rec := it.Rec
	if p.cfg.Unescape {
		for i, c := range rec.Cells {
			if i != p.cfg.StatusColumn && len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
				rec.Cells[i] = c[1:]
			}
		}
	}
	it.Unlabelled = p.unlabelled(rec.Cells)
	before := row.Status(strings.TrimSpace(cellAt(rec.Cells, p.cfg.StatusColumn)))
	if before == row.StatusOK {
		// A results file is evidence: OK with a code is a row with that
		// code, so even a lost ledger never creates it again.
		it.FedBackCode = strings.TrimSpace(cellAt(rec.Cells, p.cfg.CCODEColumn))
		if it.FedBackCode == "" {
			it.To(row.Move{Status: row.StatusOK, Warning: p.msg.PriorOK()})
			return
		}
	}
	if before == row.StatusSkipped {
		// A results file fed back: what an earlier run skipped (a hidden
		// row with --skip-hidden, a totals row) stays skipped.
		it.To(row.Move{Status: row.StatusSkipped, Message: p.msg.PriorSkipped()})
		return
	}
	if rec.Hidden && p.cfg.SkipHidden {
		// Left out, not lost: the row stays in the results as it is.
		it.To(row.Move{Status: row.StatusSkipped, Message: p.msg.HiddenRow()})
		return
	}
	if reason, ok := validate.SummaryRow(p.hdr, rec.Cells); ok && it.FedBackCode == "" {
		// 合計, 共 11 筆, 製表人: not a customer.
		it.To(row.Move{Status: row.StatusSkipped, Message: validate.SummaryMessage(reason, p.msg.Lang())})
		return
	}
	if cols, ok := validate.SumRow(p.hdr, rec.Cells); ok && it.FedBackCode == "" {
		// ,,,3000 under 信用額度: a sum without its label.
		it.To(row.Move{Status: row.StatusSkipped, Message: validate.SumMessage(cols, p.msg.Lang())})
		return
	}
	it.Before = before
	it.FedBackFilled = it.FedBackCode != "" && strings.TrimSpace(cellAt(rec.Cells, p.cols.code)) == ""
	it.Extra = p.extraProblems(rec)
	code, edit := it.FedBackCode, ""
	if p.existing != nil && it.FedBackCode == "" && strings.TrimSpace(cellAt(rec.Cells, p.cols.code)) == "" {
		code, edit = p.matchExisting(it)
	}
	p.k.CheckInto(p.values(rec, code, edit), &it.Checked)
	it.Pending = true
}

// matchExisting matches a row without a code with the customers TMS has,
// unless the ledger's own rule took it (it keeps its place): a match by
// 統一編號 or name makes the row INVALID (EXISTS), or, with
// updateExisting, an update of the customer, whose code and EditItem it
// returns; a weaker match is a warning.
func (p *Preparer) matchExisting(it *item) (code, editItem string) {
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
	code, msg := p.msg.Existing(v, decide.NormTaxID(taxID), p.updateExisting)
	it.Extra = append(it.Extra, validate.Problem{Field: field, Column: col, Severity: sev, Code: code, Message: msg})
	if v.Action == decide.UpdateExisting {
		return v.Customer.Code, strconv.Itoa(mapping.EditUpdate)
	}
	return "", ""
}

// Recheck checks a settled row again with another code (a fed-back code
// Excel shortened, read as the code TMS has), on the settling goroutine,
// and settles it again; note is a warning of the code's field to add
// (its Code and Message; the column is the code's).
func (p *Preparer) Recheck(it *item, code string, note validate.Problem) {
	it.FedBackCode = code
	it.To(row.Move{Status: row.Pending})
	it.Checked = p.k.Check(p.values(it.Rec, code, ""))
	note.Field, note.Column, note.Severity = mapping.CCODE, p.cols.code, validate.Warning
	it.Extra = append(it.Extra, note)
	it.Pending = true
	p.Settle(it)
}

// touch readies Settle's lookup of the row's code (validate.Validator.Touch).
func (p *Preparer) touch(it *item) {
	if it.Pending {
		p.v.Touch(&it.Checked)
	}
}

// Settle completes a checked row, in file order: the checks against the
// rows before it (validate.Validator.Remember), then its result.
func (p *Preparer) Settle(it *item) {
	if !it.Pending {
		return
	}
	it.Pending = false
	it.Outcome = p.v.Remember(it.Rec.Line, it.Checked)
	it.Checked = validate.Checked{}
	errs, warns := row.JoinProblems(it.Outcome.Problems, it.Extra)
	if errs != "" {
		m := row.Move{Status: row.StatusInvalid, Message: errs, Warning: warns}
		if it.Existing.Action == decide.RefuseExisting {
			m.ErrorCode, m.CCODE = ErrorExists, it.Existing.Customer.Code
		}
		it.To(m)
		return
	}
	if it.Before == row.StatusUnknown && it.Outcome.Code == "" && !p.cfg.ResendUnknown {
		// The results say an earlier run may have created this customer;
		// it stays UNKNOWN until the user fills in its code or checked TMS.
		it.To(row.Move{Status: row.StatusUnknown, ErrorCode: "UNKNOWN", Message: p.msg.PriorUnknown(), Warning: warns})
		return
	}
	it.To(row.Move{Status: row.StatusValid, CCODE: it.Outcome.Code, Warning: warns})
	if p.cfg.Fingerprints {
		it.FP = decide.Fingerprint(it.Outcome.Payload)
	}
}

// values maps a row's cells onto fields. A code given (fed back, or of
// the existing customer the row updates) fills a blank code column (or
// stands for a missing one), and drops the AutoCCODE that asked for a
// code to be given; an EditItem given replaces the row's.
func (p *Preparer) values(rec source.Record, code, editItem string) []validate.Value {
	values := p.vals[:0]
	defer func() { p.vals = values[:0] }()
	hasCode, hasEdit := false, false
	for i := range p.fields {
		c := &p.fields[i] // not a copy of each column (72 bytes), for every row
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
func (p *Preparer) extraProblems(rec source.Record) []validate.Problem {
	var extra []validate.Problem
	for _, col := range rec.NoValue {
		// A formula whose result was never saved: its value is unknown,
		// which matters only in a column that is imported.
		if imported(p.hdr, col) {
			extra = append(extra, validate.Problem{Column: col, Severity: validate.Error,
				Message: p.msg.NoFormulaValue(mapping.ColumnName(col) + strconv.Itoa(rec.Line))})
		}
	}
	if n := len(rec.Cells); n > len(p.hdr.Columns) {
		var cells []string
		for _, s := range rec.Cells[len(p.hdr.Columns):] {
			if strings.TrimSpace(s) != "" {
				cells = append(cells, msg.Quote(p.msg.Lang(), msg.Clip(s, 40)))
			}
		}
		if len(cells) > 0 {
			extra = append(extra, validate.Problem{Column: -1, Severity: validate.Error,
				Message: p.msg.Ragged(n, len(p.hdr.Columns), msg.Clip(strings.Join(cells, ", "), 200))})
		}
	}
	return extra
}

func cellAt(cells []string, i int) string {
	if i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
}

// FormulaOnly reports whether a record is blank but for formulas without
// a saved result (NoValue) in columns that are not imported: a template's
// helper column filled down past the data. Such a row is skipped like a
// blank one.
func FormulaOnly(rec source.Record, hdr mapping.Header) bool {
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
