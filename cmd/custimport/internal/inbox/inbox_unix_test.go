//go:build unix

package inbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Links, pipes and devices are never opened: a link named k.csv to the
// key file would print the key in errors, and a pipe named a.csv would
// block the run forever.
func TestRunOnlyRegularFiles(t *testing.T) {
	dir := folder(t, map[string]string{"b.csv": "CCODE\nA1\n"})
	secret := filepath.Join(t.TempDir(), "key")
	os.WriteFile(secret, []byte("SECRET-KEY-VALUE"), 0o600)
	if err := os.Symlink(secret, filepath.Join(dir, "k.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "a.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	var fr fakeRun
	var said []string
	done := make(chan Summary)
	go func() {
		sum, err := Run(context.Background(), Options{Dir: dir, RunFile: fr.run, Event: func(ev Event) {
			said = append(said, fmt.Sprint(ev.Path, ev.To, ev.Err))
		}})
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	var sum Summary
	select {
	case sum = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run blocked on a pipe") // a hang guard, not a timing assertion
	}
	if !slices.Equal(fr.ran, []string{"b.csv"}) {
		t.Errorf("imported %q, want only b.csv", fr.ran)
	}
	if len(sum.Ignored) != 2 {
		t.Errorf("ignored %+v, want a.csv and k.csv", sum.Ignored)
	}
	if strings.Contains(strings.Join(said, "\n"), "SECRET") {
		t.Errorf("the key file's content was read: %q", said)
	}
	for _, name := range []string{"a.csv", "k.csv"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was moved: %v", name, err)
		}
	}
}
