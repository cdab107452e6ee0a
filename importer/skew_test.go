package importer

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// An office PC whose clock is 10 minutes off: the first request gets
// 9003, the client learns the server's clock from its Date header, and
// every row is imported with one extra request in all and one warning.
func TestImportWithSkewedClock(t *testing.T) {
	sim, err := tmssim.New(tmssim.Config{PNO: "P", Key: "skew-key", ClockSkew: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	client, err := tms.New(tms.Config{BaseURL: srv.URL, PNO: "P", Key: "skew-key", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "S%03d,n,1\n", i)
	}
	in := writeFile(t, "in.csv", b.String())
	out := filepath.Join(filepath.Dir(in), "out.csv")
	sum, err := Run(context.Background(), Options{Input: in, Out: out, Workers: 1, Ledger: newLedger(t),
		Sender: &tms.Sender{Client: client, Policy: tms.Policy{MaxAttempts: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[StatusOK] != 20 {
		t.Fatalf("got %v, want 20 OK", sum.Counts)
	}
	if got := sim.Stats().Requests; got != 21 {
		t.Errorf("simulator saw %d requests, want 21 (one 9003, then every row once)", got)
	}
	if n := strings.Count(logs.String(), "9003"); n != 1 {
		t.Errorf("got %d clock warnings, want 1:\n%s", n, logs.String())
	}
}
