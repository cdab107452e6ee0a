package importer

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseBudget(t *testing.T) {
	tests := []struct {
		in     string
		want   string // String() of the budget; "" off
		hasErr bool
	}{
		{"", "", false},
		{"  ", "", false},
		{"0", "0", false},
		{"25", "25", false},
		{" 25 ", "25", false},
		{"10%", "10%", false},
		{"2.5 %", "2.5%", false},
		{"0%", "0%", false},
		{"100%", "100%", false},
		{"-1", "", true},
		{"-1%", "", true},
		{"101%", "", true},
		{"NaN%", "", true},
		{"ten", "", true},
		{"10 rows", "", true},
		{"1.5", "", true}, // rows are whole
		{"%", "", true},
		{"10%%", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			b, err := ParseBudget(tt.in)
			if (err != nil) != tt.hasErr {
				t.Fatalf("ParseBudget(%q) error = %v, want error %v", tt.in, err, tt.hasErr)
			}
			if err != nil {
				if !errors.Is(err, ErrBadBudget) {
					t.Errorf("error %v does not wrap ErrBadBudget", err)
				}
				return
			}
			if b.String() != tt.want || b.IsSet() != (tt.want != "") {
				t.Errorf("ParseBudget(%q) = %q (set %v), want %q", tt.in, b.String(), b.IsSet(), tt.want)
			}
		})
	}
}

func TestBudgetExceeded(t *testing.T) {
	tests := []struct {
		budget        string
		invalid, rows int
		want          bool
	}{
		{"", 100, 100, false}, // off
		{"0", 0, 100, false},
		{"0", 1, 100, true},
		{"5", 5, 100, false}, // "more than" N
		{"5", 6, 100, true},
		{"10%", 10, 100, false}, // exactly 10 % is not more than 10 %
		{"10%", 11, 100, true},
		{"10%", 30, 100, true},
		{"10%", 1, 9, true},   // 11.1 %
		{"10%", 1, 10, false}, // 10 %
		{"10%", 0, 0, false},  // an empty file
		{"0%", 1, 1000000, true},
		{"100%", 10, 10, false},
		{"33.3%", 1, 3, true}, // 33.33… % > 33.3 %
		{"2.5%", 1, 40, false},
		{"2.5%", 2, 40, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s_%d_of_%d", tt.budget, tt.invalid, tt.rows), func(t *testing.T) {
			b, err := ParseBudget(tt.budget)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Exceeded(tt.invalid, tt.rows); got != tt.want {
				t.Errorf("Budget %q Exceeded(%d, %d) = %v, want %v", tt.budget, tt.invalid, tt.rows, got, tt.want)
			}
		})
	}
}

func FuzzParseBudget(f *testing.F) {
	for _, s := range []string{"", "10", "10%", "2.5 %", "-1", "1e400%", "0x10", "+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBudget(s)
		if err != nil {
			return
		}
		// What it prints reads back as the same budget.
		again, err := ParseBudget(b.String())
		if err != nil || again != b {
			t.Fatalf("ParseBudget(%q) = %+v, printed %q, read back %+v, %v", s, b, b.String(), again, err)
		}
		// Never more than "all rows invalid" is refused by a 100 % budget,
		// and no budget refuses a file without invalid rows.
		if b.Exceeded(0, 1000) {
			t.Fatalf("budget %q refuses a file with no invalid row", s)
		}
	})
}

// TestRunOverInvalidBudget: a file with 30 % invalid rows and a 10 %
// budget sends nothing; every row that would have been sent is NOT_SENT
// in the results, the error says how many were INVALID, and the ledger
// records the run with exit code 2. Within the budget, the same file is
// sent.
func TestRunOverInvalidBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE,CRDAT\n")
	for i := range 20 {
		crdat := "5"
		if i%10 < 3 { // rows 0-2 and 10-12: 6 of 20, 30 %
			crdat = "32"
		}
		fmt.Fprintf(&b, "C%03d,name %d,1,%s\n", i, i, crdat)
	}
	b.WriteString("合計,,20,\n") // a totals row: SKIPPED, not counted
	in := writeFile(t, "in.csv", b.String())

	tests := []struct {
		budget string
		refuse bool
	}{
		{"10%", true},
		{"5", true},
		{"30%", false},
		{"6", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.budget, func(t *testing.T) {
			s := okSender()
			lg := newLedger(t)
			budget, err := ParseBudget(tt.budget)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.csv")
			sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: lg, MaxInvalid: budget})
			var tooMany *TooManyInvalidError
			if tt.refuse != errors.As(err, &tooMany) {
				t.Fatalf("err = %v, want a TooManyInvalidError: %v", err, tt.refuse)
			}
			runs, lerr := lg.Runs(context.Background(), 1)
			if lerr != nil || len(runs) != 1 {
				t.Fatalf("ledger runs: %+v, %v", runs, lerr)
			}
			if !tt.refuse {
				if err != nil || s.calls.Load() != 14 || sum.Counts[StatusOK] != 14 || runs[0].ExitCode != 1 {
					t.Fatalf("within the budget: err %v, %d sent, counts %v, ledger exit %d; want 14 sent and exit 1", err, s.calls.Load(), sum.Counts, runs[0].ExitCode)
				}
				return
			}
			if tooMany.Invalid != 6 || tooMany.Rows != 20 || !errors.Is(err, ErrTooManyInvalid) {
				t.Errorf("error = %+v (%v), want 6 of 20 rows", tooMany, err)
			}
			if !InputFault(err) {
				t.Error("too many INVALID rows is the file's fault (the folder mode sets it aside in failed/)")
			}
			if n := s.calls.Load(); n != 0 {
				t.Errorf("%d rows were sent, want none", n)
			}
			want := map[Status]int{StatusInvalid: 6, StatusNotSent: 14, StatusSkipped: 1}
			for st, n := range want {
				if sum.Counts[st] != n {
					t.Errorf("counts %v, want %v", sum.Counts, want)
					break
				}
			}
			if sum.Interrupted {
				t.Error("a refused run is not an interrupted one (folder mode would leave the file to resume)")
			}
			rows := readCSV(t, out)
			if len(rows) != 22 {
				t.Fatalf("results have %d rows, want the header and 21", len(rows))
			}
			for i, r := range rows[1:21] {
				status, msg := r[4], r[7]
				wantStatus := "NOT_SENT"
				if i%10 < 3 {
					wantStatus = "INVALID"
				}
				if status != wantStatus {
					t.Errorf("row %d: %s, want %s", i+2, status, wantStatus)
				}
				if status == "NOT_SENT" && !strings.Contains(msg, "6") {
					t.Errorf("row %d: message %q should say how many rows were INVALID", i+2, msg)
				}
			}
			if runs[0].ExitCode != 2 || runs[0].Counts["NOT_SENT"] != 14 {
				t.Errorf("ledger run %+v, want exit code 2 and the counts", runs[0])
			}
		})
	}
}
