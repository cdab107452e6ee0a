package results

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEscapeCSVField(t *testing.T) {
	tests := []struct {
		name string
		cell Cell
		want string
	}{
		{"hyperlink formula", Cell{Value: `=HYPERLINK("http://evil.example","click")`}, `'=HYPERLINK("http://evil.example","click")`},
		{"phone with plus in text column", Cell{Value: "+886912345678"}, "'+886912345678"},
		{"negative in numeric column", Cell{Value: "-3", Numeric: true}, "-3"},
		{"negative decimal in numeric column", Cell{Value: "-12.5", Numeric: true}, "-12.5"},
		{"negative in text column", Cell{Value: "-3"}, "'-3"},
		{"at sum", Cell{Value: "@SUM(A1)"}, "'@SUM(A1)"},
		{"tab then formula", Cell{Value: "\t=1"}, "'\t=1"},
		{"CR then formula", Cell{Value: "\r=1"}, "'\r=1"},
		{"plus in numeric column", Cell{Value: "+5", Numeric: true}, "'+5"},
		{"exponent in numeric column", Cell{Value: "-1e5", Numeric: true}, "'-1e5"},
		{"formula in numeric column", Cell{Value: "=1+1", Numeric: true}, "'=1+1"},
		{"minus alone in numeric column", Cell{Value: "-", Numeric: true}, "'-"},
		{"minus point in numeric column", Cell{Value: "-1.", Numeric: true}, "'-1."},
		{"dash text", Cell{Value: "--"}, "'--"},
		{"plain number text column", Cell{Value: "12"}, "12"},
		{"chinese", Cell{Value: "客戶甲"}, "客戶甲"},
		{"equals inside", Cell{Value: "a=b"}, "a=b"},
		{"empty", Cell{Value: ""}, ""},
		{"empty numeric", Cell{Value: "", Numeric: true}, ""},
		{"problem ignored", Cell{Value: "x", Problem: "bad"}, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapeCSVField(tt.cell); got != tt.want {
				t.Errorf("EscapeCSVField(%+v) got %q, want %q", tt.cell, got, tt.want)
			}
		})
	}
}

func TestIsPlainDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0", true}, {"-3", true}, {"12.50", true}, {"-0.25", true}, {"007", true},
		{"", false}, {"-", false}, {".5", false}, {"5.", false}, {"+5", false},
		{"1e5", false}, {"1,000", false}, {" 1", false}, {"1 ", false}, {"NaN", false},
		{"Inf", false}, {"0x10", false}, {"１２", false}, {"1.2.3", false}, {"--1", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IsPlainDecimal(tt.in); got != tt.want {
				t.Errorf("IsPlainDecimal(%q) got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNumericValue(t *testing.T) {
	tests := []struct {
		in     string
		want   float64
		wantOK bool
	}{
		{"-12.5", -12.5, true},
		{"12345678901", 12345678901, true},                // 11 digits: General shows it whole
		{"-1234567890", -1234567890, true},                // sign and 10 digits
		{"-12345678901", 0, false},                        // sign and 11 digits
		{"100000000000", 0, false},                        // 12 digits: General shows 1E+11
		{"123456789012345", 0, false},                     // 15 digits
		{"0.0000001", 1e-7, true},                         // 9 characters shown
		{"0.000000000000000001", 0, false},                // General shows 1E-18
		{"00012", 12, true},                               // leading zeros are not shown
		{"1." + strings.Repeat("0", 30), 1, true},         // nor trailing ones
		{"1" + strings.Repeat("0", 400), 0, false},        // out of float64 range
		{"0.1" + strings.Repeat("0", 30) + "1", 0, false}, // digits a float would lose
		{"abc", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := numericValue(Cell{Value: tt.in, Numeric: true})
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("numericValue(%q) got %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	if _, ok := numericValue(Cell{Value: "1"}); ok {
		t.Errorf("numericValue of a text cell got ok, want not numeric")
	}
}

func TestCSVWriterOutput(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	if err := w.WriteHeader([]string{"行號", "=名稱", "金額"}); err != nil {
		t.Fatal(err)
	}
	rows := [][]Cell{
		{{Value: "1", Numeric: true}, {Value: `=HYPERLINK("x")`}, {Value: "-3", Numeric: true}},
		{{Value: "2", Numeric: true}, {Value: "a,b"}, {Value: "-x", Numeric: true, Problem: "bad"}},
		{{Value: "3", Numeric: true}, {Value: "line1\nline2"}, {Value: "\t=1"}},
	}
	for _, r := range rows {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteSummary([][]Cell{{{Value: "ignored"}}}); err != nil {
		t.Fatalf("WriteSummary: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff" +
		"行號,'=名稱,金額\r\n" +
		"1,\"'=HYPERLINK(\"\"x\"\")\",-3\r\n" +
		"2,\"a,b\",'-x\r\n" +
		"3,\"line1\r\nline2\",'\t=1\r\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV output got %q, want %q", got, want)
	}

	// Read back with encoding/csv: every field is the escaped value.
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("records got %d, want 4", len(recs))
	}
	for i, row := range rows {
		for j, c := range row {
			want := EscapeCSVField(c)
			// encoding/csv turns CRLF inside quotes into LF.
			want = strings.ReplaceAll(want, "\r\n", "\n")
			if got := recs[i+1][j]; got != want {
				t.Errorf("record %d field %d got %q, want %q", i+1, j, got, want)
			}
		}
	}
	if err := w.WriteRow(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteRow after Close got %v, want ErrClosed", err)
	}
}

func TestCSVEmptyHasBOM(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\ufeff" {
		t.Errorf("empty CSV got %q, want just the BOM", got)
	}
}

func TestCSVHeaderOnce(t *testing.T) {
	w := NewCSVWriter(&bytes.Buffer{})
	if err := w.WriteRow([]Cell{{Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"h"}); !errors.Is(err, ErrHeaderAfterRows) {
		t.Errorf("WriteHeader after WriteRow got %v, want ErrHeaderAfterRows", err)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestCSVWriteErrorSticks(t *testing.T) {
	w := NewCSVWriter(&failWriter{after: 1}) // the BOM goes through
	_ = w.WriteRow([]Cell{{Value: "a"}})     // buffered by encoding/csv
	err := w.Close()
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close got %v, want the write error", err)
	}
}

func TestCSVFile(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow([]Cell{{Value: "客戶"}, {Value: "-1", Numeric: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("%s exists before Close", path)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "\ufeffa,b\r\n客戶,-1\r\n"; got != want {
		t.Errorf("file got %q, want %q", got, want)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"out.csv"}) {
		t.Errorf("dir holds %q, want only out.csv", got)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Close got %v, want nil", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Abort after Close removed the file: %v", err)
	}
}

func TestCSVFileAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.WriteRow([]Cell{{Value: "x"}})
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("dir holds %q after Abort, want nothing", got)
	}
}

// FuzzCSVRecords checks that csvRecords writes records byte for byte as
// encoding/csv's Writer with UseCRLF does.
func FuzzCSVRecords(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `q"q`, "cr\rlf\n", "\r\n", `\.`, " lead", "\tlead", "\vx", "\u3000全形空白", "\u0085x", "\xa0x", "\xffbad", "客戶", "trail "} {
		f.Add(s, s+"x", "")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		recs := [][]string{{a, b, c}, {a}, nil, {c, b}}
		var want, got bytes.Buffer
		cw := csv.NewWriter(&want)
		cw.UseCRLF = true
		ours := &csvRecords{w: bufio.NewWriter(&got)}
		for _, r := range recs {
			if err := cw.Write(r); err != nil {
				t.Fatal(err)
			}
			if err := ours.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		cw.Flush()
		ours.Flush()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("records %q:\n got  %q\n want %q", recs, got.Bytes(), want.Bytes())
		}
	})
}

// FuzzCSVRow checks that WriteRow writes a row byte for byte as its cells'
// EscapeCSVField texts written by encoding/csv's Writer with UseCRLF.
func FuzzCSVRow(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `q"q`, "cr\rlf\n", "\r\n", `\.`, " lead", "\tlead", "\vx", "\u3000全形空白", "-12.5", "-1,5", "=1", "=a\"b", "+8869", "@x\ny", "\r=1", "-", "'=1", "客戶"} {
		f.Add(s, s+"x", true, false)
		f.Add(s, "", false, true)
	}
	f.Fuzz(func(t *testing.T, a, b string, numA, numB bool) {
		rows := [][]Cell{{{Value: a, Numeric: numA}, {Value: b, Numeric: numB}, {Value: a}}, {{Value: b, Numeric: numA}}, {}}
		var want, got bytes.Buffer
		want.WriteString(utf8BOM)
		cw := csv.NewWriter(&want)
		cw.UseCRLF = true
		w := NewCSVWriter(&got)
		for _, row := range rows {
			var rec []string
			for _, c := range row {
				rec = append(rec, EscapeCSVField(c))
			}
			if err := cw.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := w.WriteRow(row); err != nil {
				t.Fatal(err)
			}
		}
		cw.Flush()
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("rows %+v:\n got  %q\n want %q", rows, got.Bytes(), want.Bytes())
		}
	})
}

// hasSpecial finds each special byte at every place of strings up to 24
// bytes long, and nothing in strings of their neighbours (bytes one off,
// and with the high bit set).
func TestHasSpecial(t *testing.T) {
	fill := []byte{'a', '\n' + 1, '\r' - 1, '"' + 1, ',' - 1, 0x80 | '\n', 0x80 | ',', 0xff, 0}
	for n := 0; n <= 24; n++ {
		for _, f := range fill {
			base := bytes.Repeat([]byte{f}, n)
			if hasSpecial(string(base)) {
				t.Fatalf("hasSpecial(%q) = true", base)
			}
			for i := 0; i < n; i++ {
				for _, c := range []byte{'\n', '\r', '"', ','} {
					s := bytes.Clone(base)
					s[i] = c
					if !hasSpecial(string(s)) {
						t.Fatalf("hasSpecial(%q) = false", s)
					}
				}
			}
		}
	}
}

// Every non-ASCII space starts with a byte spaceLead marks, so needsQuotes
// looks no further at a field that starts with another.
func TestSpaceLead(t *testing.T) {
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) && !spaceLead[string(r)[0]] {
			t.Errorf("%U is a space, but its first byte %#x is not in spaceLead", r, string(r)[0])
		}
	}
}
