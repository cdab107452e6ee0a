package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

func TestImportFolder(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	files := map[string]string{
		"1-good.csv":    "CCODE,CNAM1,CBELE\nG1,好,1\n,新,2\n",
		"2-bad.csv":     "CCODE,CNAM1,CRDAT\nB1,壞,32\n",
		"3-broken.csv":  "CCODE,CNAM1\n\"unterminated,x\n",
		"x.results.csv": "CCODE\nR1\n",
		"~$lock.xlsx":   "junk",
		"notes.txt":     "not an input",
	}
	for name, content := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	var out, errb bytes.Buffer
	clitest.Backdate(t, dir)
	code := Main([]string{"import", dir, "--quiet"}, IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
	if code != ExitRows {
		t.Errorf("exit: got %d, want 1 (every file handled: imported, or set aside in failed/); stderr: %s", code, errb.String())
	}
	list := func(sub string) []string {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	if got, want := list("done"), []string{"1-good.csv"}; !slices.Equal(got, want) {
		t.Errorf("done/: got %q, want %q", got, want)
	}
	if got, want := list("failed"), []string{"2-bad.csv", "2-bad.csv.why.txt", "3-broken.csv", "3-broken.csv.why.txt",
		"notes.txt", "notes.txt.why.txt", "x.results.csv", "x.results.csv.why.txt"}; !slices.Equal(got, want) {
		t.Errorf("failed/: got %q, want %q", got, want)
	}
	if why, _ := os.ReadFile(filepath.Join(dir, "failed", "3-broken.csv.why.txt")); !strings.Contains(string(why), "引號") {
		t.Errorf("3-broken.csv.why.txt, in Chinese, says why: %q", why)
	}
	for _, left := range []string{"~$lock.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, left)); err != nil {
			t.Errorf("%s should be left alone: %v", left, err)
		}
	}
	res := list("results")
	for _, want := range []string{"1-good.results.xlsx", "2-bad.results.xlsx"} {
		if !slices.Contains(res, want) {
			t.Errorf("results/ %q lacks %s", res, want)
		}
	}
	if n := len(sim.Customers()); n != 2 {
		t.Errorf("store holds %d customers, want 2", n)
	}
	if !strings.Contains(errb.String(), "3-broken.csv") {
		t.Errorf("stderr should name the broken file: %s", errb.String())
	}
}

func TestImportFolderLocked(t *testing.T) {
	dir := t.TempDir()
	release, err := lockForTest(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var out, errb bytes.Buffer
	code := Main([]string{"check", dir}, IO{Out: &out, Err: &errb})
	if code != ExitCantRun || !strings.Contains(errb.String(), "另一個 custimport 正在匯入") {
		t.Errorf("got exit %d stderr %q, want 2 and a message about the other run", code, errb.String())
	}
}

// An interrupted folder run stops at once and leaves the files where
// they are, so the next run resumes them.
func TestImportFolderInterrupted(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	for _, name := range []string{"a.csv", "b.csv"} {
		os.WriteFile(filepath.Join(dir, name), []byte("CCODE,CNAM1,CBELE\nG1,好,1\n"), 0o644)
	}
	interrupted := func(parent context.Context) (context.Context, context.Context, func()) {
		ctx, cancel := context.WithCancel(parent)
		cancel() // Ctrl-C before the first row
		return ctx, parent, func() {}
	}
	var out, errb bytes.Buffer
	clitest.Backdate(t, dir)
	code := Main([]string{"import", dir, "--quiet"}, IO{Out: &out, Err: &errb, Signals: interrupted, Getenv: func(k string) string { return env[k] }})
	if code != ExitRows {
		t.Errorf("exit: got %d, want 1", code)
	}
	for _, name := range []string{"a.csv", "b.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was moved: %v", name, err)
		}
	}
	if strings.Contains(out.String(), "b.csv") {
		t.Errorf("b.csv was started after the interrupt:\n%s", out.String())
	}
	if n := len(sim.Customers()); n != 0 {
		t.Errorf("sent %d customers after the interrupt", n)
	}
}

// readFolderSummary reads a folder run's --summary-json.
func readFolderSummary(t *testing.T, path string) folderSummary {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("--summary-json: %v", err)
	}
	var fs folderSummary
	if err := json.Unmarshal(data, &fs); err != nil {
		t.Fatalf("--summary-json: %v\n%s", err, data)
	}
	return fs
}

// A nightly drop of a file with the same name: the earlier night's file is
// kept in done/, results files in the inbox are reported, a file another run
// holds stays, and --summary-json tells every file's fate, even on a night
// with nothing to do.
func TestImportFolderNightly(t *testing.T) {
	t.Parallel()
	sim, _, env := startSim(t)
	dir := t.TempDir()
	sumPath := filepath.Join(t.TempDir(), "last.json")
	night := func() (int, string) {
		var out, errb bytes.Buffer
		clitest.Backdate(t, dir)
		code := Main([]string{"import", dir, "--quiet", "--summary-json", sumPath}, IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
		return code, out.String() + errb.String()
	}

	// Night 0: nothing there.
	if code, out := night(); code != ExitOK {
		t.Fatalf("empty inbox: exit %d\n%s", code, out)
	}
	if fs := readFolderSummary(t, sumPath); fs.ExitCode != 0 || len(fs.Files) != 0 || fs.Folder != dir {
		t.Errorf("empty inbox summary: %+v", fs)
	}

	// Night 1: two new customers (auto-numbered).
	first := "CCODE,CNAM1,CBELE\n,一甲,1\n,一乙,1\n"
	os.WriteFile(filepath.Join(dir, "new.csv"), []byte(first), 0o644)
	if code, out := night(); code != ExitOK {
		t.Fatalf("night 1: exit %d\n%s", code, out)
	}
	fs := readFolderSummary(t, sumPath)
	if len(fs.Files) != 1 || fs.Files[0].MovedTo != filepath.Join(dir, "done", "new.csv") || fs.Files[0].Counts["OK"] != 2 || fs.Files[0].ExitCode != 0 {
		t.Errorf("night 1 summary: %+v", fs)
	}
	night1Results, err := os.ReadFile(filepath.Join(dir, "results", "new.results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}

	// Night 2: the same name, three other new customers on the same
	// rows; and a results file.
	os.WriteFile(filepath.Join(dir, "new.csv"), []byte("CCODE,CNAM1,CBELE\n,二甲,1\n,二乙,1\n,二丙,1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "old.results.csv"), []byte("CCODE\nR1\n"), 0o644)
	code, out := night()
	if code != ExitRows {
		t.Errorf("night 2: exit %d, want 1 (a results file set aside)\n%s", code, out)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "done", "new.csv")); string(got) != first {
		t.Errorf("done/new.csv of night 1 was replaced: %q", got)
	}
	moved, _ := filepath.Glob(filepath.Join(dir, "done", "new.2*.csv"))
	if len(moved) != 1 {
		t.Fatalf("night 2's new.csv in done/: got %q, want one new.<time>.csv\n%s", moved, out)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "results", "new.results.2*.xlsx"))
	if len(kept) != 1 {
		t.Fatalf("night 1's results: got %q, want them kept as new.results.<time>.csv\n%s", kept, out)
	}
	if got, _ := os.ReadFile(kept[0]); string(got) != string(night1Results) {
		t.Errorf("night 1's kept results differ from what night 1 wrote")
	}
	if !strings.Contains(out, "old.results.csv") || !strings.Contains(out, "old.results.csv.why.txt") {
		t.Errorf("the results file set aside is not reported:\n%s", out)
	}
	fs = readFolderSummary(t, sumPath)
	if fs.ExitCode != ExitRows || len(fs.Ignored) != 1 || fs.Ignored[0].MovedTo != filepath.Join(dir, "failed", "old.results.csv") || len(fs.Files) != 1 {
		t.Fatalf("night 2 summary: %+v", fs)
	}
	// Night 2's customers are new ones, not an edit of night 1's.
	if f := fs.Files[0]; f.MovedTo != moved[0] || f.Counts["OK"] != 3 || f.ExitCode != ExitOK {
		t.Errorf("night 2 new.csv: %+v\n%s", f, out)
	}
	names := map[string]bool{}
	for _, c := range sim.Customers() {
		names[fmt.Sprint(c["CNAM1"])] = true
	}
	for _, n := range []string{"一甲", "一乙", "二甲", "二乙", "二丙"} {
		if !names[n] {
			t.Errorf("customer %s is not in TMS; have %v", n, names)
		}
	}
	if n := len(sim.Customers()); n != 5 {
		t.Errorf("store holds %d customers, want 5", n)
	}
}

// A file that went to failed/ keeps its journal: fixed and put back, its
// rows already created are not created again.
func TestImportFolderFailedResumes(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	night := func() int {
		var out, errb bytes.Buffer
		clitest.Backdate(t, dir)
		return Main([]string{"import", dir, "--quiet"}, IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
	}
	os.WriteFile(filepath.Join(dir, "list.csv"), []byte("CCODE,CNAM1,CBELE,CRDAT\n,好,1,5\n,壞,1,32\n"), 0o644)
	if code := night(); code != ExitRows {
		t.Fatalf("first run: exit %d, want 1", code)
	}
	if err := os.Rename(filepath.Join(dir, "failed", "list.csv"), filepath.Join(dir, "list.csv")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "list.csv"), []byte("CCODE,CNAM1,CBELE,CRDAT\n,好,1,5\n,壞,1,31\n"), 0o644)
	if code := night(); code != ExitOK {
		t.Fatalf("after the fix: exit %d, want 0", code)
	}
	if n := len(sim.Customers()); n != 2 {
		t.Errorf("store holds %d customers, want 2 (好 once, 壞 once fixed)", n)
	}
}
