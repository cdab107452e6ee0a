package cli

// Helpers of the bad-input and hostile-server tests: they run a command line
// in-process through Main with injected buffers and environment, build CSV
// and XLSX inputs in t.TempDir() (XLSX either with excelize or byte by byte
// with archive/zip when the test needs XML that excelize would not write),
// start the simulator on a loopback httptest server, and read the results
// file back cell by cell.

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// Credentials of the simulators and hostile servers the tests talk to.
// testKey is distinctive so a leak is found by a plain substring search.
const (
	testPNO = "BADPNO01"
	testKey = "k3y-HOSTILE-5e1d9a7c42-SECRET"
)

// resultCols are the columns the importer appends to every results sheet.
var resultCols = []string{"ImportStatus", "ImportCCODE", "ImportErrorCode", "ImportErrorMessage", "ImportWarnings"}

// runResult is what one command line did.
type runResult struct {
	code           int
	stdout, stderr string
}

func (r runResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, clip(r.stdout), clip(r.stderr))
}

// clip keeps failure output readable when a command printed megabytes.
func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + fmt.Sprintf("… (%d more bytes)\n", len(s)-4000)
	}
	return s
}

// run runs one command line in-process with the given environment.
func run(t *testing.T, env map[string]string, args ...string) runResult {
	t.Helper()
	return runIO(t, IO{Getenv: func(k string) string { return env[k] }}, args...)
}

// runIO runs one command line with io, whose Out and Err are replaced by
// buffers.
func runIO(t *testing.T, io IO, args ...string) runResult {
	t.Helper()
	var out, errb clitest.SyncBuffer // the logger and the progress report write concurrently
	io.Out, io.Err = &out, &errb
	if io.Getenv == nil {
		io.Getenv = func(string) string { return "" }
	}
	io.Getenv = withStateDir(t, io.Getenv)
	code := Main(args, io)
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// csvBytes encodes rows as CSV with encoding/csv (CRLF line ends, as Excel
// writes them).
func csvBytes(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// table is a results sheet read back: the header and the data rows, every
// row padded to the header's width.
type table struct {
	header    []string
	headerRow int // the header's row number (1-based)
	rows      [][]string
}

func newTable(t *testing.T, all [][]string) table {
	t.Helper()
	if len(all) == 0 {
		t.Fatal("results sheet is empty: no header row")
	}
	// The header is the row with ImportStatus: the rows above it are the
	// input's title rows, kept so that row numbers stay the input's.
	at := 0
	for i, r := range all[:min(len(all), 12)] {
		if slices.Contains(r, "ImportStatus") {
			at = i
			break
		}
	}
	tb := table{header: all[at], headerRow: at + 1}
	for _, r := range all[at+1:] {
		for len(r) < len(tb.header) {
			r = append(r, "")
		}
		tb.rows = append(tb.rows, r)
	}
	return tb
}

// col returns the index of the column named name.
func (tb table) col(t *testing.T, name string) int {
	t.Helper()
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	t.Fatalf("results have no column %q (header %q)", name, tb.header)
	return -1
}

// cell returns the cell of data row r (0-based) in the column named name.
func (tb table) cell(t *testing.T, r int, name string) string {
	t.Helper()
	if r >= len(tb.rows) {
		t.Fatalf("results have %d data rows, want at least %d", len(tb.rows), r+1)
	}
	return tb.rows[r][tb.col(t, name)]
}

// readCSVTable reads a results CSV (UTF-8 with a BOM) exactly as written:
// no quote prefix is removed.
func readCSVTable(t *testing.T, path string) table {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the results: %v", err)
	}
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Errorf("%s: no UTF-8 byte-order mark", filepath.Base(path))
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", filepath.Base(path), err)
	}
	return newTable(t, all)
}

// readXLSXTable reads the first sheet of a results workbook.
func readXLSXTable(t *testing.T, path string) table {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("opening the results: %v", err)
	}
	defer f.Close()
	all, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatalf("reading the results: %v", err)
	}
	return newTable(t, all)
}

// zipPart returns the content of one part of a zip archive.
func zipPart(t *testing.T, path, part string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s is not a zip archive: %v", filepath.Base(path), err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == part {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			data, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
	}
	t.Fatalf("%s has no part %s", filepath.Base(path), part)
	return ""
}

// xlsxFile builds a workbook with excelize: sheets in order, each a list of
// rows of cell values (nil leaves a cell empty), then calls edit (may be
// nil) for merges, visibility and the like, and saves it with opts.
func xlsxFile(t *testing.T, path string, sheets map[string][][]any, order []string, edit func(f *excelize.File), opts ...excelize.Options) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if s, ok := v.(string); ok {
					if err := f.SetCellStr(name, ref, s); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := f.SetCellValue(name, ref, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	if err := f.SaveAs(path, opts...); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawSheet is one worksheet of a hand-built workbook: data is the inner XML
// of <sheetData>, state "" (visible), "hidden" or "veryHidden".
type rawSheet struct {
	name, state, data string
}

// rawXLSX writes a minimal workbook byte by byte. styles is the inner XML of
// <styleSheet> ("" writes no styles part).
func rawXLSX(t *testing.T, path string, styles string, sheets ...rawSheet) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	put := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range rawParts(styles, sheets) {
		put(name, body)
	}
	for i, s := range sheets {
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), worksheet(s.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawParts returns every part of a minimal workbook but the worksheets.
func rawParts(styles string, sheets []rawSheet) map[string]string {
	const hdr = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	var ct, wbSheets, wbRels strings.Builder
	ct.WriteString(hdr + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	if styles != "" {
		ct.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	}
	for i, s := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		state := ""
		if s.state != "" {
			state = fmt.Sprintf(` state="%s"`, s.state)
		}
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, s.name, i+1, state, i+1)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	if styles != "" {
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, len(sheets)+1)
	}
	ct.WriteString(`</Types>`)
	parts := map[string]string{
		"[Content_Types].xml": ct.String(),
		"_rels/.rels": hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": hdr + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets>` + wbSheets.String() + `</sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + wbRels.String() + `</Relationships>`,
	}
	if styles != "" {
		parts["xl/styles.xml"] = hdr + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + styles + `</styleSheet>`
	}
	return parts
}

const (
	worksheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	worksheetTail = `</sheetData></worksheet>`
)

func worksheet(data string) string { return worksheetHead + data + worksheetTail }

// xmlEscape escapes text for an XML element.
func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeTo(&b, s)
	return b.String()
}

func xmlEscapeTo(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := r.WriteString(w, s)
	return err
}

// strRow is a <row> of inline-string cells from column A.
func strRow(r int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, r)
	for i, c := range cells {
		if c == "" {
			continue
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, r)
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, xmlEscape(c))
	}
	b.WriteString(`</row>`)
	return b.String()
}

// startSim starts the simulator on a loopback httptest server and returns
// it with the environment that points import at it.
func startSim(t *testing.T) (*tmssim.Server, *httptest.Server, map[string]string) {
	t.Helper()
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	env := tmsEnv(srv.URL)
	env["CUSTIMPORT_STATE_DIR"] = t.TempDir() // the test's own ledgers
	return sim, srv, env
}

// tmsEnv is the environment of an import to url.
func tmsEnv(url string) map[string]string {
	return map[string]string{"TMS_URL": url, "TMS_PNO": testPNO, "TMS_API_KEY": testKey}
}

// basicHeader is a header every test row can fill: code, name, credit limit.
var basicHeader = []string{"CCODE", "CNAM1", "CBELE"}

// stateDirs is each test's ledger folder: every run of one test shares
// it, and no test touches the user's state folder.
var stateDirs sync.Map // test name → folder

// withStateDir gives CUSTIMPORT_STATE_DIR a temporary folder of the test's
// own unless the test set it.
func withStateDir(t *testing.T, getenv func(string) string) func(string) string {
	dir, ok := stateDirs.Load(t.Name())
	if !ok {
		dir, _ = stateDirs.LoadOrStore(t.Name(), t.TempDir())
	}
	return func(k string) string {
		if v := getenv(k); v != "" || k != "CUSTIMPORT_STATE_DIR" {
			return v
		}
		return dir.(string)
	}
}

// probeOK serves TMS's read-only endpoint (the connection test before a
// run sends) from a healthy simulator with the tests' pno and key, and
// every other request with h: a TMS that passes the test and then
// misbehaves on /Cust/Add.
func probeOK(t *testing.T, h http.Handler) http.Handler {
	t.Helper()
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.URL.Path, tms.ProductQuery.Path) {
			sim.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
