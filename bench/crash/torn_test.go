//go:build unix

package crash

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/custimport/custimport/importer/journal"
)

// TestTornJournalTail simulates a power cut while the journal's last entry
// was being written (kill -9 cannot tear a line: each entry is one write):
// the journal ends in half a line. The next run must resume from it, and
// the journal must stay readable for the runs after that.
func TestTornJournalTail(t *testing.T) {
	r := newRig(t)
	// Creates first, upserts last, one worker: the journal's last entry is
	// the outcome of the last upsert, which is safe to resend.
	in := writeInput(t, r.path("in.csv"), "t", 6, func(i int) bool { return i <= 3 })
	args := []string{"import", "in.csv", "--out", "res.xlsx", "--workers", "1", "--quiet"}
	journalPath := r.path("res.xlsx.journal")

	if code, out := r.run(t, args...); code != 0 {
		t.Fatalf("first run: exit %d, want 0:\n%s", code, out)
	}
	data, err := os.ReadFile(journalPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	last := lines[len(lines)-1]
	var e journal.Entry
	if err := json.Unmarshal(last, &e); err != nil || e.Event != journal.OK || e.Line != in[len(in)-1].Line {
		t.Fatalf("the journal's last entry is %s (%v), want the outcome of line %d", last, err, in[len(in)-1].Line)
	}
	torn := append(bytes.Join(lines[:len(lines)-1], nil), last[:len(last)/2]...)
	if err := os.WriteFile(journalPath, torn, 0o600); err != nil {
		t.Fatal(err)
	}

	for run := 2; run <= 3; run++ {
		code, out := r.run(t, args...)
		if code != 0 {
			t.Errorf("run %d after the torn write: exit %d, want 0:\n%s", run, code, out)
		}
		if _, err := journal.Read(journalPath); err != nil {
			t.Errorf("run %d after the torn write: the journal is unreadable: %v", run, err)
		}
		res := readResults(t, r.path("res.xlsx"))
		store := r.store(t)
		if len(res) != len(in) {
			t.Fatalf("run %d: results have %d rows, want %d", run, len(res), len(in))
		}
		for i, want := range in {
			got := res[i]
			if got.Status != "OK" {
				t.Errorf("run %d, line %d: ImportStatus got %q (%s), want %q", run, want.Line, got.Status, got.ErrorMsg, "OK")
			}
			if codes := store[want.Marker]; len(codes) != 1 || codes[0] != got.ImportCCODE {
				t.Errorf("run %d, line %d: ImportCCODE %q, TMS holds %v; want it once", run, want.Line, got.ImportCCODE, codes)
			}
		}
	}
}
