package connect

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/ledger"
)

func TestCheck(t *testing.T) {
	ok := conn("https://tms.example/api", "P1", "")
	tests := []struct {
		name string
		edit func(*Settings)
		want string // "" for valid
	}{
		{"valid", func(*Settings) {}, ""},
		{"no URL", func(s *Settings) { s.URL = "" }, "no TMS URL"},
		{"no pno", func(s *Settings) { s.PNO = "" }, "api-pno"},
		{"ProNum of 11", func(s *Settings) { s.ProNum = "ABCDEFGHIJK" }, "ProNum"},
		{"plain http elsewhere", func(s *Settings) { s.URL = "http://tms.example" }, "allow-http"},
		{"plain http allowed", func(s *Settings) { s.URL, s.AllowHTTP = "http://tms.example", true }, ""},
		{"loopback http", func(s *Settings) { s.URL = "http://127.0.0.1:8080" }, ""},
		{"bad recipe", func(s *Settings) { s.SignRecipe = "md5" }, "md5"},
		{"too many workers", func(s *Settings) { s.Workers = 65 }, "workers"},
		{"negative wait", func(s *Settings) { s.Wait = -1 }, "wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.Check()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Check() = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ok.NewSending(); err == nil || !strings.Contains(err.Error(), "no API key") {
		t.Errorf("NewSending without a key: %v", err)
	}
	withKey := ok
	withKey.Key = "k"
	if sd, err := withKey.NewSending(); err != nil || sd.Sender == nil || sd.Limiter == nil {
		t.Errorf("NewSending: %+v, %v", sd, err)
	}
}

// A run that sends holds the tenant's lock: a second one (the CLI and the
// web page alike) is refused until the first closes; a check only peeks.
func TestLedgerLockAndPeek(t *testing.T) {
	s := conn("https://tms.example", "P1", t.TempDir())
	getenv := func(string) string { return "" }
	ctx := context.Background()
	db, _, err := s.PeekLedger(ctx, getenv)
	if err != nil || db != nil {
		t.Fatalf("peek before any ledger: %v, %v", db, err)
	}
	db, closeFirst, err := s.OpenLedger(ctx, getenv, "first.csv")
	if err != nil {
		t.Fatal(err)
	}
	_ = db
	if _, _, err := s.OpenLedger(ctx, getenv, "second.csv"); !errors.Is(err, ledger.ErrLocked) || !strings.Contains(err.Error(), "first.csv") {
		t.Errorf("second open: %v, want ErrLocked naming first.csv", err)
	}
	closeFirst()
	_, closeAgain, err := s.OpenLedger(ctx, getenv, "second.csv")
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	closeAgain()
	peek, closePeek, err := s.PeekLedger(ctx, getenv)
	if err != nil || peek == nil {
		t.Fatalf("peek: %v, %v", peek, err)
	}
	closePeek()
}

// A TMS written another way (a name for an address) must not start a
// second, empty ledger that would create every customer again.
func TestOpenLedgerRefusesASecondURLForOneCompany(t *testing.T) {
	dir := t.TempDir()
	getenv := func(string) string { return "" }
	ctx := context.Background()
	first := conn("https://tms.example/api", "P1", dir)
	_, closeFirst, err := first.OpenLedger(ctx, getenv, "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	closeFirst()
	other := first
	other.URL = "https://10.0.0.5/api"
	if _, _, err := other.OpenLedger(ctx, getenv, "a.csv"); !errors.Is(err, ErrOtherURL) || !strings.Contains(err.Error(), "https://tms.example/api") {
		t.Fatalf("a second URL for pno P1: %v, want ErrOtherURL naming the first URL", err)
	}
	other.NewLedger = true
	_, closeOther, err := other.OpenLedger(ctx, getenv, "a.csv")
	if err != nil {
		t.Fatalf("with NewLedger: %v", err)
	}
	closeOther()
	another := conn("https://10.0.0.5/api", "P2", dir)
	_, closeAnother, err := another.OpenLedger(ctx, getenv, "a.csv")
	if err != nil {
		t.Fatalf("another company: %v", err)
	}
	closeAnother()
}

// A lost ledger stops a run and a check alike; NewLedger starts over.
func TestLedgerLost(t *testing.T) {
	s := conn("https://tms.example", "P1", t.TempDir())
	getenv := func(string) string { return "" }
	ctx := context.Background()
	db, closeFirst, err := s.OpenLedger(ctx, getenv, "first.csv")
	if err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	closeFirst()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.OpenLedger(ctx, getenv, "a.csv"); !errors.Is(err, ledger.ErrLost) {
		t.Errorf("OpenLedger = %v, want ErrLost", err)
	}
	if _, _, err := s.PeekLedger(ctx, getenv); !errors.Is(err, ledger.ErrLost) {
		t.Errorf("PeekLedger = %v, want ErrLost", err)
	}
	s.NewLedger = true
	if db, _, err := s.PeekLedger(ctx, getenv); err != nil || db != nil {
		t.Errorf("PeekLedger with NewLedger = %v, %v; want no ledger, no error", db, err)
	}
	_, closeNew, err := s.OpenLedger(ctx, getenv, "a.csv")
	if err != nil {
		t.Fatalf("OpenLedger with NewLedger = %v", err)
	}
	closeNew()
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("the new ledger: %v, %v", st, err)
	}
}

// A ledger an older custimport kept under a spelling of the URL that now
// reads as this one (port 08443 is 8443) is taken over, with what it
// remembers: the same TMS must not start an empty ledger.
func TestOpenLedgerTakesOverAnOldSpelling(t *testing.T) {
	dir := t.TempDir()
	getenv := func(string) string { return "" }
	ctx := context.Background()
	old, err := ledger.Open(ctx, dir, ledger.Tenant{URL: "https://tms.example:08443/api", PNO: "P1", ProNum: "P1"}, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := old.Claim(ctx, ledger.Create{Fingerprint: "fp", Name: "客戶甲"})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Settle(id, ledger.Created, "000001", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	s := conn("https://tms.example:8443/api/", "P1", dir)
	db, closeDB, err := s.OpenLedger(ctx, getenv, "a.csv")
	if err != nil {
		t.Fatalf("open: %v, want the old ledger taken over", err)
	}
	defer closeDB()
	got, err := db.Candidates(ctx)
	if err != nil || len(got) != 1 || got[0].CCODE != "000001" {
		t.Fatalf("the ledger remembers %+v (%v), want the old ledger's create 000001", got, err)
	}
}

// Two old spellings of one URL cannot both be taken over.
func TestOpenLedgerRefusesTwoOldSpellings(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, u := range []string{"https://tms.example:08443", "https://tms.example:008443"} {
		db, err := ledger.Open(ctx, dir, ledger.Tenant{URL: u, PNO: "P1", ProNum: "P1"}, ledger.Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	s := conn("https://tms.example:8443", "P1", dir)
	if _, _, err := s.OpenLedger(ctx, func(string) string { return "" }, "a.csv"); !errors.Is(err, ErrOtherURL) {
		t.Fatalf("got %v, want ErrOtherURL", err)
	}
}

// conn is the default settings' connection to url and pno, with its
// ledgers in stateDir ("" the default folder).
func conn(url, pno, stateDir string) Settings {
	c := settings.Default().Connection
	c.URL, c.PNO, c.StateDir = url, pno, stateDir
	return Settings{Connection: c}
}
