package results

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscapeCSVField: no written field starts with a formula character
// unless it is a plain negative number in a numeric column, escaping only
// ever adds one leading quote, and the field survives encoding/csv.
func FuzzEscapeCSVField(f *testing.F) {
	for _, s := range []string{`=HYPERLINK("a")`, "+886912345678", "-3", "@SUM(A1)", "\t=1", "\r\n=1", "", "客戶", "-12.5", "'=1", `"=1"`} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, numeric bool) {
		got := EscapeCSVField(Cell{Value: v, Numeric: numeric})
		if got != v && got != "'"+v {
			t.Fatalf("EscapeCSVField(%q) got %q, want the value with at most a leading quote", v, got)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			if !numeric || !IsPlainDecimal(v) {
				t.Fatalf("EscapeCSVField(%q, numeric=%v) got %q: starts with a formula character", v, numeric, got)
			}
		}
		if !utf8.ValidString(v) {
			return // encoding/csv keeps bytes; nothing more to check
		}
		var buf bytes.Buffer
		w := NewCSVWriter(&buf)
		if err := w.WriteRow([]Cell{{Value: v, Numeric: numeric}, {Value: "end"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rec, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).Read()
		if err != nil {
			t.Fatalf("reading back %q: %v", buf.String(), err)
		}
		// encoding/csv's reader turns quoted CRLF into LF and may drop a
		// lone CR, so CRs are left out of the comparison.
		noCR := func(s string) string { return strings.ReplaceAll(s, "\r", "") }
		want := noCR(got)
		if len(rec) != 2 || noCR(rec[0]) != want || rec[1] != "end" {
			t.Fatalf("read back %q, want [%q end]", rec, want)
		}
	})
}

// FuzzNumericValue: a value accepted as a number round-trips exactly
// (no digit Excel would lose).
func FuzzNumericValue(f *testing.F) {
	for _, s := range []string{"-12.5", "0", "123456789012345", "1234567890123456", "12345678901", "0.1", "00012.3400", "1e5", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := numericValue(Cell{Value: s, Numeric: true})
		if !ok {
			return
		}
		if !IsPlainDecimal(s) {
			t.Fatalf("numericValue accepted %q, not a plain decimal", s)
		}
		back := strconv.FormatFloat(v, 'f', -1, 64)
		if normDecimal(back) != normDecimal(s) {
			t.Fatalf("numericValue(%q) = %s: digits lost", s, back)
		}
	})
}

// normDecimal strips insignificant zeros and the sign of zero.
func normDecimal(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	i, f, _ := strings.Cut(s, ".")
	i = strings.TrimLeft(i, "0")
	f = strings.TrimRight(f, "0")
	if i == "" && f == "" {
		return "0"
	}
	if neg {
		return "-" + i + "." + f
	}
	return i + "." + f
}

// FuzzXLSXCell writes one cell with a problem and reads value and comment
// back.
func FuzzXLSXCell(f *testing.F) {
	for _, s := range []string{"=1+1", "客戶 <&>\"'", " lead and trail ", "a\nb", "-3", "100000000000", "0.000000000001"} {
		f.Add(s, "problem <b>&</b>", false, false)
		f.Add(s, "", true, false)
		f.Add(s, "problem", true, true)
	}
	dir := f.TempDir()
	n := 0
	// With text, the cell is in a text column below a header: it must
	// read back exactly, never as a number.
	f.Fuzz(func(t *testing.T, v, problem string, numeric, text bool) {
		if !xmlSafe(v) || !xmlSafe(problem) || len(v) > 1000 || len(problem) > 1000 {
			return
		}
		n++
		path := filepath.Join(dir, strconv.Itoa(n)+".xlsx")
		opts, ref := Options{}, "A1"
		if text {
			opts, ref = Options{TextColumns: []int{0}}, "A2"
		}
		w, err := Create(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if text {
			if err := w.WriteHeader([]string{"統一編號"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.WriteRow([]Cell{{Value: v, Numeric: numeric, Problem: problem}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		x := openXLSX(t, path)
		got, err := x.GetCellValue("Results", ref)
		if err != nil {
			t.Fatal(err)
		}
		want := v
		if fv, ok := numericValue(Cell{Value: v, Numeric: numeric}); ok && !text {
			want = strconv.FormatFloat(fv, 'f', -1, 64)
		}
		if got != want {
			t.Fatalf("%s got %q, want %q", ref, got, want)
		}
		cmts, err := x.GetComments("Results")
		if err != nil {
			t.Fatal(err)
		}
		if problem == "" {
			if len(cmts) != 0 {
				t.Fatalf("comments %v, want none", cmts)
			}
			return
		}
		if len(cmts) != 1 || cmts[0].Cell != ref || cmts[0].Text != problem {
			t.Fatalf("comments %+v, want one on %s with %q", cmts, ref, problem)
		}
	})
}

// xmlSafe reports whether s is valid UTF-8 made of characters XML 1.0
// allows (others are replaced when written) and without CR (which XML
// normalises away in excelize's cell text).
func xmlSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError {
			return false
		}
	}
	return true
}
