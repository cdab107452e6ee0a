package cli

// Servers whose answers are not what they seem — one that stores and then
// redirects, one that names Status twice, one that is always busy — each
// imported into twice, the simulator's store counted after both runs.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms/tmssim"
)

// startFaultySim starts the simulator with mod applied to its config.
func startFaultySim(t *testing.T, mod func(*tmssim.Config)) (*tmssim.Server, map[string]string) {
	t.Helper()
	cfg := tmssim.Config{PNO: testPNO, Key: testKey}
	mod(&cfg)
	sim, err := tmssim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(probeOK(t, sim)) // the faults are the sends'
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	return sim, tmsEnv(srv.URL)
}

// mixedInput writes n rows: every other one with a code (an upsert, safe
// to resend), the others auto-numbered creates, each with its own name.
func mixedInput(t *testing.T, dir string, n int) string {
	t.Helper()
	rows := [][]string{basicHeader}
	for i := range n {
		code := ""
		if i%2 == 0 {
			code = fmt.Sprintf("M%03d", i)
		}
		rows = append(rows, []string{code, fmt.Sprintf("客戶%03d", i), "1"})
	}
	return writeFile(t, dir, "mixed.csv", csvBytes(t, rows...))
}

// storedOnce fails the test when the simulator holds a customer name
// twice, and returns how many customers it holds.
func storedOnce(t *testing.T, sim *tmssim.Server) int {
	t.Helper()
	seen := map[string]string{}
	for _, c := range sim.Customers() {
		name, _ := c["CNAM1"].(string)
		code, _ := c["CCODE"].(string)
		if other, dup := seen[name]; dup {
			t.Errorf("customer %s is in TMS twice: codes %s and %s", name, other, code)
		}
		seen[name] = code
	}
	return len(seen)
}

func TestImportTwiceAgainstMisleadingServers(t *testing.T) {
	t.Parallel()
	const rows = 8
	for _, tc := range []struct {
		name   string
		fault  func(*tmssim.Config)
		args   []string
		stored int    // customers after the two runs
		create string // the status of an auto-numbered create after run 1
		coded  string // the status of a row with a code after run 1
		trace  string // what the create's message says
		code   string // the ImportErrorCode of a row with a code after run 1
	}{
		{"stores, then redirects (303)", func(c *tmssim.Config) { c.RedirectRate = 1 }, nil, rows, "UNKNOWN", "FAILED", "redirect", "HTTP303"},
		{"names Status twice", func(c *tmssim.Config) { c.DuplicateKeyRate = 1 }, nil, rows, "UNKNOWN", "FAILED", "contradicts itself", "AMBIGUOUS"},
		{"always busy, Retry-After a day", func(c *tmssim.Config) { c.AlwaysBusy = 24 * time.Hour },
			[]string{"--stop-after", "3", "--max-retry-wait", "1s", "--workers", "1"}, 0, "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, env := startFaultySim(t, tc.fault)
			dir := t.TempDir()
			in := mixedInput(t, dir, rows)
			var first table
			for runNo := 1; runNo <= 2; runNo++ {
				start := time.Now()
				res, tb := importRun(t, env["TMS_URL"], in, tc.args...)
				if res.code != ExitRows {
					t.Fatalf("run %d: exit %d, want %d\n%s", runNo, res.code, ExitRows, res)
				}
				if took := time.Since(start); took > time.Minute {
					t.Errorf("run %d took %v", runNo, took)
				}
				if runNo == 1 {
					first = tb
				}
				if tc.stored == 0 {
					checkBusyRun(t, res, tb)
				}
			}
			if n := storedOnce(t, sim); n != tc.stored {
				t.Errorf("the simulator holds %d customers after two runs, want %d", n, tc.stored)
			}
			if tc.create == "" {
				return
			}
			for r := range rows {
				want := tc.coded
				if r%2 == 1 {
					want = tc.create
				}
				wantRow(t, first, r, want)
				if got := first.cell(t, r, "ImportErrorCode"); want == "FAILED" && got != tc.code {
					t.Errorf("row %d ImportErrorCode %q, want %q", r+2, got, tc.code)
				}
				if want == "UNKNOWN" && !strings.Contains(first.cell(t, r, "ImportErrorMessage"), tc.trace) {
					t.Errorf("row %d: message %q, want it to say %q", r+2, first.cell(t, r, "ImportErrorMessage"), tc.trace)
				}
			}
		})
	}
}

// checkBusyRun: a run against an always-busy TMS stops after --stop-after
// rows, the rest NOT_SENT, and the summary says TMS kept answering busy
// and how long it asked to wait.
func checkBusyRun(t *testing.T, res runResult, tb table) {
	t.Helper()
	notSent := 0
	for r := range tb.rows {
		if tb.cell(t, r, "ImportStatus") == "NOT_SENT" {
			notSent++
		}
	}
	if notSent == 0 {
		t.Errorf("no row is NOT_SENT: sending did not stop\n%s", res)
	}
	for _, want := range []string{"kept answering busy", "24 hours"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("the summary does not say %q\n%s", want, res)
		}
	}
}

// TestPortSpellingsShareALedger: http://host:0PORT and http://host:PORT
// are one TMS with one ledger, so the second run creates nothing again.
func TestPortSpellingsShareALedger(t *testing.T) {
	t.Parallel()
	sim, _, env := startSim(t)
	port := env["TMS_URL"][strings.LastIndex(env["TMS_URL"], ":")+1:]
	dir := t.TempDir()
	in := mixedInput(t, dir, 6)
	for i, url := range []string{"http://127.0.0.1:0" + port, "http://127.0.0.1:" + port + "/", "http://localhost:000" + port} {
		env["TMS_URL"] = url
		res := run(t, env, "import", "--lang", "en", "--out", filepath.Join(dir, fmt.Sprintf("out%d.csv", i)), in)
		if res.code != ExitOK {
			t.Fatalf("run %d (%s): exit %d\n%s", i+1, url, res.code, res)
		}
	}
	if n := storedOnce(t, sim); n != 6 {
		t.Errorf("the simulator holds %d customers, want 6", n)
	}
	if got := sim.Stats().Added; got != 6 {
		t.Errorf("the simulator created %d customers, want 6: the later runs must find the first run's ledger", got)
	}
}

// TestZhRunSpeaksChineseWithMisleadingServers: a zh run against servers
// that redirect, contradict themselves, stay busy or give one code to
// every create says everything in Chinese, terminal and results.
func TestZhRunSpeaksChineseWithMisleadingServers(t *testing.T) {
	t.Parallel()
	sameCode := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"Status":"S","CCODE":"H1","ErrorCode":"0000","ErrorMessage":""}`)
	}))
	t.Cleanup(sameCode.Close)
	for _, tc := range []struct {
		name  string
		fault func(*tmssim.Config)
		url   string
	}{
		{"stores, then redirects", func(c *tmssim.Config) { c.RedirectRate = 1 }, ""},
		{"names Status twice", func(c *tmssim.Config) { c.DuplicateKeyRate = 1 }, ""},
		{"always busy", func(c *tmssim.Config) { c.AlwaysBusy = time.Hour }, ""},
		{"one code for every create", nil, sameCode.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := tc.url
			if tc.fault != nil {
				_, env := startFaultySim(t, tc.fault)
				url = env["TMS_URL"]
			}
			dir := t.TempDir()
			in := mixedInput(t, dir, 4)
			out := filepath.Join(dir, "out.csv")
			res := run(t, tmsEnv(url), "import", "--lang", "zh", "--out", out, "--max-retry-wait", "1s", in)
			if res.code == ExitCantRun {
				t.Fatalf("exit %d\n%s", res.code, res)
			}
			speaksOnly(t, "the terminal", res.stdout+res.stderr)
			tb := readCSVTable(t, out)
			for i := range tb.rows {
				speaksOnly(t, "the results", strings.Join(tb.rows[i], " | "))
			}
		})
	}
}
