package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	started := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	first := Holder{PID: 4242, Input: `/in/客戶.xlsx`, Started: started}
	release, err := Lock(ctx, dir, testTenant, first, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		wait time.Duration
	}{{"no wait", 0}, {"short wait", 250 * time.Millisecond}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			begin := time.Now()
			_, err := Lock(ctx, dir, testTenant, Holder{PID: 1, Input: "other"}, tt.wait)
			var le *LockedError
			if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
				t.Fatalf("second Lock = %v, want a *LockedError", err)
			}
			if took := time.Since(begin); took < tt.wait {
				t.Errorf("gave up after %v, want %v", took, tt.wait)
			}
			if le.Holder.PID != first.PID || le.Holder.Input != first.Input || !le.Holder.Started.Equal(started) {
				t.Errorf("holder = %+v, want %+v", le.Holder, first)
			}
			if le.Path != LockPath(dir, testTenant) {
				t.Errorf("Path = %q", le.Path)
			}
			for _, s := range []string{"pid 4242", first.Input, testTenant.String()} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
		})
	}
	// Another tenant is not locked.
	other := Tenant{URL: testTenant.URL, PNO: "P2", ProNum: "P2"}
	r2, err := Lock(ctx, dir, other, Holder{PID: 1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	r2()
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Errorf("second release = %v", err)
	}
	r3, err := Lock(ctx, dir, testTenant, Holder{PID: 2}, 0)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	r3()
}

func TestLockWaitsForRelease(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(tempDir(t), "new")
	release, err := Lock(ctx, dir, testTenant, Holder{PID: 1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("lock directory: %v, %v", fi.Mode(), err)
		}
	}
	time.AfterFunc(300*time.Millisecond, func() { release() })
	begin := time.Now()
	r, err := Lock(ctx, dir, testTenant, Holder{PID: 2, Input: "b"}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r()
	if took := time.Since(begin); took < 250*time.Millisecond || took > 5*time.Second {
		t.Errorf("took %v to get a lock released after 300ms", took)
	}
	if h := readHolder(LockPath(dir, testTenant)); h.PID != 2 || h.Input != "b" {
		t.Errorf("lock file names %+v", h)
	}
}

func TestLockCanceled(t *testing.T) {
	dir := tempDir(t)
	release, err := Lock(context.Background(), dir, testTenant, Holder{PID: 1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, dir, testTenant, Holder{PID: 2}, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock = %v, want %v", err, context.DeadlineExceeded)
	}
}

func TestMove(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	from := testTenant
	to := Tenant{URL: "https://new-tms.example.com", PNO: "P1", ProNum: "P1"}
	d, err := Open(ctx, dir, from, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := claim(t, d, Create{Name: "甲", Fingerprint: "fp"})
	d.Settle(id, Created, "C1", "", "")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	release, err := Lock(ctx, dir, to, Holder{PID: 9}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := Move(ctx, dir, from, to); !errors.Is(err, ErrLocked) {
		t.Errorf("Move while the new tenant is locked = %v", err)
	}
	release()

	if err := Move(ctx, dir, from, to); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(FilePath(dir, from)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old ledger still in place: %v", err)
	}
	moved, _ := filepath.Glob(FilePath(dir, from) + ".moved-*")
	if len(moved) != 1 {
		t.Errorf("old ledger renamed to %v", moved)
	}
	fi, err := os.Stat(FilePath(dir, to))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("new ledger mode %v", fi.Mode())
	}
	if _, err := Open(ctx, dir, from, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of the old tenant = %v", err)
	}
	n := openTenant(t, dir, to, Options{})
	if cs, err := n.Candidates(ctx); err != nil || len(cs) != 1 || cs[0].Name != "甲" || cs[0].CCODE != "C1" {
		t.Errorf("moved ledger: %+v, %v", cs, err)
	}
	if c, ok, err := n.Code(ctx, "C1"); err != nil || !ok || c.Fingerprint != "fp" {
		t.Errorf("moved ledger: code %+v, %v, %v", c, ok, err)
	}
	claim(t, n, Create{Name: "乙"})
	n.Close()

	// Moving again: the old ledger is gone; back onto an existing one is refused.
	if err := Move(ctx, dir, from, to); err == nil {
		t.Error("Move of a ledger that is not there: no error")
	}
	openTenant(t, dir, from, Options{}).Close()
	if err := Move(ctx, dir, from, to); err == nil || !strings.Contains(err.Error(), FilePath(dir, to)) {
		t.Errorf("Move onto an existing ledger = %v, want an error naming it", err)
	}
	if err := Move(ctx, dir, to, to); err == nil {
		t.Error("Move onto itself: no error")
	}
}
