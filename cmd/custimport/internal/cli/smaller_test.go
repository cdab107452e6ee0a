package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/source"
	"github.com/xuri/excelize/v2"
)

// Small things that disagreed with themselves.
func TestSmallerOutputRules(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", []byte("CCODE,CNAM1,CBELE\nS1,甲,1\nS2,乙,x\n"))
	t.Run("check never sends", func(t *testing.T) {
		res := run(t, env, "check", in, "--dry-run=false")
		if res.code != ExitCantRun || !strings.Contains(res.stderr, "custimport import") || len(sim.Customers()) != 0 {
			t.Errorf("check --dry-run=false: exit %d, %d customers\n%s", res.code, len(sim.Customers()), res)
		}
	})
	t.Run("rows per second counts rows sent", func(t *testing.T) {
		res := run(t, env, "import", in, "--lang", "en")
		if !strings.Contains(res.stdout, "sent 1 rows") {
			t.Errorf("import output lacks the rows sent:\n%s", res)
		}
		// One request in a few milliseconds is no rate: no line for it.
		if strings.Contains(res.stdout, "Send rate reached") {
			t.Errorf("a rate from one request:\n%s", res)
		}
	})
}

// A file name with a newline or an escape sequence cannot forge a line of
// the output: it is printed quoted, its control characters escaped.
func TestControlCharactersInFileNames(t *testing.T) {
	_, _, env := startSim(t)
	inbox := t.TempDir()
	name := "a\nmoved to done\x1b[2J.csv"
	writeFile(t, inbox, name, []byte("CCODE,CNAM1,CBELE\nZ1,甲,1\n"))
	clitest.Backdate(t, inbox)
	res := run(t, env, "import", inbox)
	if res.code != ExitOK {
		t.Fatalf("exit %d\n%s", res.code, res)
	}
	for _, line := range strings.Split(res.stdout+res.stderr, "\n") {
		if strings.HasPrefix(line, "moved to done") || strings.ContainsRune(line, 0x1b) {
			t.Errorf("a file name forged or broke a line: %q", line)
		}
	}
	if !strings.Contains(res.stdout, `\n`) {
		t.Errorf("the name is not shown escaped:\n%s", res)
	}
}

// A bare quote inside an unquoted cell is read as Excel reads it: as a
// character of the cell, not as a broken file.
func TestBareQuotesReadLiterally(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", []byte("CCODE,CNAM1,CBELE,CADD1\r\nQ1,15\" 螢幕行,1,37°36'37.8\"N\r\n"))
	out := filepath.Join(dir, "out.csv")
	res := run(t, nil, "check", in, "--out", out)
	if res.code != ExitOK {
		t.Fatalf("exit %d\n%s", res.code, res)
	}
	tb := readCSVTable(t, out)
	if got := tb.cell(t, 0, "CNAM1") + "|" + tb.cell(t, 0, "CADD1"); got != `15" 螢幕行|37°36'37.8"N` {
		t.Errorf("cells read as %q", got)
	}
}

// A number in a message is the row the user sees, in the input and in the
// results alike: a quoted multi-line address is one row, as in Excel, and
// blank lines are rows too.
func TestRowNumbersAsExcelShowsThem(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", []byte("名單\r\n\r\nCCODE,CNAM1,CBELE,CADD1\r\nR1,甲,1,\"台北市\r\n信義路 1 號\"\r\n\r\nR2,乙,x,高雄市\r\n"))
	out := filepath.Join(dir, "out.csv")
	res := run(t, nil, "check", in, "--lang", "en", "--out", out)
	if !strings.Contains(res.stdout, "row 6 ") {
		t.Errorf("the bad row is not named row 6 (the row Excel shows it on):\n%s", res)
	}
	// Read the results back as Excel numbers their rows.
	src, err := source.Open(out, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	byRow := map[int][]string{}
	for {
		rec, err := src.Read()
		if err != nil {
			break
		}
		byRow[rec.Line] = rec.Cells
	}
	if got := byRow[3]; len(got) < 5 || got[0] != "CCODE" || got[4] != "ImportStatus" {
		t.Errorf("results row 3 %q, want the header", got)
	}
	if got := byRow[4]; len(got) < 5 || got[0] != "R1" || got[3] != "台北市\n信義路 1 號" {
		t.Errorf("results row 4 %q, want R1 with its two-line address", got)
	}
	if got := byRow[6]; len(got) < 5 || got[0] != "R2" || got[4] != "INVALID" {
		t.Errorf("results row 6 %q, want R2 INVALID", got)
	}
}

// check takes several files: each gets its results, the exit code is the
// worst; the Summary sheet tells when the run was.
func TestCheckSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", []byte("CCODE,CNAM1,CBELE\nA1,甲,1\n"))
	b := writeFile(t, dir, "b.csv", []byte("CCODE,CNAM1,CBELE\nB1,乙,x\n"))
	res := run(t, nil, "check", a, "--lang", "en", b)
	if res.code != ExitRows || strings.Count(res.stdout, "== ") != 2 {
		t.Fatalf("exit %d, want 1 (b has an invalid row), two files reported\n%s", res.code, res)
	}
	for _, out := range []string{"a.results.xlsx", "b.results.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, out)); err != nil {
			t.Errorf("%s: %v", out, err)
		}
	}
	if res := run(t, nil, "check", a, b, "--out", filepath.Join(dir, "x.csv")); res.code != ExitCantRun {
		t.Errorf("--out with several files: exit %d\n%s", res.code, res)
	}
	x := xlsxFile(t, filepath.Join(dir, "x.xlsx"), map[string][][]any{"S": {{"CCODE", "CNAM1", "CBELE"}, {"X1", "丙", 1}}}, []string{"S"}, nil)
	run(t, nil, "check", x)
	f, err := excelize.OpenFile(filepath.Join(dir, "x.results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Summary")
	found := false
	for _, r := range rows {
		found = found || (len(r) > 1 && r[0] == "開始時間" && strings.HasPrefix(r[1], "20"))
	}
	if !found {
		t.Errorf("the Summary sheet has no start time: %q", rows)
	}
}

// The simulator by name and by address is one TMS: importing the same
// list through http://localhost and then http://127.0.0.1 creates nothing
// the second time.
func TestLocalhostAndLoopbackShareOneLedger(t *testing.T) {
	sim, srv, env := startSim(t)
	in := writeFile(t, t.TempDir(), "list.csv", []byte("CCODE,CNAM1,CBELE\n,新客戶甲,1\n,新客戶乙,1\n"))
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	for _, url := range []string{byName, srv.URL} {
		if res := run(t, env, "import", in, "--url", url); res.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", url, res.code, res)
		}
	}
	if n := len(sim.Customers()); n != 2 {
		t.Errorf("the simulator holds %d customers, want 2: localhost and 127.0.0.1 got two ledgers", n)
	}
}
