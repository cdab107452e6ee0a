package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// session is the page's state: the upload, its check, the connection and
// the import. Handlers hold mu; the import's events take only imp.mu.
type session struct {
	srv  *Server
	mu   sync.Mutex
	lang string
	conn connect.Settings // Key lives here, in memory only
	file *upload
	// mapping is the mapping file the column choices start from: the
	// configuration's (--mapping), or one loaded on the page.
	mapping     *mapping.File
	mappingName string // its name, when loaded on the page
	// remembered is the column choices remembered on this PC for the
	// headers of the file shown, when they differ from the page's (nil:
	// none to offer).
	remembered *remembered
	// notice is a problem the page's first view shows (a file to open
	// it with that could not be read), once.
	notice string
	// lockedFile is a workbook chosen that waits for its password.
	lockedFile *lockedUpload
	// pageDefaults are the defaults typed on the page (信用額度: CBELE),
	// on top of the configuration's.
	pageDefaults map[string]string
	imp          *importRun // the last import, nil before the first
	// connTest is the last 「測試連線」, nil before the first.
	connTest *connTest
	// refusedRun is the connection test that stopped the last 匯入
	// before its first row (nil: none did).
	refusedRun *connTest

	page       int
	errorsOnly bool
	undo       []changes
	replace    replacePreview
	checks     int // checks run, for checkState.id
	// current is the id of what the page shows: the last check's, or a
	// new one when the file went. A tab that sends another is stale.
	current int
	// skipHidden, resendUnknown and updateExisting are the page's
	// --skip-hidden, --resend-unknown and --update-existing.
	skipHidden, resendUnknown, updateExisting bool
	// existing describes the list of existing customers of the TMS (nil:
	// none loaded, or not known yet), as the last check or upload found.
	existing      *ledger.ExistingInfo
	existingStale bool
}

// upload is one uploaded file and its edits.
type upload struct {
	name   string
	data   []byte // the upload as sent
	xlsx   bool
	sheets []string
	// worksheets are the visible worksheets (no hidden or chart sheet).
	worksheets []string
	// listSheets are those that hold a customer list (a header among
	// their first rows), in the workbook's order: the ones the page
	// offers to import together.
	listSheets []string
	// also are the other list sheets ticked to import with this one.
	also     map[string]bool
	sheet    string
	encoding string
	rows     []source.Record // every non-blank row, edits applied
	index    map[int]int     // row number → index in rows
	edited   bool
	// password opens an encrypted workbook (typed on the page; in
	// memory only, never rendered).
	password string
	// headerPick is the row chosen as the header, 0 for automatic.
	headerPick int
	overrides  map[int]string // column → field code or mapping.Ignore
	hdr        mapping.Header
	hdrLine    int    // the header's row number
	hdrLast    int    // its last row's: a two-row header's second row is not data
	hdrErr     string // why the header is not usable, for the page
	width      int    // widest row
	check      checkState
	// checker is the last full check's, which an edit asks again (nil:
	// the next check is a full one); checkerLedger, whether it read a
	// ledger, and checkerImp the import shown when it was made (after
	// another, the ledger knows more: the next check is a full one).
	checker       *importer.Checker
	checkerLedger bool
	checkerImp    *importRun
}

// checkState is the last check's outcome.
type checkState struct {
	id      int // which check: an import shows results for the check it sent
	done    bool
	rows    map[int]rowCheck // by row number
	counts  map[importer.Status]int
	notSent int // VALID rows the import would not send (the ledger knows them)
	// willCreate is how many rows would create a customer.
	willCreate int
	warnings   []string
	fileErr    string // the check could not run: why, for the page
}

type rowCheck struct {
	status   importer.Status
	problems []validate.Problem
}

// cellChange is one cell's previous value, for undo.
type cellChange struct {
	line, col int
	old       string
}

// changes are the cells one step of undo puts back.
type changes []cellChange

func newSession(s *Server) *session {
	return &session{srv: s, lang: s.cfg.Lang, conn: s.cfg.Conn, updateExisting: s.cfg.UpdateExisting, mapping: s.cfg.Job.Mapping}
}

// dropFile forgets the file and everything of it: its check, its grid
// state, its last import and that import's results. A tab still showing
// it is stale from now on. ss.mu is held and no import runs.
func (ss *session) dropFile() {
	if ss.imp != nil && ss.imp.out != "" {
		os.RemoveAll(filepath.Dir(ss.imp.out)) // the private folder of its results
	}
	ss.file, ss.imp, ss.lockedFile, ss.remembered = nil, nil, nil, nil
	ss.page, ss.errorsOnly, ss.undo, ss.replace = 1, false, nil, replacePreview{}
	ss.checks++
	ss.current = ss.checks
}

// load reads an upload's rows (sheet "" is the first visible one;
// password opens an encrypted workbook).
func (ss *session) load(name string, data []byte, sheet, password string) (*upload, error) {
	cfg := ss.srv.cfg
	src, err := source.OpenReaderAt(name, bytes.NewReader(data), int64(len(data)), source.Options{Sheet: sheet, MaxBytes: cfg.MaxUploadBytes, Password: password})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	u := &upload{name: name, data: data, password: password, index: map[int]int{}, overrides: map[int]string{}}
	switch r := src.(type) {
	case *source.XLSXReader:
		u.xlsx, u.sheets, u.sheet, u.worksheets = true, r.SheetNames(), r.Sheet(), r.Worksheets()
	case *source.CSVReader:
		u.encoding = r.Encoding()
	}
	for {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(u.rows) >= cfg.MaxRows {
			return nil, errTooManyRows
		}
		u.index[rec.Line] = len(u.rows)
		u.rows = append(u.rows, rec)
		u.width = max(u.width, len(rec.Cells))
	}
	if len(u.rows) == 0 {
		return nil, source.ErrEmptyFile
	}
	return u, nil
}

var errTooManyRows = errors.New("too many rows")

// loadFirst reads a new upload. A workbook whose first visible sheet has
// no header (a cover sheet of instructions) opens on the one other
// visible sheet that has one, as the command line does; with none or
// several, it opens on the first and the sheet picker is there. The
// other sheets are only probed (their first rows), not loaded.
func (ss *session) loadFirst(name string, data []byte, password string) (*upload, error) {
	u, err := ss.loadOne(name, data, password)
	if err == nil && u.xlsx && len(u.worksheets) > 1 {
		for _, sheet := range u.worksheets {
			if sheet == u.sheet && ss.hasHeader(u.rows) || sheet != u.sheet && ss.sheetHasHeader(name, data, sheet, password) {
				u.listSheets = append(u.listSheets, sheet)
			}
		}
	}
	return u, err
}

// loadOne reads the sheet a new upload opens on.
func (ss *session) loadOne(name string, data []byte, password string) (*upload, error) {
	u, err := ss.load(name, data, "", password)
	if err != nil || !u.xlsx || ss.hasHeader(u.rows) {
		return u, err
	}
	found := ""
	for _, sheet := range u.worksheets {
		if sheet == u.sheet || !ss.sheetHasHeader(name, data, sheet, password) {
			continue
		}
		if found != "" {
			return u, nil // several: the user picks
		}
		found = sheet
	}
	if found == "" {
		return u, nil
	}
	return ss.load(name, data, found, password)
}

// sheetHasHeader reads the first rows of a sheet of the upload and
// reports whether a header is among them.
func (ss *session) sheetHasHeader(name string, data []byte, sheet, password string) bool {
	src, err := source.OpenReaderAt(name, bytes.NewReader(data), int64(len(data)), source.Options{Sheet: sheet, MaxBytes: ss.srv.cfg.MaxUploadBytes, Password: password})
	if err != nil {
		return false
	}
	defer src.Close()
	rows, _ := source.ReadAtMost(src, mapping.HeaderSearchRows) // what could be read
	return ss.hasHeader(rows)
}

// hasHeader reports whether a header is found in the first of rows.
func (ss *session) hasHeader(rows []source.Record) bool {
	var cells [][]string
	for _, rec := range rows[:min(len(rows), mapping.HeaderSearchRows)] {
		cells = append(cells, rec.Cells)
	}
	_, err := mapping.FindHeader(cells, ss.mapping)
	return err == nil
}

// mappingFile is the --mapping file with the page's column choices on top.
func (ss *session) mappingFile() (*mapping.File, error) {
	base := ss.mapping
	u := ss.file
	if u == nil || len(u.overrides) == 0 {
		return base, nil
	}
	y := struct {
		Columns     map[string]string `yaml:"columns"`
		Defaults    map[string]string `yaml:"defaults,omitempty"`
		DateFormats map[string]string `yaml:"date_formats,omitempty"`
	}{Columns: map[string]string{}}
	if base != nil {
		for k, v := range base.Columns {
			y.Columns[k] = v
		}
		y.Defaults, y.DateFormats = base.Defaults, base.DateFormats
	}
	for col, code := range u.overrides {
		// The column's header as read: under a merged parent, parent/sub
		// (電話/公司), which the mapping file names it by.
		if col < len(u.hdr.Columns) && strings.TrimSpace(u.hdr.Columns[col].Header) != "" {
			y.Columns[u.hdr.Columns[col].Header] = code
		}
	}
	data, err := yaml.Marshal(y)
	if err != nil {
		return nil, err
	}
	return mapping.ParseFile(data)
}

// headerCells is the header row's cells (nil when none).
func (u *upload) headerCells() []string {
	if i, ok := u.index[u.hdrLine]; ok {
		return u.rows[i].Cells
	}
	return nil
}

// findHeader finds the header row as the importer will: among the first
// rows, or the row the user picked.
func (u *upload) findHeader(mf *mapping.File) error {
	start := 0
	if u.headerPick > 0 {
		i, ok := u.index[u.headerPick]
		if !ok {
			u.headerPick = 0
		} else {
			start = i
		}
	}
	var lead [][]string
	for _, r := range u.rows[start:] {
		if len(lead) == mapping.HeaderSearchRows {
			break
		}
		lead = append(lead, r.Cells)
	}
	hdr, err := mapping.FindHeader(lead, mf)
	u.hdr, u.hdrLine, u.hdrLast = hdr, u.rows[start+hdr.Row].Line, u.rows[start+hdr.Last].Line
	return err
}

// content is what an import reads: the upload as sent while nothing was
// changed, else the rows (from the header down, when the header was
// picked) written to a workbook in memory at their own row numbers.
func (u *upload) content() ([]byte, string, error) {
	if !u.edited && u.headerPick == 0 {
		return u.data, u.sheet, nil
	}
	// The workbook's sheet is the upload's (北區, not Sheet1), so that the
	// results' Summary names it; a CSV's rows go to a sheet the importer
	// does not name (the input is delimited text).
	sheet := u.sheet
	if !u.xlsx {
		sheet = ""
	}
	data, err := writeWorkbook(u.rows, u.headerPick, sheet)
	return data, sheet, err
}

// checkRows are the rows a check reads: from the picked header down.
func (u *upload) checkRows() []source.Record {
	if i, ok := u.index[u.headerPick]; ok && u.headerPick > 0 {
		return u.rows[i:]
	}
	return u.rows
}

// check checks the upload's rows from the start (importer.Checker: a
// dry-run of the rows in memory, no file written) and keeps every row's
// status, and the Checker for the edits to come.
func (ss *session) check(ctx context.Context) {
	u := ss.file
	ss.checks++
	ss.current = ss.checks
	u.check = checkState{id: ss.checks, rows: map[int]rowCheck{}, counts: map[importer.Status]int{}}
	u.checker = nil
	mf, err := ss.mappingFile()
	if err != nil {
		u.check.fileErr = ss.t("badMapping")
		return
	}
	if err := u.findHeader(mf); err != nil {
		u.hdrErr = fileMessage(ss.lang, err)
	} else {
		u.hdrErr = ""
	}
	opts := ss.jobOptions(u, nil, u.sheet, mf, "")
	opts.Data, opts.Size, opts.DryRun, opts.NoResults = nil, 0, true, true
	if u.xlsx {
		opts.Rows = importer.RecordRows(u.sheet, u.checkRows())
	} else {
		opts.Source.Sheet = ""
		opts.Rows = importer.TextRows(u.checkRows())
	}
	db, closeDB, err := ss.conn.PeekLedger(ctx, ss.srv.cfg.Getenv)
	if err == nil && db != nil {
		opts.Ledger = db
	}
	defer closeDB()
	if list, err := ss.configuredList(ctx, db); err != nil {
		u.check.fileErr = ss.t("existingBad", existingMessage(ss.lang, err))
		return
	} else if list != nil {
		opts.Existing = list
	}
	c, err := importer.NewChecker(ctx, opts)
	if c == nil {
		u.check.fileErr = fileMessage(ss.lang, err)
		return
	}
	u.checker, u.checkerLedger, u.checkerImp = c, opts.Ledger != nil, ss.imp
	for _, rc := range c.Rows() {
		u.check.rows[rc.Line] = rowCheck{status: rc.Status, problems: rc.Problems}
	}
	ss.checked(c.Summary(), err)
}

// checked keeps what the page shows of a check's summary.
func (ss *session) checked(sum importer.Summary, err error) {
	u := ss.file
	u.check.fileErr = ""
	if err != nil {
		ss.srv.log.Warn("the check of the upload ended early", "err", err)
		u.check.fileErr = fileMessage(ss.lang, err)
	}
	clear(u.check.counts)
	for st, n := range sum.Counts {
		u.check.counts[st] = n
	}
	u.check.warnings = sum.Warnings
	u.check.notSent = sum.WouldSettle + sum.WouldHold
	u.check.willCreate = sum.WillCreate
	u.check.done = true
	if err == nil {
		ss.existing, ss.existingStale = sum.Existing, sum.ExistingStale
	}
}

// recheck checks the upload again after the cells of rows at lines
// changed: the last check's Checker checks those rows and the file-wide
// checks (importer.Checker.Set), which is a full check's verdict at the
// cost of a few rows. It returns the rows whose verdict changed, and
// false when it made a full check instead: no Checker, a change among
// the rows the header is looked for in, or the ledger is not the one the
// Checker read (an import since, or a ledger made or gone).
func (ss *session) recheck(ctx context.Context, lines []int) ([]int, bool) {
	u := ss.file
	full := u.checker == nil || u.checkerImp != ss.imp
	start := 0
	if i, ok := u.index[u.headerPick]; ok && u.headerPick > 0 {
		start = i
	}
	var recs []source.Record
	for _, line := range lines {
		i, ok := u.index[line]
		if !ok || i < start+mapping.HeaderSearchRows {
			full = true // the header may move: the page finds it again
		}
		if ok {
			recs = append(recs, u.rows[i])
		}
	}
	db, closeDB, err := ss.conn.PeekLedger(ctx, ss.srv.cfg.Getenv)
	defer closeDB()
	if err != nil || (db != nil) != u.checkerLedger {
		full = true
	}
	if full {
		ss.check(ctx)
		return nil, false
	}
	var l importer.Ledger
	if db != nil {
		l = db
	}
	changed, err := u.checker.Set(ctx, l, recs...)
	if err != nil {
		// The check of the whole file says what it is (the ledger could
		// not be read, ...), as the first one did.
		ss.check(ctx)
		return nil, false
	}
	ss.checks++
	ss.current = ss.checks
	u.check.id = ss.checks
	out := make([]int, 0, len(changed))
	for _, rc := range changed {
		out = append(out, rc.Line)
		if rc.Status == "" {
			delete(u.check.rows, rc.Line)
			continue
		}
		u.check.rows[rc.Line] = rowCheck{status: rc.Status, problems: rc.Problems}
	}
	ss.checked(u.checker.Summary(), nil)
	return out, true
}

// jobOptions are the options of a check or an import of u: the
// settings' (Config.Job) with the upload, the page's choices and its
// language.
func (ss *session) jobOptions(u *upload, data []byte, sheet string, mf *mapping.File, out string) importer.Options {
	opts := ss.srv.cfg.Job
	opts.Input, opts.Data, opts.Size, opts.Out = u.name, bytes.NewReader(data), int64(len(data)), out
	opts.Source = source.Options{Sheet: sheet, MaxBytes: ss.srv.cfg.MaxUploadBytes, Password: u.password}
	opts.Mapping = mf
	opts.Validate.Lang, opts.Validate.Defaults = ss.lang, ss.defaults()
	opts.SkipHidden, opts.ResendUnknown, opts.UpdateExisting = ss.skipHidden, ss.resendUnknown, ss.updateExisting
	opts.Logger = ss.srv.log
	opts.Hints = pageHints
	// The page shows INVALID rows to fix and sends the valid ones:
	// max_invalid is the command line's guard against a wrong file.
	opts.MaxInvalid = importer.Budget{}
	return opts
}

// alsoSheets are the other sheets ticked to import with the one shown,
// in the workbook's order.
func (ss *session) alsoSheets(u *upload) []string {
	var out []string
	for _, sheet := range u.listSheets {
		if sheet != u.sheet && u.also[sheet] {
			out = append(out, sheet)
		}
	}
	return out
}

// creditField is 信用額度, the field a create needs: the page has an
// input for its default.
const creditField = "CBELE"

// defaults are the check's and the import's defaults: the
// configuration's, a mapping file's loaded on the page, then the page's
// own (nil when none).
func (ss *session) defaults() map[string]string {
	d := map[string]string{}
	for k, v := range ss.srv.cfg.Job.Validate.Defaults {
		d[k] = v
	}
	if ss.mapping != nil && ss.mapping != ss.srv.cfg.Job.Mapping {
		for k, v := range ss.mapping.Defaults {
			d[k] = v
		}
	}
	for k, v := range ss.pageDefaults {
		d[k] = v
	}
	if len(d) == 0 {
		return nil
	}
	return d
}

// mappingDefaults are the defaults a mapping file saved from the page
// carries: every default the page's check uses.
func (ss *session) mappingDefaults() map[string]string { return ss.defaults() }

// setPageDefault sets a field's default typed on the page ("" removes it).
func (ss *session) setPageDefault(code, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		delete(ss.pageDefaults, code)
		return
	}
	if ss.pageDefaults == nil {
		ss.pageDefaults = map[string]string{}
	}
	ss.pageDefaults[code] = v
}

// setCell changes one cell; it returns the old value.
func (u *upload) setCell(line, col int, value string) (string, bool) {
	i, ok := u.index[line]
	if !ok || col < 0 || col >= max(u.width, len(u.hdr.Columns)) || line <= u.hdrLast {
		return "", false
	}
	cells := u.rows[i].Cells
	for len(cells) <= col {
		cells = append(cells, "")
	}
	old := cells[col]
	cells[col] = value
	u.rows[i].Cells = cells
	u.width = max(u.width, len(cells))
	u.edited = true
	return old, true
}

// dataLines are the row numbers below the header, in order; with
// errorsOnly only the rows that need attention.
func (u *upload) dataLines(errorsOnly bool, status func(line int) importer.Status) []int {
	var out []int
	for _, r := range u.rows {
		if r.Line <= u.hdrLast {
			continue
		}
		if errorsOnly {
			if st := status(r.Line); st == "" || st.Good() {
				continue
			}
		}
		out = append(out, r.Line)
	}
	return out
}

// statusLine is "VALID 3 · INVALID 1": the counts in the summaries' order.
func statusLine(counts map[importer.Status]int) string {
	var parts []string
	for _, st := range importer.Statuses {
		if n := counts[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	return strings.Join(parts, " · ")
}
