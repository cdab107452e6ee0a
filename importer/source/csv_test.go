package source

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

func big5(t testing.TB, s string) []byte {
	t.Helper()
	b, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("big5 encode %q: %v", s, err)
	}
	return b
}

func utf16(t testing.TB, s string, order unicode.Endianness) []byte {
	t.Helper()
	b, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVReader(t *testing.T) {
	// > 64 KiB of valid UTF-8 Chinese text, so that detection decides UTF-8.
	var utf8Prefix bytes.Buffer
	utf8Prefix.WriteString("客戶名稱,電話\n")
	for utf8Prefix.Len() < 70<<10 {
		utf8Prefix.WriteString("王小明,0933555666\n")
	}
	utf8PrefixLines := strings.Count(utf8Prefix.String(), "\n")

	big5Prefix := big5(t, strings.Repeat("陳大文,02-2345-6789\n", 5000))
	big5PrefixLines := 5000

	tests := []struct {
		name      string
		in        []byte
		opts      Options
		want      []Record
		wantEnc   string
		wantDelim rune
		wantErr   error
		wantLine  int
	}{
		{
			name:      "utf8 comma",
			in:        []byte("name,phone\n王小明,0933555666\n"),
			want:      []Record{rec(1, "name", "phone"), rec(2, "王小明", "0933555666")},
			wantEnc:   "utf-8",
			wantDelim: ',',
		},
		{
			name:      "utf8 BOM semicolon CRLF",
			in:        []byte("\xEF\xBB\xBFname;phone\r\nA;1\r\n"),
			want:      []Record{rec(1, "name", "phone"), rec(2, "A", "1")},
			wantEnc:   "utf-8",
			wantDelim: ';',
		},
		{
			name:      "big5 detected",
			in:        big5(t, "客戶名稱,電話\r\n陳大文,02-2345-6789\r\n"),
			want:      []Record{rec(1, "客戶名稱", "電話"), rec(2, "陳大文", "02-2345-6789")},
			wantEnc:   "big5",
			wantDelim: ',',
		},
		{
			name:      "big5 forced as cp950",
			in:        big5(t, "名稱\n許功蓋\n"),
			opts:      Options{Encoding: "CP950"},
			want:      []Record{rec(1, "名稱"), rec(2, "許功蓋")},
			wantEnc:   "big5",
			wantDelim: ',',
		},
		{
			name:      "utf16le BOM tab (Excel unicode text)",
			in:        utf16(t, "名稱\t電話\r\n王小明\t0933555666\r\n", unicode.LittleEndian),
			want:      []Record{rec(1, "名稱", "電話"), rec(2, "王小明", "0933555666")},
			wantEnc:   "utf-16le",
			wantDelim: '\t',
		},
		{
			name:      "utf16be BOM",
			in:        utf16(t, "a;b\n1;2\n", unicode.BigEndian),
			want:      []Record{rec(1, "a", "b"), rec(2, "1", "2")},
			wantEnc:   "utf-16be",
			wantDelim: ';',
		},
		{
			name:      "tab detected",
			in:        []byte("a\tb,c\td\n1\t2,3\t4\n"),
			want:      []Record{rec(1, "a", "b,c", "d"), rec(2, "1", "2,3", "4")},
			wantEnc:   "utf-8",
			wantDelim: '\t',
		},
		{
			name:      "semicolon wins over commas inside quotes",
			in:        []byte("\"a,b,c\";d\n1;2\n"),
			want:      []Record{rec(1, "a,b,c", "d"), rec(2, "1", "2")},
			wantDelim: ';',
		},
		{
			name:      "delimiter override",
			in:        []byte("a;b,c\n"),
			opts:      Options{Delimiter: ','},
			want:      []Record{rec(1, "a;b", "c")},
			wantDelim: ',',
		},
		{
			// Excel shows the record with a line break in a quoted cell as one
			// row: the rows after it are numbered as Excel numbers them.
			name: "quoted newlines and delimiters",
			in:   []byte("a,b\n\"x\ny\",\"1,2\"\n\"he said \"\"hi\"\"\",z\nlast,w\n"),
			want: []Record{rec(1, "a", "b"), rec(2, "x\ny", "1,2"), rec(3, `he said "hi"`, "z"), rec(4, "last", "w")},
		},
		{
			name: "ragged rows returned as they are",
			in:   []byte("a,b,c\n1\n2,3,4,5\n"),
			want: []Record{rec(1, "a", "b", "c"), rec(2, "1"), rec(3, "2", "3", "4", "5")},
		},
		{
			name: "blank and whitespace rows skipped, cells not trimmed",
			in:   []byte("\n\na,b\n \n,,\n\t;\n 1 ,2\n"),
			want: []Record{rec(3, "a", "b"), rec(6, "\t;"), rec(7, " 1 ", "2")},
		},
		{
			name: "header only without newline",
			in:   []byte("a,b"),
			want: []Record{rec(1, "a", "b")},
		},
		{
			name:     "unterminated quote",
			in:       []byte("a,b\n1,2\n\"x,y\n3,4\n"),
			want:     []Record{rec(1, "a", "b"), rec(2, "1", "2")},
			wantErr:  ErrQuote,
			wantLine: 3,
		},
		{
			name: "bare quote read literally",
			in:   []byte("a,b\nx\"y,1\n"),
			want: []Record{rec(1, "a", "b"), rec(2, "x\"y", "1")},
		},
		{
			name:     "text after closing quote",
			in:       []byte("a,b\n\"x\"y,1\n"),
			want:     []Record{rec(1, "a", "b")},
			wantErr:  ErrQuote,
			wantLine: 2,
		},
		{
			name:     "NUL byte",
			in:       []byte("a,b\nc,d\ne\x00,f\n"),
			want:     []Record{rec(1, "a", "b"), rec(2, "c", "d")},
			wantErr:  ErrNUL,
			wantLine: 3,
		},
		{
			name:     "utf8 prefix then big5 line",
			in:       append(append(append([]byte{}, utf8Prefix.Bytes()...), big5(t, "陳大文,1\n")...), "x,y\n"...),
			wantErr:  ErrMixedEncoding,
			wantLine: utf8PrefixLines + 1,
		},
		{
			name:     "big5 prefix then utf8 line",
			in:       append(append([]byte{}, big5Prefix...), "王小明,1\n"...),
			wantErr:  ErrMixedEncoding,
			wantLine: big5PrefixLines + 1,
		},
		{
			name:     "forced utf-8 on big5",
			in:       append([]byte("a,b\n"), big5(t, "陳大文,1\n")...),
			opts:     Options{Encoding: "utf-8"},
			want:     []Record{rec(1, "a", "b")},
			wantErr:  ErrBadEncoding,
			wantLine: 2,
		},
		{
			name:     "neither big5 nor utf8",
			in:       []byte("a,b\n\xA4\x40,\x80\x80\n"),
			want:     []Record{rec(1, "a", "b")},
			wantErr:  ErrBadEncoding,
			wantLine: 2,
		},
		{
			name:     "cell over the limit",
			in:       []byte("a,b\n1,2\nx," + strings.Repeat("z", 1<<20+1) + "\n"),
			want:     []Record{rec(1, "a", "b"), rec(2, "1", "2")},
			wantErr:  ErrCellTooLarge,
			wantLine: 3,
		},
		{
			name:     "runaway quoted cell stopped early",
			in:       []byte("a,b\n\"" + strings.Repeat("line,line\n", 300)),
			opts:     Options{MaxCellBytes: 1000},
			want:     []Record{rec(1, "a", "b")},
			wantErr:  ErrCellTooLarge,
			wantLine: 2,
		},
		{
			name:     "max bytes",
			in:       []byte(strings.Repeat("a,b\n", 1000)),
			opts:     Options{MaxBytes: 100},
			wantErr:  ErrTooLarge,
			wantLine: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(bytes.NewReader(tc.in), "customers.csv", tc.opts)
			if err != nil && tc.wantErr != nil {
				checkErr(t, err, tc.wantErr, tc.wantLine, "customers.csv")
				return
			}
			if err != nil {
				t.Fatalf("NewCSVReader: %v", err)
			}
			if tc.wantEnc != "" && r.Encoding() != tc.wantEnc {
				t.Errorf("got encoding %q, want %q", r.Encoding(), tc.wantEnc)
			}
			if tc.wantDelim != 0 && r.Delimiter() != tc.wantDelim {
				t.Errorf("got delimiter %q, want %q", r.Delimiter(), tc.wantDelim)
			}
			got, err := readAll(t, r)
			if tc.wantErr != nil {
				checkErr(t, err, tc.wantErr, tc.wantLine, "customers.csv")
				if tc.want != nil {
					checkRecords(t, got, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			checkRecords(t, got, tc.want)
		})
	}
}

func TestCSVReaderOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		opts Options
		want error
	}{
		{"empty", nil, Options{}, ErrEmptyFile},
		{"unknown encoding", []byte("a\n"), Options{Encoding: "latin1"}, ErrUnknownEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCSVReader(bytes.NewReader(tc.in), "x.csv", tc.opts)
			checkErr(t, err, tc.want, 0, "x.csv")
		})
	}
	if _, err := NewCSVReader(strings.NewReader("a"), "x.csv", Options{Delimiter: '"'}); err == nil {
		t.Errorf(`delimiter '"': got no error, want one`)
	}
}

func TestCSVParseErrorMessage(t *testing.T) {
	r, err := NewCSVReader(strings.NewReader("a,b\n1,\"x\"y\n"), "customers.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, r)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want *ParseError", err)
	}
	if got, want := err.Error(), "customers.csv: line 2, column 5: "; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want prefix %q", got, want)
	}
	e := &ParseError{File: "c.csv", Line: 7, Err: ErrNUL}
	if got, want := e.Error(), "c.csv: line 7: "+ErrNUL.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCSVWideAndLong(t *testing.T) {
	t.Run("5000 columns", func(t *testing.T) {
		var b strings.Builder
		for row := 0; row < 3; row++ {
			for c := 0; c < 5000; c++ {
				if c > 0 {
					b.WriteByte(',')
				}
				b.WriteString("r")
				b.WriteByte(byte('0' + row))
				b.WriteString("c")
				b.WriteString(strings.Repeat("x", c%7))
			}
			b.WriteByte('\n')
		}
		r, err := NewCSVReader(strings.NewReader(b.String()), "wide.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("got %d records, want 3", len(got))
		}
		for i, g := range got {
			if len(g.Cells) != 5000 {
				t.Fatalf("record %d: got %d cells, want 5000", i, len(g.Cells))
			}
			if want := "r" + string(rune('0'+i)) + "c" + strings.Repeat("x", 4999%7); g.Cells[4999] != want {
				t.Errorf("record %d cell 5000: got %q, want %q", i, g.Cells[4999], want)
			}
		}
	})
	t.Run("200000 blank lines then data", func(t *testing.T) {
		in := "name,phone\n" + strings.Repeat("\r\n", 100000) + strings.Repeat(" , \n", 100000) + "王小明,0933\n"
		r, err := NewCSVReader(strings.NewReader(in), "blank.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		checkRecords(t, got, []Record{rec(1, "name", "phone"), rec(200002, "王小明", "0933")})
	})
	t.Run("1 MB cell within a 2 MB limit", func(t *testing.T) {
		big := strings.Repeat("好", 1<<20/3)
		in := "a,b\n\"" + big + "\",2\n"
		r, err := NewCSVReader(strings.NewReader(in), "big.csv", Options{MaxCellBytes: 2 << 20})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		checkRecords(t, got, []Record{rec(1, "a", "b"), rec(2, big, "2")})
	})
	t.Run("blank lines before header", func(t *testing.T) {
		in := strings.Repeat("\n", 5000) + "a;b\n1;2\n"
		r, err := NewCSVReader(strings.NewReader(in), "x.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Delimiter() != ';' {
			t.Errorf("got delimiter %q, want ';'", r.Delimiter())
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		checkRecords(t, got, []Record{rec(5001, "a", "b"), rec(5002, "1", "2")})
	})
}

func TestTrimPartialRune(t *testing.T) {
	s := []byte("ab王")
	tests := []struct {
		in   []byte
		want string
	}{
		{s, "ab王"},
		{s[:4], "ab"},
		{s[:3], "ab"},
		{s[:2], "ab"},
	}
	for _, tc := range tests {
		if got := string(trimPartialRune(tc.in, true)); got != tc.want {
			t.Errorf("trimPartialRune(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCSVLineEndings reads files whose lines end in a lone CR (Excel for
// Mac's "CSV (Macintosh)"), and checks that a lone CR inside a quoted cell
// of an LF or CRLF file stays as it is.
func TestCSVLineEndings(t *testing.T) {
	var long bytes.Buffer
	long.WriteString("code,name\r")
	for i := 1; long.Len() < 200<<10; i++ {
		fmt.Fprintf(&long, "C%05d,王小明%d\r", i, i)
	}
	long.WriteString("\"last\",end")
	longLines := strings.Count(long.String(), "\r") + 1

	tests := []struct {
		name    string
		in      []byte
		want    []Record
		wantEnc string
	}{
		{
			name:    "CR only utf-8",
			in:      []byte("客戶名稱,電話\r王小明,0933555666\r\r陳大文,02-2345-6789\r"),
			want:    []Record{rec(1, "客戶名稱", "電話"), rec(2, "王小明", "0933555666"), rec(4, "陳大文", "02-2345-6789")},
			wantEnc: "utf-8",
		},
		{
			name:    "CR only utf-8 BOM semicolon",
			in:      []byte("\xEF\xBB\xBFa;b\r1;2"),
			want:    []Record{rec(1, "a", "b"), rec(2, "1", "2")},
			wantEnc: "utf-8",
		},
		{
			name:    "CR only big5",
			in:      big5(t, "客戶名稱,電話\r陳大文,02-2345-6789\r \r許功蓋,\"台北市\"\r"),
			want:    []Record{rec(1, "客戶名稱", "電話"), rec(2, "陳大文", "02-2345-6789"), rec(4, "許功蓋", "台北市")},
			wantEnc: "big5",
		},
		{
			name:    "CR only utf-16le",
			in:      utf16(t, "名稱\t電話\r王小明\t0933555666\r", unicode.LittleEndian),
			want:    []Record{rec(1, "名稱", "電話"), rec(2, "王小明", "0933555666")},
			wantEnc: "utf-16le",
		},
		{
			name: "CR only longer than the read buffers",
			in:   long.Bytes(),
		},
		{
			name: "LF with a lone CR in a quoted cell",
			in:   []byte("a,b\n\"x\ry\",1\n"),
			want: []Record{rec(1, "a", "b"), rec(2, "x\ry", "1")},
		},
		{
			name: "CRLF with a lone CR in a quoted cell",
			in:   []byte("a,b\r\n\"x\ry\",1\r\n2,3\r\n"),
			want: []Record{rec(1, "a", "b"), rec(2, "x\ry", "1"), rec(3, "2", "3")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(bytes.NewReader(tc.in), "mac.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantEnc != "" && r.Encoding() != tc.wantEnc {
				t.Errorf("got encoding %q, want %q", r.Encoding(), tc.wantEnc)
			}
			if tc.want == nil {
				if n := len(got); n != longLines {
					t.Fatalf("got %d records, want %d", n, longLines)
				}
				for i, g := range got {
					if g.Line != i+1 || len(g.Cells) != 2 {
						t.Fatalf("record %d: got line %d with %d cells, want line %d with 2", i, g.Line, len(g.Cells), i+1)
					}
				}
				if g := got[len(got)-1]; g.Cells[0] != "last" || g.Cells[1] != "end" {
					t.Errorf("last record: got %q, want [last end]", g.Cells)
				}
				return
			}
			checkRecords(t, got, tc.want)
		})
	}
}

// TestCSVLateNonASCII reads files whose first non-ASCII bytes come after the
// 64 KB the encoding used to be decided from.
func TestCSVLateNonASCII(t *testing.T) {
	var ascii bytes.Buffer
	ascii.WriteString("code,name,phone\n")
	for i := 1; ascii.Len() < 70<<10; i++ {
		fmt.Fprintf(&ascii, "C%05d,Wang Hsiao-ming,0933555666\n", i)
	}
	asciiLines := strings.Count(ascii.String(), "\n")
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	tests := []struct {
		name     string
		in       []byte
		want     []Record // the records after the ASCII ones
		wantEnc  string
		wantErr  error
		wantLine int
	}{
		{
			name:    "big5",
			in:      cat(ascii.Bytes(), big5(t, "C90001,陳大文,02-2345-6789\nC90002,許功蓋,02-1111-2222\n")),
			want:    []Record{rec(asciiLines+1, "C90001", "陳大文", "02-2345-6789"), rec(asciiLines+2, "C90002", "許功蓋", "02-1111-2222")},
			wantEnc: "big5",
		},
		{
			name:    "big5 after more than 64 KB more of ASCII",
			in:      cat(ascii.Bytes(), ascii.Bytes()[len("code,name,phone\n"):], big5(t, "C90001,陳大文,1\n")),
			want:    []Record{rec(2*asciiLines, "C90001", "陳大文", "1")},
			wantEnc: "big5",
		},
		{
			name:    "utf-8",
			in:      cat(ascii.Bytes(), []byte("C90001,陳大文,02-2345-6789\n")),
			want:    []Record{rec(asciiLines+1, "C90001", "陳大文", "02-2345-6789")},
			wantEnc: "utf-8",
		},
		{
			name:    "all ASCII",
			in:      ascii.Bytes(),
			wantEnc: "utf-8",
		},
		{
			name:     "big5 then utf-8",
			in:       cat(ascii.Bytes(), big5(t, "C90001,陳大文,1\n"), []byte("C90002,王小明,2\n")),
			wantErr:  ErrMixedEncoding,
			wantLine: asciiLines + 2,
		},
		{
			name:     "utf-8 then big5",
			in:       cat(ascii.Bytes(), []byte("C90001,王小明,1\n"), big5(t, "C90002,陳大文,2\n")),
			wantErr:  ErrMixedEncoding,
			wantLine: asciiLines + 1,
		},
		{
			name:     "utf-8 then big5 more than 64 KB later",
			in:       cat(ascii.Bytes(), []byte("C90001,王小明,1\n"), ascii.Bytes()[len("code,name,phone\n"):], big5(t, "C90002,陳大文,2\n")),
			wantErr:  ErrMixedEncoding,
			wantLine: 2*asciiLines + 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(bytes.NewReader(tc.in), "late.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			if tc.wantErr != nil {
				checkErr(t, err, tc.wantErr, tc.wantLine, "late.csv")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Encoding() != tc.wantEnc {
				t.Errorf("got encoding %q, want %q", r.Encoding(), tc.wantEnc)
			}
			if len(got) < asciiLines {
				t.Fatalf("got %d records, want at least %d", len(got), asciiLines)
			}
			if g := got[asciiLines-1]; g.Line != asciiLines || g.Cells[1] != "Wang Hsiao-ming" {
				t.Errorf("record %d: got line %d %q, want line %d", asciiLines, g.Line, g.Cells, asciiLines)
			}
			checkRecords(t, got[len(got)-len(tc.want):], tc.want)
		})
	}
}

// TestCSVQuotes reads csv-spectrum-like files (testdata/quotes): RFC 4180
// quoting, and quotes inside unquoted cells read literally as Excel does
// (37°36'37.8"N, 15" 螢幕). A quote that opens a cell and never closes, or
// text after a closing quote, is still refused, naming the row.
func TestCSVQuotes(t *testing.T) {
	tests := []struct {
		file     string
		want     []Record
		wantLine int // > 0: ErrQuote on this line
	}{
		{file: "comma_in_quotes.csv", want: []Record{rec(1, "first", "last", "address", "city", "zip"), rec(2, "John", "Doe", "120 any st.", "Anytown, WW", "08123")}},
		{file: "empty.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "", ""), rec(3, "2", "3", "4")}},
		{file: "empty_crlf.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "", ""), rec(3, "2", "3", "4")}},
		{file: "escaped_quotes.csv", want: []Record{rec(1, "a", "b"), rec(2, "1", `ha "ha" ha`), rec(3, "3", "4")}},
		{file: "json.csv", want: []Record{rec(1, "key", "val"), rec(2, "1", `{"type": "Point", "coordinates": [102.0, 0.5]}`)}},
		{file: "newlines.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "2", "3"), rec(3, "Once upon \na time", "5", "6"), rec(4, "7", "8", "9")}},
		{file: "newlines_crlf.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "2", "3"), rec(3, "Once upon \na time", "5", "6"), rec(4, "7", "8", "9")}},
		{file: "quotes_and_newlines.csv", want: []Record{rec(1, "a", "b"), rec(2, "1", "ha \n\"ha\" \nha"), rec(3, "3", "4")}},
		{file: "simple.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "2", "3")}},
		{file: "simple_crlf.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "2", "3")}},
		{file: "utf8.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "1", "2", "3"), rec(3, "4", "5", "ʤ")}},
		{file: "location_bare_quotes.csv", want: []Record{rec(1, "地點", "緯度", "經度"), rec(2, "南極站", `37°36'37.8"N`, `122°22'30.1"W`)}},
		{file: "inch_bare_quote.csv", want: []Record{rec(1, "品名", "規格"), rec(2, "螢幕", `15" 螢幕`), rec(3, "筆電", `13" 筆電`)}},
		{file: "bare_and_quoted.csv", want: []Record{rec(1, "a", "b", "c"), rec(2, "x, y", `5" 7"`, "z"), rec(3, `12"`, ",", `end"`)}},
		{file: "bare_quote_semicolon.csv", want: []Record{rec(1, "a", "b"), rec(2, `15" 螢幕`, "x;y")}},
		{file: "unclosed_quote.csv", want: []Record{rec(1, "a", "b"), rec(2, "1", "2")}, wantLine: 3},
		{file: "unclosed_quote_last_line.csv", want: []Record{rec(1, "a", "b"), rec(2, "1", "2")}, wantLine: 3},
		{file: "text_after_closing_quote.csv", want: []Record{rec(1, "a", "b")}, wantLine: 2},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "quotes", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := NewCSVReader(bytes.NewReader(data), tc.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			if tc.wantLine > 0 {
				checkErr(t, err, ErrQuote, tc.wantLine, tc.file)
			} else if err != nil {
				t.Fatalf("read: %v", err)
			}
			checkRecords(t, got, tc.want)
		})
	}
}

// TestCSVLoneCRInLFFile reads files with LF lines that also break lines
// with lone CRs (a Mac CSV with one line appended by another program):
// every lone CR outside quotes is a line break, not text in a cell.
func TestCSVLoneCRInLFFile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Record
	}{
		{"mac file with one LF line appended", "code,name\rC1,王小明\rC2,陳大文\rC3,林小華\nC4,許功蓋\n",
			[]Record{rec(1, "code", "name"), rec(2, "C1", "王小明"), rec(3, "C2", "陳大文"), rec(4, "C3", "林小華"), rec(5, "C4", "許功蓋")}},
		{"LF line first", "code,name\nC1,王小明\rC2,陳大文\r", []Record{rec(1, "code", "name"), rec(2, "C1", "王小明"), rec(3, "C2", "陳大文")}},
		{"blank CR lines", "a,b\r\r1,2\n", []Record{rec(1, "a", "b"), rec(3, "1", "2")}},
		{"CR inside quotes kept", "a,b\r\"x\ry\",1\n2,3\n", []Record{rec(1, "a", "b"), rec(2, "x\ry", "1"), rec(3, "2", "3")}},
		{"quoted cell across a CR line", "a,b\r\"x\r\ny\",1\r2,3\n", []Record{rec(1, "a", "b"), rec(2, "x\ny", "1"), rec(3, "2", "3")}},
		{"bare quote then CR", "a,b\r15\" 螢幕,1\r2,3\n", []Record{rec(1, "a", "b"), rec(2, `15" 螢幕`, "1"), rec(3, "2", "3")}},
		{"CR CR LF is one line end", "a,b\r\r\n1,2\r\r\n", []Record{rec(1, "a", "b\r"), rec(2, "1", "2\r")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tc.in), "mixed.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, got, tc.want)
		})
	}
	t.Run("big mixed file", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("code,name\r")
		for i := 1; i <= 20000; i++ {
			fmt.Fprintf(&b, "C%05d,王小明%d\r", i, i)
		}
		b.WriteString("LAST,end\n")
		r, err := NewCSVReader(strings.NewReader(b.String()), "mixed.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 20002 || got[20001].Line != 20002 || got[20001].Cells[0] != "LAST" {
			t.Fatalf("got %d records, last %+v; want 20002, the last on line 20002", len(got), got[len(got)-1])
		}
	})
}

// An invalid byte in a UTF-8 file is reported on its own line, as a bad
// byte in a UTF-8 file, not blamed on the first line as a Big5/UTF-8 mix.
func TestCSVBadByteInUTF8(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		want     []Record
		wantLine int
		wantCol  int
	}{
		{"line 2", []byte("客戶名稱,電話\n王小明\xff,0933555666\n陳大文,1\n"), []Record{rec(1, "客戶名稱", "電話")}, 2, 10},
		{"line 3 of a longer file", []byte("客戶名稱,電話,地址\n王小明,0933555666,台北市信義區\n陳大\xe6,1,台中市\n"),
			[]Record{rec(1, "客戶名稱", "電話", "地址"), rec(2, "王小明", "0933555666", "台北市信義區")}, 3, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(bytes.NewReader(tc.in), "bad.csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			checkErr(t, err, ErrBadEncoding, tc.wantLine, "bad.csv")
			checkRecords(t, got, tc.want)
			var pe *ParseError
			if errors.As(err, &pe) && pe.Column != tc.wantCol {
				t.Errorf("column: got %d, want %d", pe.Column, tc.wantCol)
			}
			if !strings.Contains(err.Error(), "looks like UTF-8") || strings.Contains(err.Error(), "Big5") {
				t.Errorf("got %q, want it to say the file looks like UTF-8 (and not blame Big5)", err)
			}
			if r.Encoding() != EncodingUTF8 {
				t.Errorf("encoding: got %q, want utf-8", r.Encoding())
			}
		})
	}
	t.Run("a big5 line in a utf-8 file is still a mix", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString("CCODE,CNAM1\r\n")
		for b.Len() < 70<<10 {
			b.WriteString("C00001,台北客戶\r\n")
		}
		lines := strings.Count(b.String(), "\n")
		b.Write(big5(t, "C09999,高雄客戶,100\r\n"))
		r, err := NewCSVReader(bytes.NewReader(b.Bytes()), "mix.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = readAll(t, r)
		checkErr(t, err, ErrMixedEncoding, lines+1, "mix.csv")
	})
	t.Run("a big5 file is still big5", func(t *testing.T) {
		in := big5(t, "客戶名稱,電話,地址\n王小明,0933555666,台北市信義區\n陳大文,1,台中市\n")
		r, err := NewCSVReader(bytes.NewReader(in), "big5.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, r)
		if err != nil || len(got) != 3 || r.Encoding() != EncodingBig5 {
			t.Errorf("got %d records, encoding %q, error %v; want 3 records of big5", len(got), r.Encoding(), err)
		}
	})
}

// A record's cells are the caller's: changing them, or appending to them,
// changes no other record, also when the records share the reader's
// chunks (plain lines, quoted ones, a long line, thousands of rows).
func TestCSVCellsAreTheCallers(t *testing.T) {
	var in strings.Builder
	in.WriteString("a,b,c\n")
	for i := range 3000 {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&in, "%d,甲%d,x\n", i, i)
		case 1:
			fmt.Fprintf(&in, "%d,\"乙,%d\",\"y\nz\"\n", i, i)
		default:
			fmt.Fprintf(&in, "%d,%s,w\n", i, strings.Repeat("長", 2000))
		}
	}
	r, err := NewCSVReader(strings.NewReader(in.String()), "f.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	var want [][]string
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		want = append(want, slices.Clone(rec.Cells))
		if len(recs) > 0 {
			// The caller scribbles on the record before: cells replaced,
			// one appended (into spare room, if there were any).
			prev := &recs[len(recs)-1]
			prev.Cells[0] = "changed"
			_ = append(prev.Cells, "appended")
			want[len(recs)-1][0] = "changed"
		}
		recs = append(recs, rec)
	}
	if len(recs) != 3001 {
		t.Fatalf("%d records, want 3001", len(recs))
	}
	for i, rec := range recs {
		if !slices.Equal(rec.Cells, want[i]) {
			t.Fatalf("record %d (line %d): %q, want %q", i, rec.Line, rec.Cells, want[i])
		}
	}
}
