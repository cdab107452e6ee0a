package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/custimport/custimport/internal/pgtest"
)

// bounded fails the test when an operation that must give up took far
// longer than its timeout (the point is that it returns at all: a hang
// is caught by the test binary's own timeout).
func bounded(t *testing.T, what string, start time.Time, limit time.Duration) {
	t.Helper()
	if took := time.Since(start); took > limit {
		t.Errorf("%s took %v, want at most %v", what, took.Round(time.Millisecond), limit)
	}
}

// wantTimeout checks that err is the ledger's *TimeoutError of the kind
// wait, naming the ledger.
func wantTimeout(t *testing.T, what string, err error, wait, ledger string) {
	t.Helper()
	var te *TimeoutError
	switch {
	case !errors.As(err, &te):
		t.Errorf("%s: %v, want a *TimeoutError", what, err)
	case te.Wait != wait:
		t.Errorf("%s: a timeout of %q (%v), want %q", what, te.Wait, err, wait)
	case !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrUnreachable):
		t.Errorf("%s: %v is not ErrTimeout and ErrUnreachable", what, err)
	case !strings.Contains(err.Error(), ledger):
		t.Errorf("%s: %q does not name the ledger %s", what, err, ledger)
	}
}

// TestPGTimeoutWhileLocked: an administrator's session holds a lock on
// the ledger's tables (maintenance, a stuck session). The run's claim and
// its reads give up after the lock timeout (or, with none, the statement
// timeout) with a *TimeoutError naming the ledger, and the claim is not in
// the ledger (the caller, told so, does not send it).
func TestPGTimeoutWhileLocked(t *testing.T) {
	t.Parallel() // each waits for a timeout, on a database of its own
	for _, tc := range []struct {
		name, params, wait string
	}{
		{"lock timeout", "&lock_timeout=300", "lock"},
		{"statement timeout", "&lock_timeout=0&statement_timeout=300", "statement"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			url := pgtest.Database(t)
			d := openPG(t, url+tc.params, testTenant, Options{})
			if _, err := d.Claim(ctx, Create{Fingerprint: "before"}); err != nil {
				t.Fatal(err)
			}
			admin, tx := lockCreates(t, url)
			start := time.Now()
			_, err := d.Claim(ctx, Create{Fingerprint: "locked out"})
			bounded(t, "the claim", start, 20*time.Second)
			wantTimeout(t, "the claim", err, tc.wait, d.Path())
			start = time.Now()
			_, err = d.Candidates(ctx)
			bounded(t, "the read", start, 20*time.Second)
			wantTimeout(t, "the read", err, tc.wait, d.Path())
			tx.Rollback(ctx)

			if _, err := d.Claim(ctx, Create{Fingerprint: "after"}); err != nil {
				t.Errorf("a claim once the lock is released: %v (only the claim that timed out is undone)", err)
			}
			var fps []string
			rows, err := admin.Query(ctx, fmt.Sprintf("SELECT fingerprint FROM custimport_%s.creates ORDER BY id", testTenant.ID()))
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var fp string
				rows.Scan(&fp)
				fps = append(fps, fp)
			}
			if strings.Join(fps, ",") != "before,after" {
				t.Errorf("creates in the ledger: %v, want the claims before and after, not the one that timed out", fps)
			}
		})
	}
}

// TestPGServerSaysNothing: the server (or the network) stops answering in
// the middle of a run. A claim gives up soon after the statement timeout
// with a *TimeoutError naming the ledger (no server-side timeout can end
// this); it was never committed; the session, and with it the tenant's
// lock, is gone once the network is back, so another run can take the
// tenant; what the given-up session had sent is not committed.
func TestPGServerSaysNothing(t *testing.T) {
	t.Parallel() // each waits for a timeout, on a database of its own
	ctx := context.Background()
	url := pgtest.Database(t)
	f := pgtest.NewProxy(t)
	viaProxy := f.URL(url) + "&statement_timeout=500&connect_timeout=2"
	d := openPG(t, viaProxy, testTenant, Options{})
	if _, err := d.Claim(ctx, Create{Fingerprint: "before"}); err != nil {
		t.Fatal(err)
	}
	f.Freeze()
	start := time.Now()
	_, err := d.Claim(ctx, Create{Fingerprint: "frozen"})
	bounded(t, "the claim", start, 20*time.Second)
	wantTimeout(t, "the claim", err, "answer", d.Path())
	start = time.Now()
	_, err = d.Candidates(ctx)
	bounded(t, "the read", start, 20*time.Second)
	var te *TimeoutError
	if !errors.As(err, &te) || (te.Wait != "answer" && te.Wait != "connect") {
		t.Errorf("the read: %v, want a *TimeoutError (the server says nothing, to a new session or an old one)", err)
	}
	f.Thaw()

	next := openPG(t, url, testTenant, Options{Wait: time.Minute})
	for k, v := range pgKeepalives {
		var got string
		if err := next.queryRow(ctx, "SHOW "+k).Scan(&got); err != nil || got != v {
			t.Errorf("the server's %s = %q, %v; want %s", k, got, err, v)
		}
	}
	cs, err := next.Candidates(ctx)
	if err != nil || len(cs) != 1 || cs[0].Fingerprint != "before" {
		t.Errorf("the next run's candidates = %+v, %v; want only the claim made before the server went silent", cs, err)
	}
}

// TestPGServerNeverAnswers: a listener that accepts the connection and
// never says a word (not PostgreSQL, a hung server, a black-holing
// firewall) is given up on after the connect timeout, for a writable and a
// read-only open.
func TestPGServerNeverAnswers(t *testing.T) {
	t.Parallel() // each waits for a timeout, on a database of its own
	addr := pgtest.Silent(t)
	url := fmt.Sprintf("postgres://custimport@%s/x?connect_timeout=1", addr)
	for _, ro := range []bool{false, true} {
		t.Run(fmt.Sprint("read-only ", ro), func(t *testing.T) {
			start := time.Now()
			_, err := OpenURL(context.Background(), url, testTenant, Options{ReadOnly: ro})
			bounded(t, "the open", start, 15*time.Second)
			wantTimeout(t, "the open", err, "connect", addr.String())
		})
	}
}

// TestSetTimeouts: the defaults go where the URL sets none; the URL's own
// win, in PostgreSQL's spellings; the client's patience follows the
// statement timeout, and none is set where the URL turned it off.
func TestSetTimeouts(t *testing.T) {
	for _, tc := range []struct {
		query           string
		connect         time.Duration
		statement, lock string
		silence         time.Duration
	}{
		{"", pgConnectTimeout, "60000", "30000", silenceAfter(time.Minute)},
		{"connect_timeout=3&statement_timeout=10s&lock_timeout=1min", 3 * time.Second, "10s", "1min", silenceAfter(10 * time.Second)},
		{"statement_timeout=2500", pgConnectTimeout, "2500", "30000", silenceAfter(2500 * time.Millisecond)},
		{"statement_timeout=0", pgConnectTimeout, "0", "30000", 0},
		{"statement_timeout=soon", pgConnectTimeout, "soon", "30000", silenceAfter(pgStatementTimeout)},
		{"options=-c%20statement_timeout%3D5000", pgConnectTimeout, "", "30000", silenceAfter(pgStatementTimeout)},
	} {
		t.Run(tc.query, func(t *testing.T) {
			cfg, err := pgx.ParseConfig("postgres://u@db/x?sslmode=disable&" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			tt := setTimeouts(cfg)
			if cfg.ConnectTimeout != tc.connect || cfg.RuntimeParams["statement_timeout"] != tc.statement || cfg.RuntimeParams["lock_timeout"] != tc.lock {
				t.Errorf("connect %v statement %q lock %q, want %v %q %q", cfg.ConnectTimeout, cfg.RuntimeParams["statement_timeout"],
					cfg.RuntimeParams["lock_timeout"], tc.connect, tc.statement, tc.lock)
			}
			if tt.silence != tc.silence {
				t.Errorf("silence %v, want %v", tt.silence, tc.silence)
			}
			for k, v := range pgKeepalives {
				if got := cfg.RuntimeParams[k]; got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestParsePGDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"1500", 1500 * time.Millisecond, true}, {"250ms", 250 * time.Millisecond, true},
		{"30s", 30 * time.Second, true}, {"2min", 2 * time.Minute, true}, {"1h", time.Hour, true}, {"1d", 24 * time.Hour, true},
		{" 10 s ", 10 * time.Second, true}, {"1.5s", 1500 * time.Millisecond, true},
		{"", 0, false}, {"-1", 0, false}, {"10 parsecs", 0, false}, {"s", 0, false}, {"99999999999999d", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parsePGDuration(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parsePGDuration(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestPGCutOffAfterWriterGaveUp: once the writer gave up on the server
// (here: a batch of outcomes ran into the lock timeout), the ledger's
// reads fail at once with the writer's error instead of each waiting out
// the timeout again; another ledger on the same server is not affected.
func TestPGCutOffAfterWriterGaveUp(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	d := openPG(t, url+"&lock_timeout=300", testTenant, Options{})
	id, err := d.Claim(ctx, Create{Fingerprint: "fp"})
	if err != nil {
		t.Fatal(err)
	}
	lockCreates(t, url)
	if err := d.Settle(id, Created, "C1", "", ""); err != nil {
		t.Fatal(err)
	}
	werr := d.Flush(ctx)
	wantTimeout(t, "the writer", werr, "lock", d.Path())
	for name, read := range map[string]func() error{
		"Candidates": func() error { _, err := d.Candidates(ctx); return err },
		"LineageOf":  func() error { _, err := d.LineageOf(ctx, "/out/a.xlsx"); return err },
		"Codes":      func() error { _, err := d.Codes(ctx, []string{"C1"}); return err },
	} {
		if err := read(); err == nil || err.Error() != werr.Error() {
			t.Errorf("%s after the writer gave up: %v, want the writer's error %v", name, err, werr)
		}
	}
	other := openPG(t, url, Tenant{URL: "https://other.example.com", PNO: "P2"}, Options{})
	if _, err := other.Candidates(ctx); err != nil {
		t.Errorf("another tenant's ledger: %v", err)
	}
}

// lockCreates opens a session of its own to the database at url and
// locks testTenant's creates table in a transaction, as another client
// holding it would. The transaction is rolled back, and the session
// closed, when the test ends (tx.Rollback releases the lock earlier).
func lockCreates(t *testing.T, url string) (admin *pgx.Conn, tx pgx.Tx) {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(ctx) })
	if tx, err = admin.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(ctx) })
	if _, err := tx.Exec(ctx, fmt.Sprintf("LOCK TABLE custimport_%s.creates IN ACCESS EXCLUSIVE MODE", testTenant.ID())); err != nil {
		t.Fatal(err)
	}
	return admin, tx
}
