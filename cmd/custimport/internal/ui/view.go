package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// view is what the templates render: a copy of the session's state.
type view struct {
	Lang    string
	CheckID int    // the check the page shows; its JavaScript sends it back (CheckHeader)
	Message string // a problem with the last action, for the page
	Note    string // what the last action did
	File    *fileView
	Map     []mapRow
	Fields  []fieldOption
	Status  string // #status
	Grid    gridView
	Conn    connView
	Test    connTestView // the last 「測試連線」
	Import  importView
	// SkipHidden and ResendUnknown are the options of the check and the
	// import (the command line's --skip-hidden and --resend-unknown).
	SkipHidden, ResendUnknown bool
	// Existing is the list of the customers TMS already has, and the
	// page's 「更新已存在的客戶」.
	Existing existingView
	// Locked names a workbook chosen that waits for its password.
	Locked string
	// Credit is the 信用額度 default typed on the page.
	Credit string
	// Remembered offers the column choices remembered for these headers.
	Remembered *rememberedView
	// MappingName names the mapping file loaded on the page ("": none).
	MappingName string
}

type rememberedView struct {
	Saved   string // the date they were saved
	Differs int    // columns they change
}

// T returns a page text in the view's language.
func (v *view) T(key string, args ...any) string { return text(v.Lang, key, args...) }

type fileView struct {
	Name, Encoding, Sheet, Error string
	Rows                         int
	Sheets                       []string
	HeaderLine                   int
	HeaderPick                   int
	HeaderChoices                []headerChoice
	// ListSheets are the sheets that hold a list, to tick for importing
	// together (shown when there are several).
	ListSheets []sheetBox
	Letters    []string // the picker's column letters
	Warnings   []fileWarning
}

// fileWarning is a file-level warning; Link, when set, is the id of the
// control that fixes it (#default-credit for a missing 信用額度).
type fileWarning struct {
	Text, Link string
}

type sheetBox struct {
	Name    string
	ID      string // also-1 …
	Shown   bool   // the sheet on the page: always imported
	Checked bool
}

type headerChoice struct {
	Line  int
	Label string
	Cells []string // the row's first cells, under the picker's column letters
}

// pickerColumns is how many columns the header-row picker previews.
const pickerColumns = 12

type mapRow struct {
	Col      int
	Letter   string
	Header   string
	Value    string // field code, mapping.Ignore, or "" (unknown)
	Unknown  bool
	Examples string
}

type fieldOption struct{ Code, Label string }

type gridView struct {
	Columns    []gridColumn
	Rows       []gridRow
	Page       int
	Pages      int
	ErrorsOnly bool
	Preview    string // find-and-replace preview text
	CanApply   bool
	CanUndo    bool
	Find       string
	Replace    string
	ReplaceCol int
	Locked     bool // an import runs: no edits
	// PreviewCells lists the cells the previewed replacement changes;
	// PreviewMore is how many more it changes; Changed is what the last
	// 取代 did, in words next to it.
	PreviewCells []previewCell
	PreviewMore  int
	Changed      string
}

type previewCell struct {
	Where    string // 第 3 列 C 欄
	Old, New string
}

type gridColumn struct {
	Col    int
	Letter string
	Header string
	Field  string // the field's name ("" when not imported)
	Code   string // the field's code, its tooltip
}

type gridRow struct {
	Line     int
	Class    string // ok, err, warn, unknown
	Status   string // the status in words (成功, 錯誤 …)
	Code     string // the status code (OK, INVALID …): the badge's tooltip
	CCODE    string // the customer code TMS answered, when imported
	Messages []string
	Cells    []gridCell
}

type gridCell struct {
	Col   int
	Text  string
	Class string // err, warn or ""
	Title string
	Raw   string // the cell as in the file when Text shows it otherwise (a date serial as a date)
}

type connView struct {
	URL, PNO, ProNum, Sign string
	KeySet                 bool
	Problem                string
	// SignChoices is the 簽章方式 drop-down; SignCustom the recipe typed
	// under 自訂, shown when SignIsCustom.
	SignChoices  []signChoice
	SignCustom   string
	SignIsCustom bool
}

type importView struct {
	Running, Paused, Done, Started bool
	CanImport                      bool
	Continue                       int    // rows the last import of this check left NOT_SENT or FAILED: #import sends them
	Valid                          int    // rows the import would send
	Already                        int    // VALID rows it would not: imported before (the results still show them)
	Why                            string // why the button is disabled
	Total, Rows                    int
	Progress                       string
	ResultsName                    string
	HasResults                     bool
	Unknown                        int
	Stopped                        string
	Warnings                       []string // the summary's, once done: e.g. a setting TMS refused the rows for
	Error                          string
	WillCreate                     int // rows of the check that would create a customer
	// Also names the other sheets ticked to import with the one shown.
	Also string
	// Refused is the connection test's verdict (and what to check) when
	// TMS refused the settings before the first row: nothing was sent.
	Refused []string
	// RefusedCode is the verdict's code, for the tooltip.
	RefusedCode string
}

// view builds the page's data; ss.mu is held.
func (ss *session) view() *view {
	v := &view{Lang: ss.lang, CheckID: ss.current, SkipHidden: ss.skipHidden, ResendUnknown: ss.resendUnknown, Existing: ss.existingView()}
	v.Conn = connView{URL: ss.conn.URL, PNO: ss.conn.PNO, ProNum: ss.conn.ProNum, Sign: ss.conn.SignRecipe, KeySet: ss.conn.Key != ""}
	v.Conn.SignChoices, v.Conn.SignCustom = signChoices(ss.lang, ss.conn.SignRecipe)
	v.Conn.SignIsCustom = v.Conn.SignChoices[len(v.Conn.SignChoices)-1].Selected
	v.Test = ss.connTestView()
	v.Credit = ss.pageDefaults[creditField]
	if ss.lockedFile != nil {
		v.Locked = ss.lockedFile.name
	}
	if rm := ss.remembered; rm != nil {
		v.Remembered = &rememberedView{Saved: rm.saved.Local().Format("2006-01-02"), Differs: rm.differs}
	}
	if ss.mapping != nil && ss.mapping != ss.srv.cfg.Job.Mapping {
		v.MappingName = ss.mappingName
	}
	for _, f := range mapping.Fields() {
		v.Fields = append(v.Fields, fieldOption{Code: f.Code, Label: f.Name(ss.lang)})
	}
	u := ss.file
	if u != nil {
		v.File = ss.fileView(u)
		v.Map = ss.mapRows(u)
		v.Grid = ss.gridView(u)
	}
	v.Import = ss.importView()
	v.Status = ss.statusText(v.Import)
	return v
}

func (ss *session) fileView(u *upload) *fileView {
	fv := &fileView{Name: u.name, Encoding: u.encoding, Sheet: u.sheet, Rows: len(u.rows), HeaderLine: u.hdrLine,
		HeaderPick: u.headerPick}
	credit := creditWarning(ss.lang)
	for _, w := range u.check.warnings {
		fw := fileWarning{Text: w}
		if w == credit { // the page's own fix, in the page's words
			fw.Text, fw.Link = ss.t("creditMissing"), "default-credit"
		}
		fv.Warnings = append(fv.Warnings, fw)
	}
	if len(u.sheets) > 1 {
		fv.Sheets = u.sheets
	}
	if len(u.listSheets) > 1 {
		for i, sheet := range u.listSheets {
			fv.ListSheets = append(fv.ListSheets, sheetBox{Name: sheet, ID: fmt.Sprintf("also-%d", i+1), Shown: sheet == u.sheet,
				Checked: sheet == u.sheet || u.also[sheet]})
		}
	}
	fv.Error = u.check.fileErr
	if fv.Error == "" {
		fv.Error = u.hdrErr
	}
	for i, r := range u.rows {
		if i == mapping.HeaderSearchRows {
			break
		}
		label := strings.Join(nonEmpty(r.Cells, 4), ", ")
		if len([]rune(label)) > 40 {
			label = string([]rune(label)[:40]) + "…"
		}
		cells := make([]string, min(pickerColumns, u.width))
		for i := range cells {
			if i < len(r.Cells) {
				cells[i] = msg.Clip(strings.TrimSpace(r.Cells[i]), 14)
			}
		}
		fv.HeaderChoices = append(fv.HeaderChoices, headerChoice{Line: r.Line, Label: ss.t("rowN", r.Line) + ":" + label, Cells: cells})
	}
	for i := range min(pickerColumns, u.width) {
		fv.Letters = append(fv.Letters, mapping.ColumnName(i))
	}
	return fv
}

// creditWarning is the importer's file-level warning that new customers
// need 信用額度 and the file gives none.
func creditWarning(lang string) string {
	f, ok := mapping.Lookup(creditField)
	if !ok {
		return ""
	}
	return validate.MissingOnAddProblem(f, lang).Message
}

func nonEmpty(cells []string, n int) []string {
	var out []string
	for _, c := range cells {
		if strings.TrimSpace(c) != "" && len(out) < n {
			out = append(out, strings.TrimSpace(c))
		}
	}
	return out
}

// columnValue is a column's mapping as the dropdown shows it.
func columnValue(c mapping.Column) string {
	switch {
	case c.Field != nil:
		return c.Field.Code
	case c.Ignored:
		return mapping.Ignore
	}
	return ""
}

func (ss *session) mapRows(u *upload) []mapRow {
	var rows []mapRow
	for _, c := range u.hdr.Columns {
		if strings.TrimSpace(c.Header) == "" || c.Result != "" {
			continue
		}
		var ex []string
		for _, r := range u.rows {
			if r.Line > u.hdrLast && c.Index < len(r.Cells) && strings.TrimSpace(r.Cells[c.Index]) != "" {
				ex = append(ex, strings.TrimSpace(r.Cells[c.Index]))
				if len(ex) == 3 {
					break
				}
			}
		}
		val := columnValue(c)
		rows = append(rows, mapRow{Col: c.Index, Letter: mapping.ColumnName(c.Index), Header: c.Header, Value: val,
			Unknown: val == "", Examples: strings.Join(ex, ", ")})
	}
	return rows
}

// rowStatus is a row's status: its import result when the last import
// covered this check, else its check.
func (ss *session) rowStatus(u *upload, line int) (importer.Status, string, []string) {
	if ss.imp != nil && ss.imp.checkOf == u.check.id {
		if r, ok := ss.imp.result(line); ok {
			var msgs []string
			for _, m := range []string{r.Message, r.Warnings} {
				if m != "" {
					msgs = append(msgs, m)
				}
			}
			return r.Status, r.CCODE, msgs
		}
	}
	rc := u.check.rows[line]
	var msgs []string
	for _, p := range rc.problems {
		msgs = append(msgs, p.Message)
	}
	return rc.status, "", msgs
}

func (ss *session) gridView(u *upload) gridView {
	g := gridView{ErrorsOnly: ss.errorsOnly, Page: ss.page, Locked: ss.importing(), CanUndo: len(ss.undo) > 0,
		Find: ss.replace.find, Replace: ss.replace.with, ReplaceCol: ss.replace.col, Preview: ss.replace.text, CanApply: ss.replace.count > 0}
	for _, c := range ss.replace.cells {
		g.PreviewCells = append(g.PreviewCells, previewCell{Where: ss.t("cellAt", c.line, mapping.ColumnName(c.col)), Old: c.old, New: c.new})
	}
	g.PreviewMore = ss.replace.count - len(ss.replace.cells)
	if ss.replace.done > 0 {
		g.Changed = ss.t("changed", ss.replace.done)
	}
	width := max(u.width, len(u.hdr.Columns))
	hdr := u.headerCells()
	for i := 0; i < width; i++ {
		gc := gridColumn{Col: i, Letter: mapping.ColumnName(i)}
		if i < len(u.hdr.Columns) && u.hdrLast > u.hdrLine {
			gc.Header = u.hdr.Columns[i].Header // 電話/公司
		} else if i < len(hdr) {
			gc.Header = hdr[i]
		}
		if i < len(u.hdr.Columns) && u.hdr.Columns[i].Field != nil {
			f := u.hdr.Columns[i].Field
			gc.Field, gc.Code = f.Name(ss.lang), f.Code
			if ss.lang != "en" {
				gc.Field = f.Label // the code is the tooltip
			}
		}
		g.Columns = append(g.Columns, gc)
	}
	lines := u.dataLines(ss.errorsOnly, func(line int) importer.Status { st, _, _ := ss.rowStatus(u, line); return st })
	g.Pages = max(1, (len(lines)+PageRows-1)/PageRows)
	g.Page = min(max(ss.page, 1), g.Pages)
	start := (g.Page - 1) * PageRows
	for _, line := range lines[start:min(start+PageRows, len(lines))] {
		g.Rows = append(g.Rows, ss.gridRow(u, line, width))
	}
	return g
}

func (ss *session) gridRow(u *upload, line, width int) gridRow {
	st, code, msgs := ss.rowStatus(u, line)
	r := gridRow{Line: line, Status: statusName(ss.lang, st), Code: string(st), CCODE: code, Messages: msgs, Class: statusClass(st)}
	byCol := map[int][]string{}
	sev := map[int]string{}
	for _, p := range u.check.rows[line].problems {
		if p.Column < 0 {
			continue
		}
		byCol[p.Column] = append(byCol[p.Column], p.Message)
		if p.Severity == validate.Error {
			sev[p.Column] = "err"
		} else if sev[p.Column] == "" {
			sev[p.Column] = "warn"
		}
	}
	cells := u.rows[u.index[line]].Cells
	for i := 0; i < width; i++ {
		c := gridCell{Col: i, Class: sev[i], Title: strings.Join(byCol[i], "\n")}
		if ss.replace.count > 0 && ss.replace.marks(line, i) {
			c.Class = strings.TrimSpace(c.Class + " will-change")
		}
		if i < len(cells) {
			c.Text = cells[i]
		}
		if i < len(u.hdr.Columns) && u.hdr.Columns[i].Field != nil && u.hdr.Columns[i].Field.Class == mapping.Date {
			if d, ok := serialAsDate(c.Text); ok { // an Excel serial in a date column: the date it is
				c.Raw, c.Text = c.Text, d
				c.Title = strings.TrimSpace(ss.t("serialWas", c.Raw) + "\n" + c.Title)
			}
		}
		r.Cells = append(r.Cells, c)
	}
	return r
}

func statusClass(st importer.Status) string {
	switch st {
	case importer.StatusOK, importer.StatusValid:
		return "ok"
	case importer.StatusInvalid, importer.StatusFailed:
		return "err"
	case importer.StatusUnknown:
		return "unknown"
	case importer.StatusNotSent:
		return "skip"
	}
	return ""
}

func (ss *session) importView() importView {
	iv := importView{}
	u := ss.file
	if u != nil && u.check.done {
		iv.Already = min(u.check.notSent, u.check.counts[importer.StatusValid])
		iv.Valid = u.check.counts[importer.StatusValid] - iv.Already
		iv.WillCreate = u.check.willCreate
	}
	if ss.imp != nil {
		s := ss.imp.snapshot()
		iv.Started = true
		iv.Running = ss.importing()
		iv.Paused, iv.Done, iv.Total, iv.Rows = s.Paused, s.Done, s.Total, s.Rows
		iv.Progress = ss.progressText(s)
		iv.ResultsName, iv.HasResults = s.OutName, s.HasResultFile
		iv.Unknown = s.Counts[importer.StatusUnknown]
		iv.Error = s.ErrMsg
		iv.Warnings = append(iv.Warnings, s.Warnings...)
		if s.StopErr != nil && s.Done {
			iv.Stopped = ss.t("stopped", importMessage(ss.lang, s.StopErr))
		}
	}
	if u != nil {
		iv.Also = strings.Join(ss.alsoSheets(u), "、")
	}
	if rr := ss.refusedRun; rr != nil && sameConn(rr.conn, ss.conn) && !iv.Running {
		iv.Refused, iv.RefusedCode = verdictLines(ss.lang, rr.verdict), string(rr.verdict.Code)
	}
	switch {
	case iv.Running:
		iv.Why = ss.t("busy")
	case iv.Done && u != nil && ss.imp.checkOf == u.check.id && ss.imp.leftOver(ss.resendUnknown) > 0:
		iv.Continue = ss.imp.leftOver(ss.resendUnknown)
		iv.Why = ss.connProblem()
	case iv.Done && u != nil && ss.imp.checkOf == u.check.id:
		iv.Why = ss.t("imported")
	case iv.Valid == 0 && iv.Already == 0:
		iv.Why = ss.t("needRows")
	default:
		if p := ss.connProblem(); p != "" {
			iv.Why = p
		}
	}
	iv.CanImport = iv.Why == ""
	return iv
}

func (ss *session) progressText(s importSnap) string {
	parts := []string{}
	if s.Sheets > 0 && !s.Done {
		parts = append(parts, ss.t("sheetOf", s.Sheet, s.SheetAt, s.Sheets))
	}
	if s.Total >= 0 {
		parts = append(parts, fmt.Sprintf("%d / %d", s.Rows, s.Total))
	} else {
		parts = append(parts, fmt.Sprint(s.Rows))
	}
	// The rate is of the rows sent: rows an earlier run imported go by
	// without a request and would make it look faster than TMS takes them.
	if secs := s.Elapsed.Seconds(); secs > 0 && s.Sent > 0 {
		rate := float64(s.Sent) / secs
		parts = append(parts, ss.t("perSec", rate))
		if !s.Done && s.Total > s.Rows {
			parts = append(parts, ss.t("eta", int((time.Duration(float64(s.Total-s.Rows)/rate*float64(time.Second))).Seconds()+0.5)))
		}
	}
	if c := statusWords(ss.lang, s.Counts); c != "" {
		parts = append(parts, c)
	}
	return strings.Join(parts, " · ")
}

// statusText is #status: the check's counts, or the import's.
func (ss *session) statusText(iv importView) string {
	u := ss.file
	if ss.imp != nil && u != nil && ss.imp.checkOf == u.check.id {
		s := ss.imp.snapshot()
		counts := statusLine(s.Counts)
		switch {
		case s.Done:
			return ss.t("done") + " · " + counts
		case s.Paused:
			return ss.t("paused") + " · " + counts
		}
		return ss.t("importing") + " · " + counts
	}
	if u == nil {
		return ss.t("noFile")
	}
	if !u.check.done {
		return u.check.fileErr
	}
	return statusLine(u.check.counts)
}
