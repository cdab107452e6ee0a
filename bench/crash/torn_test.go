//go:build unix

package crash

import (
	"bytes"
	"context"
	encbinary "encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/ledger"
)

// SQLite's WAL format (https://sqlite.org/fileformat2.html#walformat): a
// 32-byte header, then frames of a 24-byte header and one page. A frame
// belongs to the log while its salts are the header's; a frame whose
// "database size" field is not zero ends (commits) a transaction.
var walEndian = encbinary.BigEndian // the byte order of the WAL's headers

const (
	walHeaderSize      = 32
	walFrameHeaderSize = 24
)

// walCommits returns the end offsets of the committed transactions in a
// WAL file, and its page size.
func walCommits(t *testing.T, wal []byte) (ends []int, pageSize int) {
	t.Helper()
	if len(wal) < walHeaderSize {
		t.Fatalf("the WAL has %d bytes, want a header of %d", len(wal), walHeaderSize)
	}
	if magic := walEndian.Uint32(wal); magic&^1 != 0x377f0682 {
		t.Fatalf("the WAL starts with %#x, not the magic of an SQLite WAL", magic)
	}
	pageSize = int(walEndian.Uint32(wal[8:]))
	salts := wal[16:24]
	for off := walHeaderSize; off+walFrameHeaderSize+pageSize <= len(wal); off += walFrameHeaderSize + pageSize {
		fh := wal[off : off+walFrameHeaderSize]
		if !bytes.Equal(fh[8:16], salts) {
			break // a frame of an earlier generation of the log
		}
		if walEndian.Uint32(fh[4:]) != 0 {
			ends = append(ends, off+walFrameHeaderSize+pageSize)
		}
	}
	return ends, pageSize
}

// countCreatesAt returns how many creates the ledger at path holds when
// its WAL ends at offset end: it reads a copy of the ledger with the WAL
// cut there.
func countCreatesAt(t *testing.T, path string, wal []byte, end int) int {
	t.Helper()
	dir := t.TempDir()
	cp := filepath.Join(dir, filepath.Base(path))
	db, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, db, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp+"-wal", wal[:end], 0o600); err != nil {
		t.Fatal(err)
	}
	v := &ledgerView{path: cp}
	defer v.close()
	return v.count(t, "SELECT count(*) FROM creates")
}

// TestTornLedgerWAL simulates a power cut while the ledger's WAL was being
// written: after a kill -9, the WAL is cut half-way through a frame. With
// synchronous=FULL a power cut can only tear writes not yet acknowledged,
// so the cut falls after the last create's claim, which its request
// followed (cutting a claim away would stand for a disk that lied about an
// fsync, and a duplicate would then be no bug of custimport's). The cut
// loses that create's outcome and the upserts' records after it. SQLite's
// recovery must drop the torn tail (the next run opens the ledger, no
// ErrCorrupt), the create whose outcome was lost must be held as UNKNOWN,
// never sent again, and the runs after that must find the ledger whole.
func TestTornLedgerWAL(t *testing.T) {
	clitest.RequireProcessTests(t)
	r := newRig(t, "--latency", "100ms")
	// Creates first, upserts last, one worker: when TMS has accepted two
	// upserts, every create was claimed and answered, and the claim of
	// the last one is followed in the WAL by records of its outcome and
	// of the upserts.
	const nCreates = 3
	in := writeInput(t, r.path("in.csv"), "t", nCreates+30, func(i int) bool { return i <= nCreates })
	args := r.importArgs("--workers", "1", "--rate", "400")
	path := r.ledgerPath(t)
	view := openLedgerView(t, path)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	p := r.start(ctx, t, args...)
	deadline := time.Now().Add(60 * time.Second)
	// (A settled create records its code too: count the input's codes.)
	accepted := "SELECT count(*) FROM codes WHERE fingerprint <> '' AND ccode IN ('" + in[nCreates].Code + "', '" + in[nCreates+1].Code + "')"
	for view.count(t, accepted) < 2 {
		if time.Now().After(deadline) {
			p.kill(t)
			t.Fatalf("TMS accepted no two upserts within 60 s:\n%s", p.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.kill(t)
	if !p.signaled {
		t.Fatalf("the import ended (exit %d) before the kill; its ledger has no WAL left to cut:\n%s", p.code, p.out.String())
	}
	view.close() // read the ledger as recovered after the kill (see TestKill9Resume)
	before := view.creates(t)
	if len(before) != nCreates {
		t.Fatalf("after the kill the ledger has %d creates, want %d: %+v", len(before), nCreates, before)
	}
	for _, c := range before {
		if c.State != ledger.Created {
			t.Fatalf("after the kill, create %d (row %d) is %s, want %s (the upserts come after it)", c.ID, c.Row, c.State, ledger.Created)
		}
	}
	// No connection may hold the WAL's index while the WAL is cut: the
	// next run must be the first to open it, as after a reboot.
	view.close()

	walPath := path + "-wal"
	wal, err := os.ReadFile(walPath)
	if err != nil {
		t.Fatalf("after a kill -9 the ledger has no WAL: %v", err)
	}
	ends, pageSize := walCommits(t, wal)
	// The end of the transaction that holds the last claim: the first
	// commit after which the ledger holds every create.
	claimEnd := -1
	for i, end := range ends {
		if countCreatesAt(t, path, wal, end) == nCreates {
			claimEnd = i
			break
		}
	}
	if claimEnd < 0 || claimEnd == len(ends)-1 {
		t.Fatalf("the WAL (%d bytes, %d transactions) has no transaction after the last claim (transaction %d)", len(wal), len(ends), claimEnd)
	}
	cut := ends[claimEnd] + walFrameHeaderSize + pageSize/2 // half-way through the next frame
	if err := os.Truncate(walPath, int64(cut)); err != nil {
		t.Fatal(err)
	}
	t.Logf("WAL of %d bytes (%d transactions, page %d): cut at %d, half-way through the frame after transaction %d (the last claim), %d transactions lost",
		len(wal), len(ends), pageSize, cut, claimEnd+1, len(ends)-claimEnd-1)

	lastCreate := in[nCreates-1]
	for run := 2; run <= 3; run++ {
		code, out := r.run(t, args...)
		if code != 1 {
			t.Errorf("run %d after the cut: exit %d, want 1 (the last create is UNKNOWN):\n%s", run, code, out)
		}
		if n := view.count(t, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"); n != 0 {
			t.Errorf("run %d after the cut: the ledger's integrity check reports %d problem(s)", run, n)
		}
		creates := view.creates(t)
		if len(creates) != nCreates {
			t.Errorf("run %d after the cut: the ledger has %d creates, want %d (no create claimed again): %+v", run, len(creates), nCreates, creates)
		}
		for _, c := range creates {
			want := ledger.Created
			if c.Row == lastCreate.Line {
				want = ledger.Sending // its outcome was cut away
			}
			if c.State != want {
				t.Errorf("run %d after the cut: create %d (row %d) is %s, want %s", run, c.ID, c.Row, c.State, want)
			}
		}
		if f := view.inFlight(t); len(f.Codes) != 0 {
			t.Errorf("run %d after the cut: codes still pending: %+v", run, f.Codes)
		}
		view.close() // the next run opens the ledger first again

		res := readResults(t, r.path("res.xlsx"))
		store := r.store(t)
		if len(res) != len(in) {
			t.Fatalf("run %d: results have %d rows, want %d", run, len(res), len(in))
		}
		if len(store) != len(in) {
			t.Errorf("run %d: TMS holds %d customers, want %d (each input row once)", run, len(store), len(in))
		}
		for i, want := range in {
			got := res[i]
			codes := store[want.Marker]
			if len(codes) != 1 {
				t.Errorf("run %d, line %d: TMS holds %s %d times %v, want once", run, want.Line, want.Marker, len(codes), codes)
				continue
			}
			switch {
			case want.Line == lastCreate.Line:
				if got.Status != "UNKNOWN" || got.ErrCode != "UNKNOWN" {
					t.Errorf("run %d, line %d: ImportStatus %q (%s %s), want UNKNOWN: the ledger lost its outcome", run, want.Line, got.Status, got.ErrCode, got.ErrorMsg)
				}
			case got.Status != "OK":
				t.Errorf("run %d, line %d: ImportStatus got %q (%s), want OK", run, want.Line, got.Status, got.ErrorMsg)
			case got.ImportCCODE != codes[0]:
				t.Errorf("run %d, line %d: ImportCCODE %q, TMS holds %v", run, want.Line, got.ImportCCODE, codes)
			}
		}
	}
}
