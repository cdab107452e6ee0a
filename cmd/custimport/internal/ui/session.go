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
	imp  *importRun // the last import, nil before the first
	// connTest is the last 「測試連線」, nil before the first.
	connTest *connTest

	page       int
	errorsOnly bool
	undo       [][]cellChange
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
	sheet      string
	encoding   string
	rows       []source.Record // every non-blank row, edits applied
	index      map[int]int     // row number → index in rows
	edited     bool
	// headerPick is the row chosen as the header, 0 for automatic.
	headerPick int
	overrides  map[int]string // column → field code or mapping.Ignore
	hdr        mapping.Header
	hdrLine    int    // the header's row number
	hdrLast    int    // its last row's: a two-row header's second row is not data
	hdrErr     string // why the header is not usable, for the page
	width      int    // widest row
	check      checkState
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

func newSession(s *Server) *session {
	return &session{srv: s, lang: s.cfg.Lang, conn: s.cfg.Conn, updateExisting: s.cfg.UpdateExisting}
}

// dropFile forgets the file and everything of it: its check, its grid
// state, its last import and that import's results. A tab still showing
// it is stale from now on. ss.mu is held and no import runs.
func (ss *session) dropFile() {
	if ss.imp != nil && ss.imp.out != "" {
		os.RemoveAll(filepath.Dir(ss.imp.out)) // the private folder of its results
	}
	ss.file, ss.imp = nil, nil
	ss.page, ss.errorsOnly, ss.undo, ss.replace = 1, false, nil, replacePreview{}
	ss.checks++
	ss.current = ss.checks
}

// load reads an upload's rows (sheet "" is the first visible one).
func (ss *session) load(name string, data []byte, sheet string) (*upload, error) {
	cfg := ss.srv.cfg
	src, err := source.OpenReaderAt(name, bytes.NewReader(data), int64(len(data)), source.Options{Sheet: sheet, MaxBytes: cfg.MaxUploadBytes})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	u := &upload{name: name, data: data, index: map[int]int{}, overrides: map[int]string{}}
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
func (ss *session) loadFirst(name string, data []byte) (*upload, error) {
	u, err := ss.load(name, data, "")
	if err != nil || !u.xlsx || ss.hasHeader(u.rows) {
		return u, err
	}
	found := ""
	for _, sheet := range u.worksheets {
		if sheet == u.sheet || !ss.sheetHasHeader(name, data, sheet) {
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
	return ss.load(name, data, found)
}

// sheetHasHeader reads the first rows of a sheet of the upload and
// reports whether a header is among them.
func (ss *session) sheetHasHeader(name string, data []byte, sheet string) bool {
	src, err := source.OpenReaderAt(name, bytes.NewReader(data), int64(len(data)), source.Options{Sheet: sheet, MaxBytes: ss.srv.cfg.MaxUploadBytes})
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
	_, err := mapping.FindHeader(cells, ss.srv.cfg.Job.Mapping)
	return err == nil
}

// mappingFile is the --mapping file with the page's column choices on top.
func (ss *session) mappingFile() (*mapping.File, error) {
	base := ss.srv.cfg.Job.Mapping
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

// content is what a job reads: the upload as sent while nothing was
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

// check runs a dry-run job over the upload and keeps every row's status.
func (ss *session) check(ctx context.Context) {
	u := ss.file
	ss.checks++
	ss.current = ss.checks
	u.check = checkState{id: ss.checks, rows: map[int]rowCheck{}, counts: map[importer.Status]int{}}
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
	data, sheet, err := u.content()
	if err != nil {
		u.check.fileErr = fileMessage(ss.lang, err)
		return
	}
	dir, err := os.MkdirTemp(ss.srv.tmp, "check-")
	if err != nil {
		u.check.fileErr = ss.t("tempFailed")
		return
	}
	defer os.RemoveAll(dir)
	opts := ss.jobOptions(u, data, sheet, mf, filepath.Join(dir, "check.xlsx"))
	opts.DryRun = true
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
	job := importer.NewJob(opts)
	var mu sync.Mutex
	job.Subscribe(func(ev importer.Event) {
		if rc, ok := ev.(importer.RowChecked); ok {
			mu.Lock()
			u.check.rows[rc.Line] = rowCheck{status: rc.Status, problems: rc.Problems}
			mu.Unlock()
		}
	})
	sum, err := job.Run(ctx)
	if err != nil {
		u.check.fileErr = fileMessage(ss.lang, err)
	}
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

// jobOptions are the options of a check or an import of u: the
// settings' (Config.Job) with the upload, the page's choices and its
// language.
func (ss *session) jobOptions(u *upload, data []byte, sheet string, mf *mapping.File, out string) importer.Options {
	opts := ss.srv.cfg.Job
	opts.Input, opts.Data, opts.Size, opts.Out = u.name, bytes.NewReader(data), int64(len(data)), out
	opts.Source = source.Options{Sheet: sheet, MaxBytes: ss.srv.cfg.MaxUploadBytes}
	opts.Mapping = mf
	opts.Validate.Lang = ss.lang
	opts.SkipHidden, opts.ResendUnknown, opts.UpdateExisting = ss.skipHidden, ss.resendUnknown, ss.updateExisting
	opts.Logger = ss.srv.log
	// The page shows INVALID rows to fix and sends the valid ones:
	// max_invalid is the command line's guard against a wrong file.
	opts.MaxInvalid = importer.Budget{}
	return opts
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
