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
	dir := filepath.Join(t.TempDir(), "state", "custimport")
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
	dir := filepath.Join(t.TempDir(), "a b?c#d%20e&f=g 客戶")
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

func TestOpenEmptyFileIsNew(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(FilePath(dir, testTenant), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), dir, testTenant, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only Open of an empty file: %v, want os.ErrNotExist", err)
	}
	openTest(t, dir, Options{})
}

func TestOpenReadOnlyMissing(t *testing.T) {
	dir := t.TempDir()
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
				dir := t.TempDir()
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
	dir := t.TempDir()
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
	d := openTest(t, t.TempDir(), Options{Now: func() time.Time { return now }})
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
	if cs[0] != want {
		t.Errorf("claimed\n%+v\nread back\n%+v", want, cs[0])
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
	d := openTest(t, t.TempDir(), Options{})
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
	dir := t.TempDir()
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
	d := openTest(t, t.TempDir(), Options{BeforeCommit: func() error {
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
	d := openTest(t, t.TempDir(), Options{})
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
