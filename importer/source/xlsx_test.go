package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// saveBook writes f into dir and closes it.
func saveBook(t testing.TB, f *excelize.File, dir, name string, opts ...excelize.Options) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := f.SaveAs(p, opts...); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// styled sets v into cell with a number format (builtin id or custom code).
func styled(t testing.TB, f *excelize.File, sheet, cell string, v any, numFmt int, custom string) {
	t.Helper()
	st := &excelize.Style{NumFmt: numFmt}
	if custom != "" {
		st.CustomNumFmt = &custom
	}
	id, err := f.NewStyle(st)
	must(t, err)
	must(t, f.SetCellValue(sheet, cell, v))
	must(t, f.SetCellStyle(sheet, cell, cell, id))
}

// valuesBook builds a workbook exercising value rendering.
func valuesBook(t testing.TB, dir string) string {
	f := excelize.NewFile()
	s := "Sheet1"
	must(t, f.SetSheetRow(s, "A3", &[]any{"名稱", "電話", "金額"}))
	must(t, f.SetCellValue(s, "A4", "王小明"))
	must(t, f.SetCellValue(s, "B4", "0933555666"))
	must(t, f.SetCellValue(s, "C4", 12000000))
	must(t, f.SetCellValue(s, "D4", 123456789012))
	must(t, f.SetCellValue(s, "E4", 3.14))
	must(t, f.SetCellValue(s, "F4", 0.1+0.2))
	must(t, f.SetCellValue(s, "G4", true))
	styled(t, f, s, "A6", 1234.5, 4, "")              // #,##0.00
	styled(t, f, s, "B6", 1234567, 3, "")             // #,##0
	styled(t, f, s, "C6", 933555666, 0, "0000000000") // phone kept by format
	styled(t, f, s, "D6", 0.05, 9, "")                // 0%
	styled(t, f, s, "E6", 45000, 14, "")              // builtin date
	styled(t, f, s, "F6", 45000, 0, "yyyy/mm/dd")
	styled(t, f, s, "G6", 45000, 0, "m/d/yy")
	styled(t, f, s, "H6", 45000.5, 0, "yyyy/mm/dd hh:mm:ss")
	styled(t, f, s, "I6", 45000.75, 22, "") // m/d/yyyy h:mm
	styled(t, f, s, "J6", 0.75, 20, "")     // h:mm
	styled(t, f, s, "K6", 45000, 0, `[$-404]e"年"m"月"d"日"`)
	styled(t, f, s, "L6", 45000.99999, 0, "yyyy-mm-dd") // date only: not rounded up
	styled(t, f, s, "M6", 1e20, 0, "")
	styled(t, f, s, "N6", 45000, 0, "0.00")
	styled(t, f, s, "O6", 45000, 0, `[Red]mmm\-yy;@`)
	styled(t, f, s, "P6", 45000, 0, `0.0E+00`)
	// row 7 blank except whitespace, row 8 has a gap in its columns
	must(t, f.SetCellValue(s, "A7", "  "))
	must(t, f.SetCellValue(s, "C8", "c"))
	must(t, f.MergeCell(s, "A9", "C9"))
	must(t, f.SetCellValue(s, "A9", "merged"))
	return saveBook(t, f, dir, "values.xlsx")
}

func TestXLSXValues(t *testing.T) {
	p := valuesBook(t, t.TempDir())
	r, err := OpenXLSX(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, []Record{
		rec(3, "名稱", "電話", "金額"),
		rec(4, "王小明", "0933555666", "12000000", "123456789012", "3.14", "0.3", "TRUE"),
		rec(6, "1234.5", "1234567", "0933555666", "0.05", "2023/03/15", "2023/03/15", "2023/03/15",
			"2023/03/15 12:00:00", "2023/03/15 18:00:00", "18:00:00", "2023/03/15", "2023/03/15",
			"1E+20", "45000", "2023/03/15", "45000"),
		rec(8, "", "", "c"),
		rec(9, "merged"),
	})
	if r.Sheet() != "Sheet1" {
		t.Errorf("got sheet %q, want Sheet1", r.Sheet())
	}
}

// TestXLSXTimeZones re-runs the date checks in child processes with TZ set
// east and west of GMT, where naive conversions shift dates by a day.
func TestXLSXTimeZones(t *testing.T) {
	if os.Getenv("SOURCE_TZ_CHILD") != "" {
		if loc := time.Local.String(); loc != os.Getenv("TZ") {
			t.Fatalf("child runs in %q, want %q", loc, os.Getenv("TZ"))
		}
		TestXLSXValues(t)
		TestFormatSerial(t)
		return
	}
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	for _, tz := range []string{"Asia/Taipei", "America/Los_Angeles", "Pacific/Kiritimati"} {
		t.Run(tz, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestXLSXTimeZones$", "-test.v")
			cmd.Env = append(os.Environ(), "TZ="+tz, "SOURCE_TZ_CHILD=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child with TZ=%s failed: %v\n%s", tz, err, out)
			}
			if !bytes.Contains(out, []byte("--- PASS: TestXLSXTimeZones")) {
				t.Fatalf("child with TZ=%s did not run the test:\n%s", tz, out)
			}
		})
	}
}

func TestFormatSerial(t *testing.T) {
	tests := []struct {
		serial float64
		d1904  bool
		kind   formatKind
		want   string
	}{
		{1, false, kindDate, "1900/01/01"},
		{59, false, kindDate, "1900/02/28"},
		{60, false, kindDate, "1900/02/29"},
		{61, false, kindDate, "1900/03/01"},
		{36526, false, kindDate, "2000/01/01"},
		{44927, false, kindDate, "2023/01/01"},
		{45351, false, kindDate, "2024/02/29"},
		{2958465, false, kindDate, "9999/12/31"},
		{0, true, kindDate, "1904/01/01"},
		{43465, true, kindDate, "2023/01/01"},
		{45000.5, false, kindDateTime, "2023/03/15 12:00:00"},
		{45000.999999, false, kindDateTime, "2023/03/16"},
		{31110, false, kindDateTime, "1985/03/04"},
		{45000.999999, false, kindDate, "2023/03/15"},
		{0.5, false, kindTime, "12:00:00"},
		{1.0 / 86400 * 3661, false, kindTime, "01:01:01"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.serial, tc.d1904, tc.kind), func(t *testing.T) {
			got, ok := formatSerial(tc.serial, tc.d1904, tc.kind)
			if !ok || got != tc.want {
				t.Errorf("formatSerial(%v, %v): got %q (%v), want %q", tc.serial, tc.d1904, got, ok, tc.want)
			}
		})
	}
	for _, bad := range []float64{-1, 2958466} {
		if got, ok := formatSerial(bad, false, kindDate); ok {
			t.Errorf("formatSerial(%v): got %q, want not ok", bad, got)
		}
	}
	// Cross-check with the standard library over a long range (UTC only).
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	for s := int64(61); s < 2958466; s += 997 {
		want := base.AddDate(0, 0, int(s)).Format("2006/01/02")
		if got, _ := formatSerial(float64(s), false, kindDate); got != want {
			t.Fatalf("serial %d: got %q, want %q", s, got, want)
		}
	}
}

func TestClassifyFormat(t *testing.T) {
	tests := []struct {
		code string
		want numFormat
	}{
		{"General", numFormat{}},
		{"0.00", numFormat{}},
		{"#,##0", numFormat{}},
		{"0%", numFormat{}},
		{"0.00E+00", numFormat{}},
		{`"$"#,##0.00`, numFormat{}},
		{`0.0 "days"`, numFormat{}},
		{"@", numFormat{}},
		{"00000", numFormat{kind: kindZeroPad, width: 5}},
		{"yyyy/mm/dd", numFormat{kind: kindDate}},
		{"m/d/yy", numFormat{kind: kindDate}},
		{"mmm", numFormat{kind: kindDate}},
		{`[$-404]e/m/d`, numFormat{kind: kindDate}},
		{`yyyy"年"m"月"d"日";@`, numFormat{kind: kindDate}},
		{"yyyy/mm/dd hh:mm:ss", numFormat{kind: kindDateTime}},
		{"m/d/yyyy h:mm AM/PM", numFormat{kind: kindDateTime}},
		{"h:mm", numFormat{kind: kindTime}},
		{"[h]:mm:ss", numFormat{kind: kindTime}},
		{"mm:ss.0", numFormat{kind: kindTime}},
		{`[Red]dd/mm/yyyy;[Blue]0.00`, numFormat{kind: kindDate}},
		// WPS and Chinese-locale Excel: the General token and quoted text
		// are not date letters.
		{"G/通用格式", numFormat{}},
		{`G/通用格式"元"`, numFormat{}},
		{`G/通用格式;-G/通用格式`, numFormat{}},
		{"G/標準", numFormat{}},
		{`General"元"`, numFormat{}},
		{` general `, numFormat{}},
		{`0"元"`, numFormat{}},
		{`"日期"0`, numFormat{}},
		{`#,##0"天"`, numFormat{}},
		{`#,##0" days"`, numFormat{}},
		{`\d\a\y 0`, numFormat{}},
		{`[Red]"Due "0`, numFormat{}},
		{`[$-404]0.00`, numFormat{}},
		{`[>=100]"big";"small"`, numFormat{}},
		{`0.00E+00`, numFormat{}},
		{`"Code-"00000`, numFormat{}},
		{`[Blue]00000`, numFormat{kind: kindZeroPad, width: 5}},
		{"yyyy/mm/dd", numFormat{kind: kindDate}},
		{`yyyy"年"m"月"d"日"`, numFormat{kind: kindDate}},
		{`yyyy年m月d日`, numFormat{kind: kindDate}},
		{`[$-404]e"年"m"月"d"日"`, numFormat{kind: kindDate}},
		{`[$-411]ggge"年"m"月"d"日"`, numFormat{kind: kindDate}},
		{`[$-41E]bbbb/mm/dd`, numFormat{kind: kindDate}},
		{`m"月"d"日"`, numFormat{kind: kindDate}},
		{"m/d", numFormat{kind: kindDate}},
		{"[h]:mm", numFormat{kind: kindTime}},
		{"[mm]:ss", numFormat{kind: kindTime}},
		{"hh:mm", numFormat{kind: kindTime}},
		{`上午/下午 hh"時"mm"分"`, numFormat{kind: kindTime}},
		{`hh"時"mm"分"ss"秒"`, numFormat{kind: kindTime}},
		{`yyyy/m/d 上午/下午 h:mm`, numFormat{kind: kindDateTime}},
		// Damaged codes: no panic, no date.
		{`"unclosed`, numFormat{}},
		{`0\`, numFormat{}},
		{`0_`, numFormat{}},
		{`0*`, numFormat{}},
		{`[Red`, numFormat{}},
		{"G/\xff", numFormat{}},
		{"", numFormat{}},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			if got := classifyFormat(tc.code); got != tc.want {
				t.Errorf("classifyFormat(%q): got %+v, want %+v", tc.code, got, tc.want)
			}
		})
	}
}

// TestXLSXLocalGeneralFormat reads numbers whose format is the General
// token of WPS or Chinese-locale Excel ("G/通用格式"), which must stay numbers
// (customer codes), not become dates.
func TestXLSXLocalGeneralFormat(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	s := "Sheet1"
	must(t, f.SetSheetRow(s, "A1", &[]any{"客戶編號", "金額", "日期"}))
	styled(t, f, s, "A2", 1001, 0, "G/通用格式")
	styled(t, f, s, "A3", 5000, 0, "G/通用格式")
	styled(t, f, s, "B2", 1200, 0, `G/通用格式"元"`)
	styled(t, f, s, "B3", 30, 0, `0"元"`)
	styled(t, f, s, "C2", 45000, 0, `yyyy"年"m"月"d"日"`)
	styled(t, f, s, "C3", 45000, 0, `[$-404]e/m/d`)
	p := saveBook(t, f, dir, "wps.xlsx")

	// The fixture must keep the format code as WPS writes it.
	zr, err := zip.OpenReader(p)
	must(t, err)
	var styles []byte
	for _, zf := range zr.File {
		if zf.Name == "xl/styles.xml" {
			rc, err := zf.Open()
			must(t, err)
			styles, err = io.ReadAll(rc)
			rc.Close()
			must(t, err)
		}
	}
	zr.Close()
	if !bytes.Contains(styles, []byte(`formatCode="G/通用格式"`)) {
		t.Fatalf("fixture: styles.xml does not hold the format G/通用格式:\n%s", styles)
	}

	r, err := Open(p, Options{})
	must(t, err)
	defer r.Close()
	got, err := readAll(t, r)
	must(t, err)
	checkRecords(t, got, []Record{
		rec(1, "客戶編號", "金額", "日期"),
		rec(2, "1001", "1200", "2023/03/15"),
		rec(3, "5000", "30", "2023/03/15"),
	})
}

func TestFormatGeneral(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{12000000, "12000000"},
		{123456789012, "123456789012"},
		{0.1 + 0.2, "0.3"},
		{-2.5, "-2.5"},
		{1e-7, "0.0000001"},
		{12345678901234567, "1.23457E+16"}, // Excel shows 16+ digits in scientific notation
		{1e300, "1E+300"},
	}
	for _, tc := range tests {
		if got := formatGeneral(tc.in); got != tc.want {
			t.Errorf("formatGeneral(%v): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// zipParts writes a zip archive with the given parts (in order).
func zipParts(t testing.TB, dir, name string, parts ...[2]string) string {
	t.Helper()
	return writeFile(t, dir, name, zipBytes(t, parts...))
}

// zipBytes is a zip archive of the given parts (name, content), in order.
func zipBytes(t testing.TB, parts ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		must(t, err)
		_, err = io.WriteString(w, p[1])
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

const (
	nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	relDoc = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
)

// handmade returns the parts of a minimal workbook with one sheet.
func handmade(wbPr, sheetData, sst, styles string) [][2]string {
	parts := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relDoc + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook ` + nsMain + `>` + wbPr + `<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relDoc + `/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + relDoc + `/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="` + relDoc + `/styles" Target="styles.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0"?><worksheet ` + nsMain + `><sheetData>` + sheetData + `</sheetData></worksheet>`},
	}
	if sst != "" {
		parts = append(parts, [2]string{"xl/sharedStrings.xml", `<?xml version="1.0"?><sst ` + nsMain + `>` + sst + `</sst>`})
	}
	if styles != "" {
		parts = append(parts, [2]string{"xl/styles.xml", `<?xml version="1.0"?><styleSheet ` + nsMain + `>` + styles + `</styleSheet>`})
	}
	return parts
}

func TestXLSXHandmade(t *testing.T) {
	styles := `<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></numFmts>` +
		`<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>`
	sst := `<si><t>plain</t></si>` +
		`<si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r></si>` +
		`<si><t>王</t><rPh sb="0" eb="1"><t>ㄨㄤˊ</t></rPh></si>` +
		`<si><t>line_x000D_break</t></si>`
	tests := []struct {
		name   string
		wbPr   string
		data   string
		want   []Record
		err    error
		line   int
		opts   Options
		sstOff bool
	}{
		{
			name: "formulas and types",
			data: `<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>` +
				`<c r="C2" t="e"><f>#REF!+1</f><v>#REF!</v></c><c r="D2" t="b"><v>0</v></c>` +
				`<c r="E2" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="F2" t="str"><f>A1</f><v></v></c>` +
				`<c r="G2" t="d"><v>2024-02-29T00:00:00Z</v></c><c r="H2" t="d"><v>2024-02-29T13:45:10</v></c></row>`,
			want: []Record{rec(2, "2", "ab", "#REF!", "FALSE", "inline", "", "2024/02/29", "2024/02/29 13:45:10")},
		},
		{
			name: "formula without a cached value",
			data: `<row r="1"><c r="A1" t="s"><v>0</v></c></row>` +
				`<row r="2"><c r="A2"><f>A1</f><v>5</v></c><c r="B2" t="str"><f>"x"</f></c></row>`,
			want: []Record{rec(1, "plain"), {Line: 2, Cells: []string{"5"}, NoValue: []int{1}}},
		},
		{
			name: "shared formula without a cached value",
			data: `<row r="3"><c r="A3"><f t="shared" ref="A3:A4" si="0">B3*2</f><v>4</v></c></row>` +
				`<row r="4"><c r="A4"><f t="shared" si="0"/></c></row>`,
			want: []Record{rec(3, "4"), {Line: 4, Cells: []string{}, NoValue: []int{0}}},
		},
		{
			name: "shared strings rich text and phonetics",
			data: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`,
			want: []Record{rec(1, "plain", "rich text", "王", "line\rbreak")},
		},
		{
			name: "rows and cells without r attributes",
			data: `<row><c t="s"><v>0</v></c><c><v>1</v></c></row><row><c/><c><v>2</v></c></row>`,
			want: []Record{rec(1, "plain", "1"), rec(2, "", "2")},
		},
		{
			name: "styles by index, 1900 leap bug",
			data: `<row r="5"><c r="A5" s="1"><v>60</v></c><c r="B5" s="2"><v>61</v></c><c r="C5" s="9"><v>61</v></c></row>`,
			want: []Record{rec(5, "1900/02/29", "1900/03/01", "61")},
		},
		{
			name: "date1904",
			wbPr: `<workbookPr date1904="1"/>`,
			data: `<row r="1"><c r="A1" s="1"><v>43465</v></c></row>`,
			want: []Record{rec(1, "2023/01/01")},
		},
		{
			name: "prefixed namespace",
			data: `<x:row xmlns:x="urn:x" r="3"><x:c r="B3" t="s"><x:v>0</x:v></x:c></x:row>`,
			want: []Record{rec(3, "", "plain")},
		},
		{
			name: "bad shared string index",
			data: `<row r="1"><c r="A1"><v>1</v></c></row><row r="4"><c r="A4" t="s"><v>99</v></c></row>`,
			want: []Record{rec(1, "1")},
			err:  ErrCorrupt,
			line: 4,
		},
		{
			name: "broken XML",
			data: `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>1</c></row>`,
			want: []Record{rec(1, "1")},
			err:  ErrCorrupt,
			line: 2,
		},
		{
			name: "cell too large",
			data: `<row r="7"><c r="C7" t="inlineStr"><is><t>` + strings.Repeat("x", 101) + `</t></is></c></row>`,
			opts: Options{MaxCellBytes: 100},
			err:  ErrCellTooLarge,
			line: 7,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := zipParts(t, t.TempDir(), "book.xlsx", handmade(tc.wbPr, tc.data, sst, styles)...)
			r, err := Open(p, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := readAll(t, r)
			if tc.err != nil {
				checkErr(t, err, tc.err, tc.line, "book.xlsx")
			} else if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, got, tc.want)
		})
	}
}

// TestXLSXFormulaWithoutValue reads a workbook written by a program that
// does not calculate: excelize's SetCellFormula leaves no cached value. Such
// a cell reads as "" and the record names its column in NoValue, so the
// importer can refuse the row when it imports that column.
func TestXLSXFormulaWithoutValue(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	s := "Sheet1"
	must(t, f.SetSheetRow(s, "A1", &[]any{"客戶編號", "名稱"}))
	must(t, f.SetSheetRow(s, "A2", &[]any{nil, "王小明"}))
	must(t, f.SetCellFormula(s, "A2", `"C"&TEXT(ROW(),"000")`))
	must(t, f.SetSheetRow(s, "A3", &[]any{"C003", "陳大文"}))
	must(t, f.SetCellFormula(s, "B4", `A3`)) // a row of nothing but such a cell is not blank
	p := saveBook(t, f, dir, "script.xlsx")

	r, err := Open(p, Options{})
	must(t, err)
	defer r.Close()
	got, err := readAll(t, r)
	must(t, err)
	checkRecords(t, got, []Record{
		rec(1, "客戶編號", "名稱"),
		{Line: 2, Cells: []string{"", "王小明"}, NoValue: []int{0}},
		rec(3, "C003", "陳大文"),
		{Line: 4, NoValue: []int{1}},
	})
}

func TestXLSXSheets(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "Secret"))
	must(t, f.SetCellValue("Secret", "A1", "hidden data"))
	_, err := f.NewSheet("客戶")
	must(t, err)
	must(t, f.SetCellValue("客戶", "A1", "visible data"))
	_, err = f.NewSheet("Other")
	must(t, err)
	must(t, f.SetCellValue("Other", "B2", "other"))
	idx, err := f.GetSheetIndex("客戶")
	must(t, err)
	f.SetActiveSheet(idx)
	must(t, f.SetSheetVisible("Secret", false))
	if v, _ := f.GetSheetVisible("Secret"); v {
		t.Fatal("fixture: sheet Secret is not hidden")
	}
	p := saveBook(t, f, dir, "sheets.xlsx")

	tests := []struct {
		sheet string
		want  []Record
		err   error
	}{
		{"", []Record{rec(1, "visible data")}, nil},
		{"Secret", []Record{rec(1, "hidden data")}, nil},
		{"other", []Record{rec(2, "", "other")}, nil},
		{"Nope", nil, ErrNoSheet},
	}
	for _, tc := range tests {
		t.Run("sheet="+tc.sheet, func(t *testing.T) {
			r, err := OpenXLSX(p, Options{Sheet: tc.sheet})
			if tc.err != nil {
				checkErr(t, err, tc.err, 0, "sheets.xlsx")
				for _, name := range []string{"Secret", "客戶", "Other"} {
					if !strings.Contains(err.Error(), name) {
						t.Errorf("error %q does not list sheet %q", err, name)
					}
				}
				return
			}
			must(t, err)
			defer r.Close()
			if got, want := strings.Join(r.SheetNames(), ","), "Secret,客戶,Other"; got != want {
				t.Errorf("got sheets %q, want %q", got, want)
			}
			got, err := readAll(t, r)
			must(t, err)
			checkRecords(t, got, tc.want)
		})
	}
}

func TestXLSXPassword(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	must(t, f.SetCellValue("Sheet1", "A1", "密"))
	must(t, f.SetCellValue("Sheet1", "B1", "0912000111"))
	p := saveBook(t, f, dir, "locked.xlsx", excelize.Options{Password: "s3cret"})

	r, err := Open(p, Options{Password: "s3cret"})
	must(t, err)
	got, err := readAll(t, r)
	must(t, err)
	must(t, r.Close())
	checkRecords(t, got, []Record{rec(1, "密", "0912000111")})

	// No password and a wrong one are told apart (the CLI's advice
	// differs); both are ErrEncrypted.
	for _, tc := range []struct {
		password string
		want     error
	}{{"", ErrNoPassword}, {"wrong", ErrWrongPassword}, {"s3cret ", ErrWrongPassword}, {"S3CRET", ErrWrongPassword}} {
		_, err = Open(p, Options{Password: tc.password})
		checkErr(t, err, tc.want, 0, "locked.xlsx")
		checkErr(t, err, ErrEncrypted, 0, "locked.xlsx")
	}
	_, err = Open(p, Options{})
	if errors.Is(err, ErrWrongPassword) {
		t.Errorf("no password: %v, a wrong one", err)
	}
}

func TestXLSXZipBomb(t *testing.T) {
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0"?><worksheet ` + nsMain + `><sheetData>`)
	row := `<row><c t="inlineStr"><is><t>` + strings.Repeat("A", 1000) + `</t></is></c></row>`
	for sheet.Len() < 4<<20 {
		sheet.WriteString(row)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	parts := handmade("", "", "", "")
	parts[4][1] = sheet.String()
	p := zipParts(t, t.TempDir(), "bomb.xlsx", parts...)
	if st, _ := os.Stat(p); st.Size() > 1<<20 {
		t.Fatalf("test archive is %d bytes, want a small one", st.Size())
	}
	_, err := Open(p, Options{MaxBytes: 1 << 20})
	checkErr(t, err, ErrTooLarge, 0, "bomb.xlsx")
	if !strings.Contains(err.Error(), "MB") {
		t.Errorf("error %q gives no size in MB", err)
	}
	// Under a big enough limit it reads.
	r, err := Open(p, Options{MaxBytes: 8 << 20})
	must(t, err)
	defer r.Close()
	got, err := readAll(t, r)
	must(t, err)
	if len(got) < 4000 || got[0].Cells[0] != strings.Repeat("A", 1000) {
		t.Errorf("got %d records, want > 4000 rows of 1000 A's", len(got))
	}
}

// TestXLSXNoTempFiles checks that reading, including an encrypted workbook,
// leaves nothing in the temporary directory.
func TestXLSXNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	plain := valuesBook(t, dir)
	f := excelize.NewFile()
	must(t, f.SetCellValue("Sheet1", "A1", "x"))
	locked := saveBook(t, f, dir, "locked.xlsx", excelize.Options{Password: "pw"})

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, p := range []string{plain, locked} {
		r, err := Open(p, Options{Password: "pw"})
		must(t, err)
		_, err = readAll(t, r)
		must(t, err)
		must(t, r.Close())
		// A reader closed halfway must not leak either.
		r, err = Open(p, Options{Password: "pw"})
		must(t, err)
		must(t, r.Close())
		if _, err := r.Read(); err == nil || errors.Is(err, io.EOF) {
			t.Errorf("Read after Close: got %v, want an error", err)
		}
	}
	ents, err := os.ReadDir(tmp)
	must(t, err)
	for _, e := range ents {
		t.Errorf("temporary file left behind: %s", e.Name())
	}
}

// Rows hidden by hand, collapsed in an outline or filtered out by an
// autofilter come back with Hidden set; visible rows and CSV rows do not.
func TestXLSXHiddenRows(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	s := "Sheet1"
	must(t, f.SetSheetRow(s, "A1", &[]any{"客戶名稱", "區域"}))
	for i, row := range [][]any{{"王小明", "北"}, {"陳大文", "南"}, {"林小華", "北"}, {"許功蓋", "南"}, {"合計", ""}} {
		must(t, f.SetSheetRow(s, fmt.Sprintf("A%d", i+2), &row))
	}
	must(t, f.SetRowVisible(s, 3, false))  // hidden by hand
	must(t, f.SetRowOutlineLevel(s, 5, 1)) // collapsed outline
	must(t, f.SetRowVisible(s, 5, false))  //
	must(t, f.AutoFilter(s, "A1:B6", []excelize.AutoFilterOptions{{Column: "B", Expression: "x == 北"}}))
	must(t, f.SetRowVisible(s, 6, false)) // filtered out (Excel hides the rows it filters)
	p := saveBook(t, f, dir, "hidden.xlsx")

	r, err := Open(p, Options{})
	must(t, err)
	defer r.Close()
	recs, err := readAll(t, r)
	must(t, err)
	var got []int
	for _, rec := range recs {
		if rec.Hidden {
			got = append(got, rec.Line)
		}
	}
	if want := []int{3, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("hidden rows: got %v, want %v", got, want)
	}
	if len(recs) != 6 {
		t.Errorf("got %d records, want all 6 (hidden ones included)", len(recs))
	}

	cr, err := NewCSVReader(strings.NewReader("a\nb\n"), "x.csv", Options{})
	must(t, err)
	crecs, err := readAll(t, cr)
	must(t, err)
	for _, rec := range crecs {
		if rec.Hidden {
			t.Errorf("CSV line %d: Hidden set", rec.Line)
		}
	}
}
