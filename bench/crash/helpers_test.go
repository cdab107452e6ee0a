//go:build unix

package crash

// Helpers of the crash tests: the custimport binary is built once (without
// -race: the race detector would only slow the processes under test down,
// and the code they run is raced by the importer's own tests), simulators
// are `custimport sim` processes (clitest.StartSim), and imports are
// separate processes that can be killed with SIGKILL.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/cmd/custimport/clitest"
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
		if buildErr == nil {
			binPath, buildErr = clitest.Build(buildDir, false)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// rig is one simulator and a working folder for imports against it.
type rig struct {
	bin string
	dir string // working folder of the imports
	sim *clitest.Sim
	env []string // the whole environment of every process
}

// newRig starts `custimport sim simArgs...` with a random key; it is
// stopped when the test ends.
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
	r.sim = clitest.StartSim(t, r.bin, r.env, simArgs...)
	r.env = append(r.env, "TMS_URL="+r.sim.URL)
	return r
}

// path returns a file name in the rig's working folder.
func (r *rig) path(name string) string { return filepath.Join(r.dir, name) }

// proc is a running import.
type proc struct {
	cmd      *exec.Cmd
	out      *clitest.SyncBuffer
	started  time.Time
	signaled bool // ended by a signal (the kill landed)
	code     int  // exit code when not signaled
}

// start starts `custimport args...` in the rig's folder. The process is
// killed if it is still running when ctx ends.
func (r *rig) start(ctx context.Context, t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{out: &clitest.SyncBuffer{}}
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

// store indexes the simulator's customers by CNAM1 marker: marker → the
// CCODEs of the customers that carry it.
func (r *rig) store(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, c := range r.sim.Customers(t) {
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
