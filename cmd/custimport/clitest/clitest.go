// Package clitest runs the real custimport binary for tests that need whole
// processes: the end-to-end tests (cmd/custimport), the crash tests
// (bench/crash) and the send benchmark (bench/send). It builds the binary, starts `custimport sim` on a free
// loopback port and reads its store back, and has a goroutine-safe buffer
// for process output. It holds no assertions about imports: those stay with
// the tests.
package clitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Package is the import path of the custimport command.
const Package = "github.com/custimport/custimport/cmd/custimport"

// Build builds the custimport binary as dir/custimport and returns its path.
// With race the binary is built with the race detector.
func Build(dir string, race bool) (string, error) {
	bin := dir + string(os.PathSeparator) + "custimport"
	args := []string{"build", "-o", bin}
	if race {
		// A race build is for tests, whose packages are compiled without
		// the profile (it guides only a main package's build): without
		// it too, they are compiled once, not twice.
		args = append(args, "-race", "-pgo=off")
	}
	out, err := exec.Command("go", append(args, Package)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", Package, err, out)
	}
	return bin, nil
}

// SyncBuffer is a bytes.Buffer safe for a writing process and a reading
// test.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Sim is a running `custimport sim`.
type Sim struct {
	URL    string      // base URL, http://127.0.0.1:port
	Stdout *SyncBuffer // what it printed so far
	Stderr *SyncBuffer // its log so far

	cmd    *exec.Cmd
	exited chan error
}

var listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// Launch starts `bin sim --addr 127.0.0.1:0 args...` with exactly env as
// its environment, in dir, and waits (at most 30 s) until it says where it
// listens. Stop it with Stop.
func Launch(bin string, env []string, dir string, args ...string) (*Sim, error) {
	cmd := exec.Command(bin, append([]string{"sim", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Sim{Stdout: &SyncBuffer{}, Stderr: &SyncBuffer{}, cmd: cmd, exited: make(chan error, 1)}
	cmd.Stderr = s.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the simulator: %w", err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.Stdout.Write([]byte(sc.Text() + "\n"))
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { s.exited <- cmd.Wait() }()
	select {
	case s.URL = <-urlc:
		return s, nil
	case err := <-s.exited:
		return nil, fmt.Errorf("the simulator exited before listening (%v):\n%s%s", err, s.Stdout, s.Stderr)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-s.exited
		return nil, fmt.Errorf("the simulator did not say where it listens:\n%s%s", s.Stdout, s.Stderr)
	}
}

// Stop sends SIGINT and waits up to 15 s for the simulator to exit
// (killing it after that); it returns how it ended.
func (s *Sim) Stop() error {
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		return fmt.Errorf("stopping the simulator: %w", err)
	}
	select {
	case err := <-s.exited:
		if err != nil {
			return fmt.Errorf("the simulator ended with %v after SIGINT, want exit 0:\n%s", err, s.Stderr)
		}
		return nil
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		return errors.New("the simulator did not stop within 15 s of SIGINT")
	}
}

// StartSim launches the simulator (see Launch) in a temporary folder for
// a test. When the test ends it is stopped; the test fails if it then does
// not exit 0, or if its output ever contained the TMS_API_KEY of env.
func StartSim(t testing.TB, bin string, env []string, args ...string) *Sim {
	t.Helper()
	s, err := Launch(bin, env, t.TempDir(), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
		if key := envValue(env, "TMS_API_KEY"); key != "" && strings.Contains(s.Stdout.String()+s.Stderr.String(), key) {
			t.Errorf("the simulator's output contains the API key")
		}
	})
	return s
}

// envValue returns the value of name in env, or "".
func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// Customers returns the simulator's store, one map per customer with the
// stored Main fields; numbers are json.Number.
func (s *Sim) Customers(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	s.getJSON(t, "/_sim/customers", &out)
	return out
}

// Stats returns the simulator's request counters.
func (s *Sim) Stats(t testing.TB) map[string]any {
	t.Helper()
	var out map[string]any
	s.getJSON(t, "/_sim/stats", &out)
	return out
}

func (s *Sim) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// Backdate makes the regular files of dir look written a minute ago: the
// folder mode leaves files written in the last few seconds for the next
// run, as an export job may still be writing them.
func Backdate(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := os.Chtimes(dir+string(os.PathSeparator)+e.Name(), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// ProcessEnv is the environment switch for the process-level suites: the
// end-to-end tests over the built binary, the crash tests, the benchmark
// programs' smoke tests and the browser test. ./test.sh and CI set it to 1;
// a bare `go test ./...` leaves them out and stays a fast inner loop of
// unit tests.
const ProcessEnv = "CUSTIMPORT_PROCESS_TESTS"

// ProcessTests reports whether the process-level suites run.
func ProcessTests() bool { return os.Getenv(ProcessEnv) == "1" }

// RequireProcessTests skips t unless the process-level suites run.
func RequireProcessTests(t testing.TB) {
	t.Helper()
	if !ProcessTests() {
		t.Skipf("a process-level test: runs with %s=1 (./test.sh sets it)", ProcessEnv)
	}
}
