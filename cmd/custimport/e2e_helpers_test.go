package main

// Helpers of the end-to-end tests: the binary under test is built once in
// TestMain and run as a separate process with a controlled environment;
// simulators are `custimport sim` processes on a free loopback port.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// Credentials of the simulators the tests start. testKey is distinctive so
// a leak is found by a plain substring search.
const (
	testPNO    = "E2EPNO01"
	testProNum = "E2EPRONUM"
	testKey    = "k3y-E2E-9f2c71d0b8a4-SECRET"
)

// resultColumns are the columns the importer appends to every results sheet.
var resultColumns = []string{"ImportStatus", "ImportCCODE", "ImportErrorCode", "ImportErrorMessage", "ImportWarnings"}

// bin is the path of the custimport binary built by TestMain.
var bin string

// stateRoot holds the tests' state folders (the ledgers), made by TestMain.
var stateRoot string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if !clitest.ProcessTests() {
		fmt.Printf("the end-to-end suite runs with %s=1 (./test.sh sets it)\n", clitest.ProcessEnv)
		return 0 // none of them runs: each would need the binary and a simulator process
	}
	dir, err := os.MkdirTemp("", "custimport-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	stateRoot = filepath.Join(dir, "state")
	if err := os.Mkdir(stateRoot, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if bin, err = clitest.Build(dir, raceEnabled); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building the binary:", err)
		return 1
	}
	return m.Run()
}

// procResult is what a finished run of the binary left.
type procResult struct {
	code           int
	stdout, stderr string
}

func (r procResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

var (
	stateMu   sync.Mutex
	stateDirs = map[string]string{} // top-level test name → its state folder
)

// testStateDir is the state folder (CUSTIMPORT_STATE_DIR: where the
// ledgers live) of the top-level test t belongs to: every run of one test
// and its subtests shares it, so a run remembers the earlier runs of the
// test and never those of another test.
func testStateDir(t *testing.T) string {
	t.Helper()
	root, _, _ := strings.Cut(t.Name(), "/")
	stateMu.Lock()
	defer stateMu.Unlock()
	if d, ok := stateDirs[root]; ok {
		return d
	}
	d, err := os.MkdirTemp(stateRoot, "state-")
	if err != nil {
		t.Fatal(err)
	}
	stateDirs[root] = d
	if t.Name() == root {
		// Forget it when the test ends (-count=2 runs the test again).
		t.Cleanup(func() {
			stateMu.Lock()
			delete(stateDirs, root)
			stateMu.Unlock()
		})
	}
	return d
}

// baseEnv is the whole environment of a process under test: nothing is
// inherited, so real TMS_* settings of the machine never leak in. The
// HOME is new on every call; the ledgers' folder is the test's (see
// testStateDir). extra holds NAME=value pairs, which win over these.
func baseEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	env := []string{
		"HOME=" + t.TempDir(),
		"TMPDIR=" + os.TempDir(),
		"PATH=/usr/bin:/bin",
		"CUSTIMPORT_STATE_DIR=" + testStateDir(t),
	}
	if raceEnabled {
		// A race in the binary ends it with exit code 66.
		env = append(env, "GORACE=halt_on_error=1 exitcode=66")
	}
	return withEnv(env, extra...)
}

// withEnv returns a copy of env with the NAME=value pairs of set, each
// replacing the variable of that name if env has it.
func withEnv(env []string, set ...string) []string {
	out := slices.Clone(env)
	for _, kv := range set {
		name, _, _ := strings.Cut(kv, "=")
		out = slices.DeleteFunc(out, func(e string) bool { return strings.HasPrefix(e, name+"=") })
		out = append(out, kv)
	}
	return out
}

// simEnv is the environment of an import against the simulator at url.
func simEnv(t *testing.T, url string) []string {
	return baseEnv(t, "TMS_URL="+url, "TMS_PNO="+testPNO, "TMS_PRONUM="+testProNum, "TMS_API_KEY="+testKey)
}

// run runs the binary in dir with env and waits for it.
func run(t *testing.T, dir string, env []string, args ...string) procResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := procResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		t.Fatalf("custimport %s: %v", strings.Join(args, " "), err)
	}
	if res.code == 66 && raceEnabled {
		t.Fatalf("custimport %s: data race in the binary:\n%s", strings.Join(args, " "), res.stderr)
	}
	return res
}

// startSim starts `custimport sim args...` with the tests' credentials (see
// clitest.StartSim: it must exit 0 on SIGINT and never print the key).
func startSim(t *testing.T, args ...string) *clitest.Sim {
	t.Helper()
	return clitest.StartSim(t, bin, baseEnv(t, "TMS_PNO="+testPNO, "TMS_PRONUM="+testProNum, "TMS_API_KEY="+testKey), args...)
}

// byCode indexes customers by CCODE.
func byCode(cs []map[string]any) map[string]map[string]any {
	m := make(map[string]map[string]any, len(cs))
	for _, c := range cs {
		m[str(c["CCODE"])] = c
	}
	return m
}

// str renders a stored JSON value as text; an absent value is "".
func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// copySamples copies the named files of the repository's samples folder into
// a new temporary folder and returns it.
func copySamples(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("..", "..", "samples", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// copyTestdata copies the named files of testdata/ into dir, so runs never
// write results beside the fixtures.
func copyTestdata(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, n, string(data))
	}
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sheet is a worksheet read back: the header and the data rows, every row
// padded to the header's width.
type sheet struct {
	name   string
	header []string
	rows   [][]string
}

// col returns the index of the named header, failing the test if absent.
func (s sheet) col(t *testing.T, name string) int {
	t.Helper()
	for i, h := range s.header {
		if h == name {
			return i
		}
	}
	t.Fatalf("sheet %q has no column %q; header %q", s.name, name, s.header)
	return -1
}

// column returns every data row's cell in the named column.
func (s sheet) column(t *testing.T, name string) []string {
	t.Helper()
	i := s.col(t, name)
	out := make([]string, len(s.rows))
	for r, row := range s.rows {
		out[r] = row[i]
	}
	return out
}

func newSheet(name string, all [][]string) sheet {
	s := sheet{name: name}
	if len(all) == 0 {
		return s
	}
	s.header = all[0]
	for _, r := range all[1:] {
		if len(r) < len(s.header) {
			r = append(r, make([]string, len(s.header)-len(r))...)
		}
		s.rows = append(s.rows, r)
	}
	return s
}

// openXLSX opens a workbook, closed when the test ends.
func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readXLSX reads the first sheet of a workbook (the results sheet of a
// results file) as text, the way Excel shows it.
func readXLSX(t *testing.T, path string) sheet {
	t.Helper()
	f := openXLSX(t, path)
	name := f.GetSheetList()[0]
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return newSheet(name, rows)
}

// readInputXLSX reads the first sheet of an input workbook as the results
// are expected to show it: as Excel shows it, except that a number in a
// date-formatted cell is the date as yyyy/mm/dd text (the results file
// carries dates as text).
func readInputXLSX(t *testing.T, path string) sheet {
	t.Helper()
	f := openXLSX(t, path)
	sh := readXLSX(t, path)
	for r, row := range sh.rows {
		for c := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+2)
			if err != nil {
				t.Fatal(err)
			}
			idx, err := f.GetCellStyle(sh.name, cell)
			if err != nil || idx == 0 {
				continue
			}
			st, err := f.GetStyle(idx)
			if err != nil || !isDateFormat(st) {
				continue
			}
			raw, err := f.GetCellValue(sh.name, cell, excelize.Options{RawCellValue: true})
			if err != nil {
				continue
			}
			serial, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				continue
			}
			tm, err := excelize.ExcelDateToTime(serial, false)
			if err == nil {
				row[c] = tm.Format("2006/01/02")
			}
		}
	}
	return sh
}

// isDateFormat reports whether a cell style shows numbers as dates.
func isDateFormat(st *excelize.Style) bool {
	if st.CustomNumFmt != nil {
		f := strings.ToLower(*st.CustomNumFmt)
		return strings.Contains(f, "y") && strings.Contains(f, "d")
	}
	return (st.NumFmt >= 14 && st.NumFmt <= 17) || st.NumFmt == 22
}

// readResultsCSV reads a results CSV, checking it starts with a UTF-8 BOM.
// readResults reads a results file, CSV or XLSX by its extension.
func readResults(t *testing.T, path string) sheet {
	t.Helper()
	if strings.HasSuffix(path, ".xlsx") {
		return readXLSX(t, path)
	}
	return readResultsCSV(t, path)
}

func readResultsCSV(t *testing.T, path string) sheet {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const bom = "\ufeff"
	if !bytes.HasPrefix(data, []byte(bom)) {
		t.Errorf("%s: starts with %q, want the UTF-8 BOM", filepath.Base(path), data[:min(len(data), 8)])
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(bom))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return newSheet(filepath.Base(path), rows)
}

// xlsxText returns the uncompressed text of every part of a workbook, for
// searching it.
func xlsxText(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&b, rc)
		rc.Close()
	}
	return b.String()
}

// fieldInfo is one entry of `custimport fields --json`.
type fieldInfo struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Type     string `json:"type"`
	MaxLen   int    `json:"max_len"`
	Required bool   `json:"required"`
	Choices  []struct {
		Value int    `json:"value"`
		Label string `json:"label"`
	} `json:"choices"`
}

var (
	catalogOnce sync.Once
	catalogList []fieldInfo
	catalogErr  error
)

// catalog is the binary's field list, read once.
func catalog(t *testing.T) []fieldInfo {
	t.Helper()
	catalogOnce.Do(func() {
		out, err := exec.Command(bin, "fields", "--json").Output()
		if err != nil {
			catalogErr = err
			return
		}
		catalogErr = json.Unmarshal(out, &catalogList)
	})
	if catalogErr != nil {
		t.Fatalf("custimport fields --json: %v", catalogErr)
	}
	return catalogList
}

// codeOfLabel maps Chinese labels (and codes) to field codes.
func codeOfLabel(t *testing.T) map[string]string {
	m := map[string]string{}
	for _, f := range catalog(t) {
		m[f.Label] = f.Code
		m[f.Code] = f.Code
	}
	return m
}

// genRow is one row of a generated CSV.
type genRow struct {
	code, name string
}

// writeGenCSV writes a CSV of n rows with CCODE, CNAM1 (a unique marker
// "row-i"), CBELE and CTELE. Rows where blank(i) is true have no code (an
// auto-numbered create); the others get prefix + i.
func writeGenCSV(t *testing.T, dir, name, prefix string, n int, blank func(i int) bool) (string, []genRow) {
	t.Helper()
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE,CTELE\n")
	rows := make([]genRow, n)
	for i := range n {
		r := genRow{name: fmt.Sprintf("row-%d", i)}
		if !blank(i) {
			r.code = fmt.Sprintf("%s%04d", prefix, i)
		}
		rows[i] = r
		fmt.Fprintf(&b, "%s,%s,%d,02-2%07d\n", r.code, r.name, 1000+i, i)
	}
	return writeFile(t, dir, name, b.String()), rows
}

// bgProc is a run of the binary in the background.
type bgProc struct {
	cmd         *exec.Cmd
	out, errOut *clitest.SyncBuffer
	done        chan error
}

// execImport starts the binary in dir and returns without waiting.
func execImport(t *testing.T, dir string, env []string, args ...string) *bgProc {
	t.Helper()
	p := &bgProc{cmd: exec.Command(bin, args...), out: &clitest.SyncBuffer{}, errOut: &clitest.SyncBuffer{}, done: make(chan error, 1)}
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.errOut
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process (at most a minute) and returns how it ended.
func (p *bgProc) wait(t *testing.T) procResult {
	t.Helper()
	var err error
	select {
	case err = <-p.done:
		p.done <- err // for the cleanup
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		t.Fatalf("custimport did not end within a minute:\n%s%s", p.out.String(), p.errOut.String())
	}
	res := procResult{stdout: p.out.String(), stderr: p.errOut.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return res
}

// ledgerPath is the ledger file of the TMS env sends to (`custimport
// ledger where` prints it on its second line).
func ledgerPath(t *testing.T, dir string, env []string) string {
	t.Helper()
	res := run(t, dir, env, "ledger", "where")
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	if res.code != 0 || len(lines) != 2 {
		t.Fatalf("ledger where: want exit 0 and two lines\n%s", res)
	}
	return lines[1]
}

// ledgerTexts returns, to search them, the bytes of the ledger env's runs
// write (with SQLite's side files, if any) and what `ledger where`,
// `ledger runs` and `ledger export -` print.
func ledgerTexts(t *testing.T, dir string, env []string) map[string]string {
	t.Helper()
	texts := map[string]string{}
	path := ledgerPath(t, dir, env)
	files, err := filepath.Glob(path + "*")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, path) {
		t.Fatalf("the ledger %s does not exist (state folder holds %v)", path, files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts["ledger file "+filepath.Base(f)] = string(data)
	}
	for _, args := range [][]string{{"ledger", "where"}, {"ledger", "runs"}, {"ledger", "export", "-"}} {
		res := run(t, dir, env, args...)
		if res.code != 0 {
			t.Fatalf("%s: want exit 0\n%s", strings.Join(args, " "), res)
		}
		texts[strings.Join(args, " ")] = res.stdout + res.stderr
	}
	return texts
}

// running reports whether the process has not ended yet.
func (p *bgProc) running() bool {
	select {
	case err := <-p.done:
		p.done <- err
		return false
	default:
		return true
	}
}

// csvText renders rows (the header first) as CSV.
func csvText(t *testing.T, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// editResultsCSV rewrites a results CSV (UTF-8 with a BOM, as the importer
// writes it) after edit changed its rows (the header is row 0), the way a
// user edits it in a spreadsheet.
func editResultsCSV(t *testing.T, path string, edit func(rows [][]string)) {
	t.Helper()
	sh := readResultsCSV(t, path)
	rows := append([][]string{sh.header}, sh.rows...)
	edit(rows)
	writeFile(t, filepath.Dir(path), filepath.Base(path), "\ufeff"+csvText(t, rows))
}

// xlsxSheet is one sheet of a workbook written by writeXLSX.
type xlsxSheet struct {
	name string
	rows [][]string // the header first; every cell is text
}

// writeXLSX writes a workbook of the sheets, in order, to dir/name and
// returns its path.
func writeXLSX(t *testing.T, dir, name string, sheets ...xlsxSheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
			}
			if err := f.SetSheetRow(sh.name, fmt.Sprintf("A%d", r+1), &cells); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := filepath.Join(dir, name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// rewriteZipPart replaces one part of a zip file (an XLSX) with what
// change makes of it, keeping the others as they are.
func rewriteZipPart(t *testing.T, path, part string, change func(string) string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == part {
			found = true
			data = []byte(change(string(data)))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s has no part %s", path, part)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// simRequests is how many POST /Cust/Add the simulator received.
func simRequests(t *testing.T, sim *clitest.Sim) int {
	t.Helper()
	n, err := strconv.Atoi(str(sim.Stats(t)["Requests"]))
	if err != nil {
		t.Fatalf("simulator stats: Requests: %v", err)
	}
	return n
}
