package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms/tmssim"
)

func TestImportFolder(t *testing.T) {
	sim, err := tmssim.New(tmssim.Config{PNO: "P", Key: "folder-key"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
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
	env := map[string]string{"TMS_URL": srv.URL, "TMS_PNO": "P", "TMS_API_KEY": "folder-key"}
	code := Main([]string{"import", dir, "--quiet"}, IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
	if code != ExitCantRun {
		t.Errorf("exit: got %d, want 2 (the worst file could not be read); stderr: %s", code, errb.String())
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
	if got, want := list("failed"), []string{"2-bad.csv", "3-broken.csv"}; !slices.Equal(got, want) {
		t.Errorf("failed/: got %q, want %q", got, want)
	}
	for _, left := range []string{"x.results.csv", "~$lock.xlsx", "notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, left)); err != nil {
			t.Errorf("%s should be left alone: %v", left, err)
		}
	}
	res := list("results")
	for _, want := range []string{"1-good.results.csv", "2-bad.results.csv"} {
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
	if code != ExitCantRun || !strings.Contains(errb.String(), "another custimport run") {
		t.Errorf("got exit %d stderr %q, want 2 and a message about the other run", code, errb.String())
	}
}

// An interrupted folder run stops at once and leaves the files where
// they are, so the next run resumes them.
func TestImportFolderInterrupted(t *testing.T) {
	sim, err := tmssim.New(tmssim.Config{PNO: "P", Key: "folder-key"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
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
	env := map[string]string{"TMS_URL": srv.URL, "TMS_PNO": "P", "TMS_API_KEY": "folder-key"}
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
