package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/ledger"
)

// A ledger that exists but cannot be read stops an import before
// anything is sent: it never starts empty (which would create every
// customer again).
func TestUnreadableLedgerStopsTheRun(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
	}{
		{"garbage", []byte("this is not a database at all, but it is long enough to look like one")},
		{"another SQLite file", nil}, // filled below with a foreign SQLite header and junk
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, srv, env := startSim(t)
			tenant, err := ledger.NewTenant(srv.URL, testPNO, "")
			if err != nil {
				t.Fatal(err)
			}
			dir := env["CUSTIMPORT_STATE_DIR"]
			data := tt.content
			if data == nil {
				data = append([]byte("SQLite format 3\x00"), make([]byte, 4096)...)
			}
			if err := os.WriteFile(ledger.FilePath(dir, tenant), data, 0o600); err != nil {
				t.Fatal(err)
			}
			in := writeFile(t, t.TempDir(), "in.csv", []byte("CCODE,CNAM1,CBELE\n,新客戶,1\n"))
			res := run(t, env, "import", "--lang", "en", in)
			if res.code != ExitCantRun {
				t.Fatalf("exit %d, want %d\n%s", res.code, ExitCantRun, res)
			}
			if !strings.Contains(res.stderr, "ledger") {
				t.Errorf("stderr does not name the ledger:\n%s", res.stderr)
			}
			if n := len(sim.Customers()); n != 0 {
				t.Errorf("%d customers created without a readable ledger", n)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(in), "in.results.xlsx")); err == nil {
				t.Error("a results file was written for a run that could not start")
			}
		})
	}
}
