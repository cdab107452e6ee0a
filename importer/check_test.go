package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// orderFile is a CSV whose checks depend on the rows before, spread over
// many batches: codes repeated hundreds of rows later, a lower-case code
// after its upper-case one, short all-digit codes after zero-padded
// ones, invalid rows, blank rows and a totals row.
func orderFile(t *testing.T) string {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE,VIPNO\n")
	for i := range 2000 {
		code := fmt.Sprintf("C%05d", i%900) // rows 900+ repeat rows 0-899
		switch {
		case i >= 1800 && i < 1850:
			code = strings.ToLower(fmt.Sprintf("C%05d", i-1700)) // differs by case only: rows 1800+ are repeats anyway
		case i >= 1850 && i < 1900:
			code = fmt.Sprintf("%05d", i) // zero-padded digits
		case i >= 1900 && i < 1950:
			code = fmt.Sprint(i) // shorter: lost their zeros?
		}
		credit := fmt.Sprint(i)
		if i%97 == 0 {
			credit = "lots" // invalid
		}
		if i%311 == 0 {
			b.WriteString(",,,\n") // blank row
		}
		fmt.Fprintf(&b, "%s,客戶%d,%s,%d\n", code, i, credit, 100000+i)
	}
	b.WriteString("合計,,123456,\n")
	p := filepath.Join(t.TempDir(), "order.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Rows are checked on several goroutines in batches, and what depends on
// the rows before is settled in file order: a check on one processor and
// on four writes the same results, byte for byte, and a repeated code
// names its first row however far back, in whichever batch.
func TestParallelCheckSameAsSerial(t *testing.T) {
	in := orderFile(t)
	results := func(procs int) (string, string) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out := filepath.Join(t.TempDir(), "out.csv")
		sum, err := Run(context.Background(), Options{Input: in, Out: out, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows != 2001 {
			t.Fatalf("%d rows, want 2001", sum.Rows)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(data), out
	}
	serial, _ := results(1)
	parallel, out := results(4)
	if serial != parallel {
		t.Fatalf("the results differ between one processor and four:\n%s", firstDiff(serial, parallel))
	}
	rows := readCSV(t, out)
	byCode := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) > 4 && r[0] != "" {
			byCode[r[0]] = r
		}
	}
	// Data row 1000 (C00100 again) repeats data row 100, which is on line
	// 103 of the file: after the header and a blank row.
	last := byCode["C00100"]
	if last == nil || last[4] != "INVALID" || !strings.Contains(last[7], "103") {
		t.Errorf("C00100's repeat: %q, want INVALID naming line 103", last)
	}
	if r := byCode["1920"]; r == nil || r[4] != "VALID" || !strings.Contains(r[8], "01850") {
		t.Errorf("1920 after 01850…: %q, want VALID with a warning naming the padded code", r)
	}
	if !strings.Contains(parallel, "合計,,123456,,SKIPPED") {
		t.Error("the totals row is not SKIPPED")
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n %q\n %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}
