package ledger

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/custimport/custimport/internal/pgtest"
)

// TestPGOneTenantManySpellings: one TMS written several ways, by callers
// that did not normalise it (two PCs' settings), is one schema and one
// lock: while the first holds it every other spelling is refused (and one
// that waits gets it once the first closes), and each sees the first's
// create, so the customer is not created again.
func TestPGOneTenantManySpellings(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	spellings := []string{"https://TMS.example.com:443/", "https://tms.example.com", "HTTPS://tms.EXAMPLE.com./", "https://tms.example.com:0443//"}
	first := openPG(t, url, Tenant{URL: spellings[0], PNO: " P1 "}, Options{Holder: Holder{Input: "/pc1/in.csv"}})
	id, err := first.Claim(ctx, Create{Fingerprint: "fp-甲", Name: "甲公司"})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Settle(id, Created, "C1", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := first.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range spellings[1:] {
		_, err := OpenURL(ctx, url, Tenant{URL: s, PNO: "P1", ProNum: "P1"}, Options{})
		var le *LockedError
		if !errors.As(err, &le) || le.Holder.Input != "/pc1/in.csv" {
			t.Errorf("%s while %s holds the lock: %v, want a *LockedError naming /pc1/in.csv", s, spellings[0], err)
		}
	}
	got := make(chan *DB, 1)
	go func() {
		d, err := OpenURL(ctx, url, Tenant{URL: spellings[1], PNO: "P1"}, Options{Wait: time.Minute})
		if err != nil {
			t.Error(err)
		}
		got <- d
	}()
	first.Close()
	second := <-got
	if second == nil {
		t.FailNow()
	}
	defer second.Close()
	cs, err := second.Candidates(ctx)
	if err != nil || len(cs) != 1 || cs[0].CCODE != "C1" || cs[0].State != Created {
		t.Errorf("the second spelling's candidates = %+v, %v; want the first's create of C1", cs, err)
	}
	if second.Tenant().URL != "https://tms.example.com" {
		t.Errorf("tenant URL %q, want it normalised", second.Tenant().URL)
	}
	if n := countSchemas(t, url); n != 1 {
		t.Errorf("%d ledger schemas, want 1", n)
	}
}

func countSchemas(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'custimport\_%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPGOtherURL: a new schema for a company (PNO and ProNum) that has a
// ledger under another URL, which normalising cannot tell is the same TMS
// (a host name for its address), is refused naming that URL, unless
// StartOver says it is another TMS. Another company, or a ledger that
// exists, is not held up; a read-only open finds no ledger.
func TestPGOtherURL(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	byName := Tenant{URL: "https://tms.example.com", PNO: "P1", ProNum: "P1"}
	byAddr := Tenant{URL: "https://10.1.2.3", PNO: "P1", ProNum: "P1"}
	openPG(t, url, byName, Options{}).Close()

	_, err := OpenURL(ctx, url, byAddr, Options{})
	var oe *OtherURLError
	if !errors.Is(err, ErrOtherURL) || !errors.As(err, &oe) || len(oe.Others) != 1 || oe.Others[0] != byName || !strings.Contains(err.Error(), byName.URL) {
		t.Fatalf("a new ledger for the same company under another URL: %v, want an *OtherURLError naming %s", err, byName.URL)
	}
	if n := countSchemas(t, url); n != 1 {
		t.Errorf("%d ledger schemas after the refusal, want 1 (nothing made)", n)
	}
	if _, err := OpenURL(ctx, url, byAddr, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only: %v, want os.ErrNotExist", err)
	}
	for _, tc := range []struct {
		name   string
		tenant Tenant
		opts   Options
	}{
		{"another project", Tenant{URL: byAddr.URL, PNO: "P1", ProNum: "P9"}, Options{}},
		{"another company", Tenant{URL: byAddr.URL, PNO: "P2"}, Options{}},
		{"start over", byAddr, Options{StartOver: true}},
		{"exists now", byAddr, Options{}},
		{"the first, again", byName, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			openPG(t, url, tc.tenant, tc.opts).Close()
		})
	}
}
