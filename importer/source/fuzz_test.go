package source

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"name,phone\n王小明,0933555666\n",
		"\xEF\xBB\xBFa;b\r\n\"x\ny\";2\r\n",
		"a\tb\n\n\n1\t2\n",
		"a,b\n\"x,y\n",
		"a,\"b\"c\n",
		"\xFF\xFEa\x00,\x00b\x00\n\x00",
		"\xB3\xAF,\xA4\x40\n1,2\n",
		"a,b\nc\x00d\n",
		",,,\n \n\"\"\n",
		"a,b\r\"x\ry\",2\r\r3,4",
		"a,b\r\n\"x\ry\",2\r\n",
		"a,b\rC1,x\rC2,y\nC3,z\n",
		"地點,緯度\n南極站,37°36'37.8\"N\n",
		"品名;規格\n螢幕;15\" 螢幕\n",
		"a,b\n12\",\",\",end\"\n",
		"a,b\r\r\n1,2\r\r\n",
		"a,b\r\"x\r\ny\",1\r2,3\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCSVReader(bytes.NewReader(data), "fuzz.csv", Options{MaxCellBytes: 1 << 10, MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		// Line breaks are LF, or a lone CR in a CR-only file.
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 1
		last := 0
		for i := 0; ; i++ {
			rec, err := r.Read()
			if err != nil {
				return
			}
			if rec.Line < 1 || rec.Line <= last {
				t.Fatalf("record %d: line %d after line %d", i, rec.Line, last)
			}
			if rec.Line > lines && r.Encoding() == EncodingUTF8 {
				t.Fatalf("record %d: line %d beyond the %d lines of the input", i, rec.Line, lines)
			}
			if len(rec.Cells) == 0 {
				t.Fatalf("record %d: no cells", i)
			}
			last = rec.Line
		}
	})
}

func FuzzXLSXReader(f *testing.F) {
	dir := f.TempDir()
	book := excelize.NewFile()
	must(f, book.SetSheetRow("Sheet1", "A1", &[]any{"name", "phone", "when"}))
	must(f, book.SetSheetRow("Sheet1", "A3", &[]any{"王小明", "0933555666", 45000.5}))
	styled(f, book, "Sheet1", "C3", 45000.5, 22, "")
	p := saveBook(f, book, dir, "seed.xlsx")
	seed, err := os.ReadFile(p)
	must(f, err)
	f.Add(seed)
	hand := zipParts(f, dir, "hand.xlsx", handmade(`<workbookPr date1904="1"/>`,
		`<row r="1" hidden="1"><c r="A1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"><v>100</v></c><c r="C2" t="e"><v>#REF!</v></c></row>`,
		`<si><r><t>a</t></r><rPh><t>b</t></rPh></si><si/><si><t>`+strings.Repeat("x", 5000)+`</t></si>`,
		`<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>`)...)
	seed2, err := os.ReadFile(hand)
	must(f, err)
	f.Add(seed2)
	// Legacy-xls magic. (An encrypted seed is left out: each decryption
	// runs 100,000 SHA-512 rounds, which starves the fuzzer.)
	f.Add(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...))

	f.Fuzz(func(t *testing.T, data []byte) {
		// A new file each time: a fresh folder per input, or truncating
		// the same file, makes each input wait for the disk.
		tf, err := os.CreateTemp(dir, "fuzz-*.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		p := tf.Name()
		defer os.Remove(p)
		_, err = tf.Write(data)
		if cerr := tf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		r, err := Open(p, Options{Password: "pw", MaxBytes: 8 << 20, MaxCellBytes: 1 << 12})
		if err != nil {
			return
		}
		defer r.Close()
		last := 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				return
			}
			if rec.Line < 1 || rec.Line <= last && isXLSX(r) {
				// XLSX row numbers come from the file and may repeat in
				// a damaged one; they must still be positive.
				if rec.Line < 1 {
					t.Fatalf("line %d", rec.Line)
				}
			}
			last = rec.Line
		}
	})
}

func isXLSX(r Reader) bool {
	_, ok := r.(*XLSXReader)
	return ok
}

// FuzzQuoteBare checks the CSV quote rules on one line against a plain
// reference reader of the rules Excel follows: a quote opens a quoted cell
// only as its first character, "" inside one is a quote, and the closing
// quote must end the cell. Cells that break the rules must be refused;
// any other line must read as the reference reads it.
func FuzzQuoteBare(f *testing.F) {
	for _, s := range []string{`a,b`, `37°36'37.8"N,x`, `15" 螢幕`, `"a,b",c`, `"a""b",c`, `"open`, `"a"b,c`, `a"b"c,"d"`, `,,"",`, ` "a",b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\r\n") {
			return
		}
		want, wantOK := excelCells(line)
		var q quoteScan
		q.delim = []byte(",")
		out := q.quoteBare(nil, []byte(line+"\n"))
		cr := csv.NewReader(bytes.NewReader(out))
		cr.FieldsPerRecord = -1
		got, err := cr.Read()
		if line == "" {
			return // csv skips empty lines
		}
		if !wantOK {
			if err == nil {
				t.Fatalf("line %q: read as %q (rewritten %q), want it refused", line, got, out)
			}
			return
		}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("line %q: got %q, %v (rewritten %q); want %q", line, got, err, out, want)
		}
		if q.inQuoted {
			t.Fatalf("line %q: still inside a quoted cell after the line", line)
		}
	})
}

// excelCells splits one comma-separated line by Excel's quote rules; ok
// is false for a quoted cell that is not closed or has text after its
// closing quote.
func excelCells(line string) (cells []string, ok bool) {
	for {
		if !strings.HasPrefix(line, `"`) {
			cell, rest, more := strings.Cut(line, ",")
			cells = append(cells, cell)
			if !more {
				return cells, true
			}
			line = rest
			continue
		}
		var b strings.Builder
		i := 1
		for {
			j := strings.IndexByte(line[i:], '"')
			if j < 0 {
				return nil, false
			}
			b.WriteString(line[i : i+j])
			i += j + 1
			if strings.HasPrefix(line[i:], `"`) {
				b.WriteByte('"')
				i++
				continue
			}
			break
		}
		cells = append(cells, b.String())
		switch {
		case i == len(line):
			return cells, true
		case line[i] != ',':
			return nil, false
		}
		line = line[i+1:]
	}
}
