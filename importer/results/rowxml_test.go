package results

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// excelizeValue is the value excelize's SetRow takes for c.
func excelizeValue(c xcell) any {
	switch c.kind {
	case cellEmpty:
		return &excelize.Cell{StyleID: c.style}
	case cellText:
		return &excelize.Cell{StyleID: c.style, Value: c.text}
	case cellNumber:
		return &excelize.Cell{StyleID: c.style, Value: c.num}
	}
	return nil
}

// excelizeRows returns the content of <sheetData> as excelize's
// StreamWriter writes rows, and its error.
func excelizeRows(t testing.TB, rows [][]xcell) (string, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		vals := make([]any, len(row))
		for j, c := range row {
			vals[j] = excelizeValue(c)
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+1), vals); err != nil {
			return "", err
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	sheet := readPart(t, buf.Bytes(), "xl/worksheets/sheet1.xml")
	_, data, ok := strings.Cut(sheet, "<sheetData>")
	data, _, ok2 := strings.Cut(data, "</sheetData>")
	if !ok || !ok2 {
		t.Fatalf("no sheetData in %q", sheet)
	}
	return data, nil
}

func readPart(t testing.TB, zipBytes []byte, name string) string {
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ourRows returns what rowXML writes for rows, and its error.
func ourRows(rows [][]xcell) (string, error) {
	var x rowXML
	var b []byte
	for i, row := range rows {
		var err error
		if b, err = x.appendRow(b, i+1, row); err != nil {
			return "", err
		}
	}
	return string(b), nil
}

func compareRows(t *testing.T, rows [][]xcell) {
	t.Helper()
	want, werr := excelizeRows(t, rows)
	got, gerr := ourRows(rows)
	if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("error %v, excelize %v", gerr, werr)
	}
	if got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("rows differ at byte %d:\n got      …%q\n excelize …%q", i, got[max(i-60, 0):min(i+80, len(got))], want[max(i-60, 0):min(i+80, len(want))])
	}
}

var rowXMLTexts = []string{
	"plain", "客戶甲", " lead", "trail ", "\ttab", "line\nbreak", "cr\r\nlf", "\n", " ", `quote " apos ' amp & lt < gt >`,
	"_x0041_", "a_x005F_x0041_b", "_x005F_", "_x005F_x0041", "_x005F_xD800_", "_xD800_", "_xZZZZ_", "_x00410_", "x_x000D_", "_x",
	"ctl\x01\x1f", "bad\xffutf8", "\xe4\xb8", "\uFFFE\uFFFF\uFFFD", "emoji 😀 中文", "]]>", "&amp;", "\x7f",
	strings.Repeat("x", 32767), strings.Repeat("x", 32768), strings.Repeat("x", 32766) + "😀", strings.Repeat("中", 32768),
}

var rowXMLNumbers = []float64{0, math.Copysign(0, -1), 1, -12.5, 0.1 + 0.2, 1e20, 1e-20, 123456789012345678, 1234567.891234567891, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1), 5e-324}

func TestRowXMLMatchesExcelize(t *testing.T) {
	var row []xcell
	for i, s := range rowXMLTexts {
		row = append(row, xcell{kind: cellText, text: s, style: i % 4})
	}
	for i, v := range rowXMLNumbers {
		row = append(row, xcell{kind: cellNumber, num: v, style: i % 3})
	}
	row = append(row, xcell{}, xcell{kind: cellEmpty, style: 2}, xcell{kind: cellEmpty}, xcell{kind: cellText, style: 1})
	compareRows(t, [][]xcell{row, nil, {{}, {}}, {{kind: cellText, text: "x"}}})

	wide := make([]xcell, excelize.MaxColumns+2)
	wide[excelize.MaxColumns-1] = xcell{kind: cellText, text: "last"}
	compareRows(t, [][]xcell{wide})
	wide[excelize.MaxColumns+1] = xcell{kind: cellText, text: "beyond"}
	compareRows(t, [][]xcell{wide})
}

// FuzzRowXML checks that rowXML writes any cells as excelize's SetRow does.
func FuzzRowXML(f *testing.F) {
	for i, s := range rowXMLTexts {
		f.Add(s, rowXMLNumbers[i%len(rowXMLNumbers)], uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, v float64, style uint8) {
		compareRows(t, [][]xcell{{
			{kind: cellText, text: s, style: int(style % 8)},
			{kind: cellNumber, num: v},
			{kind: cellKind(style % 4), text: s, num: v, style: int(style / 8)},
		}})
	})
}
