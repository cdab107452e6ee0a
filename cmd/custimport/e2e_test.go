package main

// End-to-end tests of the built binary: each runs `custimport` as a separate
// process with a controlled environment and checks its exit code, its
// output, the results file read back cell by cell, and the store of a
// `custimport sim` process it sent to.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// autoCode is the simulator's automatic customer code.
var autoCode = regexp.MustCompile(`^\d{6}$`)

// checkOriginalColumns checks that the results keep every input column
// unchanged, in order, followed by exactly the Import* columns.
func checkOriginalColumns(t *testing.T, in, out sheet) {
	t.Helper()
	want := append(slices.Clone(in.header), resultColumns...)
	if !slices.Equal(out.header, want) {
		t.Errorf("results header:\n got %q\nwant %q", out.header, want)
	}
	if len(out.rows) != len(in.rows) {
		t.Fatalf("results have %d rows, want %d (the input's)", len(out.rows), len(in.rows))
	}
	for r := range in.rows {
		for c := range in.header {
			if got, want := out.rows[r][c], in.rows[r][c]; got != want {
				t.Errorf("row %d column %d (%s): got %q, want %q (the input cell)", r+2, c+1, in.header[c], got, want)
			}
		}
	}
}

func TestCheckSample(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := copySamples(t, "customers.xlsx")
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	in := readInputXLSX(t, filepath.Join(dir, "customers.xlsx"))
	if len(in.rows) < 10 {
		t.Fatalf("the sample has %d rows; want a real sample", len(in.rows))
	}

	var first sheet
	for _, tc := range []struct {
		name string
		args []string
		out  string
	}{
		{"check", []string{"check", "customers.xlsx"}, "customers.results.xlsx"},
		{"import --dry-run", []string{"import", "--dry-run", "--out", "dry.xlsx", "customers.xlsx"}, "dry.xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, dir, env, tc.args...)
			if res.code != 0 {
				t.Fatalf("got exit %d, want 0\n%s", res.code, res)
			}
			out := readXLSX(t, filepath.Join(dir, tc.out))
			checkOriginalColumns(t, in, out)
			status := out.column(t, "ImportStatus")
			msgs := out.column(t, "ImportErrorMessage")
			for i, st := range status {
				if st != "VALID" {
					t.Errorf("row %d: ImportStatus got %q, want %q (message %q)", i+2, st, "VALID", msgs[i])
				}
			}
			if !strings.Contains(res.stdout, fmt.Sprintf("VALID %d", len(in.rows))) {
				t.Errorf("summary does not say VALID %d:\n%s", len(in.rows), res.stdout)
			}
			if first.rows == nil {
				first = out
				return
			}
			for r := range first.rows {
				if !slices.Equal(out.rows[r], first.rows[r]) {
					t.Errorf("row %d: got %q, want %q (as `check`)", r+2, out.rows[r], first.rows[r])
				}
			}
		})
	}
	t.Run("no warnings on the clean sample", func(t *testing.T) {
		for i, w := range first.column(t, "ImportWarnings") {
			if w != "" {
				t.Errorf("row %d: ImportWarnings got %q, want none", i+2, w)
			}
		}
	})
	if n := len(sim.Customers(t)); n != 0 {
		t.Errorf("the simulator holds %d customers after check and --dry-run, want 0", n)
	}
	if got := str(sim.Stats(t)["Requests"]); got != "0" {
		t.Errorf("simulator requests: got %s, want 0", got)
	}
}

func TestCheckErrors(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := copySamples(t, "customers-with-errors.xlsx")
	res := run(t, dir, baseEnv(t), "check", "customers-with-errors.xlsx")
	if res.code != 1 {
		t.Fatalf("got exit %d, want 1\n%s", res.code, res)
	}
	in := readInputXLSX(t, filepath.Join(dir, "customers-with-errors.xlsx"))
	outPath := filepath.Join(dir, "customers-with-errors.results.xlsx")
	out := readXLSX(t, outPath)
	checkOriginalColumns(t, in, out)
	codes := codeOfLabel(t)
	colOf := map[string]int{} // field code → input column
	for i, h := range in.header {
		if c, ok := codes[h]; ok {
			colOf[c] = i
		}
	}

	// want per Excel row: "" for a valid row, else the field code the only
	// error names.
	want := []struct {
		ccode, field, also string
	}{
		{"E001", "", ""},
		{"E002", "CNAM2", ""},
		{"E003", "CGRAD", ""},
		{"E004", "CTAX1", ""},
		{"E005", "CRDAT", ""},
		{"E006", "PosPhoneCarrierId", ""},
		{"E007", "CTCOD", ""},
		{"", "CBELE", ""},
		{"E009", "CBELE", ""},
		{"E001", "CCODE", "2"}, // the duplicate names the first row, Excel row 2
		{"E011", "CBIRD", ""},
	}
	if len(out.rows) != len(want) {
		t.Fatalf("got %d result rows, want %d", len(out.rows), len(want))
	}

	f := openXLSX(t, outPath)
	comments, err := f.GetComments(out.name)
	if err != nil {
		t.Fatal(err)
	}
	commented := map[string]string{}
	for _, c := range comments {
		text := c.Text
		for _, p := range c.Paragraph {
			text += p.Text
		}
		commented[c.Cell] = text
	}
	isRed := func(cell string) bool {
		idx, err := f.GetCellStyle(out.name, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(idx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range st.Fill.Color {
			if strings.HasSuffix(strings.ToUpper(c), "FFC7CE") {
				return true
			}
		}
		return false
	}

	stCol, msgCol := out.col(t, "ImportStatus"), out.col(t, "ImportErrorMessage")
	for r, w := range want {
		excelRow := r + 2
		row := out.rows[r]
		t.Run(fmt.Sprintf("row %d %s %s", excelRow, w.ccode, w.field), func(t *testing.T) {
			if got := row[colOf["CCODE"]]; got != w.ccode {
				t.Fatalf("CCODE cell: got %q, want %q (sample changed?)", got, w.ccode)
			}
			wantStatus := "INVALID"
			if w.field == "" {
				wantStatus = "VALID"
			}
			if got := row[stCol]; got != wantStatus {
				t.Errorf("ImportStatus: got %q, want %q (message %q)", got, wantStatus, row[msgCol])
			}
			msg := row[msgCol]
			if w.field != "" && !strings.Contains(msg, w.field) {
				t.Errorf("ImportErrorMessage %q does not name %s", msg, w.field)
			}
			if w.also != "" && !regexp.MustCompile(`\b`+w.also+`\b`).MatchString(msg) {
				t.Errorf("ImportErrorMessage %q does not name row %s", msg, w.also)
			}
			for code := range colOf {
				if code != w.field && regexp.MustCompile(`\b`+code+`\b`).MatchString(msg) {
					t.Errorf("ImportErrorMessage %q names %s too, want only %s", msg, code, w.field)
				}
			}
			// Exactly the offending cell is red and commented.
			for code, c := range colOf {
				cell := fmt.Sprintf("%c%d", 'A'+c, excelRow)
				bad := code == w.field
				if got := isRed(cell); got != bad {
					t.Errorf("%s (%s) red fill: got %v, want %v", cell, code, got, bad)
				}
				text, ok := commented[cell]
				if ok != bad {
					t.Errorf("%s (%s) has a comment: got %v (%q), want %v", cell, code, ok, text, bad)
				}
				if bad && !strings.Contains(text, w.field) {
					t.Errorf("%s comment %q does not name %s", cell, text, w.field)
				}
			}
		})
	}
}

func TestCheckBig5CSV(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := copySamples(t, "customers-big5.csv")
	res := run(t, dir, baseEnv(t), "check", "customers-big5.csv")
	if res.code != 0 {
		t.Fatalf("got exit %d, want 0\n%s", res.code, res)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "customers-big5.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(raw) {
		t.Fatal("the sample is not Big5 (it reads as UTF-8)")
	}
	utf8Text, err := traditionalchinese.Big5.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	inPath := writeFile(t, t.TempDir(), "decoded.csv", "\ufeff"+string(utf8Text))
	in := readResultsCSV(t, inPath)
	out := readResults(t, filepath.Join(dir, "customers-big5.results.xlsx"))
	if in.header[0] != "客戶代號" {
		t.Fatalf("decoded header starts %q, want 客戶代號", in.header[0])
	}
	checkOriginalColumns(t, in, out)
	for i, st := range out.column(t, "ImportStatus") {
		if st != "VALID" {
			t.Errorf("row %d: ImportStatus got %q, want VALID", i+2, st)
		}
	}
}

func TestImportSample(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := copySamples(t, "customers.xlsx")
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	in := readInputXLSX(t, filepath.Join(dir, "customers.xlsx"))
	codes := codeOfLabel(t)
	colOf := map[string]int{}
	for i, h := range in.header {
		colOf[codes[h]] = i
	}

	res := run(t, dir, env, "import", "--rate", "500", "--workers", "4", "customers.xlsx")
	if res.code != 0 {
		t.Fatalf("got exit %d, want 0\n%s", res.code, res)
	}
	out := readXLSX(t, filepath.Join(dir, "customers.results.xlsx"))
	checkOriginalColumns(t, in, out)
	store := byCode(sim.Customers(t))
	if len(store) != len(in.rows) {
		t.Errorf("the store holds %d customers, want %d (one per row)", len(store), len(in.rows))
	}
	status, got := out.column(t, "ImportStatus"), out.column(t, "ImportCCODE")
	newCodes := map[string]bool{}
	blank := 0
	for r, row := range in.rows {
		if status[r] != "OK" {
			t.Errorf("row %d: ImportStatus got %q, want OK", r+2, status[r])
			continue
		}
		code := row[colOf["CCODE"]]
		if code == "" {
			blank++
			if !autoCode.MatchString(got[r]) {
				t.Errorf("row %d (auto-numbered): ImportCCODE got %q, want 6 digits like 000123", r+2, got[r])
			}
			if newCodes[got[r]] {
				t.Errorf("row %d: auto code %q given twice", r+2, got[r])
			}
			newCodes[got[r]] = true
		} else if got[r] != code {
			t.Errorf("row %d: ImportCCODE got %q, want %q", r+2, got[r], code)
		}
		c, ok := store[got[r]]
		if !ok {
			t.Errorf("row %d: customer %q is not in the store", r+2, got[r])
			continue
		}
		for _, field := range []string{"CNAM1", "CTCOD", "CPHONE"} {
			if s, w := str(c[field]), row[colOf[field]]; s != w {
				t.Errorf("row %d: stored %s got %q, want %q", r+2, field, s, w)
			}
		}
	}
	if blank == 0 {
		t.Fatal("the sample has no auto-numbered row")
	}

	// Keep the first run's results: they are fed back below.
	firstResults, err := os.ReadFile(filepath.Join(dir, "customers.results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "first.results.xlsx", string(firstResults))

	// A second run remembers the first through the ledger: nothing is sent
	// again and every row keeps the code it got.
	requests := str(sim.Stats(t)["Requests"])
	res = run(t, dir, env, "import", "--rate", "500", "customers.xlsx")
	if res.code != 0 {
		t.Fatalf("second run: got exit %d, want 0\n%s", res.code, res)
	}
	if got := str(sim.Stats(t)["Requests"]); got != requests {
		t.Errorf("second run: simulator requests went from %s to %s, want no new request (ledger)", requests, got)
	}
	again := readInputXLSX(t, filepath.Join(dir, "customers.results.xlsx"))
	st2, got2 := again.column(t, "ImportStatus"), again.column(t, "ImportCCODE")
	for r := range in.rows {
		if st2[r] != "OK" || got2[r] != got[r] {
			t.Errorf("second run row %d: got %s %q, want OK %q (as the first run)", r+2, st2[r], got2[r], got[r])
		}
	}
	if n := len(sim.Customers(t)); n != len(store) {
		t.Errorf("second run: %d customers stored, want %d", n, len(store))
	}

	// The ledger lost (a new, empty state folder) and the original file
	// imported again: rows with codes are upserts (no new customer); the
	// auto-numbered rows have nothing left that says they were created, so
	// they are created again. That is the price of losing the ledger.
	res = run(t, dir, env, "import", "--state-dir", t.TempDir(), "--rate", "500", "customers.xlsx")
	if res.code != 0 {
		t.Fatalf("run without the ledger: got exit %d, want 0\n%s", res.code, res)
	}
	after := sim.Customers(t)
	withCode := 0
	for _, c := range after {
		if !autoCode.MatchString(str(c["CCODE"])) {
			withCode++
		}
	}
	if want := len(in.rows) - blank; withCode != want {
		t.Errorf("run without the ledger: %d customers with a given code, want %d (upsert)", withCode, want)
	}
	if len(after) != len(store)+blank {
		t.Errorf("run without the ledger: %d → %d customers, want %d more (the auto-numbered rows, created again)", len(store), len(after), blank)
	}

	// The ledger lost again, but the first run's results file fed back:
	// an OK row with its ImportCCODE is a row with that code, so nothing
	// is created.
	res = run(t, dir, env, "import", "--state-dir", t.TempDir(), "--rate", "500", "first.results.xlsx")
	if res.code != 0 {
		t.Fatalf("results fed back without the ledger: got exit %d, want 0\n%s", res.code, res)
	}
	if n := len(sim.Customers(t)); n != len(after) {
		t.Errorf("results fed back without the ledger: %d → %d customers, want none created", len(after), n)
	}
	fed := readXLSX(t, filepath.Join(dir, "first.results.rerun.xlsx"))
	st3, got3 := fed.column(t, "ImportStatus"), fed.column(t, "ImportCCODE")
	for r := range in.rows {
		if st3[r] != "OK" || got3[r] != got[r] {
			t.Errorf("results fed back row %d: got %s %q, want OK %q (the first run's code)", r+2, st3[r], got3[r], got[r])
		}
	}
}

func TestEditChangesOnlySentFields(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t)
	env := simEnv(t, sim.URL)
	steps := []struct {
		name, csv string
		want      map[string]string
	}{
		{"create", "CCODE,CNAM1,CTELE,CBELE,CADD1\nX100,甲公司,02-11112222,5000,台北市\n",
			map[string]string{"CNAM1": "甲公司", "CTELE": "02-11112222", "CBELE": "5000", "CADD1": "台北市"}},
		{"edit name and phone", "CCODE,CNAM1,CTELE\nX100,乙公司,02-33334444\n",
			map[string]string{"CNAM1": "乙公司", "CTELE": "02-33334444", "CBELE": "5000", "CADD1": "台北市"}},
		{"edit address", "CCODE,CADD1\nX100,高雄市前鎮區\n",
			map[string]string{"CNAM1": "乙公司", "CTELE": "02-33334444", "CBELE": "5000", "CADD1": "高雄市前鎮區"}},
	}
	for i, st := range steps {
		name := fmt.Sprintf("step%d.csv", i)
		writeFile(t, dir, name, st.csv)
		res := run(t, dir, env, "import", name)
		if res.code != 0 {
			t.Fatalf("%s: got exit %d, want 0\n%s", st.name, res.code, res)
		}
		store := byCode(sim.Customers(t))
		if len(store) != 1 {
			t.Fatalf("%s: %d customers stored, want 1", st.name, len(store))
		}
		c := store["X100"]
		for k, w := range st.want {
			if got := str(c[k]); got != w {
				t.Errorf("%s: stored %s got %q, want %q", st.name, k, got, w)
			}
		}
	}
}

func TestFaults(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t, "--fail-rate", "0.2", "--reject-rate", "0.2", "--reset-rate", "0.1", "--rate-limit", "30", "--seed", "7")
	const n = 150
	blank := func(i int) bool { return i%10 == 0 || i%10 == 3 || i%10 == 6 }
	_, rows := writeGenCSV(t, dir, "faults.csv", "F", n, blank)
	args := []string{"import", "--workers", "4", "--rate", "50", "--timeout", "3s", "faults.csv"}

	first := checkFaultRun(t, "first run", sim, rows, run(t, dir, simEnv(t, sim.URL), args...), filepath.Join(dir, "faults.results.xlsx"))
	if first.count["OK"] < n/2 {
		t.Errorf("only %d of %d rows OK: retries are not working", first.count["OK"], n)
	}

	// The second run resumes from the ledger: OK rows stay as they were,
	// UNKNOWN creates are not resent, the others are sent again.
	second := checkFaultRun(t, "resumed run", sim, rows, run(t, dir, simEnv(t, sim.URL), args...), filepath.Join(dir, "faults.results.xlsx"))
	for i := range rows {
		switch first.status[i] {
		case "OK":
			if second.status[i] != "OK" || second.ccode[i] != first.ccode[i] {
				t.Errorf("line %d: resumed run got %s %q, want OK %q (as the first run)", i+2, second.status[i], second.ccode[i], first.ccode[i])
			}
		case "UNKNOWN":
			if second.status[i] != "UNKNOWN" {
				t.Errorf("line %d: UNKNOWN create became %s on the resumed run, want UNKNOWN (never resent without --resend-unknown)", i+2, second.status[i])
			}
		}
	}
}

// faultRun is one import's results, as checked by checkFaultRun.
type faultRun struct {
	status, ccode []string
	count         map[string]int
}

// checkFaultRun checks one import of genRows against a faulty simulator:
// no customer stored twice, every OK row stored once under its
// ImportCCODE, UNKNOWN only for creates without a code, a FAILED create
// never stored, and the exit code 1 exactly when a row is not OK.
func checkFaultRun(t *testing.T, name string, sim *clitest.Sim, rows []genRow, res procResult, out string) faultRun {
	t.Helper()
	sh := readResults(t, out)
	if len(sh.rows) != len(rows) {
		t.Fatalf("%s: got %d result rows, want %d\n%s", name, len(sh.rows), len(rows), res)
	}
	fr := faultRun{status: sh.column(t, "ImportStatus"), ccode: sh.column(t, "ImportCCODE"), count: map[string]int{}}
	msgs := sh.column(t, "ImportErrorMessage")
	store := sim.Customers(t)
	codes := byCode(store)
	markers := map[string][]string{} // CNAM1 → CCODEs
	for _, c := range store {
		markers[str(c["CNAM1"])] = append(markers[str(c["CNAM1"])], str(c["CCODE"]))
	}
	known := map[string]bool{}
	for _, r := range rows {
		known[r.name] = true
	}
	for m, cs := range markers {
		if len(cs) > 1 {
			t.Errorf("%s: marker %q stored %d times (%v): a duplicate customer", name, m, len(cs), cs)
		}
		if !known[m] {
			t.Errorf("%s: stored customer %v has CNAM1 %q, which no row sent", name, cs, m)
		}
	}
	allOK := true
	for i, r := range rows {
		line, st, got := i+2, fr.status[i], fr.ccode[i]
		fr.count[st]++
		if st != "OK" {
			allOK = false
		}
		switch st {
		case "OK":
			c, ok := codes[got]
			switch {
			case !ok:
				t.Errorf("%s line %d: OK with ImportCCODE %q, not in the store", name, line, got)
			case str(c["CNAM1"]) != r.name:
				t.Errorf("%s line %d: customer %q has CNAM1 %q, want %q", name, line, got, str(c["CNAM1"]), r.name)
			}
			if r.code != "" && got != r.code {
				t.Errorf("%s line %d: ImportCCODE got %q, want %q", name, line, got, r.code)
			}
			if r.code == "" && !autoCode.MatchString(got) {
				t.Errorf("%s line %d: ImportCCODE got %q, want an automatic code", name, line, got)
			}
		case "UNKNOWN":
			// Only a create without a code may be ambiguous: a row with a
			// code is an upsert, safe to resend.
			if r.code != "" {
				t.Errorf("%s line %d: row with code %q is UNKNOWN (%s), want OK or FAILED", name, line, r.code, msgs[i])
			}
		case "FAILED":
			// A create that might have been processed is UNKNOWN; one that
			// FAILED was refused before processing and is not stored.
			if r.code == "" && len(markers[r.name]) != 0 {
				t.Errorf("%s line %d: FAILED create (%s) is in the store as %v", name, line, msgs[i], markers[r.name])
			}
		default:
			t.Errorf("%s line %d: ImportStatus %q, want OK, FAILED or UNKNOWN", name, line, st)
		}
	}
	wantExit := 1
	if allOK {
		wantExit = 0
	}
	if res.code != wantExit {
		t.Errorf("%s: got exit %d, want %d\n%s", name, res.code, wantExit, res)
	}
	t.Logf("%s: %d rows: %v; %d stored; simulator %v", name, len(rows), fr.count, len(store), sim.Stats(t))
	return fr
}

func TestDemo(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	samples := filepath.Join(dir, "samples")
	if err := os.Mkdir(samples, 0o700); err != nil {
		t.Fatal(err)
	}
	src := copySamples(t, "customers.xlsx")
	data, err := os.ReadFile(filepath.Join(src, "customers.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, samples, "customers.xlsx", string(data))
	in := readInputXLSX(t, filepath.Join(samples, "customers.xlsx"))

	res := run(t, dir, baseEnv(t), "demo", "--rate", "500", "--lang", "en")
	if res.code != 0 {
		t.Fatalf("got exit %d, want 0\n%s", res.code, res)
	}
	for _, want := range []string{"TMS simulator (in-process) at http://127.0.0.1:", fmt.Sprintf("OK %d", len(in.rows)),
		fmt.Sprintf("The simulator held %d customers", len(in.rows))} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	out := readXLSX(t, filepath.Join(samples, "customers.results.xlsx"))
	checkOriginalColumns(t, in, out)
	for i, st := range out.column(t, "ImportStatus") {
		if st != "OK" {
			t.Errorf("row %d: ImportStatus got %q, want OK", i+2, st)
		}
	}
}

func TestCannotRun(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	copyTestdata(t, dir, "empty.csv", "nomatch.csv", "dup-columns.csv", "ok.csv")
	key := writeFile(t, dir, "key.txt", testKey+"\n")
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	noKeyEnv := baseEnv(t, "TMS_URL=http://127.0.0.1:9", "TMS_PNO="+testPNO)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want []string // in stderr
	}{
		{"missing file", nil, []string{"check", "nofile.xlsx"}, []string{"nofile.xlsx"}},
		{"empty file", nil, []string{"check", "empty.csv"}, []string{"empty.csv", "empty"}},
		{"header matches nothing", nil, []string{"check", "nomatch.csv"}, []string{"nomatch.csv", `「foo」`, `「bar」`}},
		{"two columns one field", nil, []string{"check", "dup-columns.csv"}, []string{"dup-columns.csv", `「CCODE」`, `「客戶代號」`}},
		{"header matches nothing, en", nil, []string{"check", "--lang", "en", "nomatch.csv"}, []string{"nomatch.csv", `"foo"`, `"bar"`}},
		{"unknown flag", nil, []string{"check", "--bogus", "ok.csv"}, []string{"-bogus"}},
		{"import without TMS_URL", baseEnv(t, "TMS_PNO="+testPNO, "TMS_API_KEY="+testKey), []string{"import", "ok.csv"}, []string{"TMS_URL"}},
		{"key file readable by others", noKeyEnv, []string{"import", "--key-file", "key.txt", "ok.csv"}, []string{"key.txt", "chmod 600"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if env == nil {
				env = baseEnv(t)
			}
			res := run(t, dir, env, tc.args...)
			if res.code != 2 {
				t.Errorf("got exit %d, want 2\n%s", res.code, res)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, res.stderr)
				}
			}
			if strings.Contains(res.stdout+res.stderr, testKey) {
				t.Errorf("the output contains the API key")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "ok.results.xlsx")); err == nil {
		t.Errorf("a run that could not start wrote ok.results.xlsx")
	}
}

func TestKeyNeverShown(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := copySamples(t, "customers.xlsx")
	sim := startSim(t, "--reject-rate", "0.2", "--fail-rate", "0.1")
	env := simEnv(t, sim.URL)
	keyFile := writeFile(t, dir, "key.txt", testKey+"\n")
	copyTestdata(t, dir, "mixed.csv")
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		out  string
	}{
		{"xlsx verbose json log", env, []string{"import", "--verbose", "--log-format", "json", "--rate", "500",
			"--summary-json", "s1.json", "customers.xlsx"}, "customers.results.xlsx"},
		{"csv with errors", env, []string{"import", "--verbose", "--rate", "500", "--summary-json", "s2.json", "mixed.csv"}, "mixed.results.xlsx"},
		{"key file", baseEnv(t, "TMS_URL="+sim.URL, "TMS_PNO="+testPNO, "TMS_PRONUM="+testProNum),
			[]string{"import", "--key-file", "key.txt", "--verbose", "--summary-json", "s3.json", "--out", "k.csv", "mixed.csv"}, "k.csv"},
		// The connection test before the first row stops it: nothing sent, no results.
		{"wrong key", baseEnv(t, "TMS_URL="+sim.URL, "TMS_PNO="+testPNO, "TMS_PRONUM="+testProNum, "TMS_API_KEY=wrong-"+testKey),
			[]string{"import", "--verbose", "--out", "w.csv", "mixed.csv"}, ""},
		{"config check", env, []string{"config", "check", "--key-file", "key.txt", "cfg.yaml"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, dir, "cfg.yaml", "workers: 2\n")
			if err := os.Chmod(keyFile, 0o600); err != nil {
				t.Fatal(err)
			}
			res := run(t, dir, tc.env, tc.args...)
			if res.code == 2 && tc.out != "" {
				t.Fatalf("got exit 2, want a run\n%s", res)
			}
			texts := map[string]string{"stdout": res.stdout, "stderr": res.stderr}
			for i, a := range tc.args {
				if a == "--summary-json" {
					data, err := os.ReadFile(filepath.Join(dir, tc.args[i+1]))
					if err != nil {
						t.Fatalf("--summary-json: %v", err)
					}
					texts["summary json"] = string(data)
				}
			}
			if tc.out != "" {
				p := filepath.Join(dir, tc.out)
				if strings.HasSuffix(p, ".xlsx") {
					texts[tc.out] = xlsxText(t, p)
				} else {
					data, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					texts[tc.out] = string(data)
				}
			}
			if tc.out != "" {
				for where, text := range ledgerTexts(t, dir, tc.env) {
					texts[where] = text
				}
			}
			if tc.name == "config check" && !strings.Contains(res.stdout, "[redacted]") {
				t.Errorf("config check does not say the key is redacted:\n%s", res)
			}
			for where, text := range texts {
				if strings.Contains(text, testKey) {
					t.Errorf("%s contains the API key", where)
				}
				if strings.Contains(text, testKey[4:20]) {
					t.Errorf("%s contains part of the API key", where)
				}
			}
		})
	}
}

func TestFieldsAndTemplate(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	t.Run("fields", func(t *testing.T) {
		res := run(t, dir, baseEnv(t), "fields")
		if res.code != 0 {
			t.Fatalf("got exit %d, want 0\n%s", res.code, res)
		}
		lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
		if got := len(lines) - 1; got != 53 {
			t.Errorf("fields lists %d fields, want 53", got)
		}
		if !regexp.MustCompile(`(?m)^CCODE\s+客戶代號\s+S\(16\)`).MatchString(res.stdout) {
			t.Errorf("fields has no line `CCODE 客戶代號 S(16)`:\n%s", res.stdout)
		}
	})
	t.Run("fields --json", func(t *testing.T) {
		res := run(t, dir, baseEnv(t), "fields", "--json")
		if res.code != 0 {
			t.Fatalf("got exit %d, want 0\n%s", res.code, res)
		}
		var fs []fieldInfo
		if err := json.Unmarshal([]byte(res.stdout), &fs); err != nil {
			t.Fatalf("fields --json: %v", err)
		}
		if len(fs) != 53 {
			t.Errorf("got %d fields, want 53", len(fs))
		}
		byCode := map[string]fieldInfo{}
		for _, f := range fs {
			byCode[f.Code] = f
		}
		if c := byCode["CCODE"]; c.Type != "S(16)" || c.MaxLen != 16 || c.Label != "客戶代號" {
			t.Errorf("CCODE: got type %q max_len %d label %q, want S(16) 16 客戶代號", c.Type, c.MaxLen, c.Label)
		}
		if e, ok := byCode["EditItem"]; !ok || len(e.Choices) == 0 {
			t.Errorf("EditItem: got %+v, want a field with choices", e)
		}
	})
	t.Run("template", func(t *testing.T) {
		res := run(t, dir, baseEnv(t), "template", "--out", "x.xlsx")
		if res.code != 0 {
			t.Fatalf("got exit %d, want 0\n%s", res.code, res)
		}
		tpl := readXLSX(t, filepath.Join(dir, "x.xlsx"))
		var labels []string
		for _, f := range catalog(t) {
			labels = append(labels, f.Label)
		}
		if !slices.Equal(tpl.header, labels) {
			t.Errorf("template header:\n got %q\nwant %q (the catalog's labels)", tpl.header, labels)
		}
		if len(tpl.rows) != 0 {
			t.Errorf("template has %d data rows, want 0", len(tpl.rows))
		}
	})
	t.Run("template data validations", func(t *testing.T) {
		res := run(t, dir, baseEnv(t), "template", "--out", "dv.xlsx")
		if res.code != 0 {
			t.Fatalf("got exit %d, want 0\n%s", res.code, res)
		}
		f := openXLSX(t, filepath.Join(dir, "dv.xlsx"))
		dvs, err := f.GetDataValidations(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		wantLists, wantLengths := 0, 0
		for _, fd := range catalog(t) {
			switch {
			case len(fd.Choices) > 0:
				wantLists++
			case strings.HasPrefix(fd.Type, "S("):
				wantLengths++
			}
		}
		lists, lengths := 0, 0
		for _, dv := range dvs {
			switch dv.Type {
			case "list":
				lists++
			case "textLength":
				lengths++
			}
		}
		if lists != wantLists || lengths != wantLengths {
			t.Errorf("template has %d dropdowns and %d length limits, want %d and %d (one per field)", lists, lengths, wantLists, wantLengths)
		}
	})
}

func TestOrderWithManyWorkers(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t, "--latency", "5ms", "--jitter", "5ms")
	const n = 80
	_, rows := writeGenCSV(t, dir, "order.csv", "W", n, func(int) bool { return false })
	res := run(t, dir, simEnv(t, sim.URL), "import", "--workers", "8", "--rate", "1000", "order.csv")
	if res.code != 0 {
		t.Fatalf("got exit %d, want 0\n%s", res.code, res)
	}
	out := readResults(t, filepath.Join(dir, "order.results.xlsx"))
	if len(out.rows) != n {
		t.Fatalf("got %d rows, want %d", len(out.rows), n)
	}
	in, st, cc := out.column(t, "CCODE"), out.column(t, "ImportStatus"), out.column(t, "ImportCCODE")
	for i, r := range rows {
		if in[i] != r.code || cc[i] != r.code || st[i] != "OK" {
			t.Errorf("row %d: CCODE %q ImportStatus %q ImportCCODE %q, want %q OK %q", i+2, in[i], st[i], cc[i], r.code, r.code)
		}
	}
}

func TestInterrupt(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim := startSim(t, "--latency", "50ms")
	const n = 300
	_, rows := writeGenCSV(t, dir, "big.csv", "S", n, func(i int) bool { return i%5 == 4 })

	cmd := execImport(t, dir, simEnv(t, sim.URL), "import", "--workers", "4", "--rate", "1000", "big.csv")
	// Interrupt once some rows are stored (about a second in).
	deadline := time.Now().Add(20 * time.Second)
	for len(sim.Customers(t)) < 10 {
		if time.Now().After(deadline) {
			t.Fatal("no row reached the simulator within 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	res := cmd.wait(t)
	if res.code != 1 {
		t.Fatalf("got exit %d, want 1\n%s", res.code, res)
	}
	out := readResults(t, filepath.Join(dir, "big.results.xlsx"))
	if len(out.rows) != n {
		t.Fatalf("results have %d rows, want %d (every input row)", len(out.rows), n)
	}
	in, st, cc := out.column(t, "CNAM1"), out.column(t, "ImportStatus"), out.column(t, "ImportCCODE")
	store := byCode(sim.Customers(t))
	count := map[string]int{}
	for i, r := range rows {
		count[st[i]]++
		if in[i] != r.name {
			t.Errorf("row %d: CNAM1 %q, want %q (order or loss)", i+2, in[i], r.name)
		}
		switch st[i] {
		case "OK":
			if c, ok := store[cc[i]]; !ok || str(c["CNAM1"]) != r.name {
				t.Errorf("row %d: OK as %q, but the store has %v", i+2, cc[i], c)
			}
		case "NOT_SENT":
			if r.code != "" {
				if _, ok := store[r.code]; ok {
					t.Errorf("row %d: NOT_SENT, but %q is in the store", i+2, r.code)
				}
			}
		default:
			t.Errorf("row %d: ImportStatus %q, want OK or NOT_SENT", i+2, st[i])
		}
	}
	if count["OK"] == 0 || count["NOT_SENT"] == 0 {
		t.Errorf("got %v, want some OK and some NOT_SENT", count)
	}
	if st[n-1] != "NOT_SENT" {
		t.Errorf("last row: ImportStatus %q, want NOT_SENT", st[n-1])
	}
	if len(store) != count["OK"] {
		t.Errorf("the store holds %d customers, want %d (the OK rows)", len(store), count["OK"])
	}
	t.Logf("interrupted: %v", count)

	// Running again resumes: the rows not sent are sent, none twice.
	res = run(t, dir, simEnv(t, sim.URL), "import", "--workers", "8", "--rate", "1000", "big.csv")
	if res.code != 0 {
		t.Fatalf("resumed run: got exit %d, want 0\n%s", res.code, res)
	}
	again := readResults(t, filepath.Join(dir, "big.results.xlsx"))
	if len(again.rows) != n {
		t.Fatalf("resumed run: %d rows, want %d", len(again.rows), n)
	}
	st2, cc2 := again.column(t, "ImportStatus"), again.column(t, "ImportCCODE")
	stored := sim.Customers(t)
	if len(stored) != n {
		t.Errorf("after the resumed run the store holds %d customers, want %d (one per row)", len(stored), n)
	}
	names := map[string]int{}
	for _, c := range stored {
		names[str(c["CNAM1"])]++
	}
	for i, r := range rows {
		if st2[i] != "OK" {
			t.Errorf("resumed run row %d: ImportStatus %q, want OK", i+2, st2[i])
		}
		if st[i] == "OK" && cc2[i] != cc[i] {
			t.Errorf("resumed run row %d: ImportCCODE %q, want %q (as before the interrupt)", i+2, cc2[i], cc[i])
		}
		if names[r.name] != 1 {
			t.Errorf("row %d: %q stored %d times, want once", i+2, r.name, names[r.name])
		}
	}
}

func TestCheckDateCell(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	copyTestdata(t, dir, "dates.xlsx")
	res := run(t, dir, baseEnv(t), "check", "dates.xlsx")
	if res.code != 0 {
		t.Fatalf("got exit %d, want 0\n%s", res.code, res)
	}
	in := readInputXLSX(t, filepath.Join(dir, "dates.xlsx"))
	if got := in.rows[0][in.col(t, "生日")]; got != "1961/06/05" {
		t.Fatalf("input 生日 reads %q, want 1961/06/05 (fixture changed?)", got)
	}
	out := readXLSX(t, filepath.Join(dir, "dates.results.xlsx"))
	checkOriginalColumns(t, in, out)
	for _, col := range []string{"ImportStatus", "ImportWarnings", "ImportErrorMessage"} {
		want := map[string]string{"ImportStatus": "VALID"}[col]
		if got := out.rows[0][out.col(t, col)]; got != want {
			t.Errorf("%s: got %q, want %q", col, got, want)
		}
	}
}
