package source

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// customersSheetData is n rows of 20 cells shaped like bench/speed's XLSX
// (inline strings, numbers, a date cell with a style), as excelize's
// StreamWriter writes them.
func customersSheetData(n int) string {
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for c := range 20 {
		fmt.Fprintf(&b, `<c r="%c1" t="inlineStr"><is><t>欄位%d</t></is></c>`, 'A'+c, c+1)
	}
	b.WriteString(`</row>`)
	for i := 2; i <= n+1; i++ {
		fmt.Fprintf(&b, `<row r="%d">`, i)
		fmt.Fprintf(&b, `<c r="A%d" t="inlineStr"><is><t>C%07d</t></is></c>`, i, i)
		fmt.Fprintf(&b, `<c r="B%d" t="inlineStr"><is><t>金寶建設商行</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="C%d" t="inlineStr"><is><t>金寶台南</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="D%d" t="inlineStr"><is><t>%08d</t></is></c>`, i, 34343352+i)
		fmt.Fprintf(&b, `<c r="E%d" t="inlineStr"><is><t>06-2162-%04d</t></is></c>`, i, i%10000)
		fmt.Fprintf(&b, `<c r="F%d" t="inlineStr"><is><t>0932-247-%03d</t></is></c>`, i, i%1000)
		fmt.Fprintf(&b, `<c r="G%d" t="inlineStr"><is><t>台南市東區中華東路一段%d號9樓</t></is></c>`, i, i%300)
		fmt.Fprintf(&b, `<c r="H%d" t="inlineStr"><is><t>service%d@example.com.tw</t></is></c>`, i, i)
		fmt.Fprintf(&b, `<c r="I%d"><v>%d.25</v></c>`, i, 300000+i)
		fmt.Fprintf(&b, `<c r="J%d" s="1"><v>%d</v></c>`, i, 20000+i%9000)
		fmt.Fprintf(&b, `<c r="K%d" t="inlineStr"><is><t>陳欣怡</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="L%d" t="inlineStr"><is><t></t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="M%d" t="inlineStr"><is><t>06-6694-3579</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="N%d" t="inlineStr"><is><t>台南市東區中華東路一段29號</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="O%d"><v>10</v></c><c r="P%d"><v>5</v></c><c r="Q%d"><v>1</v></c>`, i, i, i)
		fmt.Fprintf(&b, `<c r="R%d" t="inlineStr"><is><t>S012</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="S%d" t="inlineStr"><is><t>V229037662</t></is></c>`, i)
		fmt.Fprintf(&b, `<c r="T%d" t="inlineStr"><is><t>請先來電</t></is></c>`, i)
		b.WriteString(`</row>`)
	}
	return b.String()
}

// zipPartsMethod zips parts in memory with method (zip.Store or zip.Deflate).
func zipPartsMethod(tb testing.TB, parts [][2]string, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: method})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkXLSXReadCustomers reads 20,000 rows shaped like bench/speed's
// XLSX from memory: stored (the XML scanning alone) and deflated (with the
// decompression). MB/s is of the sheet XML.
func BenchmarkXLSXReadCustomers(b *testing.B) {
	const n = 20_000
	data := customersSheetData(n)
	parts := handmade("", data, "", `<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>`)
	for _, m := range []struct {
		name   string
		method uint16
	}{{"stored", zip.Store}, {"deflated", zip.Deflate}} {
		book := zipPartsMethod(b, parts, m.method)
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := openXLSXAt("bench.xlsx", bytes.NewReader(book), int64(len(book)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				if got := countRows(b, r); got != n+1 {
					b.Fatalf("%d rows, want %d", got, n+1)
				}
				r.Close()
			}
		})
	}
}
