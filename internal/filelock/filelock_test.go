package filelock

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/custimport/custimport/internal/testdir"
)

// The helper process of TestLockAcrossProcesses: it locks the file that
// FILELOCK_HELPER names, says so, and holds the lock until its stdin
// closes.
func TestMain(m *testing.M) {
	if path := os.Getenv("FILELOCK_HELPER"); path != "" {
		os.Exit(holdLock(path))
	}
	os.Exit(m.Run())
}

func holdLock(path string) int {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	defer f.Close()
	if ok, err := TryLock(f); !ok || err != nil {
		fmt.Println("not locked:", ok, err)
		return 1
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

func lockFile(t *testing.T) string {
	return filepath.Join(testdir.New(t), "x.lock")
}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func locked(t *testing.T, f *os.File) bool {
	t.Helper()
	ok, err := TryLock(f)
	if err != nil {
		t.Fatalf("TryLock: %v", err)
	}
	return ok
}

func TestTryLock(t *testing.T) {
	path := lockFile(t)
	a, b := open(t, path), open(t, path)
	if !locked(t, a) {
		t.Fatal("the first lock was refused")
	}
	if locked(t, b) {
		t.Fatal("a second open file got the lock while the first held it")
	}
	// The holder's content stays readable and writable through the other
	// file (the ledger's lock file names its holder).
	if _, err := a.WriteAt([]byte(`{"pid":1}`), 0); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 9)
	if _, err := b.ReadAt(buf, 0); err != nil || string(buf) != `{"pid":1}` {
		t.Errorf("read through the other file: %q, %v", buf, err)
	}
	Unlock(a)
	if !locked(t, b) {
		t.Fatal("the lock was refused after Unlock")
	}
	b.Close()
	if !locked(t, a) {
		t.Fatal("the lock was refused after its holder closed the file")
	}
}

// A lock held by another process keeps this one out until that process
// ends.
func TestLockAcrossProcesses(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	path := lockFile(t)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "FILELOCK_HELPER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("helper said %q", line)
	}
	f := open(t, path)
	if locked(t, f) {
		t.Error("got the lock another process holds")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	if !locked(t, f) {
		t.Error("the lock stayed taken after its process ended")
	}
}
