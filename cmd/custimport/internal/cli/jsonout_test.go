package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
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
	os.Remove(filepath.Join(dir, "good.results.csv"))
}
