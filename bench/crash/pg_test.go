//go:build unix

package crash

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/internal/pgtest"
)

// The shared ledger's race: two PCs (two processes, each with its own
// state folder and its own copy of one file of blank-code rows) import
// into one simulator through one PostgreSQL ledger at the same time, and
// are killed with SIGKILL at random moments.
const (
	raceRows    = 2000
	raceWorkers = 4
	raceTrials  = 20
)

// pc is one importing PC of the race: its folder (its copy of the input,
// its results) and its state folder.
type pc struct {
	dir, stateDir string
}

func (p pc) args(ledgerURL string) []string {
	return []string{"import", filepath.Join(p.dir, "in.csv"), "--out", filepath.Join(p.dir, "res.xlsx"), "--state-dir", p.stateDir,
		"--ledger-url", ledgerURL, "--wait", "5m", "--workers", strconv.Itoa(raceWorkers), "--rate", "400", "--quiet"}
}

// pgView reads the shared ledger of the rig's tenant as the test's own
// PostgreSQL client.
type pgView struct {
	conn   *pgx.Conn
	schema string
}

func openPGView(t *testing.T, url string, r *rig) *pgView {
	t.Helper()
	tenant, err := ledger.NewTenant(r.sim.URL, testPNO, "")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &pgView{conn: conn, schema: "custimport_" + tenant.ID()}
}

// progress counts the ledger's records of sent rows, as ledgerView.progress.
func (v *pgView) progress(t *testing.T) int {
	t.Helper()
	var n int
	err := v.conn.QueryRow(t.Context(), fmt.Sprintf(`SELECT
		(SELECT count(*) FROM %[1]s.creates) + (SELECT count(*) FROM %[1]s.creates WHERE state <> 'sending')`, v.schema)).Scan(&n)
	if err != nil && strings.Contains(err.Error(), "does not exist") {
		return 0 // no run has made the ledger yet
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// creates returns the ledger's creates by input row.
func (v *pgView) creates(t *testing.T) map[int][]createRec {
	t.Helper()
	rows, err := v.conn.Query(t.Context(), "SELECT id, row, run_id, state, ccode, updated FROM "+v.schema+".creates ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int][]createRec{}
	for rows.Next() {
		var c createRec
		if err := rows.Scan(&c.ID, &c.Row, &c.RunID, &c.State, &c.CCODE, &c.Updated); err != nil {
			t.Fatal(err)
		}
		out[c.Row] = append(out[c.Row], c)
	}
	return out
}

// TestPGTwoPCsKill9: two processes with different state folders import
// the same 2,000-row file of blank codes into one simulator through one
// PostgreSQL ledger at the same time, 20 times, each time killed with
// SIGKILL at random moments (the first after a random number of records,
// the second, which waited for the tenant's lock, likewise once it sends);
// then one PC finishes the file. The simulator holds each customer once,
// and every row ends OK, or UNKNOWN (a create in flight at a kill, which
// the ledger shows so).
func TestPGTwoPCsKill9(t *testing.T) {
	clitest.RequireProcessTests(t)
	if testing.Short() {
		t.Skip("the two-PC kill -9 test takes about a minute; run without -short")
	}
	url := pgtest.Database(t)
	r := newRig(t)
	pcs := []pc{{dir: t.TempDir(), stateDir: t.TempDir()}, {dir: t.TempDir(), stateDir: t.TempDir()}}
	var in []inputRow
	for _, p := range pcs {
		in = writeInput(t, filepath.Join(p.dir, "in.csv"), "race", raceRows, func(int) bool { return true })
	}
	view := openPGView(t, url, r)
	seed := crashSeed(t)
	t.Logf("seed %d (CRASH_SEED=%d replays the kill points)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()

	kills := 0
	for trial := range raceTrials {
		first := rng.IntN(2)
		procs := []*proc{r.start(ctx, t, pcs[first].args(url)...), r.start(ctx, t, pcs[1-first].args(url)...)}
		// Kill one of them (the one that holds the tenant's lock, or the
		// one waiting for it) after a random number of new records, then
		// the other likewise.
		for _, i := range rng.Perm(2) {
			target := view.progress(t) + 1 + rng.IntN(maxKillRecords)
			deadline := time.Now().Add(maxKillDelay)
			for view.progress(t) < target && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			procs[i].kill(t)
			if procs[i].signaled {
				kills++
			} else if procs[i].code != 0 && procs[i].code != 1 {
				t.Fatalf("trial %d: an import ended by itself with exit %d:\n%s", trial, procs[i].code, procs[i].out.String())
			}
		}
	}
	// One PC finishes the file.
	args := pcs[0].args(url)
	rctx, rcancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer rcancel()
	p := r.start(rctx, t, args...)
	p.wait(t)
	if p.signaled || (p.code != 0 && p.code != 1) {
		t.Fatalf("the final run: exit %d (signaled %v):\n%s", p.code, p.signaled, p.out.String())
	}
	res := readResults(t, filepath.Join(pcs[0].dir, "res.xlsx"))
	store := r.store(t)
	creates := view.creates(t)
	if len(res) != len(in) {
		t.Fatalf("results have %d rows, want %d", len(res), len(in))
	}
	duplicates, unknown, ok := 0, 0, 0
	for marker, codes := range store {
		if len(codes) > 1 {
			duplicates++
			t.Errorf("customer %q exists %d times in TMS (codes %v), want once", marker, len(codes), codes)
		}
	}
	for i, want := range in {
		got := res[i]
		codes := store[want.Marker]
		recs := creates[want.Line]
		live := 0
		for _, c := range recs {
			if c.State != ledger.Refused && c.State != ledger.Released {
				live++
			}
		}
		if live != 1 {
			t.Errorf("line %d: %d live creates in the shared ledger, want 1: %+v", want.Line, live, recs)
		}
		switch got.Status {
		case "OK":
			ok++
			if len(codes) != 1 || codes[0] != got.ImportCCODE {
				t.Errorf("line %d %s: OK with ImportCCODE %q, but TMS holds it under %v", want.Line, want.Marker, got.ImportCCODE, codes)
			}
		case "UNKNOWN":
			unknown++
			if len(recs) == 0 || (recs[0].State != ledger.Sending && recs[0].State != ledger.Unknown) {
				t.Errorf("line %d: UNKNOWN, but the ledger shows %+v", want.Line, recs)
			}
		case "NOT_SENT":
		default:
			t.Errorf("line %d: %s (%s %s), want OK, UNKNOWN or NOT_SENT", want.Line, got.Status, got.ErrCode, got.ErrorMsg)
		}
	}
	if kills < raceTrials {
		t.Errorf("only %d kills landed on a running import in %d trials", kills, raceTrials)
	}
	if unknown > raceWorkers*kills {
		t.Errorf("%d UNKNOWN rows after %d kills, want at most %d", unknown, kills, raceWorkers*kills)
	}
	t.Logf("%d trials, %d kills; final: %d OK, %d UNKNOWN, %d customers in TMS, %d duplicates", raceTrials, kills, ok, unknown, len(store), duplicates)
}

// TestPGServerRestart: the shared ledger's server restarts while an import
// sends: the import stops sending (exit 2, saying the ledger could not
// record), and the same command run again finishes the file with each
// customer once.
func TestPGServerRestart(t *testing.T) {
	clitest.RequireProcessTests(t)
	url := pgtest.Database(t)
	r := newRig(t, "--latency", "5ms")
	p0 := pc{dir: t.TempDir(), stateDir: t.TempDir()}
	in := writeInput(t, filepath.Join(p0.dir, "in.csv"), "rs", 400, func(i int) bool { return i%4 != 0 })
	view := openPGView(t, url, r)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	p := r.start(ctx, t, p0.args(url)...)
	for view.progress(t) < 20 {
		time.Sleep(time.Millisecond)
	}
	view.conn.Close(context.Background())
	if err := pgtest.Get(t).Restart(); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
	if p.signaled || p.code != 2 {
		t.Fatalf("the import during the restart: exit %d, want 2:\n%s", p.code, p.out.String())
	}
	if !strings.Contains(p.out.String(), "ledger_url") {
		t.Errorf("the import during the restart did not say to check the shared ledger (ledger_url):\n%s", p.out.String())
	}
	t.Logf("the import during the restart said:\n%s", p.out.String())
	code, out := r.run(t, p0.args(url)...)
	if code != 0 && code != 1 {
		t.Fatalf("the run after the restart: exit %d:\n%s", code, out)
	}
	store := r.store(t)
	res := readResults(t, filepath.Join(p0.dir, "res.xlsx"))
	for marker, codes := range store {
		if len(codes) > 1 {
			t.Errorf("customer %q exists %d times in TMS (codes %v), want once", marker, len(codes), codes)
		}
	}
	unknown := 0
	for i, want := range in {
		switch got := res[i]; got.Status {
		case "OK":
			if codes := store[want.Marker]; len(codes) != 1 || codes[0] != got.ImportCCODE {
				t.Errorf("line %d: OK as %q, TMS holds %v", want.Line, got.ImportCCODE, codes)
			}
		case "UNKNOWN":
			unknown++
		default:
			t.Errorf("line %d: %s %s, want OK or UNKNOWN", want.Line, got.Status, got.ErrorMsg)
		}
	}
	if unknown > raceWorkers {
		t.Errorf("%d UNKNOWN rows after one restart, want at most %d", unknown, raceWorkers)
	}
	t.Logf("after the restart: %d rows, %d UNKNOWN, %d customers in TMS", len(res), unknown, len(store))
}

// TestPGTwoSpellings: two PCs whose settings spell one TMS's URL
// differently (HTTP://LOCALHOST:port/ and http://127.0.0.1:port) share one
// tenant in the shared ledger: while the first imports, the second is
// refused (twice, each time naming the first's file), then waits for the
// first and finds every customer it created: TMS holds each once.
func TestPGTwoSpellings(t *testing.T) {
	clitest.RequireProcessTests(t)
	url := pgtest.Database(t)
	r := newRig(t, "--latency", "5ms")
	port := r.sim.URL[strings.LastIndex(r.sim.URL, ":")+1:]
	spellings := []string{"HTTP://LOCALHOST:" + port + "/", "http://127.0.0.1:" + strings.TrimRight(port, "/")}
	pcs := []pc{{dir: t.TempDir(), stateDir: t.TempDir()}, {dir: t.TempDir(), stateDir: t.TempDir()}}
	var in []inputRow
	for _, p := range pcs {
		in = writeInput(t, filepath.Join(p.dir, "in.csv"), "sp", 300, func(int) bool { return true })
	}
	view := openPGView(t, url, r)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	args := func(i int, wait string) []string {
		a := pcs[i].args(url)
		for j := range a {
			if a[j] == "--wait" {
				a[j+1] = wait
			}
		}
		return append(a, "--url", spellings[i])
	}
	first := r.start(ctx, t, args(0, "0")...)
	for view.progress(t) < 5 {
		time.Sleep(time.Millisecond)
	}
	for try := range 2 {
		code, out := r.run(t, args(1, "0")...)
		if code != 2 || !strings.Contains(out, filepath.Join(pcs[0].dir, "in.csv")) {
			t.Fatalf("the second spelling, try %d, while the first imports: exit %d, want 2 naming %s:\n%s", try+1, code, filepath.Join(pcs[0].dir, "in.csv"), out)
		}
	}
	second := r.start(ctx, t, args(1, "5m")...)
	first.wait(t)
	second.wait(t)
	for i, p := range []*proc{first, second} {
		if p.signaled || p.code != 0 {
			t.Fatalf("PC %d (%s): exit %d (signaled %v), want 0:\n%s", i+1, spellings[i], p.code, p.signaled, p.out.String())
		}
	}
	store := r.store(t)
	if len(store) != len(in) {
		t.Errorf("TMS holds %d customers, want %d", len(store), len(in))
	}
	for i, p := range pcs {
		res := readResults(t, filepath.Join(p.dir, "res.xlsx"))
		for j, want := range in {
			codes := store[want.Marker]
			if len(codes) != 1 {
				t.Errorf("customer %q exists %d times in TMS, want once", want.Marker, len(codes))
			}
			if got := res[j]; got.Status != "OK" || len(codes) != 1 || got.ImportCCODE != codes[0] {
				t.Errorf("PC %d line %d: %s %q, TMS holds %v", i+1, want.Line, got.Status, got.ImportCCODE, codes)
			}
		}
	}
}

// TestPGServerFreezes: the shared ledger's server (or the network to it)
// stops answering mid-run without closing anything: the import does not
// wait forever; it stops within seconds of the statement timeout the URL
// sets (exit 2, naming the ledger and saying to check ledger_url), and no
// customer reached TMS whose claim is not in the ledger. Once the server
// answers again, the same command finishes the file with each customer
// once.
func TestPGServerFreezes(t *testing.T) {
	clitest.RequireProcessTests(t)
	url := pgtest.Database(t)
	proxy := pgtest.NewProxy(t)
	viaProxy := proxy.URL(url) + "&statement_timeout=1000&connect_timeout=2"
	r := newRig(t, "--latency", "5ms")
	p0 := pc{dir: t.TempDir(), stateDir: t.TempDir()}
	in := writeInput(t, filepath.Join(p0.dir, "in.csv"), "fz", 400, func(i int) bool { return i%4 != 0 })
	view := openPGView(t, url, r)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	p := r.start(ctx, t, append(p0.args(viaProxy), "--verbose")...) // --verbose: the error underneath names the ledger
	for view.progress(t) < 20 {
		time.Sleep(time.Millisecond)
	}
	proxy.Freeze()
	frozen := time.Now()
	p.wait(t)
	took := time.Since(frozen)
	if p.signaled || p.code != 2 {
		t.Fatalf("the import while the server is frozen: exit %d (signaled %v), want 2:\n%s", p.code, p.signaled, p.out.String())
	}
	if took > time.Minute {
		t.Errorf("the import stopped %v after the server froze, want within a minute (statement timeout 1 s)", took.Round(time.Second))
	}
	out := p.out.String()
	if !strings.Contains(out, "ledger_url") || !strings.Contains(out, view.schema) {
		t.Errorf("the import did not name the ledger (%s) and say to check ledger_url:\n%s", view.schema, out)
	}
	t.Logf("stopped %v after the freeze, saying:\n%s", took.Round(time.Millisecond), out)
	store := r.store(t)
	creates := view.creates(t)
	for _, row := range in {
		if len(store[row.Marker]) > 0 && row.Code == "" && len(creates[row.Line]) == 0 {
			t.Errorf("line %d: TMS created %q (%v), but the ledger has no claim of it", row.Line, row.Marker, store[row.Marker])
		}
	}

	proxy.Thaw()
	code, out := r.run(t, p0.args(viaProxy)...)
	if code != 0 && code != 1 {
		t.Fatalf("the run once the server answers again: exit %d:\n%s", code, out)
	}
	store = r.store(t)
	res := readResults(t, filepath.Join(p0.dir, "res.xlsx"))
	unknown := 0
	for i, want := range in {
		if codes := store[want.Marker]; len(codes) > 1 {
			t.Errorf("customer %q exists %d times in TMS, want once", want.Marker, len(codes))
		}
		switch got := res[i]; got.Status {
		case "OK":
		case "UNKNOWN":
			unknown++
		default:
			t.Errorf("line %d: %s %s, want OK or UNKNOWN", want.Line, got.Status, got.ErrorMsg)
		}
	}
	if unknown > raceWorkers {
		t.Errorf("%d UNKNOWN rows after one freeze, want at most %d", unknown, raceWorkers)
	}
}

// TestPGServerNeverAnswers: the shared ledger's URL leads to a server that
// accepts the connection and never says a word (a hung server, a
// black-holing firewall, not PostgreSQL at all). With the URL setting no
// timeout, the import gives up by itself after the default connect
// timeout (exit 2, naming the ledger and saying to check ledger_url),
// and nothing is sent.
func TestPGServerNeverAnswers(t *testing.T) {
	clitest.RequireProcessTests(t)
	addr := pgtest.Silent(t)
	r := newRig(t)
	p0 := pc{dir: t.TempDir(), stateDir: t.TempDir()}
	writeInput(t, filepath.Join(p0.dir, "in.csv"), "na", 20, func(i int) bool { return i%2 == 0 })
	url := fmt.Sprintf("postgres://custimport@%s/custimport", addr) // sslmode prefer: TLS first, then plain
	start := time.Now()
	code, out := r.run(t, append(p0.args(url), "--verbose")...) // --verbose: the error underneath names the ledger
	took := time.Since(start)
	if code != 2 || !strings.Contains(out, addr.String()) || !strings.Contains(out, "ledger_url") {
		t.Errorf("exit %d, want 2 naming the ledger at %s and saying to check ledger_url:\n%s", code, addr, out)
	}
	if took > time.Minute {
		t.Errorf("the import gave up after %v, want within a minute (connect timeout 10 s)", took.Round(time.Second))
	}
	if n := len(r.store(t)); n != 0 {
		t.Errorf("TMS holds %d customers, want none sent", n)
	}
	t.Logf("gave up after %v:\n%s", took.Round(time.Millisecond), out)
}

// TestPGTableLockedMidRun: mid-run, another session (an administrator's
// maintenance, a stuck session) takes a lock on the shared ledger's
// creates table and keeps it. With the URL setting no timeout, the
// import's next claim gives up after the default lock timeout: the run
// stops (exit 2, naming the ledger and saying to check ledger_url), no
// create reached TMS without its claim, and once the lock is released
// the same command finishes the file with each customer once.
func TestPGTableLockedMidRun(t *testing.T) {
	clitest.RequireProcessTests(t)
	url := pgtest.Database(t)
	r := newRig(t, "--latency", "5ms")
	p0 := pc{dir: t.TempDir(), stateDir: t.TempDir()}
	in := writeInput(t, filepath.Join(p0.dir, "in.csv"), "lk", 2000, func(i int) bool { return i%2 == 0 })
	view := openPGView(t, url, r)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	p := r.start(ctx, t, append(p0.args(url), "--verbose")...) // --verbose: the error underneath names the ledger
	for view.progress(t) < 20 {
		time.Sleep(time.Millisecond)
	}
	tx, err := view.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+view.schema+".creates IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	locked := time.Now()
	p.wait(t)
	took := time.Since(locked)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if p.signaled || p.code != 2 {
		t.Fatalf("the import while the table is locked: exit %d (signaled %v), want 2:\n%s", p.code, p.signaled, p.out.String())
	}
	if took > 2*time.Minute {
		t.Errorf("the import stopped %v after the lock was taken, want soon after the 30 s lock timeout", took.Round(time.Second))
	}
	out := p.out.String()
	if !strings.Contains(out, view.schema) || !strings.Contains(out, "ledger_url") {
		t.Errorf("the import did not name the ledger (%s) and say to check ledger_url:\n%s", view.schema, out)
	}
	t.Logf("stopped %v after the lock, saying:\n%s", took.Round(time.Millisecond), out)
	store := r.store(t)
	creates := view.creates(t)
	for _, row := range in {
		if row.Code == "" && len(store[row.Marker]) > 0 && len(creates[row.Line]) == 0 {
			t.Errorf("line %d: TMS created %q, but the ledger has no claim of it", row.Line, row.Marker)
		}
	}
	code, out := r.run(t, p0.args(url)...)
	if code != 0 && code != 1 {
		t.Fatalf("the run once the lock is released: exit %d:\n%s", code, out)
	}
	store = r.store(t)
	res := readResults(t, filepath.Join(p0.dir, "res.xlsx"))
	for i, want := range in {
		if codes := store[want.Marker]; len(codes) > 1 {
			t.Errorf("customer %q exists %d times in TMS, want once", want.Marker, len(codes))
		}
		if got := res[i]; got.Status != "OK" && got.Status != "UNKNOWN" {
			t.Errorf("line %d: %s %s, want OK or UNKNOWN", want.Line, got.Status, got.ErrorMsg)
		}
	}
}

// TestPGCopyUnderAnotherURL: `ledger copy --to postgres://…` of a PC's
// ledger into a shared one where the company (the same pno) already has a
// ledger under another TMS URL is refused as an import would be (exit 2,
// naming both URLs and --new-ledger), copying nothing; with --new-ledger,
// the company's ledger for this URL is started and every create copied,
// and a re-run of the PC's file through the shared ledger sends nothing.
func TestPGCopyUnderAnotherURL(t *testing.T) {
	clitest.RequireProcessTests(t)
	url := pgtest.Database(t)
	r := newRig(t)
	in := writeInput(t, r.path("in.csv"), "cp", 40, func(i int) bool { return i%2 == 0 })
	if code, out := r.run(t, r.importArgs()...); code != 0 {
		t.Fatalf("the PC's own import: exit %d:\n%s", code, out)
	}
	other, err := ledger.NewTenant("https://other-tms.example", testPNO, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := ledger.OpenURL(t.Context(), url, other, ledger.Options{})
	if err != nil {
		t.Fatalf("starting the company's ledger under another URL: %v", err)
	}
	db.Close()

	code, out := r.run(t, "ledger", "copy", "--to", url, "--state-dir", r.stateDir, "--lang", "en")
	if code != 2 || !strings.Contains(out, "https://other-tms.example") || !strings.Contains(out, "--new-ledger") {
		t.Fatalf("copy into a company kept under another URL: exit %d, want 2 naming that URL and --new-ledger:\n%s", code, out)
	}
	view := openPGView(t, url, r)
	if n := view.progress(t); n != 0 {
		t.Fatalf("the refused copy left %d records in the shared ledger", n)
	}

	code, out = r.run(t, "ledger", "copy", "--to", url, "--state-dir", r.stateDir, "--new-ledger")
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("copy --new-ledger: exit %d, want 0 and verified:\n%s", code, out)
	}
	before := len(r.sim.Customers(t))
	if code, out := r.run(t, append(r.importArgs("--ledger-url", url, "--wait", "1m"), "--out", "again.xlsx")...); code != 0 {
		t.Fatalf("the re-run through the shared ledger: exit %d:\n%s", code, out)
	}
	if after := len(r.sim.Customers(t)); after != before || after != len(in) {
		t.Errorf("TMS holds %d customers after the re-run through the copy (%d before), want %d: a copied create was sent again", after, before, len(in))
	}
}
