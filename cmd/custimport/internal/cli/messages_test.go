package cli

import (
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms/tmssim"
)

// goText matches what Go's net/http and net packages put in errors: a
// results message must say what happened in the catalog's words, the
// detail going to the log only.
var goText = regexp.MustCompile(`(?i)tcp|dial|EOF|connection reset|context canceled|deadline exceeded|Post "|http: |<html|read: |write: |127\.0\.0\.1`)

// TestNoGoErrorTextInResults imports through a simulator that resets
// connections, fails after processing and rejects requests, in both
// languages, and reads every message of the results back.
func TestNoGoErrorTextInResults(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey, ResetRate: 0.3, FailRate: 0.3, RejectRate: 0.3, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(probeOK(t, sim)) // the faults are the sends'

			defer srv.Close()
			defer sim.Close()
			env := tmsEnv(srv.URL)
			dir := t.TempDir()
			var b strings.Builder
			b.WriteString("CCODE,CNAM1,CBELE\n")
			for i := range 60 {
				code := ""
				if i%2 == 0 {
					code = fmt.Sprintf("M%03d", i)
				}
				fmt.Fprintf(&b, "%s,客戶%d,1\n", code, i)
			}
			in := writeFile(t, dir, "in.csv", []byte(b.String()))
			out := filepath.Join(dir, "out.csv")
			res := run(t, env, "import", "--lang", lang, "--rate", "1000", "--max-attempts", "2", "--stop-after", "0", "--out", out, in)
			if res.code != ExitRows && res.code != ExitOK {
				t.Fatalf("exit %d\n%s", res.code, res)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			notOK := 0
			for i, r := range rows[1:] {
				status, msg := r[3], r[6]
				if status != "OK" {
					notOK++
				}
				if goText.MatchString(msg) {
					t.Errorf("row %d (%s): message holds Go or HTTP error text: %q", i+2, status, msg)
				}
			}
			if notOK == 0 {
				t.Fatal("no row failed: the faults did not happen, the test proves nothing")
			}
		})
	}
}
