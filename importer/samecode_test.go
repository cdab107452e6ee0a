package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/custimport/custimport/importer/tms"
)

// sameCodeSender numbers creates prefix+000001, 000002, … but answers
// the creates named in same with code H1 (as a broken TMS would).
func sameCodeSender(prefix string, same ...string) *fakeSender {
	var seq atomic.Int64
	return &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		code, _ := m["CCODE"].(string)
		if code == "" {
			code = fmt.Sprintf("%s%06d", prefix, seq.Add(1))
			for _, s := range same {
				if m["CNAM1"] == s {
					code = "H1"
				}
			}
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: code, ErrorCode: "0000"}}
	}}
}

// TestSameCodeForThreeCreates: TMS answers three creates with one code.
// Each of the three rows stays OK with a warning naming the two others —
// the earlier rows' warnings amended in the results after they were
// written — and the summary counts them; the other rows are untouched.
func TestSameCodeForThreeCreates(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\n,a,1\n,b,1\nK1,c,1\n,d,1\n,e,1\n,f,1\n")
			out := filepath.Join(filepath.Dir(in), "out"+ext)
			s := sameCodeSender("", "a", "d", "f")
			sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t), Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			if sum.SharedCodes != 3 || sum.Counts[StatusOK] != 6 {
				t.Errorf("summary: %d shared codes, %v; want 3 shared, 6 OK", sum.SharedCodes, sum.Counts)
			}
			if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "3 列") {
				t.Errorf("summary warnings %q, want one counting 3 rows", sum.Warnings)
			}
			var rows [][]string
			if ext == ".csv" {
				rows = readCSV(t, out)
			} else {
				rows = readXLSX(t, out, "Results")
			}
			warnings := func(line int) string {
				r := rows[line-1]
				if len(r) < 8 {
					return ""
				}
				return r[7]
			}
			for line, others := range map[int][]string{2: {"5", "7"}, 5: {"2", "7"}, 7: {"2", "5"}} {
				w := warnings(line)
				if !strings.Contains(w, "H1") {
					t.Errorf("row %d warnings %q: want the code H1", line, w)
				}
				for _, o := range others {
					if !strings.Contains(w, "第 "+o+" 列") && !strings.Contains(w, "第 "+o+",") && !strings.Contains(w, ", "+o+" 列") {
						t.Errorf("row %d warnings %q: want it to name row %s", line, w, o)
					}
				}
				if got := rows[line-1][3]; got != "OK" {
					t.Errorf("row %d status %q, want OK", line, got)
				}
			}
			for _, line := range []int{3, 4, 6} {
				if w := warnings(line); w != "" {
					t.Errorf("row %d warnings %q, want none", line, w)
				}
			}
		})
	}
}

// TestSameCodeAsAnEarlierRun: a create answered with the code TMS gave a
// create of an earlier run is warned, naming that run's file and row.
func TestSameCodeAsAnEarlierRun(t *testing.T) {
	lg := newLedger(t)
	first := writeFile(t, "first.csv", "CCODE,CNAM1,CBELE\n,a,1\n,b,1\n")
	if _, err := Run(context.Background(), Options{Input: first, Out: filepath.Join(filepath.Dir(first), "first.results.csv"), Sender: sameCodeSender("A", "b"), Ledger: lg, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	second := writeFile(t, "second.csv", "CCODE,CNAM1,CBELE\n,x,1\n,y,1\n")
	out := filepath.Join(filepath.Dir(second), "second.results.csv")
	sum, err := Run(context.Background(), Options{Input: second, Out: out, Sender: sameCodeSender("B", "y"), Ledger: lg, Workers: 1,
		Validate: validateConfig("")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.SharedCodes != 1 {
		t.Errorf("SharedCodes: got %d, want 1", sum.SharedCodes)
	}
	rows := readCSV(t, out)
	if w := rows[2][7]; !strings.Contains(w, "H1") || !strings.Contains(w, "first.csv 第 3 列") {
		t.Errorf("row 3 warnings %q: want code H1 and the earlier run's first.csv row 3", w)
	}
	if w := rows[1][7]; w != "" {
		t.Errorf("row 2 warnings %q, want none", w)
	}
}
