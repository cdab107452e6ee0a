package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/ledger"
)

// With --log-format json every line on stdout and stderr is a JSON
// record, and the run ends with one record that carries its summary,
// with --quiet too; fatal errors and the folder's lines included.
func TestLogFormatJSON(t *testing.T) {
	_, _, env := startSim(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", []byte("CCODE,CNAM1,CBELE\nJ1,甲,1\nJ2,乙,x\n"))
	inbox := t.TempDir()
	writeFile(t, inbox, "a.csv", []byte("CCODE,CNAM1,CBELE\nJ3,丙,1\n"))
	writeFile(t, inbox, "b.xls", []byte("old"))
	clitest.Backdate(t, inbox)
	tests := []struct {
		name     string
		args     []string
		wantExit int
		wantLast string // the msg of stdout's last record
	}{
		{"import", []string{"import", good, "--log-format", "json"}, ExitRows, "run finished"},
		{"import quiet", []string{"import", good, "--log-format=json", "--quiet", "--out", filepath.Join(dir, "q.csv")}, ExitRows, "run finished"},
		{"check", []string{"check", good, "--log-format", "json", "--out", filepath.Join(dir, "c.csv")}, ExitRows, "run finished"},
		{"missing file", []string{"import", filepath.Join(dir, "nope.csv"), "--log-format", "json"}, ExitCantRun, "run finished"},
		{"bad flag", []string{"import", good, "--log-format", "json", "--workers", "x"}, ExitCantRun, ""},
		{"folder", []string{"import", inbox, "--log-format", "json"}, ExitRows, "folder finished"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, env, tt.args...)
			if res.code != tt.wantExit {
				t.Errorf("exit %d, want %d\n%s", res.code, tt.wantExit, res)
			}
			var last map[string]any
			for stream, text := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
				for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
					if line == "" {
						continue
					}
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Errorf("%s line is not JSON: %q", stream, line)
						continue
					}
					if stream == "stdout" {
						last = rec
					}
				}
			}
			if tt.wantLast != "" && (last == nil || last["msg"] != tt.wantLast || last["exit_code"] != float64(tt.wantExit)) {
				t.Errorf("last stdout record %v, want msg %q with exit_code %d", last, tt.wantLast, tt.wantExit)
			}
			if tt.name == "missing file" && last != nil && last["results"] != "" {
				t.Errorf("a run that never started names results %q", last["results"])
			}
		})
	}
	os.Remove(filepath.Join(dir, "good.results.xlsx"))
}

// JSON mode, every line: a mistyped flag is one JSON error record, not
// the usage; a run refused by the lock (of the TMS, or of the folder),
// or stopped by a signal while it waits for the lock, ends with the same
// last record as any other run; the "stopping" notice is a record too.
func TestJSONEveryLine(t *testing.T) {
	_, srv, env := startSim(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", []byte("CCODE,CNAM1,CBELE\nJ1,甲,1\n"))
	records := func(t *testing.T, text string) []map[string]any {
		t.Helper()
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if line == "" {
				continue
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Errorf("not JSON: %q", line)
				continue
			}
			out = append(out, rec)
		}
		return out
	}
	last := func(recs []map[string]any) map[string]any {
		if len(recs) == 0 {
			return nil
		}
		return recs[len(recs)-1]
	}

	t.Run("mistyped flag", func(t *testing.T) {
		res := run(t, env, "import", good, "--log-format", "json", "--wrokers", "4")
		errs := records(t, res.stderr)
		if res.code != ExitCantRun || len(errs) != 1 || res.stdout != "" {
			t.Fatalf("want exit 2 and one record, got %d records\n%s", len(errs), res)
		}
		if msg, _ := errs[0]["msg"].(string); errs[0]["level"] != "ERROR" || !strings.Contains(msg, "-wrokers") || !strings.Contains(msg, "--help") {
			t.Errorf("record %v", errs[0])
		}
	})
	t.Run("--help is still the usage", func(t *testing.T) {
		res := run(t, env, "import", "--log-format", "json", "--help")
		if res.code != ExitOK || len(records(t, res.stderr)) < 10 {
			t.Errorf("--help in JSON mode:\n%s", res)
		}
	})

	// Another run holds the TMS's lock.
	tenant, err := ledger.NewTenant(srv.URL, testPNO, testPNO)
	if err != nil {
		t.Fatal(err)
	}
	state := env["CUSTIMPORT_STATE_DIR"]
	release, err := ledger.Lock(context.Background(), state, tenant, ledger.Holder{PID: os.Getpid(), Input: "other.csv", Started: time.Now()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	t.Run("refused by the TMS lock", func(t *testing.T) {
		res := run(t, env, "import", good, "--log-format", "json")
		rec := last(records(t, res.stdout))
		records(t, res.stderr)
		if res.code != ExitCantRun || rec == nil || rec["msg"] != "run finished" || rec["exit_code"] != float64(ExitCantRun) || !strings.Contains(fmt.Sprint(rec["error"]), "another custimport run") {
			t.Errorf("last record %v\n%s", rec, res)
		}
	})
	t.Run("stopped while it waits for the lock", func(t *testing.T) {
		stopped := func(parent context.Context) (context.Context, context.Context, func()) {
			ctx, cancel := context.WithCancel(parent)
			cancel() // SIGTERM
			return ctx, parent, func() {}
		}
		res := runIO(t, IO{Getenv: func(k string) string { return env[k] }, Signals: stopped}, "import", good, "--log-format", "json", "--wait", "5m")
		rec := last(records(t, res.stdout))
		if res.code != ExitCantRun || rec == nil || rec["msg"] != "run finished" {
			t.Errorf("last record %v\n%s", rec, res)
		}
		found := false
		for _, r := range records(t, res.stderr) {
			if strings.HasPrefix(fmt.Sprint(r["msg"]), "stopping") && r["level"] == "WARN" {
				found = true
			}
		}
		if !found {
			t.Errorf("no JSON stopping notice:\n%s", res)
		}
	})
	release()

	t.Run("stopped during the run", func(t *testing.T) {
		stopped := func(parent context.Context) (context.Context, context.Context, func()) {
			ctx, cancel := context.WithCancel(parent)
			cancel()
			return ctx, parent, func() {}
		}
		res := runIO(t, IO{Getenv: func(k string) string { return env[k] }, Signals: stopped}, "import", good, "--log-format", "json", "--out", filepath.Join(dir, "s.csv"))
		rec := last(records(t, res.stdout))
		if rec == nil || rec["msg"] != "run finished" || rec["interrupted"] != true {
			t.Errorf("last record %v\n%s", rec, res)
		}
		if !strings.Contains(res.stderr, `"msg":"stopping`) {
			t.Errorf("no JSON stopping notice:\n%s", res)
		}
	})
	t.Run("refused by the folder's lock", func(t *testing.T) {
		inbox := t.TempDir()
		unlock, err := lockForTest(inbox)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		res := run(t, env, "import", inbox, "--log-format", "json")
		rec := last(records(t, res.stdout))
		records(t, res.stderr)
		if res.code != ExitCantRun || rec == nil || rec["msg"] != "folder finished" || rec["exit_code"] != float64(ExitCantRun) {
			t.Errorf("last record %v\n%s", rec, res)
		}
	})
}
