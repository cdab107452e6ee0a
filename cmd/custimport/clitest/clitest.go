// Package clitest runs the real custimport binary for tests that need whole
// processes: the end-to-end tests (cmd/custimport) and the crash tests
// (bench/crash). It builds the binary, starts `custimport sim` on a free
// loopback port and reads its store back, and has a goroutine-safe buffer
// for process output. It holds no assertions about imports: those stay with
// the tests.
package clitest

import (
	"bufio"
	"bytes"
	"encoding/json"
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
		args = append(args, "-race")
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
}

var listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// StartSim starts `bin sim --addr 127.0.0.1:0 args...` with exactly env as
// its environment, in a temporary folder, and waits until it says where it
// listens. When the test ends the simulator is stopped with SIGINT; the
// test fails if it then does not exit 0 within 15 s, or if its output ever
// contained the TMS_API_KEY of env.
func StartSim(t testing.TB, bin string, env []string, args ...string) *Sim {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sim", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir, cmd.Env = t.TempDir(), env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &Sim{Stdout: &SyncBuffer{}, Stderr: &SyncBuffer{}}
	cmd.Stderr = s.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the simulator: %v", err)
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
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case s.URL = <-urlc:
	case err := <-exited:
		t.Fatalf("the simulator exited before listening (%v):\n%s%s", err, s.Stdout, s.Stderr)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("the simulator did not say where it listens:\n%s%s", s.Stdout, s.Stderr)
	}
	t.Cleanup(func() {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Errorf("stopping the simulator: %v", err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("the simulator ended with %v after SIGINT, want exit 0:\n%s", err, s.Stderr)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("the simulator did not stop within 15 s of SIGINT")
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
