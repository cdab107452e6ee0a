//go:build unix

package crash

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/ledger"
)

// Shape of the kill -9 test. The input is large enough, and the simulator
// slow enough, that the kills land while rows are still to be sent: at most
// about 20 rows are settled per trial.
const (
	crashRows    = 600
	crashWorkers = 4
	crashKills   = 20 // kills that must land on a running import
	maxTrials    = 40 // imports started at most to land them
	// A run is killed after 1..maxKillRecords new ledger records (see
	// ledgerView.progress: about two per row sent), plus up to
	// minKillDelay, or at maxKillDelay.
	maxKillRecords = 40
	minKillDelay   = 10 * time.Millisecond
	maxKillDelay   = 3 * time.Second
)

// crashSeed returns the seed of the kill times: $CRASH_SEED, or a new one.
func crashSeed(t *testing.T) uint64 {
	if s := os.Getenv("CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("CRASH_SEED=%q: %v", s, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// TestKill9Resume kills an import with SIGKILL at random moments, at least
// 20 times, then runs the same command (same --state-dir: the same ledger)
// until a run finishes, and checks from the simulator's store, the results
// and the ledger that every row was imported exactly once, or is an UNKNOWN
// auto-numbered create whose claim the ledger shows in flight (at most one
// per worker per crash) and that exists at most once.
func TestKill9Resume(t *testing.T) {
	clitest.RequireProcessTests(t)
	if testing.Short() {
		t.Skip("the kill -9 test takes about 15 s; run without -short")
	}
	r := newRig(t, "--latency", "20ms", "--jitter", "10ms")
	start := time.Now() // after the build of the binary
	in := writeInput(t, r.path("in.csv"), "k", crashRows, func(i int) bool { return i%3 == 0 })
	seed := crashSeed(t)
	t.Logf("seed %d (CRASH_SEED=%d replays the kill points)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	args := r.importArgs("--workers", strconv.Itoa(crashWorkers), "--rate", "400")
	view := openLedgerView(t, r.ledgerPath(t))

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var (
		kills, finished int
		unknownPerCrash []int // creates left in flight, per crash
		flightPerCrash  []int // all rows left in flight, per crash
		prev            = view.inFlight(t)
	)
	for trial := 0; kills < crashKills && trial < maxTrials; trial++ {
		// Kill after a random number of new ledger records rather than a
		// random time: on a fast or a loaded machine alike the kill lands
		// while rows are being sent, and every run leaves rows to the next.
		target := view.progress(t) + 1 + rng.IntN(maxKillRecords)
		p := r.start(ctx, t, args...)
		deadline := p.started.Add(maxKillDelay)
		for view.progress(t) < target && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(minKillDelay))))
		delay := time.Since(p.started)
		p.kill(t)

		// Read the ledger as the next run will find it: through a new
		// connection, the first since the kill, which recovers the WAL.
		// (The polling one may miss the killed run's last transaction: on
		// disk in the WAL, its commit not yet in the WAL's shared index.)
		view.close()
		now := view.inFlight(t)
		// A create left in flight stays so: only --resend-unknown resends it.
		for id, c := range prev.Creates {
			if now.Creates[id] != c {
				t.Fatalf("trial %d: create %d (row %d), left in flight by an earlier crash, changed to %+v", trial, id, c.Row, now.Creates[id])
			}
		}
		added := now.since(prev)
		prev = now
		// The next run opens the ledger with no other connection to it, as
		// after a real crash.
		view.close()

		if !p.signaled {
			finished++
			if p.code != 0 && p.code != 1 {
				t.Fatalf("trial %d: the import ended by itself with exit %d, want 0 or 1:\n%s", trial, p.code, p.out.String())
			}
			if added.size() != 0 {
				t.Fatalf("trial %d: a run that ended by itself left %d new row(s) in flight in the ledger: %+v", trial, added.size(), added)
			}
			continue
		}
		kills++
		unknownPerCrash = append(unknownPerCrash, len(added.Creates))
		flightPerCrash = append(flightPerCrash, added.size())
		// --workers bounds each kind: the creates claimed and not settled
		// (a create waits for its claim's commit without holding a request
		// slot, so these may be up to --workers beside the requests), and
		// the requests on the wire, whose upserts' codes are pending.
		if len(added.Creates) > crashWorkers || len(added.Codes) > crashWorkers {
			t.Errorf("trial %d (kill after %v): %d creates and %d codes in flight, want at most --workers %d of each",
				trial, delay, len(added.Creates), len(added.Codes), crashWorkers)
		}
	}
	if kills < crashKills {
		t.Fatalf("only %d of %d kills landed on a running import (%d runs ended first)", kills, crashKills, finished)
	}

	loopTime := time.Since(start)
	code, out := r.run(t, args...)
	finalTime := time.Since(start) - loopTime
	res := readResults(t, r.path("res.xlsx"))
	store := r.store(t)
	phones := r.phones(t)
	creates := view.creates(t)
	ledgerCodes := view.codes(t)
	unknownLines := unknownRows(creates)

	// The temporary results files of killed runs are gone.
	if tmp, _ := filepath.Glob(r.path(".res.xlsx.*.tmp")); len(tmp) > 0 {
		t.Errorf("after the final run, %d temporary results files of killed runs remain (e.g. %s), want none", len(tmp), filepath.Base(tmp[0]))
	}
	// (d) One results row per input row, in input order.
	if len(res) != len(in) {
		t.Fatalf("results have %d rows, want %d (one per input row)", len(res), len(in))
	}
	inputMarkers := map[string]bool{}
	for _, row := range in {
		inputMarkers[row.Marker] = true
	}
	// (a) No customer twice, and nothing in the store that is not an input row.
	duplicates, lost := 0, 0
	for marker, codes := range store {
		if len(codes) > 1 {
			duplicates++
			t.Errorf("customer %q exists %d times in TMS (codes %v), want once", marker, len(codes), codes)
		}
		if !inputMarkers[marker] {
			t.Errorf("TMS holds customer %q (codes %v), which is no input row", marker, codes)
		}
	}
	// Each create row has one live create in the ledger (a refused or
	// released one would be a create the ledger let be sent again).
	createsOf := map[int][]createRec{}
	for _, c := range creates {
		createsOf[c.Row] = append(createsOf[c.Row], c)
	}
	unknown, unknownInStore := 0, 0
	for i, want := range in {
		got := res[i]
		if got.CNAM1 != want.Marker || got.CCODE != want.Code {
			t.Errorf("results row %d: got CCODE %q CNAM1 %q, want %q %q (input order)", i+2, got.CCODE, got.CNAM1, want.Code, want.Marker)
			continue
		}
		codes := store[want.Marker]
		switch got.Status {
		case "OK":
			// (b) An OK row exists once, under the code the results give.
			if len(codes) != 1 || codes[0] != got.ImportCCODE {
				lost++
				t.Errorf("line %d %s: OK with ImportCCODE %q, but TMS holds it under %v", want.Line, want.Marker, got.ImportCCODE, codes)
			}
			if want.Code != "" && got.ImportCCODE != want.Code {
				t.Errorf("line %d: ImportCCODE got %q, want %q", want.Line, got.ImportCCODE, want.Code)
			}
		case "UNKNOWN":
			// (c) Only auto-numbered creates may be UNKNOWN, with a
			// message, and only those the ledger shows in flight.
			unknown++
			if want.Code != "" {
				t.Errorf("line %d (code %s): UNKNOWN, want OK (an upsert is safe to resend)", want.Line, want.Code)
			}
			if got.ErrCode != "UNKNOWN" || got.ErrorMsg == "" {
				t.Errorf("line %d: UNKNOWN with ImportErrorCode %q and ImportErrorMessage %q, want UNKNOWN and a message", want.Line, got.ErrCode, got.ErrorMsg)
			}
			if unknownLines[want.Line] == 0 {
				lost++
				t.Errorf("line %d: UNKNOWN, but the ledger does not show its create in state %s or %s: %+v", want.Line, ledger.Sending, ledger.Unknown, createsOf[want.Line])
			}
			// (e) It may or may not exist: at most once (checked above).
			if len(codes) > 0 {
				unknownInStore++
			}
		default:
			lost++
			t.Errorf("line %d: ImportStatus %q (%s %s), want OK or UNKNOWN", want.Line, got.Status, got.ErrCode, got.ErrorMsg)
		}
		if want.Code != "" {
			// (d) No upsert is lost: TMS holds the row's content under its
			// code, and the ledger its accepted content with nothing pending.
			if !slices.Contains(codes, want.Code) {
				lost++
				t.Errorf("line %d: customer %s (%s) is not in TMS", want.Line, want.Code, want.Marker)
			} else if phones[want.Code] != want.Phone {
				t.Errorf("line %d: customer %s has CTELE %q in TMS, want %q", want.Line, want.Code, phones[want.Code], want.Phone)
			}
			if c, ok := ledgerCodes[want.Code]; !ok || c.Fingerprint == "" || c.Pending != "" {
				t.Errorf("line %d: the ledger records code %s as %+v (found %v), want accepted content and nothing pending", want.Line, want.Code, c, ok)
			}
			if len(createsOf[want.Line]) > 0 {
				t.Errorf("line %d (code %s): the ledger records creates for it: %+v", want.Line, want.Code, createsOf[want.Line])
			}
			continue
		}
		// (f) No create was claimed twice: one live record per create row,
		// created under the code TMS holds, or in flight (UNKNOWN).
		recs := createsOf[want.Line]
		if len(recs) != 1 {
			t.Errorf("line %d: the ledger has %d creates for it, want 1: %+v", want.Line, len(recs), recs)
			continue
		}
		switch c := recs[0]; c.State {
		case ledger.Created:
			if got.Status != "OK" || got.ImportCCODE != c.CCODE || !slices.Contains(codes, c.CCODE) {
				t.Errorf("line %d: the ledger records it created as %s, but the results say %s %q and TMS holds %v", want.Line, c.CCODE, got.Status, got.ImportCCODE, codes)
			}
		case ledger.Sending, ledger.Unknown:
			if got.Status != "UNKNOWN" {
				t.Errorf("line %d: the ledger shows its create %s, but the results say %s, want UNKNOWN", want.Line, c.State, got.Status)
			}
		default:
			t.Errorf("line %d: its create is %s in the ledger, want %s, %s or %s", want.Line, c.State, ledger.Created, ledger.Sending, ledger.Unknown)
		}
	}
	if unknown != len(unknownLines) {
		t.Errorf("%d UNKNOWN rows, want %d (the creates the ledger shows in flight)", unknown, len(unknownLines))
	}
	if unknown > crashWorkers*kills {
		t.Errorf("%d UNKNOWN rows after %d crashes, want at most %d (--workers per crash)", unknown, kills, crashWorkers*kills)
	}
	if want := map[bool]int{true: 1, false: 0}[unknown > 0]; code != want {
		t.Errorf("final run: exit %d, want %d with %d UNKNOWN rows:\n%s", code, want, unknown, out)
	}

	sumU, maxU := stats(unknownPerCrash)
	if sumU != unknown {
		t.Errorf("%d UNKNOWN rows, want %d (the creates the crashes left in flight)", unknown, sumU)
	}
	sumF, maxF := stats(flightPerCrash)
	if maxU > crashWorkers {
		t.Errorf("a crash left %d creates UNKNOWN, want at most --workers %d", maxU, crashWorkers)
	}
	landed := 0
	for _, n := range flightPerCrash {
		if n > 0 {
			landed++
		}
	}
	if landed == 0 {
		t.Errorf("no kill landed while a request was in flight: the test exercised nothing")
	}
	t.Logf("%d kills (%d with requests in flight), %d runs ended before their kill", kills, landed, finished)
	t.Logf("UNKNOWN per crash: avg %.2f, max %d; rows in flight per crash: avg %.2f, max %d", float64(sumU)/float64(kills), maxU, float64(sumF)/float64(kills), maxF)
	t.Logf("final: %d rows, %d UNKNOWN (%d of them exist in TMS: the user must check), %d customers in TMS; %d duplicates, %d lost",
		len(res), unknown, unknownInStore, len(store), duplicates, lost)
	t.Logf("ledger: %d creates, %d codes", len(creates), len(ledgerCodes))
	t.Logf("time: kills %v, final run %v, total %v", loopTime.Round(time.Millisecond),
		finalTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// stats returns the sum and the maximum of xs.
func stats(xs []int) (sum, hi int) {
	for _, x := range xs {
		sum += x
		hi = max(hi, x)
	}
	return sum, hi
}

// TestKillWithRequestsInFlight kills an import while the simulator holds
// its requests (300 ms latency), then resumes it: the creates that were in
// flight are UNKNOWN, the upserts are resent and OK, and nothing exists
// twice.
func TestKillWithRequestsInFlight(t *testing.T) {
	clitest.RequireProcessTests(t)
	r := newRig(t, "--latency", "300ms")
	in := writeInput(t, r.path("in.csv"), "f", 16, func(i int) bool { return i%2 == 0 })
	args := r.importArgs("--workers", "4", "--rate", "400")
	view := openLedgerView(t, r.ledgerPath(t))

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	p := r.start(ctx, t, args...)
	// Kill as soon as the ledger shows a create and an upsert in flight
	// together: the simulator holds each request 300 ms, so they are
	// still in flight.
	deadline := time.Now().Add(60 * time.Second)
	for {
		f := view.inFlight(t)
		if len(f.Creates) > 0 && len(f.Codes) > 0 {
			break
		}
		if time.Now().After(deadline) {
			p.kill(t)
			t.Fatalf("no create and upsert in flight together within 60 s:\n%s", p.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.kill(t)
	if !p.signaled {
		t.Fatalf("the import ended (exit %d) before the kill:\n%s", p.code, p.out.String())
	}
	view.close() // read the ledger as recovered after the kill (see TestKill9Resume)
	creates, upserts := split(view.inFlight(t), in)
	view.close()
	if len(creates) == 0 || len(upserts) == 0 {
		t.Fatalf("after the kill, in flight: creates %v, upserts %v; want both (did a 300 ms request finish during the kill?)", creates, upserts)
	}
	if len(creates) > 4 || len(upserts) > 4 {
		t.Errorf("%d creates and %d upserts in flight, want at most --workers 4 of each", len(creates), len(upserts))
	}

	code, out := r.run(t, args...)
	if code != 1 {
		t.Errorf("resumed run: exit %d, want 1 (UNKNOWN rows):\n%s", code, out)
	}
	if !strings.Contains(out, "UNKNOWN") {
		t.Errorf("resumed run: the summary does not mention UNKNOWN:\n%s", out)
	}
	res := readResults(t, r.path("res.xlsx"))
	store := r.store(t)
	if len(res) != len(in) {
		t.Fatalf("results have %d rows, want %d", len(res), len(in))
	}
	after := view.inFlight(t)
	if len(after.Codes) != 0 {
		t.Errorf("after the resumed run, the ledger shows codes pending: %+v; want none (upserts are resent)", after.Codes)
	}
	if got, want := slices.Sorted(maps.Keys(unknownRows(view.creates(t)))), slices.Sorted(maps.Keys(creates)); !slices.Equal(got, want) {
		t.Errorf("after the resumed run, the ledger shows the creates of rows %v in flight, want %v (those the kill left)", got, want)
	}
	unknownInStore := 0
	for i, want := range in {
		got := res[i]
		wantStatus := "OK"
		if creates[want.Line] {
			wantStatus = "UNKNOWN"
		}
		t.Run(fmt.Sprintf("line %d", want.Line), func(t *testing.T) {
			if got.CNAM1 != want.Marker {
				t.Fatalf("CNAM1 got %q, want %q", got.CNAM1, want.Marker)
			}
			if got.Status != wantStatus {
				t.Errorf("ImportStatus got %q, want %q (in flight: create %v, upsert %v)", got.Status, wantStatus, creates[want.Line], upserts[want.Line])
			}
			codes := store[want.Marker]
			if len(codes) > 1 {
				t.Errorf("exists %d times in TMS %v, want at most once", len(codes), codes)
			}
			switch wantStatus {
			case "OK":
				if len(codes) != 1 || codes[0] != got.ImportCCODE {
					t.Errorf("OK with ImportCCODE %q, but TMS holds %v", got.ImportCCODE, codes)
				}
				if want.Code != "" && got.ImportCCODE != want.Code {
					t.Errorf("ImportCCODE got %q, want %q", got.ImportCCODE, want.Code)
				}
			case "UNKNOWN":
				if got.ErrCode != "UNKNOWN" || got.ErrorMsg == "" {
					t.Errorf("ImportErrorCode %q, ImportErrorMessage %q; want UNKNOWN and a message", got.ErrCode, got.ErrorMsg)
				}
			}
		})
		if wantStatus == "UNKNOWN" && len(store[want.Marker]) > 0 {
			unknownInStore++
		}
	}

	t.Logf("in flight at the kill: creates %v (now UNKNOWN; %d of them exist in TMS), upserts %v (resent, OK)",
		slices.Sorted(maps.Keys(creates)), unknownInStore, slices.Sorted(maps.Keys(upserts)))
}

// split returns the input rows of what the ledger shows in flight:
// auto-numbered creates and upserts (rows with a code).
func split(f flights, in []inputRow) (creates, upserts map[int]bool) {
	creates, upserts = map[int]bool{}, map[int]bool{}
	for _, c := range f.Creates {
		creates[c.Row] = true
	}
	for _, row := range in {
		if _, ok := f.Codes[row.Code]; ok && row.Code != "" {
			upserts[row.Line] = true
		}
	}
	return creates, upserts
}
