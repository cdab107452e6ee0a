package ui

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// twoRegions is a workbook with a cover sheet and two lists.
func twoRegions(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "說明")
	f.SetSheetRow("說明", "A1", &[]any{"請填寫北區與南區兩張表"})
	for _, sh := range []struct {
		name string
		rows [][]any
	}{
		{"北區", [][]any{{"客戶代號", "客戶名稱", "信用額度"}, {"N001", "北一", 1000}, {"N002", "北二", 2000}}},
		{"南區", [][]any{{"客戶代號", "客戶名稱", "信用額度"}, {"S001", "南一", 1000}, {"S002", "南二", "12x"}, {"S003", "南三", 3000}}},
	} {
		f.NewSheet(sh.name)
		for i, r := range sh.rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow(sh.name, cell, &r)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSeveralSheets: a workbook with several lists offers them ticked
// together; the import sends the sheet shown and each one ticked, one
// after another, into one results workbook with a sheet each; the grid
// keeps the shown sheet's rows. Unticked, a sheet is not sent.
func TestSeveralSheets(t *testing.T) {
	t.Parallel()
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	u.upload("各區.xlsx", twoRegions(t)) // on the cover: two lists, the user picks
	p := u.post("/options", url.Values{"sheet": {"北區"}})
	for _, want := range []string{
		`<input type="checkbox" name="also" value="北區" id="also-1" checked disabled> 北區`,
		`<input type="checkbox" name="also" value="南區" id="also-2"> 南區`,
	} {
		if !strings.Contains(p.body, want) {
			t.Fatalf("the page lacks %s (status %q)", want, statusOf(p.body))
		}
	}
	if strings.Contains(p.body, `value="說明" id="also`) {
		t.Error("the cover sheet is offered as a list")
	}
	p = u.post("/options", url.Values{"alsoform": {"1"}, "also": {"南區"}, "sheet": {"北區"}})
	if !strings.Contains(p.body, `id="also-2" checked>`) || statusOf(p.body) != "VALID 2" || !strings.Contains(p.body, "也會匯入工作表:南區") {
		t.Fatalf("ticked: status %q", statusOf(p.body))
	}
	u.post("/import", nil)
	u.waitImport()
	var codes []string
	for _, c := range sim.Customers() {
		codes = append(codes, c["CCODE"].(string))
	}
	slices.Sort(codes)
	if want := []string{"N001", "N002", "S001", "S003"}; !slices.Equal(codes, want) {
		t.Errorf("the simulator holds %v, want %v", codes, want)
	}
	v := u.get("/view")
	if statusOf(v.body) != "完成 · OK 4 · INVALID 1" || !strings.Contains(v.body, `data-line="3" data-col="0" tabindex="-1">N002`) {
		t.Errorf("after the import: status %q", statusOf(v.body))
	}
	if !strings.Contains(v.body, `download="各區.results.xlsx"`) {
		t.Error("the results are not one workbook named for the file")
	}
	res := u.get("/results")
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatalf("the results: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Contains(got, "北區") || !slices.Contains(got, "南區") {
		t.Fatalf("results sheets %v", got)
	}
	south, _ := f.GetRows("南區")
	if len(south) != 4 || !slices.Contains(south[2], "INVALID") || !slices.Contains(south[3], "OK") {
		t.Errorf("南區's results: %q", south)
	}
	// Unticked: only the sheet shown goes.
	u2 := newTestUI(t, Config{Conn: conn})
	u2.upload("各區.xlsx", twoRegions(t))
	u2.post("/options", url.Values{"alsoform": {"1"}, "sheet": {"南區"}})
	u2.post("/import", nil)
	u2.waitImport()
	if st := sim.Stats(); st.Requests != 4+2 {
		t.Errorf("with no sheet ticked, %d requests in all, want 6 (4, then 南區's 2 again)", st.Requests)
	}
}

// TestSeveralSheetsStopContinue: 停止 during the first sheet leaves the
// rest of it and every row of the sheets after it NOT_SENT (in the
// results too); 繼續匯入剩下的 N 筆 sends exactly those, each once.
func TestSeveralSheetsStopContinue(t *testing.T) {
	g := newGatedSim(t)
	u := newTestUI(t, Config{Conn: g.conn})
	u.upload("各區.xlsx", twoRegions(t))
	u.post("/options", url.Values{"sheet": {"北區"}})
	u.post("/options", url.Values{"alsoform": {"1"}, "also": {"南區"}, "sheet": {"北區"}})
	u.post("/import", nil)
	g.pass(1) // N001
	g.next()  // N002 at the gate
	u.post("/stop", nil)
	u.waitStopping()
	g.release <- struct{}{}
	u.waitImport()
	v := u.get("/view")
	if got := statusOf(v.body); got != "完成 · OK 2 · INVALID 1 · NOT_SENT 2" {
		t.Errorf("after the stop: %q", got)
	}
	if !strings.Contains(v.body, "繼續匯入剩下的 2 筆") {
		t.Fatalf("no continue: %s", importButtonRe.FindString(v.body))
	}
	g.open()
	u.post("/import", nil)
	u.waitImport()
	v = u.get("/view")
	if got := statusOf(v.body); got != "完成 · OK 4 · INVALID 1" {
		t.Errorf("after the continue: %q", got)
	}
	if st := g.sim.Stats(); st.Requests != 4 || st.Added != 4 {
		t.Errorf("simulator: %+v, want each of the 4 rows sent once", st)
	}
}
