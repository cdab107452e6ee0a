package results

import (
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var goldenHeader = []string{"行號", "客戶名稱", "電話", "金額", "狀態", "訊息"}

// goldenRows: a mix of numbers, formula-looking text, problems and a short
// row.
var goldenRows = [][]Cell{
	{{Value: "1", Numeric: true}, {Value: "客戶甲"}, {Value: "+886912345678"}, {Value: "-12.5", Numeric: true}, {Value: "OK"}, {Value: ""}},
	{{Value: "2", Numeric: true}, {Value: "=1+1"}, {Value: "0912", Problem: "手機格式錯誤"}, {Value: "abc", Numeric: true, Problem: "not a number <&>"}, {Value: "ERROR"}, {Value: "bad row"}},
	{{Value: "3", Numeric: true}, {Value: "@SUM(A1)"}, {Value: "", Problem: "必填"}, {Value: "12345678901234567", Numeric: true}, {Value: "OK"}, {Value: "=HYPERLINK(\"http://x\")"}},
	{{Value: "4", Numeric: true}},
}

var goldenSummary = [][]Cell{
	{{Value: "項目"}, {Value: "筆數"}},
	{{Value: "成功"}, {Value: "2", Numeric: true}},
	{{Value: "失敗"}, {Value: "1", Numeric: true, Problem: "see sheet"}},
	{{Value: "合計"}, {Value: "3", Numeric: true}},
}

func writeGolden(t *testing.T, path string) {
	t.Helper()
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := w.WriteHeader(goldenHeader); err != nil {
		t.Fatalf("WriteHeader: %v", err)
	}
	for i, r := range goldenRows {
		if err := w.WriteRow(r); err != nil {
			t.Fatalf("WriteRow %d: %v", i, err)
		}
	}
	if err := w.WriteSummary(goldenSummary); err != nil {
		t.Fatalf("WriteSummary: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestXLSXGolden(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	path := filepath.Join(dir, "results.xlsx")
	writeGolden(t, path)

	if got := dirNames(t, dir); !slices.Equal(got, []string{"results.xlsx"}) {
		t.Errorf("output dir holds %q, want only results.xlsx", got)
	}
	if got := dirNames(t, tmp); len(got) != 0 {
		t.Errorf("TMPDIR holds %q after Close, want nothing", got)
	}

	f := openXLSX(t, path)
	const sheet = "Results"
	if got, want := f.GetSheetList(), []string{"Results", "Summary"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}

	type want struct {
		ref, value string
		typ        excelize.CellType
		problem    string
	}
	var cells []want
	for i, h := range goldenHeader {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		cells = append(cells, want{ref, h, excelize.CellTypeInlineString, ""})
	}
	cells = append(cells,
		want{"A2", "1", excelize.CellTypeUnset, ""}, // numbers have no t attribute
		want{"B2", "客戶甲", excelize.CellTypeInlineString, ""},
		want{"C2", "+886912345678", excelize.CellTypeInlineString, ""},
		want{"D2", "-12.5", excelize.CellTypeUnset, ""},
		want{"E2", "OK", excelize.CellTypeInlineString, ""},
		want{"F2", "", excelize.CellTypeUnset, ""},
		want{"A3", "2", excelize.CellTypeUnset, ""},
		want{"B3", "=1+1", excelize.CellTypeInlineString, ""},
		want{"C3", "0912", excelize.CellTypeInlineString, "手機格式錯誤"},
		want{"D3", "abc", excelize.CellTypeInlineString, "not a number <&>"},
		want{"E3", "ERROR", excelize.CellTypeInlineString, ""},
		want{"F3", "bad row", excelize.CellTypeInlineString, ""},
		want{"A4", "3", excelize.CellTypeUnset, ""},
		want{"B4", "@SUM(A1)", excelize.CellTypeInlineString, ""},
		want{"C4", "", excelize.CellTypeUnset, "必填"},
		want{"D4", "12345678901234567", excelize.CellTypeInlineString, ""}, // too long for General: stays text
		want{"E4", "OK", excelize.CellTypeInlineString, ""},
		want{"F4", `=HYPERLINK("http://x")`, excelize.CellTypeInlineString, ""},
		want{"A5", "4", excelize.CellTypeUnset, ""},
		want{"B5", "", excelize.CellTypeUnset, ""},
	)
	wantComments := map[string]string{}
	for _, c := range cells {
		t.Run(c.ref, func(t *testing.T) {
			got, err := f.GetCellValue(sheet, c.ref)
			if err != nil {
				t.Fatalf("GetCellValue: %v", err)
			}
			if got != c.value {
				t.Errorf("value got %q, want %q", got, c.value)
			}
			typ, err := f.GetCellType(sheet, c.ref)
			if err != nil {
				t.Fatalf("GetCellType: %v", err)
			}
			if typ != c.typ {
				t.Errorf("type got %v, want %v", typ, c.typ)
			}
			wantFill := ""
			if c.problem != "" {
				wantFill = ProblemFillColor
			}
			if got := fillColor(t, f, sheet, c.ref); got != wantFill {
				t.Errorf("fill got %q, want %q", got, wantFill)
			}
			_, row, _ := excelize.CellNameToCoordinates(c.ref)
			if got := isBold(t, f, sheet, c.ref); got != (row == 1) {
				t.Errorf("bold got %v, want %v", got, row == 1)
			}
			if formula, _ := f.GetCellFormula(sheet, c.ref); formula != "" {
				t.Errorf("formula got %q, want none", formula)
			}
		})
		if c.problem != "" {
			wantComments[c.ref] = c.problem
		}
	}

	t.Run("comments", func(t *testing.T) {
		cmts, err := f.GetComments(sheet)
		if err != nil {
			t.Fatalf("GetComments: %v", err)
		}
		got := map[string]string{}
		for _, c := range cmts {
			got[c.Cell] = c.Text
			if c.Author != defaultCommentAuthor {
				t.Errorf("comment %s author got %q, want %q", c.Cell, c.Author, defaultCommentAuthor)
			}
		}
		if len(got) != len(wantComments) || len(cmts) != len(wantComments) {
			t.Errorf("comments got %q, want %q", got, wantComments)
		}
		for ref, text := range wantComments {
			if got[ref] != text {
				t.Errorf("comment %s got %q, want %q", ref, got[ref], text)
			}
		}
	})

	t.Run("panes", func(t *testing.T) {
		p, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatalf("GetPanes: %v", err)
		}
		if !p.Freeze || p.YSplit != 1 || p.XSplit != 0 || p.TopLeftCell != "A2" {
			t.Errorf("panes got %+v, want frozen at A2 (YSplit 1)", p)
		}
	})

	t.Run("widths", func(t *testing.T) {
		// "客戶名稱": 4 wide characters = 8, + 4 padding.
		if got, err := f.GetColWidth(sheet, "B"); err != nil || got != 12 {
			t.Errorf("width of B got %v (%v), want 12", got, err)
		}
		if got, err := f.GetColWidth(sheet, "E"); err != nil || got != minColWidth {
			t.Errorf("width of E got %v (%v), want %v", got, err, minColWidth)
		}
	})

	sheetXML := readZipPart(t, path, "xl/worksheets/sheet1.xml")
	t.Run("sheet xml", func(t *testing.T) {
		if got := regexp.MustCompile(`<dimension[^>]*>`).FindAllString(sheetXML, -1); !slices.Equal(got, []string{`<dimension ref="A1:F5"/>`}) {
			t.Errorf("dimension got %q, want one <dimension ref=\"A1:F5\"/>", got)
		}
		if got := regexp.MustCompile(`<autoFilter ref="[^"]*"`).FindAllString(sheetXML, -1); !slices.Equal(got, []string{`<autoFilter ref="A1:F5"`}) {
			t.Errorf("autoFilter got %q, want ref A1:F5", got)
		}
		if strings.Contains(sheetXML, "<f>") || strings.Contains(sheetXML, "<f ") {
			t.Errorf("sheet XML has a formula element")
		}
		// CT_Worksheet order: sheetData < autoFilter < legacyDrawing < end.
		order := []string{"<dimension", "<sheetViews", "<cols>", "<sheetData>", "</sheetData>", "<autoFilter", "legacyDrawing", "</worksheet>"}
		last := -1
		for _, el := range order {
			i := strings.Index(sheetXML, el)
			if i <= last {
				t.Errorf("%s at %d, want after %d (order %q)", el, i, last, order)
			}
			last = i
		}
	})

	t.Run("workbook filter name", func(t *testing.T) {
		wb := readZipPart(t, path, "xl/workbook.xml")
		if !strings.Contains(wb, `name="_xlnm._FilterDatabase"`) || !strings.Contains(wb, `$A$1:$F$5`) {
			t.Errorf("workbook.xml lacks the _FilterDatabase name for $A$1:$F$5: %s", wb)
		}
	})

	t.Run("vml", func(t *testing.T) {
		vml := readZipPart(t, path, "xl/drawings/vmlDrawing1.vml")
		if got := strings.Count(vml, "<v:shape "); got != len(wantComments) {
			t.Errorf("VML shapes got %d, want %d", got, len(wantComments))
		}
		for _, s := range []string{"<x:Row>2</x:Row><x:Column>2</x:Column>", "<x:Row>2</x:Row><x:Column>3</x:Column>", "<x:Row>3</x:Row><x:Column>2</x:Column>"} {
			if !strings.Contains(vml, s) {
				t.Errorf("VML lacks %s", s)
			}
		}
		ct := readZipPart(t, path, "[Content_Types].xml")
		for _, s := range []string{`Extension="vml"`, `PartName="/xl/comments1.xml"`} {
			if !strings.Contains(ct, s) {
				t.Errorf("content types lack %s", s)
			}
		}
	})

	t.Run("summary", func(t *testing.T) {
		for r, row := range goldenSummary {
			for c, cell := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				got, err := f.GetCellValue(SummarySheetName, ref)
				if err != nil || got != cell.Value {
					t.Errorf("Summary!%s got %q (%v), want %q", ref, got, err, cell.Value)
				}
				typ, _ := f.GetCellType(SummarySheetName, ref)
				if isNum := typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber; isNum != cell.Numeric {
					t.Errorf("Summary!%s type %v, want numeric=%v", ref, typ, cell.Numeric)
				}
				if got := isBold(t, f, SummarySheetName, ref); got != (r == 0) {
					t.Errorf("Summary!%s bold got %v, want %v", ref, got, r == 0)
				}
				wantFill := ""
				if cell.Problem != "" {
					wantFill = ProblemFillColor
				}
				if got := fillColor(t, f, SummarySheetName, ref); got != wantFill {
					t.Errorf("Summary!%s fill got %q, want %q", ref, got, wantFill)
				}
			}
		}
	})
}

func TestXLSXNoProblemsNoComments(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "ok.xlsx")
	w, err := NewXLSXWriter(path, Options{SheetName: "結果"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := w.WriteRow([]Cell{{Value: "x"}, {Value: "1", Numeric: true}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, n := range zipNames(t, path) {
		if strings.Contains(n, "comments") || strings.Contains(n, "vml") {
			t.Errorf("part %s present, want no comment parts", n)
		}
	}
	f := openXLSX(t, path)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"結果"}) {
		t.Errorf("sheets got %q, want only 結果 (no summary written)", got)
	}
	if got, _ := f.GetCellValue("結果", "B4"); got != "1" {
		t.Errorf("B4 got %q, want %q", got, "1")
	}
	xml := readZipPart(t, path, "xl/worksheets/sheet1.xml")
	if !strings.Contains(xml, `<dimension ref="A1:B4"/>`) {
		t.Errorf("dimension A1:B4 missing in %.300s", xml)
	}
}

// TestXLSXManyComments crosses the 1024-shape boundary of a VML drawing
// cluster and reads every comment back.
func TestXLSXManyComments(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "many.xlsx")
	w, err := Create(path, Options{CommentAuthor: "bot"})
	if err != nil {
		t.Fatal(err)
	}
	const rows = 1100
	for i := 1; i <= rows; i++ {
		if err := w.WriteRow([]Cell{{Value: "r"}, {Value: "v", Problem: "p" + excelizeRef(t, 2, i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	cmts, err := f.GetComments("Results")
	if err != nil {
		t.Fatal(err)
	}
	if len(cmts) != rows {
		t.Fatalf("comments got %d, want %d", len(cmts), rows)
	}
	for _, c := range cmts {
		if c.Text != "p"+c.Cell || c.Author != "bot" {
			t.Errorf("comment at %s got %q by %q, want %q by bot", c.Cell, c.Text, c.Author, "p"+c.Cell)
		}
	}
	vml := readZipPart(t, path, "xl/drawings/vmlDrawing1.vml")
	if !strings.Contains(vml, `<o:idmap v:ext="edit" data="1,2"/>`) {
		t.Errorf("idmap for 1100 shapes should list clusters 1,2: %.400s", vml)
	}
	if !strings.Contains(vml, `id="_x0000_s2124"`) {
		t.Errorf("last shape id _x0000_s2124 missing")
	}
	// No header: no panes, no autofilter.
	xml := readZipPart(t, path, "xl/worksheets/sheet1.xml")
	if strings.Contains(xml, "<autoFilter") || strings.Contains(xml, "<pane") {
		t.Errorf("headerless sheet has autofilter or pane")
	}
	if !strings.Contains(xml, `<dimension ref="A1:B1100"/>`) {
		t.Errorf("dimension A1:B1100 missing")
	}
}

func excelizeRef(t *testing.T, col, row int) string {
	t.Helper()
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestXLSXAbortLeavesNothing(t *testing.T) {
	outRoot := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, rows := range []int{0, 10, 3000} {
		t.Run("rows="+strconv.Itoa(rows), func(t *testing.T) {
			dir := filepath.Join(outRoot, strconv.Itoa(rows))
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "out.xlsx")
			w, err := Create(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			_ = w.WriteHeader([]string{"a", "b"})
			for i := 0; i < rows; i++ {
				if err := w.WriteRow([]Cell{{Value: strings.Repeat("x", 200)}, {Value: "v", Problem: "bad"}}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Abort(); err != nil {
				t.Fatalf("Abort: %v", err)
			}
			if got := dirNames(t, dir); len(got) != 0 {
				t.Errorf("output dir holds %q after Abort, want nothing", got)
			}
			if got := dirNames(t, tmp); len(got) != 0 {
				t.Errorf("TMPDIR holds %q after Abort, want nothing", got)
			}
			if err := w.WriteRow(nil); !errors.Is(err, ErrClosed) {
				t.Errorf("WriteRow after Abort got %v, want ErrClosed", err)
			}
			if err := w.Close(); !errors.Is(err, ErrClosed) {
				t.Errorf("Close after Abort got %v, want ErrClosed", err)
			}
		})
	}
}

// TestXLSXTempHygieneLarge writes enough rows for excelize to spill its
// stream buffer to a temp file, then checks TMPDIR is empty after Close.
func TestXLSXTempHygieneLarge(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("writes 18 MB of sheet XML: too slow under -race or -short")
	}
	outRoot := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// excelize spills its buffer to a file past StreamChunkSize (16 MiB).
	long := strings.Repeat("y", 1000)
	const rows = excelize.StreamChunkSize/1000 + 1000
	for _, abort := range []bool{false, true} {
		t.Run("abort="+strconv.FormatBool(abort), func(t *testing.T) {
			dir := filepath.Join(outRoot, strconv.FormatBool(abort))
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "big.xlsx")
			w, err := Create(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			_ = w.WriteHeader([]string{"a", "b"})
			for i := 0; i < rows; i++ {
				if err := w.WriteRow([]Cell{{Value: long}, {Value: "1", Numeric: true, Problem: "p"}}); err != nil {
					t.Fatal(err)
				}
			}
			if got := dirNames(t, tmp); len(got) < 3 {
				t.Errorf("TMPDIR holds %q while writing, want excelize's spill file and the 2 comment spools", got)
			}
			if abort {
				if err := w.Abort(); err != nil {
					t.Fatal(err)
				}
				if got := dirNames(t, tmp); len(got) != 0 {
					t.Errorf("TMPDIR holds %q after Abort, want nothing", got)
				}
				if got := dirNames(t, dir); len(got) != 0 {
					t.Errorf("output dir holds %q after Abort, want nothing", got)
				}
				return
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if got := dirNames(t, tmp); len(got) != 0 {
				t.Errorf("TMPDIR holds %q after Close, want nothing", got)
			}
			// Reading this back with excelize is slow; count rows in the
			// XML instead (the other tests read cells back).
			xml := readZipPart(t, path, "xl/worksheets/sheet1.xml")
			if got := strings.Count(xml, "<row "); got != rows+1 {
				t.Errorf("rows in sheet XML got %d, want %d", got, rows+1)
			}
			if want := `<dimension ref="A1:B` + strconv.Itoa(rows+1) + `"/>`; !strings.Contains(xml[:10000], want) {
				t.Errorf("dimension %s missing", want)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := t.TempDir()
	tests := []struct {
		name    string
		file    string
		want    string // "xlsx", "csv" or "" for an error
		wantErr error
	}{
		{"xlsx", "a.xlsx", "xlsx", nil},
		{"XLSX upper", "B.XLSX", "xlsx", nil},
		{"csv", "c.csv", "csv", nil},
		{"Csv mixed", "d.Csv", "csv", nil},
		{"xls", "e.xls", "", ErrUnknownFormat},
		{"txt", "f.txt", "", ErrUnknownFormat},
		{"no ext", "g", "", ErrUnknownFormat},
		{"missing folder", filepath.Join("nope", "h.csv"), "", fs.ErrNotExist},
		{"missing folder xlsx", filepath.Join("nope", "h.xlsx"), "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			w, err := Create(path, Options{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Create(%q) error got %v, want %v", tt.file, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.file) {
					t.Errorf("error %q does not name the path %q", err, tt.file)
				}
				return
			}
			if err != nil {
				t.Fatalf("Create(%q): %v", tt.file, err)
			}
			var got string
			switch w.(type) {
			case *XLSXWriter:
				got = "xlsx"
			case *CSVWriter:
				got = "csv"
			}
			if got != tt.want {
				t.Errorf("Create(%q) made %T, want %s", tt.file, w, tt.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s exists before Close (err %v)", tt.file, err)
			}
			if err := w.WriteHeader([]string{"h"}); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s missing after Close: %v", tt.file, err)
			}
		})
	}
}

func TestXLSXReservedSheetName(t *testing.T) {
	_, err := NewXLSXWriter(filepath.Join(t.TempDir(), "x.xlsx"), Options{SheetName: "summary"})
	if err == nil {
		t.Fatal("sheet name \"summary\" accepted, want an error")
	}
}

func TestXLSXHeaderAfterRows(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	w, err := NewXLSXWriter(filepath.Join(t.TempDir(), "x.xlsx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteRow([]Cell{{Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"h"}); !errors.Is(err, ErrHeaderAfterRows) {
		t.Errorf("WriteHeader after WriteRow got %v, want ErrHeaderAfterRows", err)
	}
}

// TestXLSXReplacesExisting checks Close replaces an existing file only at
// the end.
func TestXLSXReplacesExisting(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.WriteRow([]Cell{{Value: "new"}})
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("file changed before Close")
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("Abort changed the existing file")
	}
	w, _ = Create(path, Options{})
	_ = w.WriteRow([]Cell{{Value: "new"}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	if got, _ := f.GetCellValue("Results", "A1"); got != "new" {
		t.Errorf("A1 got %q, want %q", got, "new")
	}
}

func TestXLSXWellFormedParts(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "wf.xlsx")
	writeGolden(t, path)
	for _, name := range zipNames(t, path) {
		t.Run(name, func(t *testing.T) {
			d := xml.NewDecoder(strings.NewReader(readZipPart(t, path, name)))
			for {
				_, err := d.Token()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					t.Fatalf("part %s is not well-formed XML: %v", name, err)
				}
			}
		})
	}
	sheetXML := readZipPart(t, path, "xl/worksheets/sheet1.xml")
	if strings.Contains(sheetXML, "filterMode") {
		t.Errorf("sheet XML marks a filter as applied (filterMode); want only the autofilter buttons")
	}
}

func TestXLSXErrorSticksAndCleansUp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "e.xlsx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow([]Cell{{Value: "a", Problem: "p"}}); err != nil {
		t.Fatal(err)
	}
	// Column 16385 does not exist in XLSX.
	tooWide := make([]Cell, excelize.MaxColumns+1)
	tooWide[excelize.MaxColumns] = Cell{Value: "x"}
	first := w.WriteRow(tooWide)
	if first == nil {
		t.Fatal("WriteRow with 16385 columns succeeded, want an error")
	}
	if err := w.WriteRow([]Cell{{Value: "b"}}); !errors.Is(err, first) {
		t.Errorf("WriteRow after an error got %v, want the first error %v", err, first)
	}
	if err := w.Close(); err == nil {
		t.Errorf("Close after a write error succeeded, want the error")
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("output dir holds %q after failed Close", got)
	}
	if got := dirNames(t, tmp); len(got) != 0 {
		t.Errorf("TMPDIR holds %q after failed Close", got)
	}
}

func TestXLSXColWidthsOption(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "w.xlsx")
	w, err := Create(path, Options{ColWidths: []float64{30, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"a", strings.Repeat("x", 100)}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	for _, tt := range []struct {
		col  string
		want float64
	}{{"A", 30}, {"B", maxColWidth}} {
		if got, err := f.GetColWidth("Results", tt.col); err != nil || got != tt.want {
			t.Errorf("width of %s got %v (%v), want %v", tt.col, got, err, tt.want)
		}
	}
}

// TestXLSXLibreOffice converts the golden file with LibreOffice when it is
// installed (it is optional and not installed by the tests; in CI,
// apt-get install --no-install-recommends libreoffice-calc). It checks that
// another spreadsheet program reads the file, Chinese text included.
func TestXLSXLibreOffice(t *testing.T) {
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" || testing.Short() {
		t.Skip("LibreOffice not installed")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "lo.xlsx")
	writeGolden(t, path)
	// The CSV filter's options (separator 44 = comma, text delimiter 34 =
	// quote, character set 76 = UTF-8, from line 1) make the export UTF-8
	// whatever the locale; without them LibreOffice writes the locale's
	// character set, and in the C locale Chinese comes back as "??". The
	// locale is forced to C so the test proves it on every machine.
	profile := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "profile"))}).String()
	cmd := exec.Command(bin, "--headless", "-env:UserInstallation="+profile,
		"--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1`, "--outdir", dir, path)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C", "LANGUAGE=C")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "lo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "客戶甲") || !strings.Contains(string(b), "=1+1") || strings.Contains(string(b), "??") {
		t.Errorf("LibreOffice CSV lacks the cell texts: %s", b)
	}
}

// wideHeader is n header names whose widths differ from each neighbour's,
// so no two adjacent columns share a run.
func wideHeader(n int) []string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = strings.Repeat("x", 4+i%3) // widths 8, 9, 10, 8, ...
	}
	return cols
}

// writeWide writes a header and one row of n columns to path.
func writeWide(tb testing.TB, path string, n int) {
	tb.Helper()
	w, err := Create(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteHeader(wideHeader(n)); err != nil {
		tb.Fatal(err)
	}
	row := make([]Cell, n)
	for i := range row {
		row[i] = Cell{Value: strconv.Itoa(i)}
	}
	if err := w.WriteRow(row); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
}

// Excel's widest sheet (16,384 columns, every width different from its
// neighbour's) is written, with every width set. Setting widths through
// excelize took time cubic in the columns: 8,000 took 113 s and 16,384
// never finished, so this test timed out before.
func TestXLSXWidestSheet(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "wide.xlsx")
	writeWide(t, path, excelize.MaxColumns)
	sheet := readZipPart(t, path, "xl/worksheets/sheet1.xml")
	if n := strings.Count(sheet, "<col "); n != excelize.MaxColumns {
		t.Errorf("got %d <col> elements, want %d (one per column, no two neighbours alike)", n, excelize.MaxColumns)
	}
	if i, j := strings.Index(sheet, "<cols>"), strings.Index(sheet, "<sheetData"); i < 0 || i > j {
		t.Errorf("<cols> at %d, <sheetData> at %d: want <cols> right before <sheetData>", i, j)
	}
	f := openXLSX(t, path)
	for _, col := range []int{1, 2, 3, 4, 9999, excelize.MaxColumns} {
		name, _ := excelize.ColumnNumberToName(col)
		want := float64(8 + (col-1)%3)
		if got, err := f.GetColWidth("Results", name); err != nil || got != want {
			t.Errorf("width of %s: got %v (%v), want %v", name, got, err, want)
		}
	}
	if got, err := f.GetCellValue("Results", "XFD2"); err != nil || got != "16383" {
		t.Errorf("XFD2: got %q (%v), want 16383", got, err)
	}
}

// Equal neighbours share one <col> element.
func TestColsXMLMergesRuns(t *testing.T) {
	got := string(colsXML([]colSpec{{width: 8}, {width: 8}, {width: 12}, {width: 8, style: 3}}))
	want := `<cols><col min="1" max="2" width="8" customWidth="1"/><col min="3" max="3" width="12" customWidth="1"/><col min="4" max="4" width="8" customWidth="1" style="3"/></cols>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := colsXML(nil); got != nil {
		t.Errorf("no columns: got %q, want nil", got)
	}
}

// A width over Excel's 255 is refused, as excelize refused it.
func TestXLSXColWidthTooWide(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	w, err := Create(filepath.Join(t.TempDir(), "w.xlsx"), Options{ColWidths: []float64{300}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteHeader([]string{"a"}); !errors.Is(err, excelize.ErrColumnWidth) {
		t.Errorf("got %v, want ErrColumnWidth", err)
	}
}

// Text columns are formatted "@" (the cells, the problem cells and the
// column itself, for cells typed later), so a 統編 retyped in a red cell
// keeps its leading zero; other columns are not.
func TestXLSXTextColumns(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "text.xlsx")
	w, err := Create(path, Options{TextColumns: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	rows := [][]Cell{
		{{Value: "1", Numeric: true}, {Value: "04595257", Numeric: true}, {Value: "OK"}},
		{{Value: "2", Numeric: true}, {Value: "4595257", Problem: "統編錯誤"}, {Value: "ERROR"}},
	}
	if err := w.WriteHeader([]string{"行號", "統一編號", "狀態"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	const sheet = "Results"
	style := func(id int) *excelize.Style {
		t.Helper()
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatalf("style %d: %v", id, err)
		}
		return s
	}
	for _, tt := range []struct {
		cell     string
		wantText bool
		wantRed  bool
	}{
		{"A2", false, false}, {"B2", true, false}, {"B3", true, true}, {"C3", false, false},
	} {
		id, err := f.GetCellStyle(sheet, tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		s := style(id)
		if got := s.NumFmt == numFmtText; got != tt.wantText {
			t.Errorf("%s: text format %t (NumFmt %d), want %t", tt.cell, got, s.NumFmt, tt.wantText)
		}
		red := len(s.Fill.Color) == 1 && strings.EqualFold(s.Fill.Color[0], ProblemFillColor)
		if red != tt.wantRed {
			t.Errorf("%s: red %t, want %t", tt.cell, red, tt.wantRed)
		}
	}
	for _, tt := range []struct {
		col      string
		wantText bool
	}{{"A", false}, {"B", true}, {"C", false}} {
		id, err := f.GetColStyle(sheet, tt.col)
		if err != nil {
			t.Fatal(err)
		}
		if got := id != 0 && style(id).NumFmt == numFmtText; got != tt.wantText {
			t.Errorf("column %s: text format %t, want %t", tt.col, got, tt.wantText)
		}
	}
	isText := func(typ excelize.CellType) bool {
		return typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
	}
	if typ, _ := f.GetCellType(sheet, "B2"); !isText(typ) {
		t.Errorf("B2: type %v, want text (a text column holds text)", typ)
	}
	if got, _ := f.GetCellValue(sheet, "B2"); got != "04595257" {
		t.Errorf("B2: got %q, want 04595257", got)
	}
	if typ, _ := f.GetCellType(sheet, "A2"); isText(typ) {
		t.Errorf("A2: type %v, want a number (not a text column)", typ)
	}
}

// A text column beyond the header is a caller's mistake, reported.
func TestXLSXTextColumnOutOfRange(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	w, err := Create(filepath.Join(t.TempDir(), "w.xlsx"), Options{TextColumns: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteHeader([]string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "text column 2") {
		t.Errorf("got %v, want an error naming text column 2", err)
	}
}
