//go:build unix

package crash

// Helpers of the crash tests: the custimport binary is built once (without
// -race: the race detector would only slow the processes under test down,
// and the code they run is raced by the importer's own tests), simulators
// are `custimport sim` processes (clitest.StartSim), imports are separate
// processes that can be killed with SIGKILL, and the tenant's ledger is
// read through a read-only SQLite connection of the test's own (ledgerView).

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	_ "modernc.org/sqlite" // the "sqlite" driver of the ledger views

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/internal/pgtest"
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
	code := pgtest.Main(m) // the PostgreSQL server of the shared ledger's tests, when one started
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

// rig is one simulator, a working folder for imports against it and a
// state folder for the ledger of its tenant.
type rig struct {
	bin      string
	dir      string // working folder of the imports
	stateDir string // --state-dir of the imports: the test's own ledgers
	sim      *clitest.Sim
	env      []string // the whole environment of every process
}

// newRig starts `custimport sim simArgs...` with a random key; it is
// stopped when the test ends.
func newRig(t *testing.T, simArgs ...string) *rig {
	t.Helper()
	key := make([]byte, 16)
	rand.Read(key)
	r := &rig{bin: binary(t), dir: t.TempDir(), stateDir: t.TempDir()}
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

// importArgs returns the command line of an import of the rig's input
// in.csv into res.xlsx, with the rig's state folder, and extra flags.
func (r *rig) importArgs(extra ...string) []string {
	return append([]string{"import", "in.csv", "--out", "res.xlsx", "--state-dir", r.stateDir, "--quiet"}, extra...)
}

// ledgerPath returns the file of the ledger the rig's imports write: the
// simulator's tenant in the rig's state folder.
func (r *rig) ledgerPath(t *testing.T) string {
	t.Helper()
	tenant, err := ledger.NewTenant(r.sim.URL, testPNO, "")
	if err != nil {
		t.Fatal(err)
	}
	return ledger.FilePath(r.stateDir, tenant)
}

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

// phones returns the simulator's customers' CTELE by CCODE.
func (r *rig) phones(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range r.sim.Customers(t) {
		code, _ := c["CCODE"].(string)
		out[code] = fmt.Sprint(c["CTELE"])
	}
	return out
}

// inputRow is one data row of a generated input.
type inputRow struct {
	Line   int    // the row number in the file (the header is line 1)
	Code   string // CCODE; "" for an auto-numbered create
	Marker string // CNAM1, unique per row
	Phone  string // CTELE
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
		r := inputRow{Line: i + 1, Marker: fmt.Sprintf("%s-row-%04d", prefix, i), Phone: fmt.Sprintf("02-2345-%04d", i)}
		if !create(i) {
			r.Code = fmt.Sprintf("%s%04d", strings.ToUpper(prefix[:1]), i)
		}
		rows = append(rows, r)
		w.Write([]string{r.Code, r.Marker, fmt.Sprint(i * 100), r.Phone})
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

// ledgerView reads a ledger while imports write it (or after they were
// killed): a read-only SQLite connection of the test's own, through
// database/sql, so the test sees what is on disk, not what the importer's
// code says of it. Read-only, it never checkpoints or removes the WAL.
type ledgerView struct {
	path string
	db   *sql.DB // nil until the ledger exists
}

// openLedgerView returns a view of the ledger at path (which need not
// exist yet); it is closed when the test ends.
func openLedgerView(t *testing.T, path string) *ledgerView {
	v := &ledgerView{path: path}
	t.Cleanup(v.close)
	return v
}

// close closes the connection; the next read opens a new one.
func (v *ledgerView) close() {
	if v.db != nil {
		v.db.Close()
		v.db = nil
	}
}

// conn returns the connection, or nil while the ledger does not exist.
func (v *ledgerView) conn(t *testing.T) *sql.DB {
	t.Helper()
	if v.db != nil {
		return v.db
	}
	if fi, err := os.Stat(v.path); err != nil || fi.Size() == 0 {
		return nil // the first run has not created it yet
	}
	q := url.Values{"mode": {"ro"}, "_pragma": {"busy_timeout(10000)", "query_only(1)"}}
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: v.path, RawQuery: q.Encode()}).String())
	if err != nil {
		t.Fatalf("opening the ledger read-only: %v", err)
	}
	db.SetMaxOpenConns(1)
	v.db = db
	return db
}

// count returns the result of a count query; 0 while there is no ledger
// or no schema yet.
func (v *ledgerView) count(t *testing.T, query string) int {
	t.Helper()
	db := v.conn(t)
	if db == nil {
		return 0
	}
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		if noSchema(err) {
			return 0
		}
		t.Fatalf("reading the ledger: %s: %v", query, err)
	}
	return n
}

// noSchema reports whether err says a table is missing: the first run
// has created the ledger's file but not yet committed its schema.
func noSchema(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}

// progress counts the ledger's records of sent rows: one for each claimed
// create and each settled one, one for each code first recorded (sent, or
// given to a create) and each code with accepted content. It grows as rows
// are sent (two or three per row), and never shrinks: creates are never
// deleted nor settled twice (nothing in these tests releases one), and a
// code's accepted content is only ever replaced.
func (v *ledgerView) progress(t *testing.T) int {
	t.Helper()
	return v.count(t, `SELECT
		(SELECT count(*) FROM creates) + (SELECT count(*) FROM creates WHERE state <> 'sending') +
		(SELECT count(*) FROM codes) + (SELECT count(*) FROM codes WHERE fingerprint <> '')`)
}

// createRec is one record of the ledger's creates table.
type createRec struct {
	ID      int64
	Row     int // the input row
	RunID   int64
	State   string
	CCODE   string
	Updated string
}

// codeRec is one record of the ledger's codes table.
type codeRec struct {
	CCODE, Fingerprint, Pending string
	RunID                       int64
	Updated                     string
}

// creates returns every create the ledger records, oldest first.
func (v *ledgerView) creates(t *testing.T) []createRec {
	t.Helper()
	db := v.conn(t)
	if db == nil {
		return nil
	}
	rows, err := db.Query("SELECT id, row, run_id, state, ccode, updated FROM creates ORDER BY id")
	if noSchema(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading the ledger's creates: %v", err)
	}
	defer rows.Close()
	var out []createRec
	for rows.Next() {
		var c createRec
		if err := rows.Scan(&c.ID, &c.Row, &c.RunID, &c.State, &c.CCODE, &c.Updated); err != nil {
			t.Fatalf("reading the ledger's creates: %v", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading the ledger's creates: %v", err)
	}
	return out
}

// codes returns what the ledger records of each customer code.
func (v *ledgerView) codes(t *testing.T) map[string]codeRec {
	t.Helper()
	out := map[string]codeRec{}
	db := v.conn(t)
	if db == nil {
		return out
	}
	rows, err := db.Query("SELECT ccode, fingerprint, pending, run_id, updated FROM codes")
	if noSchema(err) {
		return out
	}
	if err != nil {
		t.Fatalf("reading the ledger's codes: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c codeRec
		if err := rows.Scan(&c.CCODE, &c.Fingerprint, &c.Pending, &c.RunID, &c.Updated); err != nil {
			t.Fatalf("reading the ledger's codes: %v", err)
		}
		out[c.CCODE] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading the ledger's codes: %v", err)
	}
	return out
}

// flights is what the ledger shows in flight: rows whose request was
// recorded as about to be sent with no outcome recorded after it.
type flights struct {
	Creates map[int64]createRec // creates in state sending, by ledger id
	Codes   map[string]codeRec  // codes with content pending, by code
}

// inFlight reads what the ledger shows in flight. A missing ledger has
// nothing in flight.
func (v *ledgerView) inFlight(t *testing.T) flights {
	t.Helper()
	f := flights{Creates: map[int64]createRec{}, Codes: map[string]codeRec{}}
	for _, c := range v.creates(t) {
		if c.State == ledger.Sending {
			f.Creates[c.ID] = c
		}
	}
	for code, c := range v.codes(t) {
		if c.Pending != "" {
			f.Codes[code] = c
		}
	}
	return f
}

// since returns what is in flight in f but was not, as it is, in prev:
// the requests a run left in flight.
func (f flights) since(prev flights) flights {
	out := flights{Creates: map[int64]createRec{}, Codes: map[string]codeRec{}}
	for id, c := range f.Creates {
		if old, ok := prev.Creates[id]; !ok || old != c {
			out.Creates[id] = c
		}
	}
	for code, c := range f.Codes {
		if old, ok := prev.Codes[code]; !ok || old != c {
			out.Codes[code] = c
		}
	}
	return out
}

// size returns how many rows are in flight.
func (f flights) size() int { return len(f.Creates) + len(f.Codes) }

// unknownRows returns the input rows of the creates the ledger shows in
// state sending or unknown (their outcome is not known), with how many
// such creates each row has.
func unknownRows(creates []createRec) map[int]int {
	out := map[int]int{}
	for _, c := range creates {
		if c.State == ledger.Sending || c.State == ledger.Unknown {
			out[c.Row]++
		}
	}
	return out
}
