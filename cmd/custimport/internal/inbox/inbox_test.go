package inbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/internal/testdir"
)

// folder writes files (name → content) into a new folder, written a
// minute ago unless fresh names them.
func folder(t *testing.T, files map[string]string, fresh ...string) string {
	t.Helper()
	dir := testdir.New(t)
	old := time.Now().Add(-time.Minute)
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(fresh, name) {
			os.Chtimes(p, old, old)
		}
	}
	return dir
}

// fakeRun imports nothing: it says every row of a file is OK, unless its
// content starts with "bad".
type fakeRun struct {
	ran   []string
	after func(path string) // called after "importing", to change the file
}

func (f *fakeRun) run(_ context.Context, input, out string) (importer.Summary, error) {
	f.ran = append(f.ran, filepath.Base(input))
	data, err := os.ReadFile(input)
	if err != nil {
		return importer.Summary{}, err
	}
	sha, _ := importer.HashFile(input)
	sum := importer.Summary{Input: input, Output: out, Rows: 1, Counts: map[importer.Status]int{importer.StatusOK: 1}, InputSHA256: sha}
	if strings.HasPrefix(string(data), "bad") {
		sum.Counts = map[importer.Status]int{importer.StatusInvalid: 1}
	}
	if f.after != nil {
		f.after(input)
	}
	return sum, nil
}

func names(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestRunMovesFiles(t *testing.T) {
	dir := folder(t, map[string]string{
		"1.csv": "CCODE\nA1\n", "2.csv": "bad\n", "x.results.csv": "CCODE\n", "~$lock.xlsx": "", "old.xls": "",
		"notes.txt": "just some notes", "list.tsv": "CCODE\tCNAM1\nA1\tx\n",
	})
	var fr fakeRun
	var events []string
	sum, err := Run(context.Background(), Options{Dir: dir, RunFile: fr.run, Event: func(ev Event) {
		events = append(events, fmt.Sprintf("%d %s", ev.Kind, filepath.Base(ev.Path)))
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1.csv", "2.csv", "list.tsv"}; !slices.Equal(fr.ran, want) {
		t.Errorf("imported %q, want %q", fr.ran, want)
	}
	if got := names(filepath.Join(dir, "done")); !slices.Equal(got, []string{"1.csv", "list.tsv"}) {
		t.Errorf("done/ %q", got)
	}
	// What cannot be imported goes to failed/ with its why, so the next
	// run is clean; Excel's lock file is left.
	wantFailed := []string{"2.csv", "2.csv.why.txt", "notes.txt", "notes.txt.why.txt", "old.xls", "old.xls.why.txt", "x.results.csv", "x.results.csv.why.txt"}
	if got := names(filepath.Join(dir, "failed")); !slices.Equal(got, wantFailed) {
		t.Errorf("failed/ %q, want %q", got, wantFailed)
	}
	var ignored []string
	for _, ig := range sum.Ignored {
		ignored = append(ignored, ig.Name+": "+ig.Reason+" → "+filepath.Base(ig.MovedTo))
	}
	if want := []string{"notes.txt: not a customer list → notes.txt", "old.xls: unsupported format: save it as .xlsx or .csv → old.xls",
		"x.results.csv: a results file → x.results.csv"}; !slices.Equal(ignored, want) {
		t.Errorf("ignored %q, want %q", ignored, want)
	}
	if len(sum.Skipped) != 0 {
		t.Errorf("skipped %q", sum.Skipped)
	}
	for name, want := range map[string]string{"2.csv": "some rows were not imported", "old.xls": "save it as .xlsx",
		"x.results.csv": "import it by name", "notes.txt": "not a customer list"} {
		why, err := os.ReadFile(filepath.Join(dir, "failed", name+".why.txt"))
		if err != nil || !strings.Contains(string(why), want) {
			t.Errorf("%s.why.txt: %q %v, want %q", name, why, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "~$lock.xlsx")); err != nil {
		t.Errorf("Excel's lock file was moved: %v", err)
	}
	// The next run finds nothing to do.
	fr.ran = nil
	sum, err = Run(context.Background(), Options{Dir: dir, RunFile: fr.run})
	if err != nil || len(fr.ran) != 0 || len(sum.Ignored) != 0 || len(sum.Files) != 0 {
		t.Errorf("second run: ran %q, %+v, %v", fr.ran, sum, err)
	}
}

// A run that fails because of the file goes to failed/ with the error as
// its why; one that fails for a reason that is not the file's (the
// results folder, the ledger) stays for the next run. Results files are
// left when the results folder is the folder itself, and a check moves
// nothing.
func TestRunErrors(t *testing.T) {
	dir := folder(t, map[string]string{"a-list.csv": "x", "b-ours.csv": "x"})
	run := func(_ context.Context, input, out string) (importer.Summary, error) {
		if strings.Contains(input, "a-list") {
			return importer.Summary{}, &importer.SeveralListsError{Input: input, Sheets: []string{"北區", "南區"}}
		}
		return importer.Summary{}, fmt.Errorf("results: create %s: %w", out, os.ErrPermission)
	}
	var held []string
	sum, err := Run(context.Background(), Options{Dir: dir, RunFile: run, Event: func(ev Event) {
		if ev.Kind == FileHeld {
			held = append(held, filepath.Base(ev.Path))
		}
	}, Why: func(w Why) string { return "為何: " + w.Err.Error() }})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(filepath.Join(dir, "failed")); !slices.Equal(got, []string{"a-list.csv", "a-list.csv.why.txt"}) {
		t.Errorf("failed/ %q", got)
	}
	if why, _ := os.ReadFile(filepath.Join(dir, "failed", "a-list.csv.why.txt")); !strings.Contains(string(why), `為何: `) || !strings.Contains(string(why), `"北區", "南區"`) {
		t.Errorf("why: %q", why)
	}
	if _, err := os.Stat(filepath.Join(dir, "b-ours.csv")); err != nil || !slices.Equal(held, []string{"b-ours.csv"}) || sum.Files[1].Stayed != "error" {
		t.Errorf("b-ours.csv should stay: %v, held %q, %+v", err, held, sum.Files[1])
	}

	same := folder(t, map[string]string{"x.results.csv": "CCODE\n", "y.xls": ""})
	sum, err = Run(context.Background(), Options{Dir: same, ResultsDir: same, RunFile: run})
	if err != nil || !slices.Equal(sum.Skipped, []string{"x.results.csv"}) {
		t.Errorf("results folder = folder: skipped %q, %v", sum.Skipped, err)
	}
	if _, err := os.Stat(filepath.Join(same, "x.results.csv")); err != nil {
		t.Errorf("a results file of the folder's own was moved: %v", err)
	}
	check := folder(t, map[string]string{"x.results.csv": "CCODE\n", "y.xls": ""})
	if _, err := Run(context.Background(), Options{Dir: check, DryRun: true, RunFile: run}); err != nil {
		t.Fatal(err)
	}
	if got := names(check); !slices.Equal(got, []string{".custimport.lock", "results", "x.results.csv", "y.xls"}) { // the lock file stays (DIR/.custimport.lock)
		t.Errorf("a check moved files: %q", got)
	}
}

// A file written a moment ago, or changed while it was imported, stays
// for the next run: an export job may still be writing it.
func TestRunLeavesFilesBeingWritten(t *testing.T) {
	dir := folder(t, map[string]string{"new.csv": "CCODE\nA1\n", "growing.csv": "CCODE\nA1\n", "steady.csv": "CCODE\nA1\n"}, "new.csv")
	fr := fakeRun{after: func(path string) {
		if filepath.Base(path) == "growing.csv" {
			f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("A2\n")
			f.Close()
		}
	}}
	sum, err := Run(context.Background(), Options{Dir: dir, RunFile: fr.run})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fr.ran, []string{"growing.csv", "steady.csv"}) {
		t.Errorf("imported %q: a file written a moment ago was imported", fr.ran)
	}
	if got := names(filepath.Join(dir, "done")); !slices.Equal(got, []string{"steady.csv"}) {
		t.Errorf("done/ %q, want only steady.csv", got)
	}
	stayed := map[string]string{}
	for _, f := range sum.Files {
		stayed[filepath.Base(f.Input)] = f.Stayed
	}
	if stayed["new.csv"] != "changing" || stayed["growing.csv"] != "changing" || stayed["steady.csv"] != "" {
		t.Errorf("stayed %v", stayed)
	}
	// The next run, once the file is quiet, takes it.
	old := time.Now().Add(-time.Minute)
	for _, n := range []string{"new.csv", "growing.csv"} {
		os.Chtimes(filepath.Join(dir, n), old, old)
	}
	fr = fakeRun{}
	if _, err := Run(context.Background(), Options{Dir: dir, RunFile: fr.run}); err != nil {
		t.Fatal(err)
	}
	if got := names(filepath.Join(dir, "done")); len(got) != 3 {
		t.Errorf("done/ %q after the next run, want all three", got)
	}
}

func TestRunStopped(t *testing.T) {
	dir := folder(t, map[string]string{"1.csv": "CCODE\nA1\n", "2.csv": "CCODE\nA2\n"})
	ctx, cancel := context.WithCancel(context.Background())
	fr := fakeRun{after: func(string) { cancel() }}
	sum, err := Run(ctx, Options{Dir: dir, RunFile: fr.run})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Left, []string{"2.csv"}) || sum.Files[0].Stayed != "stopped" {
		t.Errorf("left %q, first file stayed %q", sum.Left, sum.Files[0].Stayed)
	}
	if got := names(dir); !slices.Contains(got, "1.csv") || !slices.Contains(got, "2.csv") {
		t.Errorf("files moved after a stop: %q", got)
	}
}

func TestStampedName(t *testing.T) {
	dir := testdir.New(t)
	at := time.Date(2026, 11, 25, 2, 30, 0, 0, time.Local)
	p := filepath.Join(dir, "a.csv")
	first, _ := StampedName(p, at)
	os.WriteFile(first, nil, 0o644)
	second, _ := StampedName(p, at)
	if filepath.Base(first) != "a.20261125-023000.csv" || filepath.Base(second) != "a.20261125-023000-1.csv" {
		t.Errorf("got %s then %s", first, second)
	}
}

func TestRecent(t *testing.T) {
	tests := []struct {
		age  time.Duration
		want bool
	}{
		{time.Second, true}, {0, true}, {5 * time.Second, false}, {time.Minute, false},
		{-time.Hour, false}, // dated in the future: a clock ahead, not a writer
	}
	for _, tt := range tests {
		if got := recent(tt.age, DefaultQuiet); got != tt.want {
			t.Errorf("recent(%v) = %v, want %v", tt.age, got, tt.want)
		}
	}
	if recent(time.Second, -1) {
		t.Error("a negative quiet period still waits")
	}
}

// A check of the folder reads even a file written a moment ago: it moves
// and sends nothing, so there is no next run to leave it to.
func TestCheckReadsNewFiles(t *testing.T) {
	dir := folder(t, map[string]string{"new.csv": "CCODE\nA1\n"}, "new.csv")
	var fr fakeRun
	if _, err := Run(context.Background(), Options{Dir: dir, RunFile: fr.run, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fr.ran, []string{"new.csv"}) {
		t.Errorf("checked %q, want new.csv", fr.ran)
	}
}
