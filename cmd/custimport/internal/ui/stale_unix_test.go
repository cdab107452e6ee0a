//go:build unix

package ui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/inbox"
)

// A page killed with -9 leaves its results in the temporary folder; the
// next page removes them, but never the folder of a page still running.
func TestStaleTempFoldersRemoved(t *testing.T) {
	stale, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(stale, "results.xlsx"), []byte("customers"), 0o600)
	live, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(live)
	release, err := inbox.Lock(live) // stands for a running page
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		os.RemoveAll(stale)
		t.Errorf("a dead page's folder stayed: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a running page's folder was removed: %v", err)
	}
	if _, err := os.Stat(s.tmp); err != nil {
		t.Errorf("the new page's own folder: %v", err)
	}
}
