package cli

// The bad-input corpus: every case runs `custimport check` in-process on a
// file built in t.TempDir() and asserts the exit code (0 all rows VALID,
// 1 some rows not, 2 could not run) and a message that names the file and,
// where it applies, the line and the field. None may panic, hang or skip
// data silently.

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/traditionalchinese"
)

func TestCheckEmptyAndHeaderOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		file     string
		data     string
		wantCode int
		wantErr  []string // in stderr
		wantOut  []string // in stdout
	}{
		{"empty CSV", "empty.csv", "", ExitCantRun, []string{"empty.csv", "the file is empty"}, nil},
		{"empty file named xlsx", "empty.xlsx", "", ExitCantRun, []string{"empty.xlsx", "the file is empty"}, nil},
		{"only blank lines", "blank.csv", "\r\n , ,\r\n\t\r\n", ExitCantRun, []string{"blank.csv", "the file is empty"}, nil},
		{"header only", "header.csv", "CCODE,CNAM1,CBELE\r\n", ExitOK, nil, []string{"Rows: 0", "Results: ", "header (line 1) but no data rows"}},
		{"header and blank lines", "header2.csv", "CCODE,CNAM1,CBELE\r\n,,\r\n\r\n", ExitOK, nil, []string{"Rows: 0", "no data rows"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := writeFile(t, dir, tc.file, []byte(tc.data))
			res := run(t, nil, "check", "--lang", "en", in)
			if res.code != tc.wantCode {
				t.Fatalf("got exit %d, want %d\n%s", res.code, tc.wantCode, res)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not mention %q\n%s", w, res)
				}
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(res.stdout, w) {
					t.Errorf("stdout does not mention %q\n%s", w, res)
				}
			}
			if tc.wantCode == ExitOK {
				tb := readXLSXTable(t, strings.TrimSuffix(in, ".csv")+".results.xlsx")
				want := append([]string{"CCODE", "CNAM1", "CBELE"}, resultCols...)
				if strings.Join(tb.header, "|") != strings.Join(want, "|") {
					t.Errorf("results header: got %q, want %q", tb.header, want)
				}
				if len(tb.rows) != 0 {
					t.Errorf("results have %d data rows, want 0: %q", len(tb.rows), tb.rows)
				}
			}
		})
	}
}

func TestCheckRaggedRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, dir, "ragged.csv", []byte(
		"CCODE,CNAM1,CBELE\r\n"+
			"C001,Acme,100,EXTRA-1,\r\n"+ // more cells than the header
			"C002,Beta\r\n"+ // fewer: fine
			"C003,Gamma,100,,  \r\n"+ // extra cells, all blank: fine
			"C004,Delta,100,,x2\r\n"))
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	tb := readXLSXTable(t, filepath.Join(dir, "ragged.results.xlsx"))
	for i, want := range []struct{ status, msg string }{
		{"INVALID", `"EXTRA-1"`},
		{"VALID", ""},
		{"VALID", ""},
		{"INVALID", `"x2"`},
	} {
		if got := tb.cell(t, i, "ImportStatus"); got != want.status {
			t.Errorf("row %d ImportStatus: got %q, want %q (message %q)", i+2, got, want.status, tb.cell(t, i, "ImportErrorMessage"))
		}
		msg := tb.cell(t, i, "ImportErrorMessage")
		if want.msg == "" && msg != "" {
			t.Errorf("row %d ImportErrorMessage: got %q, want none", i+2, msg)
		}
		if want.msg != "" && (!strings.Contains(msg, want.msg) || !strings.Contains(msg, "3 columns")) {
			t.Errorf("row %d ImportErrorMessage: got %q, want the extra content %s and the header width", i+2, msg, want.msg)
		}
	}
	if got := tb.cell(t, 1, "CNAM1"); got != "Beta" {
		t.Errorf("row 3 CNAM1: got %q, want %q", got, "Beta")
	}
}

// big5 encodes s as Big5.
func big5(t *testing.T, s string) []byte {
	t.Helper()
	b, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowsCSV returns n valid UTF-8 rows numbered from first.
func rowsCSV(first, n int, name string) string {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "C%05d,%s%d,100\r\n", i, name, i)
	}
	return b.String()
}

func TestCheckUnreadableCSV(t *testing.T) {
	t.Parallel()
	const header = "CCODE,CNAM1,CBELE\r\n"
	bigCell := strings.Repeat("長", (1<<20)/3+1) // just over the 1 MiB cell limit
	for _, tc := range []struct {
		name string
		data func(t *testing.T) []byte
		args []string
		want []string // in stderr, besides the file name
		// rowsBefore is how many rows before the bad line must be in the
		// results (a bad line after the header search is found while
		// streaming; the rows before it are kept).
		rowsBefore int
	}{
		{"quote never closed, early", func(*testing.T) []byte {
			return []byte(header + "C001,Acme,100\r\nC002,\"Beta,100\r\nC003,Gamma,100\r\n")
		}, nil, []string{"line 3", "quotes are not balanced", "never closed"}, -1},
		{"quote never closed, line 15", func(*testing.T) []byte {
			return []byte(header + rowsCSV(1, 13, "n") + "C099,\"Beta,100\r\nC100,x,1\r\n")
		}, nil, []string{"line 15", "quotes are not balanced"}, 13},
		{"text after a closing quote", func(*testing.T) []byte {
			return []byte(header + "C001,\"Acme\"x,100\r\n")
		}, nil, []string{"line 2", "quotes are not balanced"}, -1},
		{"NUL byte", func(*testing.T) []byte {
			return []byte(header + rowsCSV(1, 11, "n") + "C099,Ac\x00me,100\r\n" + rowsCSV(200, 2, "n"))
		}, nil, []string{"line 13", "NUL byte"}, 11},
		{"UTF-8, then a Big5 line after the first 64 KB", func(t *testing.T) []byte {
			var b bytes.Buffer
			b.WriteString(header + rowsCSV(1, 3000, "台北客戶"))
			b.Write(big5(t, "C09999,高雄客戶,100\r\n"))
			return b.Bytes()
		}, nil, []string{"line 3002", "mixes text encodings", "--encoding big5"}, 3000},
		{"Big5, then a UTF-8 line", func(t *testing.T) []byte {
			var b bytes.Buffer
			b.Write(big5(t, header+rowsCSV(1, 12, "台北客戶")))
			b.WriteString("C09999,高雄客戶,100\r\n")
			return b.Bytes()
		}, nil, []string{"line 14", "mixes text encodings", "--encoding"}, 12},
		{"forced UTF-8 on a Big5 file", func(t *testing.T) []byte {
			return big5(t, header+"C001,台北客戶,100\r\n")
		}, []string{"--encoding", "utf-8"}, []string{"line 2", "not valid UTF-8", "--encoding big5"}, -1},
		{"cell over 1 MiB", func(*testing.T) []byte {
			return []byte(header + "C001,Acme,100\r\nC002," + bigCell + ",100\r\n")
		}, nil, []string{"line 3", "cell is too large"}, -1},
		{"quoted cell over 1 MiB spanning lines", func(*testing.T) []byte {
			return []byte(header + "C001,\"" + strings.Repeat("xxxx\n", 250_000) + "\",100\r\n")
		}, nil, []string{"line 2", "cell is too large"}, -1},
		{"unclosed quote to the end of a big file", func(*testing.T) []byte {
			return []byte(header + "C001,\"Acme,100\r\n" + strings.Repeat("C002,x,100\r\n", 300_000))
		}, nil, []string{"line 2", "cell is too large", "quote left open"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := writeFile(t, dir, "bad.csv", tc.data(t))
			args := append([]string{"check", "--lang", "en"}, tc.args...)
			start := time.Now()
			res := run(t, nil, append(args, in)...)
			if res.code != ExitCantRun {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitCantRun, res)
			}
			if !strings.Contains(res.stderr, "bad.csv") {
				t.Errorf("stderr does not name the file bad.csv\n%s", res)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not mention %q\n%s", w, res)
				}
			}
			if strings.Count(res.stderr, "\n") > 5 {
				t.Errorf("stderr has %d lines; want a short message\n%s", strings.Count(res.stderr, "\n"), res)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if tc.rowsBefore >= 0 {
				tb := readXLSXTable(t, filepath.Join(dir, "bad.results.xlsx"))
				if len(tb.rows) != tc.rowsBefore {
					t.Errorf("results have %d rows, want the %d before the bad line", len(tb.rows), tc.rowsBefore)
				}
				for i := range tb.rows {
					if got := tb.cell(t, i, "ImportStatus"); got != "VALID" {
						t.Errorf("row %d ImportStatus: got %q, want VALID", i+2, got)
						break
					}
				}
			}
		})
	}
}

func TestCheckLongCellUnderTheLimit(t *testing.T) {
	t.Parallel()
	// A 1,000,000-byte cell is under the reader's 1 MiB cell limit: the
	// row is read and found INVALID by the field's length, with a message
	// that quotes only the start of the value.
	dir := t.TempDir()
	in := writeFile(t, dir, "long.csv", []byte("CCODE,CNAM1,CBELE\r\nC001,"+strings.Repeat("x", 1_000_000)+",100\r\nC002,ok,1\r\n"))
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	tb := readXLSXTable(t, filepath.Join(dir, "long.results.xlsx"))
	msg := tb.cell(t, 0, "ImportErrorMessage")
	if tb.cell(t, 0, "ImportStatus") != "INVALID" || !strings.Contains(msg, "CNAM1") || !strings.Contains(msg, "1000000") {
		t.Errorf("row 2: got %q %q, want INVALID naming CNAM1 and the length 1000000", tb.cell(t, 0, "ImportStatus"), msg)
	}
	if len(msg) > 500 {
		t.Errorf("row 2 message is %d bytes long; want the value shortened", len(msg))
	}
	if got := tb.cell(t, 1, "ImportStatus"); got != "VALID" {
		t.Errorf("row 3 ImportStatus: got %q, want VALID", got)
	}
}

func TestCheckRaggedHugeExtraCell(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, dir, "ragged.csv", []byte("CCODE,CNAM1,CBELE\r\nC001,a,1,"+strings.Repeat("z", 500_000)+"\r\n"))
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	tb := readXLSXTable(t, filepath.Join(dir, "ragged.results.xlsx"))
	if msg := tb.cell(t, 0, "ImportErrorMessage"); len(msg) > 1000 {
		t.Errorf("row 2 message is %d bytes long; want the extra content shortened", len(msg))
	}
}

func TestCheckXLSXCellTooLarge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := strRow(1, basicHeader...) + strRow(2, "C001", "ok", "1") + strRow(3, "C002", strings.Repeat("x", 1<<20+1), "1")
	in := rawXLSX(t, filepath.Join(dir, "bigcell.xlsx"), "", rawSheet{name: "Sheet1", data: data})
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitCantRun {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitCantRun, res)
	}
	for _, w := range []string{"bigcell.xlsx", "line 3", "cell B3", "cell is too large"} {
		if !strings.Contains(res.stderr, w) {
			t.Errorf("stderr does not mention %q\n%s", w, res)
		}
	}
}

func TestCheckManyUnknownColumns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	header := []string{"CCODE"}
	row := []string{"C001"}
	for i := 1; i <= 4999; i++ {
		header = append(header, fmt.Sprintf("extra%04d", i))
		row = append(row, fmt.Sprintf("v%d", i))
	}
	in := writeFile(t, dir, "wide.csv", csvBytes(t, header, row))
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitOK {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitOK, res)
	}
	for _, w := range []string{`"extra0001" matches no field`, `"extra0010" matches no field`, "4989 more columns match no field", "VALID 1"} {
		if !strings.Contains(res.stdout, w) {
			t.Errorf("stdout does not mention %q\n%s", w, res)
		}
	}
	tb := readXLSXTable(t, filepath.Join(dir, "wide.results.xlsx"))
	if len(tb.header) != 5000+len(resultCols) {
		t.Fatalf("results have %d columns, want %d", len(tb.header), 5000+len(resultCols))
	}
	if got := tb.cell(t, 0, "extra4999"); got != "v4999" {
		t.Errorf("column extra4999: got %q, want %q (unknown columns are kept)", got, "v4999")
	}
	if got := tb.cell(t, 0, "ImportStatus"); got != "VALID" {
		t.Errorf("ImportStatus: got %q, want VALID", got)
	}
}

// TestCheckBlankRowsThenData checks that 200,000 blank rows between the
// header and the data are skipped and the data rows keep their line
// numbers: the second of two rows with the same code says which line the
// first is on.
func TestCheckBlankRowsThenData(t *testing.T) {
	t.Parallel()
	const blanks = 200_000
	const first = blanks + 2 // the header is line 1
	build := map[string]func(t *testing.T, path string){
		"blank.csv": func(t *testing.T, path string) {
			var b bytes.Buffer
			b.WriteString("CCODE,CNAM1,CBELE\r\n")
			for i := 0; i < blanks; i++ {
				if i%2 == 0 {
					b.WriteString(",,\r\n")
				} else {
					b.WriteString("\r\n")
				}
			}
			b.WriteString("C001,Acme,100\r\nC001,Acme again,100\r\n")
			writeFile(t, filepath.Dir(path), filepath.Base(path), b.Bytes())
		},
		"blank.xlsx": func(t *testing.T, path string) {
			var b strings.Builder
			b.WriteString(strRow(1, basicHeader...))
			for r := 2; r < first; r++ {
				// Mostly the empty formatted rows Excel writes, some
				// with a whitespace-only cell.
				if r%16 != 0 {
					fmt.Fprintf(&b, `<row r="%d" spans="1:3" customFormat="1" s="0"/>`, r)
				} else {
					fmt.Fprintf(&b, `<row r="%d"><c r="B%d" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row>`, r, r)
				}
			}
			b.WriteString(strRow(first, "C001", "Acme", "100"))
			b.WriteString(strRow(first+1, "C001", "Acme again", "100"))
			rawXLSX(t, path, "", rawSheet{name: "Sheet1", data: b.String()})
		},
	}
	for name, mk := range build {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := filepath.Join(dir, name)
			mk(t, in)
			out := filepath.Join(dir, "out.csv")
			res := run(t, nil, "check", "--lang", "en", "--out", out, in)
			if res.code != ExitRows {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
			}
			tb := readCSVTable(t, out)
			if len(tb.rows) != 2 {
				t.Fatalf("results have %d rows, want 2 (blank rows are skipped)", len(tb.rows))
			}
			if got := tb.cell(t, 0, "ImportStatus"); got != "VALID" {
				t.Errorf("first data row: got %q, want VALID", got)
			}
			msg := tb.cell(t, 1, "ImportErrorMessage")
			if want := fmt.Sprintf("duplicates row %d", first); tb.cell(t, 1, "ImportStatus") != "INVALID" || !strings.Contains(msg, want) {
				t.Errorf("second data row: got %q %q, want INVALID with %q", tb.cell(t, 1, "ImportStatus"), msg, want)
			}
		})
	}
}

func TestCheckReadsByContentNotExtension(t *testing.T) {
	t.Parallel()
	rows := [][]string{basicHeader, {"C001", "Acme", "100"}, {"C002", "台北", "200"}}
	for _, tc := range []struct {
		name, file, results string
		make                func(t *testing.T, path string)
	}{
		{"CSV named .xlsx", "data.xlsx", "data.results.xlsx", func(t *testing.T, p string) {
			writeFile(t, filepath.Dir(p), filepath.Base(p), csvBytes(t, rows...))
		}},
		{"XLSX named .csv", "data.csv", "data.results.xlsx", func(t *testing.T, p string) {
			var cells [][]any
			for _, r := range rows {
				cells = append(cells, []any{r[0], r[1], r[2]})
			}
			xlsxFile(t, p+".xlsx", map[string][][]any{"Sheet1": cells}, []string{"Sheet1"}, nil)
			if err := os.Rename(p+".xlsx", p); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := filepath.Join(dir, tc.file)
			tc.make(t, in)
			res := run(t, nil, "check", "--lang", "en", in)
			if res.code != ExitOK {
				t.Fatalf("got exit %d, want %d\n%s", res.code, ExitOK, res)
			}
			var tb table
			if strings.HasSuffix(tc.results, ".csv") {
				tb = readCSVTable(t, filepath.Join(dir, tc.results))
			} else {
				tb = readXLSXTable(t, filepath.Join(dir, tc.results))
			}
			if len(tb.rows) != 2 {
				t.Fatalf("results have %d rows, want 2", len(tb.rows))
			}
			for i, r := range rows[1:] {
				for c, h := range basicHeader {
					if got := tb.cell(t, i, h); got != r[c] {
						t.Errorf("row %d %s: got %q, want %q", i+2, h, got, r[c])
					}
				}
				if got := tb.cell(t, i, "ImportStatus"); got != "VALID" {
					t.Errorf("row %d ImportStatus: got %q, want VALID", i+2, got)
				}
			}
		})
	}
}

// bombXLSX writes a workbook whose sheet unpacks to about chunks MiB while
// the file stays small. The deflate stream is built from independently
// compressed, byte-aligned segments, so one compressed 1 MiB chunk is
// repeated instead of compressing chunks MiB. If lie is set, the zip
// headers claim a small uncompressed size.
func bombXLSX(t *testing.T, path string, chunks int, lie bool) {
	t.Helper()
	segment := func(data []byte, final bool) []byte {
		var b bytes.Buffer
		w, err := flate.NewWriter(&b, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		if final {
			err = w.Close()
		} else {
			err = w.Flush()
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	head := []byte(worksheetHead + strRow(1, basicHeader...))
	tail := []byte(worksheetTail)
	unit := []byte(`<row><c t="inlineStr"><is><t>C001</t></is></c><c t="inlineStr"><is><t>Acme</t></is></c></row>`)
	chunk := bytes.Repeat(unit, (1<<20)/len(unit))

	var raw bytes.Buffer
	raw.Write(segment(head, false))
	cchunk := segment(chunk, false)
	crc := crc32.Update(0, crc32.IEEETable, head)
	for range chunks {
		raw.Write(cchunk)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	raw.Write(segment(tail, false))
	raw.Write(segment(nil, true))
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	size := uint64(len(head)) + uint64(chunks)*uint64(len(chunk)) + uint64(len(tail))
	if lie {
		size = 4096
	}

	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range rawParts("", []rawSheet{{name: "Sheet1"}}) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCheckZipBomb(t *testing.T) {
	t.Parallel()
	t.Run("sheet unpacks beyond the limit", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		in := filepath.Join(dir, "bomb.xlsx")
		bombXLSX(t, in, 600, false)
		if st, err := os.Stat(in); err != nil || st.Size() > 4<<20 {
			t.Fatalf("the bomb should be small: %v %v", st.Size(), err)
		}
		start := time.Now()
		res := run(t, nil, "check", "--lang", "en", in)
		if res.code != ExitCantRun {
			t.Fatalf("got exit %d, want %d\n%s", res.code, ExitCantRun, res)
		}
		for _, w := range []string{"bomb.xlsx", "too large", "unpacks to 600 MB", "512 MB limit"} {
			if !strings.Contains(res.stderr, w) {
				t.Errorf("stderr does not mention %q\n%s", w, res)
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v: the size should be checked before unpacking", d)
		}
	})
	t.Run("zip headers lie about the size", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		in := filepath.Join(dir, "liar.xlsx")
		bombXLSX(t, in, 600, true)
		start := time.Now()
		res := run(t, nil, "check", "--lang", "en", in)
		if res.code != ExitCantRun {
			t.Fatalf("got exit %d, want %d\n%s", res.code, ExitCantRun, res)
		}
		for _, w := range []string{"liar.xlsx", "damaged"} {
			if !strings.Contains(res.stderr, w) {
				t.Errorf("stderr does not mention %q\n%s", w, res)
			}
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v: reading should stop at the declared size", d)
		}
	})
}

// An encrypted workbook: its password from the environment, else asked on
// a terminal (three tries, each checked), never a flag. Every way to fail
// (no password, a wrong one from either, the prompt stopped or left
// empty) exits 2 with advice that fits it, asks no more than it should,
// and sends nothing; the password never appears in the output.
func TestPasswordProtected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "locked.xlsx"), map[string][][]any{
		"Sheet1": {{"CCODE", "CNAM1", "CBELE"}, {"C001", "Acme", 100}},
	}, []string{"Sheet1"}, nil, excelize.Options{Password: "s3same"})
	plain := xlsxFile(t, filepath.Join(dir, "plain.xlsx"), map[string][][]any{
		"Sheet1": {{"CCODE", "CNAM1", "CBELE"}, {"C002", "Plain", 100}},
	}, []string{"Sheet1"}, nil)
	for _, tc := range []struct {
		name     string
		file     string
		args     []string
		env      map[string]string
		answers  []string // typed at the prompt, in turn; nil: no terminal
		stop     bool     // the prompt is stopped (Ctrl-C) after the answers
		wantCode int
		wantAsks int
		want     []string // in stderr
	}{
		{name: "no password, no terminal", wantCode: ExitCantRun, want: []string{"locked.xlsx", "no password was given", "→ the workbook is password-protected: set CUSTIMPORT_XLSX_PASSWORD"}},
		{name: "wrong password from the environment", env: map[string]string{"CUSTIMPORT_XLSX_PASSWORD": "nope"}, answers: []string{"s3same"}, wantCode: ExitCantRun,
			want: []string{"locked.xlsx", "password is wrong", "→ the password in CUSTIMPORT_XLSX_PASSWORD does not open this workbook"}},
		{name: "a flag would show in ps", args: []string{"--password", "s3same"}, wantCode: ExitCantRun, want: []string{"password"}},
		{name: "password from the environment", env: map[string]string{"CUSTIMPORT_XLSX_PASSWORD": "s3same"}, answers: []string{"nope"}, wantCode: ExitOK},
		{name: "asked on a terminal", answers: []string{"s3same"}, wantCode: ExitOK, wantAsks: 1},
		{name: "right at the third try", answers: []string{"nope", "S3SAME", "s3same"}, wantCode: ExitOK, wantAsks: 3, want: []string{"try again: 1 of 3", "try again: 2 of 3"}},
		{name: "wrong three times", answers: []string{"nope", "nope", "nope", "s3same"}, wantCode: ExitCantRun, wantAsks: 3,
			want: []string{"wrong 3 times", "→ the password was wrong 3 times"}},
		{name: "nothing typed", answers: []string{""}, wantCode: ExitCantRun, wantAsks: 1, want: []string{"no password was typed", "nothing was sent"}},
		{name: "stopped at the prompt", answers: []string{"nope"}, stop: true, wantCode: ExitCantRun, wantAsks: 2, want: []string{"stopped at the password prompt"}},
		{name: "a workbook without a password is not asked for", file: plain, answers: []string{"s3same"}, wantCode: ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := cmp.Or(tc.file, in)
			for _, command := range []string{"check", "import"} {
				sim, _, env := startSim(t)
				for k, v := range tc.env {
					env[k] = v
				}
				asks := 0
				var ask func(string) (string, error)
				if tc.answers != nil {
					ask = func(prompt string) (string, error) {
						asks++
						if !strings.Contains(prompt, filepath.Base(file)) {
							t.Errorf("the prompt %q does not name the file", prompt)
						}
						if asks > len(tc.answers) || (tc.stop && asks == len(tc.answers)+1) {
							return "", errPromptStopped
						}
						return tc.answers[asks-1], nil
					}
					if tc.stop {
						tc.wantAsks = len(tc.answers) + 1
					}
				}
				out := filepath.Join(t.TempDir(), "out.csv")
				args := append([]string{command, "--lang", "en", "--out", out}, tc.args...)
				res := runIO(t, IO{Getenv: func(k string) string { return env[k] }, ReadPassword: ask}, append(args, file)...)
				if res.code != tc.wantCode {
					t.Fatalf("%s: got exit %d, want %d\n%s", command, res.code, tc.wantCode, res)
				}
				if asks != tc.wantAsks {
					t.Errorf("%s: asked %d times, want %d", command, asks, tc.wantAsks)
				}
				for _, w := range tc.want {
					if !strings.Contains(res.stderr, w) {
						t.Errorf("%s: stderr does not mention %q\n%s", command, w, res)
					}
				}
				if tc.args == nil && strings.Contains(res.stderr+res.stdout, "s3same") {
					t.Errorf("%s: the password appears in the output\n%s", command, res)
				}
				if n := len(sim.Customers()); tc.wantCode == ExitCantRun && n != 0 {
					t.Errorf("%s: %d customers sent", command, n)
				}
				if tc.wantCode != ExitOK {
					continue
				}
				tb := readCSVTable(t, out)
				want := "VALID"
				if command == "import" {
					want = "OK"
				}
				if len(tb.rows) != 1 || tb.cell(t, 0, "CBELE") != "100" || tb.cell(t, 0, "ImportStatus") != want {
					t.Errorf("%s results: got %q, want one %s row", command, tb.rows, want)
				}
			}
		})
	}
}

// What is typed at the password prompt (a terminal in raw mode).
func TestReadSecret(t *testing.T) {
	tests := []struct {
		name  string
		typed string
		want  string
		err   error
	}{
		{"Enter", "s3same\r", "s3same", nil},
		{"a newline", "s3same\n", "s3same", nil},
		{"what follows Enter is not read", "ab\rcd", "ab", nil},
		{"spaces kept", " s p \r", " s p ", nil},
		{"Chinese", "密碼123\r", "密碼123", nil},
		{"Backspace removes a character", "密碼x\x7f\x7f4\r", "密4", nil},
		{"Ctrl-H too", "abc\b\bz\r", "az", nil},
		{"Backspace on nothing", "\x7f\x7fa\r", "a", nil},
		{"Ctrl-U clears", "wrong\x15right\r", "right", nil},
		{"Ctrl-C", "abc\x03def\r", "", errPromptStopped},
		{"Ctrl-D on an empty line", "\x04", "", nil},
		{"Ctrl-Z on an empty line", "\x1a", "", nil},
		{"Ctrl-D after text", "abc\x04", "abc", nil},
		{"the end of the input", "abc", "abc", nil},
		{"nothing at all", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readSecret(iotest.OneByteReader(strings.NewReader(tt.typed)))
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("readSecret(%q) = %q, %v; want %q, %v", tt.typed, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestCheckFormulaErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	errCell := func(ref, v string) string {
		return fmt.Sprintf(`<c r="%s" t="e"><f>1/0+#REF!</f><v>%s</v></c>`, ref, v)
	}
	data := strRow(1, "CCODE", "CNAM1", "CBELE", "CTELE") +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>C001</t></is></c>` + errCell("B2", "#REF!") + `<c r="C2"><v>100</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>C002</t></is></c><c r="B3" t="inlineStr"><is><t>ok</t></is></c>` + errCell("C3", "#DIV/0!") + errCell("D3", "#N/A") + `</row>` +
		strRow(4, "C003", "fine", "5")
	in := rawXLSX(t, filepath.Join(dir, "formula.xlsx"), "", rawSheet{name: "Sheet1", data: data})
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	tb := readXLSXTable(t, filepath.Join(dir, "formula.results.xlsx"))
	for i, want := range []struct {
		status string
		msg    []string
	}{
		{"INVALID", []string{"CNAM1", `"#REF!"`, "formula error"}},
		{"INVALID", []string{"CBELE", `"#DIV/0!"`, "CTELE", `"#N/A"`}},
		{"VALID", nil},
	} {
		if got := tb.cell(t, i, "ImportStatus"); got != want.status {
			t.Errorf("row %d ImportStatus: got %q, want %q", i+2, got, want.status)
		}
		msg := tb.cell(t, i, "ImportErrorMessage")
		for _, w := range want.msg {
			if !strings.Contains(msg, w) {
				t.Errorf("row %d ImportErrorMessage: got %q, want it to mention %q", i+2, msg, w)
			}
		}
	}
	if got := tb.cell(t, 0, "CNAM1"); got != "#REF!" {
		t.Errorf("row 2 CNAM1 in the results: got %q, want %q", got, "#REF!")
	}
}

func TestCheckMergedCells(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "merged.xlsx"), map[string][][]any{
		"Sheet1": {
			{"CCODE", "CNAM1", "CBELE", "CBAK1"},
			{"C001", "Acme", 100, nil},
			{"C002", nil, 200, "note"},
		},
	}, []string{"Sheet1"}, func(f *excelize.File) {
		for _, m := range [][2]string{{"B2", "B3"}, {"C2", "D2"}} {
			if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	out := filepath.Join(dir, "out.csv")
	res := run(t, nil, "check", "--lang", "en", "--out", out, in)
	if res.code != ExitOK {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitOK, res)
	}
	tb := readCSVTable(t, out)
	for _, w := range []struct {
		row       int
		col, want string
	}{
		{0, "CNAM1", "Acme"}, {1, "CNAM1", ""}, // vertical merge: the top-left only
		{0, "CBELE", "100"}, {0, "CBAK1", ""}, // horizontal merge
		{1, "CBAK1", "note"},
	} {
		if got := tb.cell(t, w.row, w.col); got != w.want {
			t.Errorf("row %d %s: got %q, want %q", w.row+2, w.col, got, w.want)
		}
	}
}

func TestCheckSheets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "sheets.xlsx"), map[string][][]any{
		"Old":  {{"CCODE", "CNAM1"}, {"OLD1", "old"}},
		"Data": {{"CCODE", "CNAM1"}, {"C001", "new"}},
		"Also": {{"CCODE", "CNAM1"}, {"ALSO1", "also"}},
	}, []string{"Old", "Data", "Also"}, func(f *excelize.File) {
		idx, err := f.GetSheetIndex("Data")
		if err != nil {
			t.Fatal(err)
		}
		f.SetActiveSheet(idx)
		if err := f.SetSheetVisible("Old", false); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name      string
		args      []string
		wantCode  int
		wantCode0 string // CCODE of the one row read
		wantErr   []string
	}{
		{"two visible lists and no --sheet: refused, naming them", nil, ExitCantRun, "", []string{`"Data", "Also"`, "--sheet"}},
		{"--sheet picks a hidden one", []string{"--sheet", "Old"}, ExitOK, "OLD1", nil},
		{"--sheet picks a later one", []string{"--sheet", "Also"}, ExitOK, "ALSO1", nil},
		{"unknown sheet", []string{"--sheet", "Nope"}, ExitCantRun, "", []string{"sheets.xlsx", `no sheet "Nope"`, `"Old" (hidden)`, `"Data"`, `"Also"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			args := append([]string{"check", "--lang", "en", "--out", out}, tc.args...)
			res := run(t, nil, append(args, in)...)
			if res.code != tc.wantCode {
				t.Fatalf("got exit %d, want %d\n%s", res.code, tc.wantCode, res)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not mention %q\n%s", w, res)
				}
			}
			if tc.wantCode != ExitOK {
				return
			}
			tb := readCSVTable(t, out)
			if len(tb.rows) != 1 || tb.cell(t, 0, "CCODE") != tc.wantCode0 {
				t.Errorf("results: got %q, want the one row %s", tb.rows, tc.wantCode0)
			}
		})
	}
}

func TestSummaryNamesTheSheet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "sheets.xlsx"), map[string][][]any{
		"Old":  {{"CCODE"}, {"OLD1"}},
		"Data": {{"CCODE"}, {"C001"}},
	}, []string{"Old", "Data"}, func(f *excelize.File) {
		f.SetActiveSheet(1)
		if err := f.SetSheetVisible("Old", false); err != nil {
			t.Fatal(err)
		}
	})
	res := run(t, nil, "check", "--lang", "en", in)
	if res.code != ExitOK || !strings.Contains(res.stdout, "[Data]") {
		t.Errorf("got exit %d; want 0 and the summary to name the sheet [Data]\n%s", res.code, res)
	}
}

func TestDateSerialInGeneralCell(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "birthday.xlsx"), map[string][][]any{
		"Sheet1": {{"CCODE", "CNAM1", "CBELE", "生日"}, {"C001", "Acme", 100, 45413}},
	}, []string{"Sheet1"}, nil)

	res := run(t, nil, "check", "--lang", "en", "--out", filepath.Join(dir, "check.csv"), in)
	if res.code != ExitOK {
		t.Fatalf("check: got exit %d, want %d\n%s", res.code, ExitOK, res)
	}
	tb := readCSVTable(t, filepath.Join(dir, "check.csv"))
	warn := tb.cell(t, 0, "ImportWarnings")
	for _, w := range []string{"CBIRD", `"45413"`, `"2024/05/01"`} {
		if !strings.Contains(warn, w) {
			t.Errorf("ImportWarnings: got %q, want it to mention %s", warn, w)
		}
	}
	if got := tb.cell(t, 0, "ImportStatus"); got != "VALID" {
		t.Errorf("ImportStatus: got %q, want VALID", got)
	}

	// The converted date is what is sent.
	sim, _, env := startSim(t)
	res = run(t, env, "import", "--lang", "en", "--out", filepath.Join(dir, "import.csv"), in)
	if res.code != ExitOK {
		t.Fatalf("import: got exit %d, want %d\n%s", res.code, ExitOK, res)
	}
	cs := sim.Customers()
	if len(cs) != 1 || cs[0]["CBIRD"] != "2024/05/01" {
		t.Errorf("the simulator holds %v; want C001 with CBIRD 2024/05/01", cs)
	}
}

func TestScientificNotationIsExcelDamage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "phones.xlsx"), map[string][][]any{
		"Sheet1": {
			{"CCODE", "CNAM1", "CBELE", "CTELE", "CPHONE"},
			// A General numeric cell keeps every digit (Excel only shows
			// it as 9.12346E+11 in a narrow column): read as the number.
			{"C001", "numeric", 100, nil, int64(912345678901)},
			// Text that Excel already turned into its display form has
			// lost digits: flagged.
			{"C002", "text", 100, "9.12346E+11", nil},
			{"C003", "both", 100, "9.12346E+11", "9.1E+11"},
		},
	}, []string{"Sheet1"}, nil)
	out := filepath.Join(dir, "out.csv")
	res := run(t, nil, "check", "--lang", "en", "--out", out, in)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	tb := readCSVTable(t, out)
	if got := tb.cell(t, 0, "CPHONE"); got != "912345678901" {
		t.Errorf("row 2 CPHONE: got %q, want the full number %q", got, "912345678901")
	}
	if got, msg := tb.cell(t, 0, "ImportStatus"), tb.cell(t, 0, "ImportErrorMessage"); got != "VALID" || strings.Contains(msg, "scientific") {
		t.Errorf("row 2: got %q %q, want VALID (the numeric cell lost no digits)", got, msg)
	}
	for i, fields := range map[int][]string{1: {"CTELE"}, 2: {"CTELE", "CPHONE"}} {
		msg := tb.cell(t, i, "ImportErrorMessage")
		if tb.cell(t, i, "ImportStatus") != "INVALID" || strings.Count(msg, "scientific notation") != len(fields) {
			t.Errorf("row %d: got %q %q, want INVALID with %d scientific-notation errors", i+2, tb.cell(t, i, "ImportStatus"), msg, len(fields))
		}
		for _, f := range fields {
			if !strings.Contains(msg, f) {
				t.Errorf("row %d ImportErrorMessage: got %q, want it to name %s", i+2, msg, f)
			}
		}
	}
}

// TestCheckLongNumberLosesDigits: a number of more than 15 digits typed into
// Excel has already lost its last digits; Excel shows it in scientific
// notation, and so does the reader, so the validator flags it in a code
// column instead of sending a silently rounded code.
func TestCheckLongNumberLosesDigits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := strRow(1, "CCODE", "CNAM1", "CBELE") +
		`<row r="2"><c r="A2"><v>1234567890123456</v></c><c r="B2" t="inlineStr"><is><t>x</t></is></c><c r="C2"><v>1</v></c></row>` +
		`<row r="3"><c r="A3"><v>123456789012345</v></c><c r="B3" t="inlineStr"><is><t>y</t></is></c><c r="C3"><v>1</v></c></row>`
	in := rawXLSX(t, filepath.Join(dir, "long.xlsx"), "", rawSheet{name: "Sheet1", data: data})
	out := filepath.Join(dir, "out.csv")
	res := run(t, nil, "check", "--lang", "en", "--out", out, in)
	if res.code != ExitRows {
		t.Fatalf("got exit %d, want %d\n%s", res.code, ExitRows, res)
	}
	tb := readCSVTable(t, out)
	if got, want := tb.cell(t, 0, "CCODE"), "1.23457E+15"; got != want {
		t.Errorf("row 2 CCODE: got %q, want %q (as Excel shows it)", got, want)
	}
	wantRow(t, tb, 0, "INVALID", "CCODE", "scientific notation")
	// 15 digits are kept exactly.
	if got, want := tb.cell(t, 1, "CCODE"), "123456789012345"; got != want {
		t.Errorf("row 3 CCODE: got %q, want %q", got, want)
	}
	wantRow(t, tb, 1, "VALID")
}
