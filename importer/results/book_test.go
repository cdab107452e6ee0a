package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A book holds one results sheet per input sheet, each with its own rows,
// red cells and comments, and one Summary sheet with a block per sheet.
func TestXLSXBook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	b, err := NewXLSXBook(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"北區", "南區"} {
		w, err := b.Sheet(name, Options{TextColumns: []int{0}, Above: [][]string{{name + " 名單"}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteHeader([]string{"客戶代號", "ImportStatus"}); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < 3+i; r++ {
			c := Cell{Value: name + string(rune('0'+r))}
			if r == 1 {
				c.Problem = "problem on " + name
			}
			if err := w.WriteRow([]Cell{c, {Value: "OK"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.WriteSummary([][]Cell{{{Value: "Sheet"}, {Value: name}}, {{Value: "OK"}, {Value: "3", Numeric: true}}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Sheet("Summary", Options{}); err == nil {
		t.Error("a results sheet named Summary was accepted")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	if got := strings.Join(f.GetSheetList(), ","); got != "北區,南區,Summary" {
		t.Fatalf("sheets %q", got)
	}
	for i, name := range []string{"北區", "南區"} {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5+i || rows[0][0] != name+" 名單" || rows[1][0] != "客戶代號" || rows[3][0] != name+"1" {
			t.Errorf("%s rows %q", name, rows)
		}
		cmts, err := f.GetComments(name)
		if err != nil || len(cmts) != 1 || cmts[0].Cell != "A4" || !strings.Contains(cmts[0].Text, "problem on "+name) {
			t.Errorf("%s comments %+v %v", name, cmts, err)
		}
	}
	sum, err := f.GetRows("Summary")
	if err != nil || len(sum) != 5 || sum[0][1] != "北區" || len(sum[2]) != 0 || sum[3][1] != "南區" {
		t.Errorf("summary %q %v", sum, err)
	}
	// The two sheets' note shapes do not share ids.
	v1, v2 := readZipPart(t, path, "xl/drawings/vmlDrawing1.vml"), readZipPart(t, path, "xl/drawings/vmlDrawing2.vml")
	if !strings.Contains(v1, `id="_x0000_s1025"`) || !strings.Contains(v2, `id="_x0000_s2049"`) || !strings.Contains(v2, `data="2"`) {
		t.Errorf("shape ids: %s\n%s", v1, v2)
	}
}

// A sheet aborted aborts the book: no file, and no more sheets.
func TestXLSXBookAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	b, err := NewXLSXBook(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := b.Sheet("A", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sheet("B", Options{}); err == nil {
		t.Error("a second sheet while the first is open")
	}
	w.WriteHeader([]string{"x"})
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sheet("B", Options{}); err != ErrClosed {
		t.Errorf("Sheet after an abort: %v", err)
	}
	if err := b.Close(); err != ErrClosed {
		t.Errorf("Close after an abort: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
