//go:build unix

package connect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/custimport/custimport/importer/ledger"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Through sudo, no default folder: the run stops before any ledger is made
// anywhere, and a folder named on purpose is used.
func TestDefaultStateDirUnderSudo(t *testing.T) {
	home := t.TempDir()
	other := strconv.Itoa(os.Geteuid() + 1)
	env := map[string]string{"HOME": home, "SUDO_UID": other, "SUDO_USER": "alice"}
	if _, err := DefaultStateDir(envOf(env)); !errors.Is(err, ErrStateDir) {
		t.Fatalf("under sudo: %v, want ErrStateDir", err)
	}
	s := conn("https://tms.example", "P1", "")
	ctx := context.Background()
	if _, _, err := s.OpenLedger(ctx, envOf(env), "a.csv"); !errors.Is(err, ErrStateDir) {
		t.Errorf("OpenLedger under sudo: %v, want ErrStateDir", err)
	}
	if _, _, err := s.PeekLedger(ctx, envOf(env)); !errors.Is(err, ErrStateDir) {
		t.Errorf("PeekLedger under sudo: %v, want ErrStateDir", err)
	}
	if left, _ := os.ReadDir(home); len(left) != 0 {
		t.Errorf("HOME holds %v", left)
	}
	s.StateDir = filepath.Join(t.TempDir(), "chosen")
	_, closeDB, err := s.OpenLedger(ctx, envOf(env), "a.csv")
	if err != nil {
		t.Fatalf("a folder named on purpose: %v", err)
	}
	closeDB()
	// sudo to the same user changes nothing.
	env["SUDO_UID"] = strconv.Itoa(os.Geteuid())
	if dir, err := DefaultStateDir(envOf(env)); err != nil || dir != filepath.Join(home, ".local", "state", "custimport") {
		t.Errorf("sudo to oneself: %q, %v", dir, err)
	}
}

// A HOME that belongs to another user (su without -, sudo -E) is not
// used: the ledger would land in that user's folder, or beside it.
func TestDefaultStateDirOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a folder to another user takes root")
	}
	home := t.TempDir()
	other := os.Geteuid() + 4242
	if err := os.Chown(home, other, other); err != nil {
		t.Fatal(err)
	}
	_, err := DefaultStateDir(envOf(map[string]string{"HOME": home}))
	if !errors.Is(err, ErrStateDir) {
		t.Fatalf("HOME of user %d: %v, want ErrStateDir", other, err)
	}
	if uid, at := ownerOf(filepath.Join(home, ".local", "state", "custimport")); uid != other || at != home {
		t.Errorf("ownerOf = %d, %s; want %d, %s", uid, at, other, home)
	}
	os.Chown(home, os.Geteuid(), os.Getegid())
	if _, err := DefaultStateDir(envOf(map[string]string{"HOME": home})); err != nil {
		t.Errorf("HOME of this user: %v", err)
	}
}

// A ledger an earlier version kept in $XDG_STATE_HOME/custimport is
// found, not replaced by a second one in the default folder; a scheduled
// task (no XDG_STATE_HOME) and a session with it use one folder.
func TestLedgerInTheOldXDGFolder(t *testing.T) {
	home, xdg := t.TempDir(), t.TempDir()
	ctx := context.Background()
	old := conn("https://tms.example", "P1", filepath.Join(xdg, "custimport"))
	_, closeOld, err := old.OpenLedger(ctx, envOf(nil), "a.csv") // as an earlier version did
	if err != nil {
		t.Fatal(err)
	}
	closeOld()
	s := conn("https://tms.example", "P1", "")
	session := envOf(map[string]string{"HOME": home, "XDG_STATE_HOME": xdg})
	if _, _, err := s.OpenLedger(ctx, session, "a.csv"); !errors.Is(err, ErrLedgerElsewhere) {
		t.Fatalf("OpenLedger = %v, want ErrLedgerElsewhere", err)
	}
	if _, _, err := s.PeekLedger(ctx, session); !errors.Is(err, ErrLedgerElsewhere) {
		t.Errorf("PeekLedger = %v, want ErrLedgerElsewhere", err)
	}
	def := filepath.Join(home, ".local", "state", "custimport")
	tenant, _ := ledger.NewTenant(s.URL, s.PNO, "")
	if _, err := os.Stat(ledger.FilePath(def, tenant)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a second ledger was made in %s: %v", def, err)
	}
	// Moved as the message says: the session and a scheduled task (no
	// XDG_STATE_HOME) both use it.
	if err := os.MkdirAll(filepath.Dir(def), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(xdg, "custimport"), def); err != nil {
		t.Fatal(err)
	}
	for _, env := range []func(string) string{session, envOf(map[string]string{"HOME": home})} {
		db, closeDB, err := s.OpenLedger(ctx, env, "a.csv")
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(db.Path()) != def {
			t.Errorf("the ledger used is %s, want the one in %s", db.Path(), def)
		}
		closeDB()
	}
}
