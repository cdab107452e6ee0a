package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/custimport/custimport/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openPG opens tenant's ledger in the PostgreSQL database at url.
func pgURL(t *testing.T) string { return pgtest.Database(t) }

func openPG(t *testing.T, url string, tenant Tenant, opts Options) *DB {
	t.Helper()
	d, err := OpenURL(context.Background(), url, tenant, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// script does the same writes and reads on a ledger and returns what the
// reads gave, as text: SQLite and PostgreSQL must give the same.
func script(t *testing.T, d *DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	note := func(k string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = fmt.Sprintf("%+v", v)
	}
	run, err := d.BeginRun(ctx, Run{Input: "/in/a.csv", InputSHA256: "abc", Sheet: "S", Output: "/out/a.xlsx", Lineage: "/in/a.csv", PID: 7})
	note("run", run, err)
	var ids []int64
	for i, c := range []Create{
		{Fingerprint: "fp1", Payload: `{"CNAM1":"甲公司"}`, TaxID: "12345678", Name: "甲公司", ShortName: "甲", Source: "/in/a.csv", Row: 2, ResultRow: 2, Lineage: "/in/a.csv", RunID: run},
		{Fingerprint: "fp2", Name: "乙商行", Row: 3, RunID: run},
		{Fingerprint: "fp3", Name: "丙 Ltd", Row: 4, RunID: run},
		{Fingerprint: "fp4", Name: "丁", Row: 5, RunID: run},
	} {
		id, err := d.Claim(ctx, c)
		note(fmt.Sprint("claim", i), id, err)
		ids = append(ids, id)
	}
	for _, err := range []error{
		d.Settle(ids[0], Created, "0456", "", ""),
		d.Settle(ids[1], Refused, "", "E12", "duplicate tax ID"),
		d.Settle(ids[2], Unknown, "", "", "timeout"),
		d.Release(ids[3]),
		d.SendingCode("A001", "fpA", Names{Name: "甲乙", TaxID: "87654321"}, run),
		d.Accepted("A001", "fpA", run),
		d.SendingCode("B002", "fpB", Names{Name: "戊"}, run),
		d.Failed("B002"),
		d.SendingCode("C003", "fpC", Names{ShortName: "己"}, run),
		d.Flush(ctx),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	note("endrun", 0, d.EndRun(ctx, run, map[string]int{"OK": 3}, 1))
	err = d.LoadExisting(ctx, ExistingList{Info: ExistingInfo{Source: "tms.xlsx", SHA256: "e1"}, Customers: []Customer{
		{CCODE: "0789", Names: Names{Name: "庚公司", TaxID: "11112222"}, Phone: "02-1", Row: 2},
		{CCODE: "X9", Names: Names{Name: "辛"}, Row: 3},
	}})
	note("load", 0, err)
	cands, err := d.Candidates(ctx)
	note("candidates", cands, err)
	withCode, err := d.CreatedWithCode(ctx, "0456")
	note("withCode", withCode, err)
	codes, err := d.Codes(ctx, []string{"A001", "B002", "C003", "0456", "nope"})
	note("codes", codes, err)
	padded, err := d.Padded(ctx, []string{"456", "1"})
	note("padded", padded, err)
	for _, q := range []string{"甲", "a001", "456", "87654321", "ltd", "庚", "789", "x9"} {
		f, err := d.Find(ctx, q)
		note("find "+q, f, err)
		fc, err := d.FindCodes(ctx, q)
		note("findCodes "+q, fc, err)
		fe, err := d.FindExisting(ctx, q)
		note("findExisting "+q, fe, err)
	}
	ex, ok, err := d.Existing(ctx)
	note("existing", fmt.Sprint(ok, ex), err)
	lin, err := d.LineageOf(ctx, "/out/a.xlsx")
	note("lineage", lin, err)
	has, err := d.HasRun(ctx, "/in/a.csv")
	note("hasRun", has, err)
	runs, err := d.Runs(ctx, 0)
	note("runs", runs, err)
	var exp bytes.Buffer
	note("export", exp.String(), d.Export(ctx, &exp))
	out["export"] = exp.String()
	return out
}

// TestPGSameAsSQLite: every write and read of the ledger gives the same
// answers on PostgreSQL as on SQLite.
func TestPGSameAsSQLite(t *testing.T) {
	url := pgtest.Database(t)
	now := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	opts := Options{Now: func() time.Time { return now }}
	lite := script(t, openTest(t, tempDir(t), opts))
	pg := script(t, openPG(t, url, testTenant, opts))
	for k, want := range lite {
		if pg[k] != want {
			t.Errorf("%s:\nPostgreSQL %s\nSQLite     %s", k, pg[k], want)
		}
	}
	if !strings.Contains(pg["find 甲"], `{"CNAM1":"甲公司"}`) {
		t.Errorf("find 甲 = %s, want the payload", pg["find 甲"])
	}
}

// TestPGLock: one writable open per tenant across processes (here,
// sessions): the second is refused naming the first's host and input,
// waits with Wait, and gets the lock once the first closes. Another
// tenant in the same database is not held up.
func TestPGLock(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	first := openPG(t, url, testTenant, Options{Holder: Holder{Input: "/in/first.csv"}})
	_, err := OpenURL(ctx, url, testTenant, Options{})
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want a *LockedError", err)
	}
	host, _ := os.Hostname()
	if le.Holder.PID != os.Getpid() || le.Holder.Host != host || le.Holder.Input != "/in/first.csv" {
		t.Errorf("holder %+v, want pid %d host %s input /in/first.csv", le.Holder, os.Getpid(), host)
	}
	if !strings.Contains(err.Error(), "/in/first.csv") || !strings.Contains(err.Error(), host) {
		t.Errorf("message %q names neither the input nor the host", err)
	}
	other := Tenant{URL: "https://other.example.com", PNO: "P2", ProNum: "P2"}
	openPG(t, url, other, Options{})

	got := make(chan error, 1)
	go func() {
		d, err := OpenURL(ctx, url, testTenant, Options{Wait: time.Minute})
		if err == nil {
			d.Close()
		}
		got <- err
	}()
	if _, err := first.Claim(ctx, Create{Fingerprint: "fp"}); err != nil {
		t.Fatal(err)
	}
	first.Close()
	if err := <-got; err != nil {
		t.Fatalf("a waiting open after the holder closed: %v", err)
	}
	// Read-only opens do not take the lock.
	ro := openPG(t, url, testTenant, Options{ReadOnly: true})
	openPG(t, url, testTenant, Options{})
	if cs, err := ro.Candidates(ctx); err != nil || len(cs) != 1 {
		t.Errorf("read-only Candidates = %d, %v; want the 1 claim", len(cs), err)
	}
}

// TestPGLostSession: a writer whose session is cut (the server ended it:
// a network failure, a restart) writes nothing more, even when another
// run took the lock meanwhile; that run sees every claim committed before.
func TestPGLostSession(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	d := openPG(t, url, testTenant, Options{})
	if _, err := d.Claim(ctx, Create{Fingerprint: "before"}); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1", pgLockClass); err != nil {
		t.Fatal(err)
	}
	next := openPG(t, url, testTenant, Options{Wait: 30 * time.Second})
	if _, err := d.Claim(ctx, Create{Fingerprint: "after"}); err == nil {
		t.Fatal("a claim on a session the server ended succeeded")
	}
	cs, err := next.Candidates(ctx)
	if err != nil || len(cs) != 1 || cs[0].Fingerprint != "before" {
		t.Errorf("the next run's candidates = %+v, %v; want the one claim made before", cs, err)
	}
}

// TestPGSchemaVersions: a ledger of an older schema is migrated forward
// on a writable open (its data kept); a newer one is refused; a
// read-only open of a tenant never made is os.ErrNotExist.
func TestPGSchemaVersions(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	if _, err := OpenURL(ctx, url, testTenant, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only open of no ledger = %v, want os.ErrNotExist", err)
	}
	db := stdlib.OpenDB(*mustConfig(t, url, testTenant))
	defer db.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// A version 1 ledger, as an early custimport made it.
	exec("CREATE SCHEMA custimport_" + testTenant.ID())
	exec(pgSteps[0])
	for _, kv := range [][2]string{{"url", testTenant.URL}, {"pno", testTenant.PNO}, {"pronum", testTenant.ProNum}, {"schema_version", "1"}} {
		exec(fmt.Sprintf("INSERT INTO meta VALUES('%s', '%s')", kv[0], kv[1]))
	}
	exec("INSERT INTO creates(fingerprint, state, ccode, name) VALUES('fp', 'created', 'C1', '甲')")
	exec("INSERT INTO codes(ccode, fingerprint) VALUES('C1', 'fp')")
	ro := openPG(t, url, testTenant, Options{ReadOnly: true})
	if c, ok, err := ro.Code(ctx, "C1"); err != nil || !ok || c.Fingerprint != "fp" {
		t.Errorf("read-only open of version 1: Code = %+v %v %v", c, ok, err)
	}
	d := openPG(t, url, testTenant, Options{})
	if c, ok, err := d.Code(ctx, "C1"); err != nil || !ok || c.Name != "甲" {
		t.Errorf("after migrating: Code = %+v %v %v, want its name from its create", c, ok, err)
	}
	var v string
	if err := db.QueryRow("SELECT value FROM meta WHERE key = 'schema_version'").Scan(&v); err != nil || v != fmt.Sprint(SchemaVersion) {
		t.Errorf("schema_version = %q %v, want %d", v, err, SchemaVersion)
	}
	d.Close()
	exec(fmt.Sprintf("UPDATE meta SET value = '%d' WHERE key = 'schema_version'", SchemaVersion+1))
	for _, ro := range []bool{false, true} {
		if _, err := OpenURL(ctx, url, testTenant, Options{ReadOnly: ro}); !errors.Is(err, ErrNewerSchema) {
			t.Errorf("open (read-only %v) of a newer schema = %v, want ErrNewerSchema", ro, err)
		}
	}
}

func mustConfig(t *testing.T, url string, tenant Tenant) *pgx.ConnConfig {
	cfg, _, err := pgConfig(url, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestPGIndexes: every query a run makes per row (or per batch of rows)
// is answered through an index, whatever the table's size.
func TestPGIndexes(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	d := openPG(t, url, testTenant, Options{})
	d.Close()
	db := stdlib.OpenDB(*mustConfig(t, url, testTenant))
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE creates SET state = 'created', ccode = coalesce(nullif('x', ''), ccode), error_code = '', message = '', updated = '' WHERE id = 1",
		"SELECT ccode, fingerprint FROM creates WHERE id = 1",
		"SELECT " + createCols + " FROM creates WHERE ccode = 'C1' AND state = 'created' ORDER BY id",
		"SELECT " + codeCols + " FROM codes WHERE ccode IN ('A', 'B')",
		"SELECT " + codeCols + " FROM codes WHERE ltrim(ccode, '0') IN ('1', '2')",
		"UPDATE codes SET pending = '', updated = '' WHERE ccode = 'A'",
		"SELECT lineage FROM runs WHERE output = '/x' ORDER BY id DESC LIMIT 1",
		"SELECT EXISTS (SELECT 1 FROM runs WHERE lineage = '/x')",
		"UPDATE runs SET ended = '', counts = '', exit_code = 0 WHERE id = 1",
	} {
		rows, err := conn.QueryContext(ctx, "EXPLAIN "+q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan = append(plan, line)
		}
		rows.Close()
		if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") || !strings.Contains(p, "Index") {
			t.Errorf("%s:\n%s\nwant an index", q, p)
		}
	}
}

// TestPGUnreachable: a server that is not there is ErrUnreachable, soon,
// as an *UnreachableError naming the ledger (its server and database).
func TestPGUnreachable(t *testing.T) {
	port := pgtest.Get(t).Port()
	// A port next to the server's that nothing listens on (most likely).
	url := fmt.Sprintf("postgres://custimport@127.0.0.1:%d/x?sslmode=disable&connect_timeout=5", port+1)
	for _, ro := range []bool{false, true} {
		_, err := OpenURL(context.Background(), url, testTenant, Options{ReadOnly: ro})
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("read-only %v: %v, want ErrUnreachable", ro, err)
		}
		var ue *UnreachableError
		if !errors.As(err, &ue) || !strings.Contains(ue.Ledger, fmt.Sprintf("127.0.0.1:%d/x", port+1)) {
			t.Errorf("read-only %v: %#v, want an *UnreachableError naming 127.0.0.1:%d/x", ro, err, port+1)
		}
	}
}

// TestURLHasPassword: a password written in the URL is found, one the
// environment or a passfile gives is not the URL's.
func TestURLHasPassword(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"postgres://u:secret@db/x", true},
		{"postgres://u:@db/x", true},
		{"postgres://u@db/x?password=secret", true},
		{"postgres://u@db/x", false},
		{"postgres://u@db/x?passfile=/etc/custimport/pgpass", false},
		{"postgresql://db/x?sslmode=require", false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			if got := URLHasPassword(tc.url); got != tc.want {
				t.Errorf("URLHasPassword(%q) = %v, want %v", tc.url, got, tc.want)
			}
		})
	}
}

func TestBind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"WHERE a = ? AND b = ?", "WHERE a = $1 AND b = $2"},
		{"WHERE ccode = ?1 OR tax_id = ?1 OR x = ?12", "WHERE ccode = $1 OR tax_id = $1 OR x = $12"},
		{"WHERE key LIKE 'a?b' AND v = ?", "WHERE key LIKE 'a?b' AND v = $1"},
		{"VALUES(?, '', ?)", "VALUES($1, '', $2)"},
		{"x = '?''?' AND y = ?", "x = '?''?' AND y = $1"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := bind(tc.in); got != tc.want {
				t.Errorf("bind(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
