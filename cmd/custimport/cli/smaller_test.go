package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
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
		for _, want := range []string{"sent 1 rows", "Send rate reached"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("import output lacks %q:\n%s", want, res)
			}
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
