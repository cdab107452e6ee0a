//go:build unix

package crash

// Helpers of the crash tests: the custimport binary is built once (without
// -race: the race detector would only slow the processes under test down,
// and the code they run is raced by the importer's own tests), simulators
// are `custimport sim` processes on a free loopback port, and imports are
// separate processes that can be killed with SIGKILL.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/journal"
)

// testPNO is the api-pno of every simulator and import of these tests.
const testPNO = "CRASHPNO"

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary returns the custimport binary, building it on first use.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "custimport-crash-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "custimport")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/custimport/custimport/cmd/custimport")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rig is one simulator and a working folder for imports against it.
type rig struct {
	bin string
	dir string   // working folder of the imports
	url string   // the simulator's base URL
	env []string // the whole environment of every process
}

var simURLRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// newRig starts `custimport sim --addr 127.0.0.1:0 simArgs...` with a
// random key and waits until it listens. The simulator is stopped (SIGINT,
// then SIGKILL) when the test ends.
func newRig(t *testing.T, simArgs ...string) *rig {
	t.Helper()
	key := make([]byte, 16)
	rand.Read(key)
	r := &rig{bin: binary(t), dir: t.TempDir()}
	r.env = []string{
		"HOME=" + t.TempDir(),
		"TMPDIR=" + os.TempDir(),
		"PATH=/usr/bin:/bin",
		"TMS_PNO=" + testPNO,
		"TMS_API_KEY=crash-" + hex.EncodeToString(key),
	}

	cmd := exec.Command(r.bin, append([]string{"sim", "--addr", "127.0.0.1:0"}, simArgs...)...)
	cmd.Dir, cmd.Env = t.TempDir(), r.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the simulator: %v", err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := simURLRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case r.url = <-urlc:
	case err := <-exited:
		t.Fatalf("the simulator exited before listening (%v):\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the simulator did not say where it listens:\n%s", stderr.String())
	}
	r.env = append(r.env, "TMS_URL="+r.url)
	return r
}

// path returns a file name in the rig's working folder.
func (r *rig) path(name string) string { return filepath.Join(r.dir, name) }

// proc is a running import.
type proc struct {
	cmd      *exec.Cmd
	out      *syncBuffer
	started  time.Time
	signaled bool // ended by a signal (the kill landed)
	code     int  // exit code when not signaled
}

// start starts `custimport args...` in the rig's folder. The process is
// killed if it is still running when ctx ends.
func (r *rig) start(ctx context.Context, t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{out: &syncBuffer{}}
	p.cmd = exec.CommandContext(ctx, r.bin, args...)
	p.cmd.Dir, p.cmd.Env = r.dir, r.env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting custimport %s: %v", strings.Join(args, " "), err)
	}
	p.started = time.Now()
	return p
}

// wait waits for the process and records how it ended.
func (p *proc) wait(t *testing.T) {
	t.Helper()
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("waiting for custimport: %v", err)
	}
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok {
		t.Fatalf("no wait status: %T", p.cmd.ProcessState.Sys())
	}
	p.signaled = ws.Signaled()
	p.code = ws.ExitStatus()
}

// kill sends SIGKILL (a no-op when the process has already ended) and
// waits for it.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("kill -9: %v", err)
	}
	p.wait(t)
}

// run runs `custimport args...` to its end and returns its exit code and
// output.
func (r *rig) run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	p := r.start(ctx, t, args...)
	p.wait(t)
	if p.signaled {
		t.Fatalf("custimport %s: ended by a signal (timeout?):\n%s", strings.Join(args, " "), p.out.String())
	}
	return p.code, p.out.String()
}

// customers returns the simulator's store.
func (r *rig) customers(t *testing.T) []map[string]any {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(r.url + "/_sim/customers")
	if err != nil {
		t.Fatalf("GET /_sim/customers: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_sim/customers: %s", resp.Status)
	}
	var out []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET /_sim/customers: %v", err)
	}
	return out
}

// store indexes the simulator's customers by CNAM1 marker: marker → the
// CCODEs of the customers that carry it.
func (r *rig) store(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, c := range r.customers(t) {
		name, _ := c["CNAM1"].(string)
		code, _ := c["CCODE"].(string)
		out[name] = append(out[name], code)
	}
	return out
}

// inputRow is one data row of a generated input.
type inputRow struct {
	Line   int    // the row number in the file (the header is line 1)
	Code   string // CCODE; "" for an auto-numbered create
	Marker string // CNAM1, unique per row
}

// writeInput writes a UTF-8 CSV of n rows; create(i) says whether row i
// (from 1) is an auto-numbered create.
func writeInput(t *testing.T, path, prefix string, n int, create func(i int) bool) []inputRow {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"CCODE", "CNAM1", "CBELE", "CTELE"})
	rows := make([]inputRow, 0, n)
	for i := 1; i <= n; i++ {
		r := inputRow{Line: i + 1, Marker: fmt.Sprintf("%s-row-%04d", prefix, i)}
		if !create(i) {
			r.Code = fmt.Sprintf("%s%04d", strings.ToUpper(prefix[:1]), i)
		}
		rows = append(rows, r)
		w.Write([]string{r.Code, r.Marker, fmt.Sprint(i * 100), fmt.Sprintf("02-2345-%04d", i)})
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return rows
}

// resultRow is one data row of a results sheet.
type resultRow struct {
	CCODE, CNAM1                           string // the input's columns
	Status, ImportCCODE, ErrCode, ErrorMsg string // the importer's
}

// readResults reads the first sheet of a results XLSX.
func readResults(t *testing.T, path string) []resultRow {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	if len(rows) == 0 {
		t.Fatalf("results %s: no header row", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"CCODE", "CNAM1", "ImportStatus", "ImportCCODE", "ImportErrorCode", "ImportErrorMessage"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("results %s: no column %s in %q", path, h, rows[0])
		}
	}
	var out []resultRow
	for _, cells := range rows[1:] {
		cell := func(h string) string {
			if i := col[h]; i < len(cells) {
				return cells[i]
			}
			return ""
		}
		out = append(out, resultRow{
			CCODE: cell("CCODE"), CNAM1: cell("CNAM1"),
			Status: cell("ImportStatus"), ImportCCODE: cell("ImportCCODE"),
			ErrCode: cell("ImportErrorCode"), ErrorMsg: cell("ImportErrorMessage"),
		})
	}
	return out
}

// inFlight reads a journal and returns the rows whose request was recorded
// as being sent with no outcome after it (the run stopped with it in
// flight), by line, with the time of that send. A missing journal has none.
func inFlight(t *testing.T, path string) map[int]journal.Row {
	t.Helper()
	st, err := journal.Read(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[int]journal.Row{}
	}
	if err != nil {
		t.Fatalf("reading the journal: %v", err)
	}
	out := map[int]journal.Row{}
	for line, r := range st.Rows {
		if r.Event == journal.Sending {
			out[line] = r
		}
	}
	return out
}
