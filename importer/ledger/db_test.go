package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custimport/custimport/internal/testdir"
)

var testTenant = Tenant{URL: "https://tms.example.com", PNO: "P1", ProNum: "P1"}

func openTest(t *testing.T, dir string, opts Options) *DB {
	t.Helper()
	return openTenant(t, dir, testTenant, opts)
}

func openTenant(t *testing.T, dir string, tenant Tenant, opts Options) *DB {
	t.Helper()
	d, err := Open(context.Background(), dir, tenant, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func claim(t *testing.T, d *DB, c Create) int64 {
	t.Helper()
	id, err := d.Claim(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(tempDir(t), "state", "custimport")
	d := openTest(t, dir, Options{})
	if want := filepath.Join(dir, testTenant.ID()+".ledger.db"); d.Path() != want {
		t.Errorf("Path() = %q, want %q", d.Path(), want)
	}
	if d.Tenant() != testTenant {
		t.Errorf("Tenant() = %v", d.Tenant())
	}
	claim(t, d, Create{Fingerprint: "f"})
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000"} {
		var got string
		if err := d.wdb.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
	if _, err := d.rdb.Exec("DELETE FROM creates"); err == nil {
		t.Error("the read pool can write")
	}
	if runtime.GOOS == "windows" {
		return
	}
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, d.Path(): 0o600, d.Path() + "-wal": 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
}

func TestReopen(t *testing.T) {
	// A path SQLite could misread in a URI: kept whole by the escaping.
	name := "a b?c#d%20e&f=g 客戶"
	if runtime.GOOS == "windows" {
		name = "a b#c%20d&e=f;g 客戶" // no ? in a Windows name
	}
	dir := filepath.Join(tempDir(t), name)
	d := openTest(t, dir, Options{})
	id := claim(t, d, Create{Fingerprint: "f1", Name: "甲公司"})
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		d := openTest(t, dir, Options{ReadOnly: ro})
		cs, err := d.Candidates(context.Background())
		if err != nil || len(cs) != 1 || cs[0].ID != id || cs[0].Name != "甲公司" {
			t.Fatalf("ReadOnly %v: Candidates = %+v, %v", ro, cs, err)
		}
		if ro {
			if _, err := d.Claim(context.Background(), Create{}); err == nil {
				t.Error("Claim on a read-only ledger: no error")
			}
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// A ledger that was made and is not there any more is never silently
// replaced by a new, empty one (every customer would be created again):
// an empty file (a copy, restore or sync that did not finish), a file with
// no tables, or no file where the lock file records one are ErrLost, for
// a run and for a check; only StartOver starts a new ledger, setting the
// old file aside.
func TestOpenLost(t *testing.T) {
	ctx := context.Background()
	made := func(t *testing.T, dir string) {
		d, err := Open(ctx, dir, testTenant, Options{})
		if err != nil {
			t.Fatal(err)
		}
		claim(t, d, Create{Fingerprint: "f", Name: "甲"})
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir, path string)
		says   string // in the error
		aside  bool   // StartOver renames a file to .lost-*
		silent bool   // no trace: a new ledger (what the folder cannot tell)
	}{
		{name: "an empty file", setup: func(t *testing.T, dir, path string) { os.WriteFile(path, nil, 0o600) }, says: "0 bytes", aside: true},
		{name: "a made ledger truncated", setup: func(t *testing.T, dir, path string) {
			made(t, dir)
			os.Truncate(path, 0)
		}, says: "0 bytes", aside: true},
		{name: "an SQLite file with no tables", setup: func(t *testing.T, dir, path string) {
			rawExec(t, path, "CREATE TABLE x(a)", "DROP TABLE x")
		}, says: "no tables", aside: true},
		{name: "deleted, its lock file records it", setup: func(t *testing.T, dir, path string) {
			made(t, dir)
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}, says: testTenant.ID() + ".lock records"},
		{name: "deleted with its lock file", setup: func(t *testing.T, dir, path string) {
			made(t, dir)
			for _, p := range []string{path, path + "-wal", path + "-shm", LockPath(dir, testTenant)} {
				os.Remove(p)
			}
		}, silent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tempDir(t)
			path := FilePath(dir, testTenant)
			tt.setup(t, dir, path)
			if tt.silent {
				openTest(t, dir, Options{})
				return
			}
			for _, ro := range []bool{false, true} {
				d, err := Open(ctx, dir, testTenant, Options{ReadOnly: ro})
				if err == nil {
					d.Close()
				}
				if !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.says) {
					t.Fatalf("Open(ReadOnly %v) = %v, want ErrLost naming %s and saying %q", ro, err, path, tt.says)
				}
			}
			if _, err := Open(ctx, dir, testTenant, Options{ReadOnly: true, StartOver: true}); !errors.Is(err, ErrLost) {
				t.Errorf("a read-only Open started over: %v", err)
			}
			// Refused twice, and still refused: nothing was made meanwhile.
			if _, err := Open(ctx, dir, testTenant, Options{}); !errors.Is(err, ErrLost) {
				t.Fatalf("the second Open = %v, want ErrLost", err)
			}

			d := openTest(t, dir, Options{StartOver: true})
			if cs, err := d.Candidates(ctx); err != nil || len(cs) != 0 {
				t.Errorf("the new ledger holds %+v, %v", cs, err)
			}
			claim(t, d, Create{Fingerprint: "g"})
			d.Close()
			lost, _ := filepath.Glob(path + ".lost-*")
			if tt.aside != (len(lost) == 1) {
				t.Errorf("set aside: %q, want one: %v", lost, tt.aside)
			}
			if rec := readRecord(LockPath(dir, testTenant)); rec.Ledger.IsZero() {
				t.Error("the lock file does not record the new ledger")
			}
			// The new ledger is the ledger now: opened as any other.
			if cs, err := openTest(t, dir, Options{}).Candidates(ctx); err != nil || len(cs) != 1 || cs[0].Fingerprint != "g" {
				t.Errorf("reopened: %+v, %v", cs, err)
			}
		})
	}
}

// tempDir is a new temporary folder that Wine can remove (see testdir).
func tempDir(t *testing.T) string { return testdir.New(t) }

// A run that made no ledger leaves nothing that reads as a lost one: a
// lock taken and released, a create that failed, the leftover of a
// create that was killed.
func TestOpenAfterNoLedgerWasMade(t *testing.T) {
	ctx := context.Background()
	t.Run("a lock taken and released", func(t *testing.T) {
		dir := tempDir(t)
		release, err := Lock(ctx, dir, testTenant, Holder{PID: 1, Input: "a.csv"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		release()
		openTest(t, dir, Options{})
	})
	t.Run("a create that failed", func(t *testing.T) {
		dir := tempDir(t)
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Open(canceled, dir, testTenant, Options{}); err == nil {
			t.Fatal("Open with a canceled context made a ledger")
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("left %v", left)
		}
		openTest(t, dir, Options{})
	})
	t.Run("a create killed half way", func(t *testing.T) {
		dir := tempDir(t)
		path := FilePath(dir, testTenant)
		old, fresh := path+".new-123", path+".new-456"
		for _, p := range []string{old, fresh} {
			os.WriteFile(p, []byte(sqliteMagic), 0o600)
		}
		long := time.Now().Add(-time.Hour)
		os.Chtimes(old, long, long)
		openTest(t, dir, Options{})
		if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("an hour-old leftover stayed: %v", err)
		}
		if _, err := os.Stat(fresh); err != nil {
			t.Errorf("a create under way lost its file: %v", err)
		}
	})
}

// The lock file keeps its record of the ledger while runs take and
// release the lock, and says who holds it while it is held.
func TestLockKeepsTheLedgerRecord(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	release, err := Lock(ctx, dir, testTenant, Holder{PID: 7, Input: "a.csv"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := openTest(t, dir, Options{})
	d.Close()
	rec := readRecord(LockPath(dir, testTenant))
	if rec.Ledger.IsZero() || rec.PID != 7 {
		t.Fatalf("while held: %+v, want the holder and the ledger", rec)
	}
	release()
	if got := readRecord(LockPath(dir, testTenant)); !got.Ledger.Equal(rec.Ledger) || got.Holder != (Holder{}) {
		t.Fatalf("released: %+v, want the ledger alone", got)
	}
	for i := range 3 {
		release, err := Lock(ctx, dir, testTenant, Holder{PID: 100 + i, Input: strings.Repeat("x", 100*(3-i))}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := readRecord(LockPath(dir, testTenant)); !got.Ledger.Equal(rec.Ledger) || got.PID != 100+i {
			t.Fatalf("held by run %d: %+v", i, got)
		}
		release()
	}
	// A record cut short (a crash while it was written) keeps its head.
	data, _ := os.ReadFile(LockPath(dir, testTenant))
	os.WriteFile(LockPath(dir, testTenant), append(data, []byte(`"input":"tail of an older, longer record"}`)...), 0o600)
	if got := readRecord(LockPath(dir, testTenant)); !got.Ledger.Equal(rec.Ledger) {
		t.Errorf("with a tail: %+v", got)
	}
}

func TestOpenReadOnlyMissing(t *testing.T) {
	dir := tempDir(t)
	_, err := Open(context.Background(), dir, testTenant, Options{ReadOnly: true})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open = %v, want os.ErrNotExist", err)
	}
	if _, err := os.Stat(FilePath(dir, testTenant)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only Open created the ledger: %v", err)
	}
}

// rawExec runs statements on a ledger file behind the package's back.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	garbage := bytes.Repeat([]byte("not a database, just some text\n"), 100)
	damaged := append([]byte(sqliteMagic), bytes.Repeat([]byte{0xff}, 4000)...)
	other := Tenant{URL: "https://other.example.com", PNO: "P1", ProNum: "P1"}
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
		want  error
	}{
		{"garbage", func(t *testing.T, path string) { os.WriteFile(path, garbage, 0o600) }, ErrCorrupt},
		{"short garbage", func(t *testing.T, path string) { os.WriteFile(path, []byte("x"), 0o600) }, ErrCorrupt},
		{"damaged SQLite", func(t *testing.T, path string) { os.WriteFile(path, damaged, 0o600) }, ErrCorrupt},
		{"another SQLite database", func(t *testing.T, path string) { rawExec(t, path, "CREATE TABLE foo(x)") }, ErrCorrupt},
		{"a table missing", func(t *testing.T, path string) {
			rawExec(t, path, "CREATE TABLE meta(key, value)", "PRAGMA user_version = 1")
		}, ErrCorrupt},
		{"newer schema", func(t *testing.T, path string) {
			d, err := Open(context.Background(), filepath.Dir(path), testTenant, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d.Close()
			rawExec(t, path, "PRAGMA user_version = 99")
		}, ErrNewerSchema},
		{"other tenant", func(t *testing.T, path string) {
			d, err := Open(context.Background(), filepath.Dir(path), other, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d.Close()
			if err := os.Rename(d.Path(), path); err != nil {
				t.Fatal(err)
			}
		}, ErrOtherTenant},
	}
	for _, tt := range tests {
		for _, ro := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readonly=%v", tt.name, ro), func(t *testing.T) {
				dir := tempDir(t)
				path := FilePath(dir, testTenant)
				tt.setup(t, path)
				d, err := Open(context.Background(), dir, testTenant, Options{ReadOnly: ro})
				if err == nil {
					d.Close()
				}
				t.Log(err)
				if !errors.Is(err, tt.want) {
					t.Fatalf("Open = %v, want %v", err, tt.want)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name %s", err, path)
				}
			})
		}
	}
}

func TestOpenFindsDamage(t *testing.T) {
	dir := tempDir(t)
	d := openTest(t, dir, Options{})
	for i := range 300 {
		claim(t, d, Create{Fingerprint: fmt.Sprint("fp", i), Name: strings.Repeat("名", 50)})
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(d.Path())
	if err != nil {
		t.Fatal(err)
	}
	for i := len(data) - 4096; i < len(data); i++ {
		data[i] = 0xa5 // the last page
	}
	if err := os.WriteFile(d.Path(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), dir, testTenant, Options{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a damaged ledger = %v, want ErrCorrupt", err)
	}
	t.Log(err)
}

func TestCreatesRoundTrip(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	d := openTest(t, tempDir(t), Options{Now: func() time.Time { return now }})
	in := Create{Fingerprint: "fp1", Payload: `{"CNAME":"甲"}`, TaxID: "12345678", Name: "甲公司", ShortName: "甲",
		Source: "/in/a.xlsx", Sheet: "S", Row: 7, ResultRow: 8, InputSHA256: "abc", Lineage: "/in/a.xlsx", RunID: 3,
		State: Created, CCODE: "", ErrorCode: "", Message: ""}
	ids := []int64{claim(t, d, in), claim(t, d, Create{Fingerprint: "fp2"}), claim(t, d, Create{Fingerprint: "fp3"}), claim(t, d, Create{Fingerprint: "fp4"})}
	cs, err := d.Candidates(ctx)
	if err != nil || len(cs) != 4 {
		t.Fatalf("Candidates = %+v, %v", cs, err)
	}
	want := in
	want.ID, want.State, want.Created, want.Updated = ids[0], Sending, now.UTC(), now.UTC()
	found, err := d.Find(ctx, "甲公司")
	if err != nil || len(found) != 1 || found[0] != want {
		t.Errorf("claimed\n%+v\nfound\n%+v (%v)", want, found, err)
	}
	// Candidates leave the payload out: matching never reads it.
	want.Payload = ""
	if cs[0] != want {
		t.Errorf("claimed\n%+v\nread back by Candidates\n%+v", want, cs[0])
	}
	for _, err := range []error{
		d.Settle(ids[0], Created, "C001", "", ""),
		d.Settle(ids[1], Refused, "", "E12", "duplicate tax ID"),
		d.Settle(ids[2], Unknown, "", "", "timeout"),
		d.Settle(ids[3], Unknown, "", "", "timeout"),
		d.Release(ids[3]),
		d.Flush(ctx),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	cs, err = d.Candidates(ctx)
	if err != nil || len(cs) != 2 {
		t.Fatalf("Candidates = %+v, %v", cs, err)
	}
	if c := cs[0]; c.ID != ids[0] || c.State != Created || c.CCODE != "C001" {
		t.Errorf("settled Created: %+v", c)
	}
	if c := cs[1]; c.ID != ids[2] || c.State != Unknown || c.Message != "timeout" {
		t.Errorf("settled Unknown: %+v", c)
	}
	code, ok, err := d.Code(ctx, "C001")
	if err != nil || !ok || code != (Code{CCODE: "C001", Fingerprint: "fp1", RunID: 3, Updated: now.UTC(),
		Names: Names{Name: "甲公司", ShortName: "甲", TaxID: "12345678"}}) {
		t.Errorf("Code(C001) = %+v, %v, %v", code, ok, err)
	}
	if err := d.Settle(ids[0], "bogus", "", "", ""); err == nil {
		t.Error("Settle with a bad state: no error")
	}
}

func TestCodes(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, tempDir(t), Options{})
	code := func(ccode string) Code {
		t.Helper()
		if err := d.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		c, ok, err := d.Code(ctx, ccode)
		if err != nil {
			t.Fatal(err)
		}
		// Codes, the batch read, knows the same.
		batch, err := d.Codes(ctx, []string{"NOPE", ccode, "nope"})
		if b, found := batch[ccode]; err != nil || found != ok || b != c || len(batch) > 1 {
			t.Fatalf("Codes(%s): %v %v %v; Code: %v %v", ccode, b, found, err, c, ok)
		}
		if !ok {
			return Code{}
		}
		return Code{CCODE: c.CCODE, Fingerprint: c.Fingerprint, Pending: c.Pending, RunID: c.RunID}
	}
	if _, ok, err := d.Code(ctx, "C9"); ok || err != nil {
		t.Fatalf("Code of an unknown code: %v, %v", ok, err)
	}
	steps := []struct {
		name string
		do   func() error
		want Code
	}{
		{"sending a new code", func() error { return d.SendingCode("C9", "a", Names{}, 1) }, Code{CCODE: "C9", Fingerprint: "", Pending: "a", RunID: 1}},
		{"accepted", func() error { return d.Accepted("C9", "a", 1) }, Code{CCODE: "C9", Fingerprint: "a", Pending: "", RunID: 1}},
		{"sending again", func() error { return d.SendingCode("C9", "b", Names{}, 2) }, Code{CCODE: "C9", Fingerprint: "a", Pending: "b", RunID: 2}},
		{"failed", func() error { return d.Failed("C9") }, Code{CCODE: "C9", Fingerprint: "a", Pending: "", RunID: 2}},
		{"failed again", func() error { return d.Failed("C9") }, Code{CCODE: "C9", Fingerprint: "a", Pending: "", RunID: 2}},
		{"accepted unseen", func() error { return d.Accepted("C9", "c", 3) }, Code{CCODE: "C9", Fingerprint: "c", Pending: "", RunID: 3}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); err != nil {
				t.Fatal(err)
			}
			if got := code("C9"); got != s.want {
				t.Fatalf("Code = %+v, want %+v", got, s.want)
			}
		})
	}
	if err := d.SendingCode("", "x", Names{}, 1); err == nil {
		t.Error("SendingCode with no code: no error")
	}
}

func TestConcurrentClaimsShareCommits(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	var commits atomic.Int64
	d := openTest(t, dir, Options{BeforeCommit: func() error {
		commits.Add(1)
		time.Sleep(2 * time.Millisecond) // as an fsync would
		return nil
	}})
	const n = 50
	ids := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("row-%03d;", i)
			id, err := d.Claim(ctx, Create{Fingerprint: fmt.Sprint("fp", i), Row: i, Name: name})
			if err != nil {
				errs <- err
				return
			}
			ids[i] = id
			// A committed claim is visible to reads at once.
			if cs, err := d.Find(ctx, name); err != nil {
				errs <- err
			} else if len(cs) != 1 || cs[0].ID != id {
				errs <- fmt.Errorf("claim %d not read back: %+v", id, cs)
			}
			if err := d.Settle(id, Unknown, "", "", name); err != nil {
				errs <- err
			}
			if err := d.Flush(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("ids not distinct: %v", ids)
		}
		seen[id] = true
	}
	if c := commits.Load(); c >= n {
		t.Errorf("%d commits for %d claims and %d settles: no batching", c, n, n)
	} else {
		t.Logf("%d commits for %d claims and %d settles", c, n, n)
	}
	d = openTest(t, dir, Options{ReadOnly: true})
	cs, err := d.Candidates(ctx)
	if err != nil || len(cs) != n {
		t.Fatalf("after reopening: %d candidates, %v", len(cs), err)
	}
	for _, c := range cs {
		if !seen[c.ID] || c.State != Unknown || c.Message != c.Name {
			t.Errorf("after reopening: %+v", c)
		}
	}
}

// Writes nobody waits for wait for room when commits are slower than they
// come: the queue never holds more than maxQueued, and every write lands.
func TestAsyncWritesBounded(t *testing.T) {
	release := make(chan struct{})
	var once, released sync.Once
	free := func() { released.Do(func() { close(release) }) }
	d := openTest(t, tempDir(t), Options{BeforeCommit: func() error {
		once.Do(func() { <-release }) // the first commit is slow
		return nil
	}})
	t.Cleanup(free)             // runs before the ledger's Close: a failure does not hang
	const n = 2*maxQueued + 500 // the first batch may take maxQueued
	done := make(chan error, 1)
	go func() {
		for i := range n {
			if err := d.SendingCode(fmt.Sprintf("C%06d", i), "fp", Names{}, 1); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	// The writer holds its first batch; the queue fills up to its bound
	// (or past it, which is the failure), and the producer then waits.
	queuedNow := func() int {
		d.w.mu.Lock()
		defer d.w.mu.Unlock()
		return len(d.w.queue)
	}
	for end := time.Now().Add(30 * time.Second); queuedNow() < maxQueued; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the queue never filled: %d writes queued", queuedNow())
		}
	}
	if queued := queuedNow(); queued > maxQueued {
		t.Errorf("%d writes queued, want at most %d", queued, maxQueued)
	}
	select {
	case err := <-done:
		t.Fatalf("all %d writes were queued while the commit waited (err %v): nothing bounds the queue", n, err)
	default:
	}
	free()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := d.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got int
	if err := d.rdb.QueryRow("SELECT count(*) FROM codes").Scan(&got); err != nil || got != n {
		t.Errorf("codes in the ledger: %d (%v), want %d", got, err, n)
	}
}

// Codes reads more codes than one query asks for, exactly (not by case).
func TestCodesMany(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, tempDir(t), Options{})
	var ask []string
	for i := range maxCodesQuery*2 + 7 {
		c := fmt.Sprintf("C%04d", i)
		ask = append(ask, c, strings.ToLower(c))
		if i%3 == 0 {
			if err := d.Accepted(c, "fp"+c, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := d.Codes(ctx, ask)
	if err != nil {
		t.Fatal(err)
	}
	want := (maxCodesQuery*2 + 7 + 2) / 3
	if len(got) != want {
		t.Errorf("%d codes known, want %d", len(got), want)
	}
	for c, k := range got {
		if k.CCODE != c || k.Fingerprint != "fp"+c || c != strings.ToUpper(c) {
			t.Errorf("Codes: %q → %+v", c, k)
		}
	}
}
