package source

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/traditionalchinese"
)

const (
	benchRows = 100_000
	benchCols = 20
)

// benchCell returns the text of a generated cell.
func benchCell(row, col int) string {
	switch col % 5 {
	case 0:
		return "客戶" + strconv.Itoa(row)
	case 1:
		return fmt.Sprintf("09%08d", row)
	case 2:
		return strconv.Itoa(row * 37)
	case 3:
		return "台北市信義區市府路" + strconv.Itoa(col) + "號"
	}
	return "備註 note " + strconv.Itoa(row%1000)
}

func BenchmarkCSVRead(b *testing.B) {
	var buf bytes.Buffer
	for r := 0; r <= benchRows; r++ {
		for c := 0; c < benchCols; c++ {
			if c > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(benchCell(r, c))
		}
		buf.WriteString("\r\n")
	}
	data := buf.Bytes()
	big5Data, err := bytesBig5(data)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		data []byte
	}{{"utf8", data}, {"big5", big5Data}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.data)))
			rows := 0
			for b.Loop() {
				r, err := NewCSVReader(bytes.NewReader(bc.data), "bench.csv", Options{})
				if err != nil {
					b.Fatal(err)
				}
				rows += countRows(b, r)
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func bytesBig5(p []byte) ([]byte, error) {
	return traditionalchinese.Big5.NewEncoder().Bytes(p)
}

func countRows(b *testing.B, r Reader) int {
	n := 0
	for {
		rec, err := r.Read()
		if err != nil {
			if err != io.EOF {
				b.Fatal(err)
			}
			return n
		}
		if len(rec.Cells) != benchCols {
			b.Fatalf("line %d: got %d cells, want %d", rec.Line, len(rec.Cells), benchCols)
		}
		n++
	}
}

// writeStreamBook writes the benchmark workbook with excelize's StreamWriter
// (inline strings, as StreamWriter writes them), with a date column.
func writeStreamBook(b *testing.B, path string) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, benchCols)
	for r := 0; r <= benchRows; r++ {
		for c := range row {
			if c == benchCols-1 && r > 0 {
				row[c] = excelize.Cell{StyleID: dateStyle, Value: 45000 + r%3000}
				continue
			}
			row[c] = benchCell(r, c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// writeSSTBook writes the same data the way Excel does: every text in the
// shared-string table (here about 1.2 M unique strings, ~40 MB of XML).
func writeSSTBook(b *testing.B, path string) {
	var sheet, sst bytes.Buffer
	index := map[string]int{}
	var strs []string
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<worksheet " + nsMain + "><sheetData>")
	for r := 0; r <= benchRows; r++ {
		fmt.Fprintf(&sheet, `<row r="%d">`, r+1)
		for c := 0; c < benchCols; c++ {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if c == benchCols-1 && r > 0 {
				fmt.Fprintf(&sheet, `<c r="%s" s="1"><v>%d</v></c>`, ref, 45000+r%3000)
				continue
			}
			s := benchCell(r, c)
			i, ok := index[s]
			if !ok {
				i = len(strs)
				index[s] = i
				strs = append(strs, s)
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
		}
		sheet.WriteString("</row>")
	}
	sheet.WriteString("</sheetData></worksheet>")
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst %s count="%d" uniqueCount="%d">`, nsMain, len(strs), len(strs))
	for _, s := range strs {
		sst.WriteString("<si><t>")
		sst.WriteString(s)
		sst.WriteString("</t></si>")
	}
	sst.WriteString("</sst>")
	parts := handmade("", "", "x", `<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>`)
	parts[4][1] = sheet.String()
	parts[5][1] = sst.String()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	zw := zip.NewWriter(w)
	for _, p := range parts {
		pw, err := zw.Create(p[0])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pw.Write([]byte(p[1])); err != nil {
			b.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkXLSXRead reads 100,000 × 20 cells with this package's reader and,
// for comparison, with excelize's Rows iterator at two UnzipXMLSizeLimit
// settings (16 MiB is excelize's default; above it excelize spills the
// worksheet and the shared strings to temporary files).
func BenchmarkXLSXRead(b *testing.B) {
	dir := b.TempDir()
	books := []struct{ name, path string }{
		{"stream", dir + "/stream.xlsx"},
		{"sst", dir + "/sst.xlsx"},
	}
	writeStreamBook(b, books[0].path)
	writeSSTBook(b, books[1].path)
	for _, book := range books {
		b.Run(book.name+"/source", func(b *testing.B) {
			b.ReportAllocs()
			rows := 0
			for b.Loop() {
				r, err := OpenXLSX(book.path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				rows += countRows(b, r)
				r.Close()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
		for _, limit := range []int64{16 << 20, 128 << 20} {
			b.Run(fmt.Sprintf("%s/excelize-rows-xmllimit=%dMiB", book.name, limit>>20), func(b *testing.B) {
				b.ReportAllocs()
				rows := 0
				for b.Loop() {
					f, err := excelize.OpenFile(book.path, excelize.Options{UnzipXMLSizeLimit: limit, UnzipSizeLimit: 1 << 30})
					if err != nil {
						b.Fatal(err)
					}
					it, err := f.Rows(f.GetSheetName(0))
					if err != nil {
						b.Fatal(err)
					}
					for it.Next() {
						cols, err := it.Columns(excelize.Options{RawCellValue: true})
						if err != nil {
							b.Fatal(err)
						}
						if !strings.HasPrefix(cols[0], "客戶") {
							b.Fatalf("got %q", cols[0])
						}
						rows++
					}
					it.Close()
					f.Close()
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// customersCSV is n rows shaped like bench/speed's 1,000,000 × 10 file
// (code, names, 統編, phones, address, e-mail, credit, birthday).
func customersCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff客戶代號,客戶名稱,客戶簡稱,統一編號,客戶電話,手機,客戶地址,電子郵件,信用額度,生日\r\n")
	for i := range n {
		ban := ""
		if i%3 != 0 {
			ban = fmt.Sprintf("%08d", 10000000+i*7)
		}
		fmt.Fprintf(&buf, "C%07d,順發電機有限公司,順發台北,%s,02-%04d-%04d,0912-%03d-%03d,台北市中山區南京東路二段%d號%d樓,service%d@example.com.tw,%d.5,19%02d/%02d/%02d\r\n",
			i+1, ban, 2000+i%7000, i%10000, i%1000, i%997, 1+i%300, 1+i%12, i+1, 10000*(1+i%50), 50+i%50, 1+i%12, 1+i%28)
	}
	return buf.Bytes()
}

// BenchmarkCSVReadCustomers reads 100,000 rows shaped like bench/speed's
// CSV: allocs/op is what the framing costs the garbage collector.
func BenchmarkCSVReadCustomers(b *testing.B) {
	data := customersCSV(100_000)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := NewCSVReader(bytes.NewReader(data), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil || len(rec.Cells) != 10 {
				b.Fatalf("record %d: %v, %d cells", n, err, len(rec.Cells))
			}
			n++
		}
		if n != 100_001 {
			b.Fatalf("%d records", n)
		}
	}
}
