package main

// End-to-end tests of the ledger: sequences of runs that each created a
// customer twice when what was sent was remembered per results file (the
// old <out>.journal), and must create each customer exactly once now that
// the tenant's ledger remembers it. Each counts the simulator's store.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// csvResults keeps these tests' results CSV, as the office staff's
// fix-and-feed-back workflow edits them (XLSX is the default).
const csvResults = "--results-format=csv"

// custHeader is the header of the CSV files of these tests.
var custHeader = []string{"CCODE", "CNAM1", "CTELE", "CBELE"}

// withHeader returns the rows under custHeader.
func withHeader(rows ...[]string) [][]string {
	return append([][]string{custHeader}, rows...)
}

// mustRun runs the binary and fails the test unless it exits with want.
func mustRun(t *testing.T, dir string, env []string, want int, args ...string) procResult {
	t.Helper()
	res := run(t, dir, env, args...)
	if res.code != want {
		t.Fatalf("custimport %s: got exit %d, want %d\n%s", strings.Join(args, " "), res.code, want, res)
	}
	return res
}

// wantStatuses checks a results sheet's ImportStatus column, row by row,
// and returns its ImportCCODE column.
func wantStatuses(t *testing.T, what string, sh sheet, want ...string) []string {
	t.Helper()
	st, cc, msg := sh.column(t, "ImportStatus"), sh.column(t, "ImportCCODE"), sh.column(t, "ImportErrorMessage")
	if !slices.Equal(st, want) {
		for i := range st {
			t.Logf("%s row %d: %s %q %s", what, i+2, st[i], cc[i], msg[i])
		}
		t.Fatalf("%s: ImportStatus got %q, want %q", what, st, want)
	}
	return cc
}

// wantCustomers checks how many customers the simulator holds and returns
// them by code.
func wantCustomers(t *testing.T, what string, sim *clitest.Sim, want int) map[string]map[string]any {
	t.Helper()
	cs := sim.Customers(t)
	if len(cs) != want {
		for _, c := range cs {
			t.Logf("%s: stored %s %s %s", what, str(c["CCODE"]), str(c["CNAM1"]), str(c["CTELE"]))
		}
		t.Fatalf("%s: the simulator holds %d customers, want %d", what, len(cs), want)
	}
	return byCode(cs)
}

// wantAutoCodes checks that the codes are automatic ones, all different,
// none of them in seen (earlier codes), and adds them to seen.
func wantAutoCodes(t *testing.T, what string, codes []string, seen map[string]bool) {
	t.Helper()
	for i, c := range codes {
		if !autoCode.MatchString(c) {
			t.Errorf("%s: code %d is %q, want an automatic code", what, i, c)
		}
		if seen[c] {
			t.Errorf("%s: code %q given twice", what, c)
		}
		seen[c] = true
	}
}

// (a) A row fixed in its results file and fed back is created; the same
// fix made in the input afterwards, and the input imported again, must not
// create it again.
func TestLedgerFixedInResultsThenInInput(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	input := withHeader(
		[]string{"A001", "甲商行", "02-11110001", "1000"},
		[]string{"", "乙商行", "02-11110002", "2000"},
		[]string{"", "丙商行", "02-11110003", "一千"}, // not a number: INVALID
	)
	writeFile(t, dir, "a.csv", csvText(t, input))

	mustRun(t, dir, env, 1, "import", csvResults, "a.csv")
	first := wantStatuses(t, "first run", readResultsCSV(t, filepath.Join(dir, "a.results.csv")), "OK", "OK", "INVALID")
	wantCustomers(t, "first run", sim, 2)

	// The user fixes the row in the results file and feeds it back.
	editResultsCSV(t, filepath.Join(dir, "a.results.csv"), func(rows [][]string) { rows[3][3] = "3000" })
	mustRun(t, dir, env, 0, "import", csvResults, "a.results.csv")
	fed := wantStatuses(t, "results fed back", readResultsCSV(t, filepath.Join(dir, "a.results.rerun.csv")), "OK", "OK", "OK")
	if fed[0] != first[0] || fed[1] != first[1] {
		t.Errorf("results fed back: codes %q, want the first run's %q", fed[:2], first[:2])
	}
	wantAutoCodes(t, "results fed back", fed[1:], map[string]bool{})
	wantCustomers(t, "results fed back", sim, 3)

	// Then fixes the input the same way and imports it again.
	input[3][3] = "3000"
	writeFile(t, dir, "a.csv", csvText(t, input))
	requests := simRequests(t, sim)
	mustRun(t, dir, env, 0, "import", csvResults, "a.csv")
	again := wantStatuses(t, "input fixed", readResultsCSV(t, filepath.Join(dir, "a.results.csv")), "OK", "OK", "OK")
	if !slices.Equal(again, fed) {
		t.Errorf("input fixed: codes %q, want %q (those of the results fed back)", again, fed)
	}
	wantCustomers(t, "input fixed", sim, 3)
	if n := simRequests(t, sim); n != requests {
		t.Errorf("input fixed: %d requests sent, want none (TMS has every row already)", n-requests)
	}
}

// (b) The same list saved under another name, or copied to another
// folder, and imported again creates nothing. (j) `ledger find` and
// `ledger export` then tell which run created which customer.
func TestLedgerCopiedFile(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	list := csvText(t, withHeader(
		[]string{"", "北極星貿易有限公司", "02-44440001", "1000"},
		[]string{"B001", "南風企業社", "02-44440002", "2000"},
		[]string{"", "Acme Trading Co.", "02-44440003", "3000"},
	))
	writeFile(t, dir, "list.csv", list)
	mustRun(t, dir, env, 0, "import", csvResults, "list.csv")
	codes := wantStatuses(t, "first run", readResultsCSV(t, filepath.Join(dir, "list.results.csv")), "OK", "OK", "OK")
	wantCustomers(t, "first run", sim, 3)

	if err := os.Mkdir(filepath.Join(dir, "other"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, results string }{
		{"saved under another name", "list (2).csv", "list (2).results.csv"},
		{"copied to another folder", filepath.Join("other", "list.csv"), filepath.Join("other", "list.results.csv")},
		{"copied and renamed to xlsx-like name", filepath.Join("other", "客戶名單-final.csv"), filepath.Join("other", "客戶名單-final.results.csv")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, dir, tc.path, list)
			requests := simRequests(t, sim)
			mustRun(t, dir, env, 0, "import", csvResults, tc.path)
			got := wantStatuses(t, tc.name, readResultsCSV(t, filepath.Join(dir, tc.results)), "OK", "OK", "OK")
			if !slices.Equal(got, codes) {
				t.Errorf("codes %q, want the first run's %q", got, codes)
			}
			wantCustomers(t, tc.name, sim, 3)
			if n := simRequests(t, sim); n != requests {
				t.Errorf("%d requests sent, want none", n-requests)
			}
		})
	}

	source := filepath.Join(dir, "list.csv")
	t.Run("ledger find", func(t *testing.T) {
		for _, tc := range []struct{ query, code, bug string }{
			{"北極星", codes[0], ""},
			{"北極星貿易有限公司", codes[0], ""},
			{codes[0], codes[0], ""},
			{"acme", codes[2], ""},
			{"Acme Trading Co.", codes[2], ""},
		} {
			t.Run(tc.query, func(t *testing.T) {
				if tc.bug != "" {
					t.Skip("BUG: " + tc.bug)
				}
				res := mustRun(t, dir, env, 0, "ledger", "find", tc.query)
				lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
				if len(lines) != 1 {
					t.Errorf("got %d lines, want 1 (one create)\n%s", len(lines), res.stdout)
				}
				if !regexp.MustCompile(`^` + tc.code + `\s`).MatchString(lines[0]) {
					t.Errorf("%q does not start with the code %s", lines[0], tc.code)
				}
				if !strings.Contains(lines[0], source) {
					t.Errorf("%q does not name the source file %s", lines[0], source)
				}
			})
		}
		// The customer with a code was never created by custimport, but
		// it sent the code: find names it.
		res := run(t, dir, env, "ledger", "find", "南風")
		if res.code != 0 || !regexp.MustCompile(`(?m)^B001\s+sent\s+南風企業社`).MatchString(res.stdout) {
			t.Errorf("ledger find of a customer imported under its code: got exit %d, want 0 and the code sent\n%s", res.code, res)
		}
	})

	t.Run("ledger export", func(t *testing.T) {
		res := mustRun(t, dir, env, 0, "ledger", "export", "out.csv")
		if !strings.Contains(res.stderr, "out.csv") {
			t.Errorf("ledger export does not say what it wrote:\n%s", res)
		}
		exp := readResultsCSV(t, filepath.Join(dir, "out.csv"))
		if len(exp.rows) != 2 {
			t.Fatalf("ledger export: %d lines, want 2 (one per create)\n%q", len(exp.rows), exp.rows)
		}
		// The export lists creates in the order they were claimed, which
		// concurrent workers decide: put them in file order to compare.
		sort.Slice(exp.rows, func(i, j int) bool {
			a, _ := strconv.Atoi(exp.rows[i][exp.col(t, "row")])
			b, _ := strconv.Atoi(exp.rows[j][exp.col(t, "row")])
			return a < b
		})
		for i, want := range []string{codes[0], codes[2]} {
			row := exp.rows[i]
			if got := row[exp.col(t, "ccode")]; got != want {
				t.Errorf("export line %d: ccode %q, want %q", i+1, got, want)
			}
			if got := row[exp.col(t, "state")]; got != "created" {
				t.Errorf("export line %d: state %q, want created", i+1, got)
			}
			if got := row[exp.col(t, "source")]; got != source {
				t.Errorf("export line %d: source %q, want %q", i+1, got, source)
			}
			if got := row[exp.col(t, "row")]; got != fmt.Sprint([]int{2, 4}[i]) {
				t.Errorf("export line %d: row %q, want %d", i+1, got, []int{2, 4}[i])
			}
		}
	})
}

// (c) A created auto-numbered row edited and moved up (a row above it
// deleted), and a new customer put on its old line: the edited row is held
// as UNKNOWN naming the customer created before, the new one is created.
func TestLedgerEditedRowMovedNewRowInItsPlace(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	writeFile(t, dir, "c.csv", csvText(t, withHeader(
		[]string{"", "甲商行", "02-22220001", "1000"},
		[]string{"", "乙商行", "02-22220002", "2000"},
		[]string{"C001", "丙企業", "02-22220003", "3000"},
	)))
	mustRun(t, dir, env, 0, "import", csvResults, "c.csv")
	first := wantStatuses(t, "first run", readResultsCSV(t, filepath.Join(dir, "c.results.csv")), "OK", "OK", "OK")
	wantCustomers(t, "first run", sim, 3)

	writeFile(t, dir, "c.csv", csvText(t, withHeader(
		[]string{"", "乙商行", "02-29999999", "2000"}, // was line 3; phone changed
		[]string{"", "丁商行", "02-22220004", "4000"}, // new, on 乙's old line
		[]string{"C001", "丙企業", "02-22220003", "3000"},
	)))
	res := mustRun(t, dir, env, 1, "import", csvResults, "c.csv")
	out := readResultsCSV(t, filepath.Join(dir, "c.results.csv"))
	second := wantStatuses(t, "edited file", out, "UNKNOWN", "OK", "OK")
	if msg := out.column(t, "ImportErrorMessage")[0]; !strings.Contains(msg, first[1]) {
		t.Errorf("edited 乙 row: message %q does not name %s, the code 乙 was created under", msg, first[1])
	}
	if !strings.Contains(res.stdout, "UNKNOWN 1") {
		t.Errorf("summary does not say UNKNOWN 1:\n%s", res.stdout)
	}
	wantAutoCodes(t, "edited file", second[1:2], map[string]bool{first[0]: true, first[1]: true})
	if second[2] != "C001" {
		t.Errorf("C001 row: code %q, want C001", second[2])
	}
	store := wantCustomers(t, "edited file", sim, 4)
	if got := str(store[first[1]]["CTELE"]); got != "02-22220002" {
		t.Errorf("乙 (%s): stored phone %q, want the first run's (the held row is not sent)", first[1], got)
	}
	if got := str(store[second[1]]["CNAM1"]); got != "丁商行" {
		t.Errorf("%s: stored name %q, want 丁商行", second[1], got)
	}
}

// (d) Two runs at once against one TMS, on copies of a file: the second
// gives up at once naming the first (default --wait 0), or with --wait
// waits for it and then has nothing left to create.
func TestLedgerConcurrentRuns(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	const n = 20
	_, rows := writeGenCSV(t, dir, "d.csv", "D", n, func(i int) bool { return i%3 == 0 })
	data, err := os.ReadFile(filepath.Join(dir, "d.csv"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "d-copy.csv", string(data))

	// At 5 rows a second the first run takes about 4 s.
	first := execImport(t, dir, env, "import", csvResults, "--rate", "5", "d.csv")
	deadline := time.Now().Add(30 * time.Second)
	for len(sim.Customers(t)) == 0 {
		if time.Now().After(deadline) || !first.running() {
			t.Fatalf("the first run sent nothing within 30 s:\n%s%s", first.out, first.errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}

	res := run(t, dir, env, "import", csvResults, "d-copy.csv")
	if !first.running() {
		t.Fatal("the first run ended before the second started: make it slower")
	}
	if res.code != 2 {
		t.Fatalf("second run at once: got exit %d, want 2\n%s", res.code, res)
	}
	if want := fmt.Sprintf("pid %d", first.cmd.Process.Pid); !strings.Contains(res.stderr, want) {
		t.Errorf("second run: stderr does not name the first run (%s):\n%s", want, res.stderr)
	}
	if !strings.Contains(res.stderr, "d.csv") {
		t.Errorf("second run: stderr does not name the first run's file d.csv:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "d-copy.results.csv")); err == nil {
		t.Errorf("the run that could not start wrote d-copy.results.csv")
	}

	waiting := execImport(t, dir, env, "import", csvResults, "--wait", "2m", "d-copy.csv")
	if !first.running() {
		t.Fatal("the first run ended before the waiting run started: make it slower")
	}
	if r := first.wait(t); r.code != 0 {
		t.Fatalf("first run: got exit %d, want 0\n%s", r.code, r)
	}
	codes := wantStatuses(t, "first run", readResultsCSV(t, filepath.Join(dir, "d.results.csv")), slices.Repeat([]string{"OK"}, n)...)
	requests := simRequests(t, sim)
	if r := waiting.wait(t); r.code != 0 {
		t.Fatalf("waiting run: got exit %d, want 0\n%s", r.code, r)
	}
	got := wantStatuses(t, "waiting run", readResultsCSV(t, filepath.Join(dir, "d-copy.results.csv")), slices.Repeat([]string{"OK"}, n)...)
	if !slices.Equal(got, codes) {
		t.Errorf("waiting run: codes %q, want the first run's %q", got, codes)
	}
	for i, r := range rows {
		if r.code != "" && codes[i] != r.code {
			t.Errorf("row %d: code %q, want %q", i+2, codes[i], r.code)
		}
	}
	wantCustomers(t, "after both runs", sim, n)
	if got := simRequests(t, sim); got != requests {
		t.Errorf("waiting run: sent %d requests, want none", got-requests)
	}
}

// (e) Two sheets whose names make the same file name (北區|A and 北區_A),
// each imported with --sheet: each sheet's customers are created once.
func TestLedgerSheetsWithLookalikeNames(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	sheets := []xlsxSheet{
		{"北區|A", withHeader(
			[]string{"", "北一商行", "02-55550001", "1000"},
			[]string{"", "北二商行", "02-55550002", "2000"},
			[]string{"N001", "北三企業", "02-55550003", "3000"},
		)},
		{"北區_A", withHeader(
			[]string{"", "北四商行", "02-55550004", "4000"},
			[]string{"", "北五商行", "02-55550005", "5000"},
			[]string{"N002", "北六企業", "02-55550006", "6000"},
		)},
	}
	writeXLSX(t, dir, "book.xlsx", sheets...)
	resultsLine := regexp.MustCompile(`(?m)^(?:結果檔|Results): (.+)$`)

	codes := map[string][]string{}
	seen := map[string]bool{}
	outputs := map[string]string{}
	for round, want := range []int{3, 6, 6, 6} {
		sh := sheets[round%2]
		what := fmt.Sprintf("round %d sheet %s", round+1, sh.name)
		res := mustRun(t, dir, env, 0, "import", "--sheet", sh.name, "book.xlsx")
		m := resultsLine.FindStringSubmatch(res.stdout)
		if m == nil {
			t.Fatalf("%s: the summary names no results file:\n%s", what, res.stdout)
		}
		outputs[sh.name] = m[1]
		got := wantStatuses(t, what, readXLSX(t, filepath.Join(dir, filepath.Base(m[1]))), "OK", "OK", "OK")
		if round < 2 {
			wantAutoCodes(t, what, got[:2], seen)
			codes[sh.name] = got
		} else if !slices.Equal(got, codes[sh.name]) {
			t.Errorf("%s: codes %q, want %q (as when first imported)", what, got, codes[sh.name])
		}
		store := wantCustomers(t, what, sim, want)
		for i, c := range got {
			if name := str(store[c]["CNAM1"]); name != sh.rows[i+1][1] {
				t.Errorf("%s row %d: %s is %q, want %q", what, i+2, c, name, sh.rows[i+1][1])
			}
		}
	}
	t.Run("each sheet keeps its own results file", func(t *testing.T) {
		if outputs["北區|A"] == outputs["北區_A"] {
			t.Errorf("both sheets' results go to %s: importing one sheet overwrites the results of the other", outputs["北區|A"])
		}
	})
}

// (f) A results file fed back as it is creates nothing and sends nothing;
// an OK row edited in it (its phone changed) is sent, and TMS gets the new
// phone.
func TestLedgerResultsFedBack(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	writeFile(t, dir, "f.csv", csvText(t, withHeader(
		[]string{"F001", "東山企業", "02-33330001", "1000"},
		[]string{"", "西山商行", "02-33330002", "2000"},
		[]string{"", "南山商行", "02-33330003", "3000"},
	)))
	mustRun(t, dir, env, 0, "import", csvResults, "f.csv")
	results := filepath.Join(dir, "f.results.csv")
	codes := wantStatuses(t, "first run", readResultsCSV(t, results), "OK", "OK", "OK")
	wantCustomers(t, "first run", sim, 3)

	requests := simRequests(t, sim)
	mustRun(t, dir, env, 0, "import", csvResults, "f.results.csv")
	got := wantStatuses(t, "fed back as it is", readResultsCSV(t, filepath.Join(dir, "f.results.rerun.csv")), "OK", "OK", "OK")
	if !slices.Equal(got, codes) {
		t.Errorf("fed back as it is: codes %q, want %q", got, codes)
	}
	wantCustomers(t, "fed back as it is", sim, 3)
	if n := simRequests(t, sim); n != requests {
		t.Errorf("fed back as it is: %d requests sent, want none (nothing changed)", n-requests)
	}

	// The user edits two OK rows of the results file: the one with a code
	// and an auto-numbered one.
	editResultsCSV(t, results, func(rows [][]string) {
		rows[1][2] = "02-38888888"
		rows[3][2] = "02-39999999"
	})
	requests = simRequests(t, sim)
	mustRun(t, dir, env, 0, "import", csvResults, "f.results.csv")
	got = wantStatuses(t, "fed back edited", readResultsCSV(t, filepath.Join(dir, "f.results.rerun.csv")), "OK", "OK", "OK")
	if !slices.Equal(got, codes) {
		t.Errorf("fed back edited: codes %q, want %q", got, codes)
	}
	store := wantCustomers(t, "fed back edited", sim, 3)
	for code, want := range map[string]string{codes[0]: "02-38888888", codes[1]: "02-33330002", codes[2]: "02-39999999"} {
		if got := str(store[code]["CTELE"]); got != want {
			t.Errorf("fed back edited: %s stored phone %q, want %q", code, got, want)
		}
	}
	if n := simRequests(t, sim); n != requests+2 {
		t.Errorf("fed back edited: %d requests sent, want 2 (the edited rows)", n-requests)
	}
}

// (g) A workbook whose sheet repeats a row number cannot say which row is
// which: the run stops before sending anything, naming the row.
func TestLedgerRepeatedRowNumber(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	rows := [][]string{{"", "重複一", "02-66660001", "1000"}}
	for i := 2; i <= 6; i++ {
		rows = append(rows, []string{"", fmt.Sprintf("重複%d", i), fmt.Sprintf("02-6666%04d", i), "1000"})
	}
	rowRE := func(n int) *regexp.Regexp {
		return regexp.MustCompile(`(?s)<row r="` + fmt.Sprint(n) + `"[ >].*?</row>`)
	}
	for _, tc := range []struct {
		name   string
		change func(xml string) string
		row    int // the row number named
	}{
		{"row 2 twice in a row", func(x string) string {
			r2 := rowRE(2).FindString(x)
			return strings.Replace(x, r2, r2+r2, 1)
		}, 2},
		{"row 3 again after the last row", func(x string) string {
			r3 := rowRE(3).FindString(x)
			last := rowRE(7).FindString(x)
			return strings.Replace(x, last, last+r3, 1)
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.ReplaceAll(tc.name, " ", "-") + ".xlsx"
			p := writeXLSX(t, dir, name, xlsxSheet{"客戶", withHeader(rows...)})
			rewriteZipPart(t, p, "xl/worksheets/sheet1.xml", func(x string) string {
				y := tc.change(x)
				if y == x || strings.Count(y, fmt.Sprintf(`<row r="%d"`, tc.row)) != 2 {
					t.Fatalf("the sheet XML did not change as meant:\n%s", x)
				}
				return y
			})
			res := mustRun(t, dir, env, 2, "import", csvResults, name)
			if !regexp.MustCompile(fmt.Sprintf(`(\brow |第 |、)%d\b`, tc.row)).MatchString(res.stderr) {
				t.Errorf("stderr does not name row %d:\n%s", tc.row, res.stderr)
			}
			if n := simRequests(t, sim); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			wantCustomers(t, tc.name, sim, 0)
		})
	}
}

// (h) A nightly export under a fixed name, imported in folder mode: each
// night's new customers are created, although they sit on the rows where
// last night's customers were.
func TestLedgerNightlyFixedName(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o700); err != nil {
		t.Fatal(err)
	}
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	results := filepath.Join(inbox, "results", "new.results.csv")
	seen := map[string]bool{}

	writeFile(t, inbox, "new.csv", csvText(t, withHeader(
		[]string{"", "一夜甲商行", "02-77770001", "1000"},
		[]string{"", "一夜乙商行", "02-77770002", "2000"},
	)))
	clitest.Backdate(t, filepath.Join(dir, "inbox"))
	mustRun(t, dir, env, 0, "import", csvResults, "inbox")
	night1 := wantStatuses(t, "night 1", readResultsCSV(t, results), "OK", "OK")
	wantAutoCodes(t, "night 1", night1, seen)
	wantCustomers(t, "night 1", sim, 2)
	if _, err := os.Stat(filepath.Join(inbox, "new.csv")); err == nil {
		t.Fatal("night 1: new.csv is still in the inbox, want it moved to done/")
	}

	writeFile(t, inbox, "new.csv", csvText(t, withHeader(
		[]string{"", "二夜丙商行", "02-77770003", "3000"},
		[]string{"", "二夜丁商行", "02-77770004", "4000"},
		[]string{"", "二夜戊商行", "02-77770005", "5000"},
	)))
	clitest.Backdate(t, filepath.Join(dir, "inbox"))
	mustRun(t, dir, env, 0, "import", csvResults, "inbox")
	night2 := wantStatuses(t, "night 2", readResultsCSV(t, results), "OK", "OK", "OK")
	wantAutoCodes(t, "night 2", night2, seen)
	wantCustomers(t, "night 2", sim, 5)

	// Night 3 lists night 1's customers under their codes, and one new.
	writeFile(t, inbox, "new.csv", csvText(t, withHeader(
		[]string{night1[0], "一夜甲商行", "02-77770001", "1000"},
		[]string{night1[1], "一夜乙商行", "02-77770002", "2000"},
		[]string{"", "三夜己商行", "02-77770006", "6000"},
	)))
	clitest.Backdate(t, filepath.Join(dir, "inbox"))
	mustRun(t, dir, env, 0, "import", csvResults, "inbox")
	night3 := wantStatuses(t, "night 3", readResultsCSV(t, results), "OK", "OK", "OK")
	if !slices.Equal(night3[:2], night1) {
		t.Errorf("night 3: codes %q, want night 1's %q", night3[:2], night1)
	}
	wantAutoCodes(t, "night 3", night3[2:], seen)
	wantCustomers(t, "night 3", sim, 6)

	done, err := os.ReadDir(filepath.Join(inbox, "done"))
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 3 {
		t.Errorf("done/ holds %d files, want 3 (one per night)", len(done))
	}
}

// (i) A file of rows with codes imported again sends nothing (TMS has that
// content); with --resend-all it sends every row.
func TestLedgerResendAll(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	const n = 6
	writeGenCSV(t, dir, "i.csv", "I", n, func(int) bool { return false })
	allOK := slices.Repeat([]string{"OK"}, n)

	mustRun(t, dir, env, 0, "import", csvResults, "--lang", "en", "i.csv")
	codes := wantStatuses(t, "first run", readResultsCSV(t, filepath.Join(dir, "i.results.csv")), allOK...)
	wantCustomers(t, "first run", sim, n)

	for _, tc := range []struct {
		name      string
		args      []string
		sent      int
		unchanged bool
	}{
		{"again", nil, 0, true},
		{"--resend-all", []string{"--resend-all"}, n, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests := simRequests(t, sim)
			args := append(append([]string{"import", csvResults, "--lang", "en"}, tc.args...), "i.csv")
			res := mustRun(t, dir, env, 0, args...)
			got := wantStatuses(t, tc.name, readResultsCSV(t, filepath.Join(dir, "i.results.csv")), allOK...)
			if !slices.Equal(got, codes) {
				t.Errorf("codes %q, want %q", got, codes)
			}
			if sent := simRequests(t, sim) - requests; sent != tc.sent {
				t.Errorf("%d requests sent, want %d", sent, tc.sent)
			}
			said := strings.Contains(res.stdout, fmt.Sprintf("Rows unchanged since TMS accepted them, not sent again: %d", n))
			if said != tc.unchanged {
				t.Errorf("summary says %d rows unchanged: %v, want %v\n%s", n, said, tc.unchanged, res.stdout)
			}
			wantCustomers(t, tc.name, sim, n)
		})
	}
}

// A ledger that is lost (truncated to 0 bytes by a copy, restore or sync
// that did not finish, or deleted while its lock file stays) stops every
// run and check with exit 2, advice and nothing sent, run after run; only
// --new-ledger starts over.
func TestLedgerLost(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	tests := []struct {
		name string
		lose func(t *testing.T, path string)
	}{
		{"truncated to 0 bytes", func(t *testing.T, path string) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}},
		{"deleted, its lock file stays", func(t *testing.T, path string) {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			sim := startSim(t)
			state := t.TempDir() // each its own TMS's ledger
			env := withEnv(simEnv(t, sim.URL), "CUSTIMPORT_STATE_DIR="+state)
			writeFile(t, dir, "a.csv", csvText(t, withHeader(
				[]string{"", "甲商行", "02-11110001", "1000"},
				[]string{"", "乙商行", "02-11110002", "2000"},
			)))
			mustRun(t, dir, env, 0, "import", "a.csv")
			wantCustomers(t, "first run", sim, 2)
			ledgers, _ := filepath.Glob(filepath.Join(state, "*.ledger.db"))
			if len(ledgers) != 1 {
				t.Fatalf("ledgers: %q", ledgers)
			}
			tt.lose(t, ledgers[0])

			requests := simRequests(t, sim)
			for _, args := range [][]string{{"import", "a.csv"}, {"import", "a.csv"}, {"check", "a.csv"}} {
				res := mustRun(t, dir, env, 2, append(args, "--lang", "en")...)
				for _, want := range []string{ledgers[0], "missing or empty", "--new-ledger"} {
					if !strings.Contains(res.stderr, want) {
						t.Errorf("%s: stderr does not say %q\n%s", args[0], want, res)
					}
				}
			}
			wantCustomers(t, "after the ledger was lost", sim, 2)
			if n := simRequests(t, sim); n != requests {
				t.Errorf("%d requests sent while the ledger was lost", n-requests)
			}

			// On purpose: a new ledger (the two customers are created again,
			// as --new-ledger's help warns), which later runs use as any.
			mustRun(t, dir, env, 0, "import", "--new-ledger", "a.csv")
			wantCustomers(t, "started over", sim, 4)
			mustRun(t, dir, env, 0, "import", "a.csv")
			wantCustomers(t, "the run after", sim, 4)
		})
	}
}

// Run through sudo as another user, custimport does not guess whose
// default ledger folder to use (HOME and XDG_* may be either user's): it
// stops with exit 2 before anything is made or sent, and runs with a
// folder named on purpose.
func TestLedgerFolderUnderSudo(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	home := t.TempDir()
	env := slices.DeleteFunc(simEnv(t, sim.URL), func(e string) bool { return strings.HasPrefix(e, "CUSTIMPORT_STATE_DIR=") })
	env = withEnv(env, "HOME="+home, "SUDO_UID="+strconv.Itoa(os.Geteuid()+1), "SUDO_USER=alice")
	writeFile(t, dir, "a.csv", csvText(t, withHeader([]string{"S001", "甲商行", "02-11110001", "1000"})))
	for _, command := range []string{"import", "check"} {
		res := mustRun(t, dir, env, 2, command, "a.csv")
		for _, want := range []string{"透過「alice」的 sudo", "→ 無法確定該用哪個使用者的記錄檔"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("%s: stderr does not say %q\n%s", command, want, res)
			}
		}
	}
	wantCustomers(t, "under sudo", sim, 0)
	if left, _ := os.ReadDir(home); len(left) != 0 {
		t.Errorf("HOME holds %v", left)
	}
	mustRun(t, dir, env, 0, "import", "--state-dir", filepath.Join(t.TempDir(), "ledgers"), "a.csv")
	wantCustomers(t, "with --state-dir", sim, 1)
}
