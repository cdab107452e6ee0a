package inbox

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/internal/testdir"
)

// The folder's lock is a file inside it (Windows cannot lock a folder's
// own handle): one run at a time, released with the run, and the file is
// never taken for an input.
func TestLock(t *testing.T) {
	dir := testdir.New(t)
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("CCODE\nA1\n"), 0o644)
	release, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	for range 2 {
		if _, err := Lock(dir); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), dir) {
			t.Fatalf("a second Lock = %v, want ErrLocked naming %s", err, dir)
		}
	}
	if _, err := Run(context.Background(), Options{Dir: dir, RunFile: (&fakeRun{}).run, Quiet: -1}); !errors.Is(err, ErrLocked) {
		t.Errorf("Run of a locked folder = %v, want ErrLocked", err)
	}
	if st, err := os.Stat(filepath.Join(dir, LockName)); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the lock file: %v, %v", st, err)
	}
	l, err := List(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Inputs) != 1 || l.Inputs[0] != "a.csv" || len(l.Ignored) != 0 || len(l.Results) != 0 {
		t.Errorf("List = %+v, want a.csv alone", l)
	}
	release()
	again, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()

	for _, tc := range []struct {
		name string
		path string
		want error
	}{
		{"missing", filepath.Join(dir, "nope"), fs.ErrNotExist},
		{"a file", filepath.Join(dir, "a.csv"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			release, err := Lock(tc.path)
			if err == nil {
				release()
				t.Fatal("locked")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Lock = %v, want %v", err, tc.want)
			}
		})
	}
}

// A check only reads: it goes on in a folder where the lock file cannot be
// made (read-only, a share), while an import does not. Another run's
// lock stops both.
func TestRunWhereTheLockFileCannotBeMade(t *testing.T) {
	dir := testdir.New(t)
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("CCODE\nA1\n"), 0o644)
	os.Mkdir(filepath.Join(dir, LockName), 0o700) // the lock file cannot be opened
	results := testdir.New(t)
	for _, dry := range []bool{true, false} {
		var fr fakeRun
		_, err := Run(context.Background(), Options{Dir: dir, ResultsDir: results, DryRun: dry, RunFile: fr.run, Quiet: -1})
		switch {
		case dry && (err != nil || len(fr.ran) != 1):
			t.Errorf("check: %v, ran %q; want a.csv checked", err, fr.ran)
		case !dry && (err == nil || len(fr.ran) != 0):
			t.Errorf("import: %v, ran %q; want an error and nothing run", err, fr.ran)
		}
	}
}
