package ui

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

func TestFindReplaceUndo(t *testing.T) {
	u := newTestUI(t, Config{})
	u.upload("a.csv", big5CSV(t,
		"客戶代號,客戶名稱,信用額度",
		"A001,甲商行,1O00", // letter O for zero
		"A002,乙商行,2O00",
		"A003,丙商行,3000",
	))
	p := u.post("/replace", url.Values{"find": {"O"}, "with": {"0"}, "col": {"2"}, "op": {"preview"}})
	if !strings.Contains(p.body, "2 個儲存格會變更") || statusOf(p.body) != "VALID 1 · INVALID 2" {
		t.Fatalf("preview: status %q\n%s", statusOf(p.body), p.body)
	}
	p = u.post("/replace", url.Values{"find": {"O"}, "with": {"0"}, "col": {"2"}, "op": {"apply"}})
	if statusOf(p.body) != "VALID 3" || !strings.Contains(p.body, "已變更 2 個儲存格") {
		t.Fatalf("after replacing: status %q", statusOf(p.body))
	}
	p = u.post("/undo", nil)
	if statusOf(p.body) != "VALID 1 · INVALID 2" || !strings.Contains(p.body, ">1O00<") {
		t.Fatalf("after undo: status %q", statusOf(p.body))
	}
	// The preview names the cells it changes, and marks them in the grid;
	// what 取代 did shows next to it.
	p = u.post("/replace", url.Values{"find": {"O"}, "with": {"0"}, "col": {"2"}, "op": {"preview"}})
	for _, want := range []string{"<li>第 2 列 C 欄:<s>1O00</s> → <b>1000</b></li>", "<li>第 3 列 C 欄:<s>2O00</s> → <b>2000</b></li>",
		`will-change" data-line="2" data-col="2"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the preview lacks %s", want)
		}
	}
	if strings.Contains(p.body, `data-line="4" data-col="2" tabindex="-1">3000`) == false || strings.Count(p.body, "will-change") != 2 {
		t.Errorf("cells the replacement leaves are marked: %d marks", strings.Count(p.body, "will-change"))
	}
	p = u.post("/replace", url.Values{"find": {"O"}, "with": {"0"}, "col": {"2"}, "op": {"apply"}})
	form := p.body[strings.Index(p.body, `id="replace-form"`):]
	form = form[:strings.Index(form, "</form>")]
	if !strings.Contains(form, `<span class="note" id="replace-done">已變更 2 個儲存格</span>`) {
		t.Errorf("已變更 2 個儲存格 is not next to the button:\n%s", form)
	}
	u.post("/undo", nil)
	p = u.post("/replace", url.Values{"find": {"商"}, "with": {"X"}, "col": {"-1"}, "op": {"preview"}})
	if !strings.Contains(p.body, "3 個儲存格會變更") {
		t.Error("a search in every column counts the cells of every row")
	}
}

func TestMappingDropdown(t *testing.T) {
	u := newTestUI(t, Config{})
	u.upload("a.csv", big5CSV(t,
		"舊系統編號,客戶名稱,信用額度",
		"A001,甲商行,1000",
	))
	p := u.get("/")
	if !strings.Contains(p.body, "不認得") {
		t.Fatal("the unknown column is not shown as unknown")
	}
	p = u.post("/mapping", url.Values{"col0": {"CCODE"}, "col1": {"CNAM1"}, "col2": {"CBELE"}})
	if statusOf(p.body) != "VALID 1" || !strings.Contains(p.body, `<option value="CCODE" selected>CCODE 客戶代號`) {
		t.Fatalf("after mapping the column: status %q", statusOf(p.body))
	}
	y := u.get("/mapping.yaml")
	if y.code != 200 || !strings.Contains(y.body, "舊系統編號: CCODE") || !strings.Contains(y.hdr.Get("Content-Disposition"), "mapping.yaml") {
		t.Errorf("mapping.yaml: %d\n%s", y.code, y.body)
	}
	p = u.post("/mapping", url.Values{"col1": {"ignore"}})
	if !strings.Contains(p.body, `<option value="ignore" selected>不匯入`) {
		t.Error("a column set to 不匯入 does not show so")
	}
}

func TestHeaderRowAndLanguage(t *testing.T) {
	u := newTestUI(t, Config{})
	// The automatic header is row 1 (it holds a field label); the real
	// header is row 2.
	u.upload("a.csv", big5CSV(t,
		"客戶名稱 清單,,",
		"客戶代號,客戶名稱,信用額度",
		"A001,甲商行,1000",
		"A002,乙商行,12x",
	))
	p := u.post("/options", url.Values{"header": {"2"}})
	if statusOf(p.body) != "VALID 1 · INVALID 1" || !strings.Contains(p.body, `value="2" id="header-2" aria-label="第 2 列:客戶代號, 客戶名稱, 信用額度" checked>`) {
		t.Fatalf("after picking row 2: status %q", statusOf(p.body))
	}
	// The picker previews the first rows under their column letters,
	// the header row marked.
	for _, want := range []string{
		`<th class="colletter">A</th><th class="colletter">B</th><th class="colletter">C</th></tr>`,
		`<tr class="is-header"><td><input type="radio" name="header" value="2"`,
		`<label for="header-2">2</label></th><td>客戶代號</td><td>客戶名稱</td><td>信用額度</td></tr>`,
		`<label for="header-4">4</label></th><td>A002</td><td>乙商行</td><td>12x</td></tr>`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the header-row picker lacks %s", want)
		}
	}
	if !strings.Contains(p.body, `data-line="4" data-col="2"`) {
		t.Error("row numbers moved: the grid has no row 4")
	}
	p = u.post("/lang", url.Values{"lang": {"en"}})
	if !strings.Contains(p.body, "Check and fix") || !strings.Contains(p.body, "CBELE (credit limit)") {
		t.Errorf("English: the page or the row's problem is not in English")
	}
}

func TestSheetPicker(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"說明"})
	f.NewSheet("客戶資料")
	f.SetSheetRow("客戶資料", "A1", &[]any{"客戶代號", "客戶名稱", "信用額度"})
	f.SetSheetRow("客戶資料", "A2", &[]any{"A001", "甲商行", "1000"})
	var b bytes.Buffer
	f.Write(&b)
	u := newTestUI(t, Config{})
	p := u.upload("book.xlsx", b.Bytes())
	if !strings.Contains(p.body, `<select name="sheet" id="sheet">`) {
		t.Fatalf("no sheet picker")
	}
	// The cover sheet in front is passed over, as the command line does.
	if statusOf(p.body) != "VALID 1" {
		t.Errorf("after the upload: status %q, want the list's sheet checked (VALID 1)", statusOf(p.body))
	}
	p = u.post("/options", url.Values{"sheet": {"客戶資料"}})
	if statusOf(p.body) != "VALID 1" {
		t.Fatalf("after picking the sheet: status %q", statusOf(p.body))
	}
	// An edit of an XLSX upload: the rows go to the check as a workbook.
	p = u.post("/cell", url.Values{"line": {"2"}, "col": {"2"}, "value": {"abc"}})
	if statusOf(p.body) != "INVALID 1" {
		t.Errorf("after an edit: status %q", statusOf(p.body))
	}
}

func TestPauseResumeStop(t *testing.T) {
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	// Every request waits at the gate until the test lets it through, so
	// what Pause holds back is seen without timing: started counts the
	// requests that reached the server.
	var started atomic.Int32
	arrived := make(chan struct{}, 100)
	gate := make(chan struct{})
	var openOnce sync.Once
	open := func() { openOnce.Do(func() { close(gate) }) }
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tms.ProductQuery.Path { // the connection test before the import
			sim.ServeHTTP(w, r)
			return
		}
		started.Add(1)
		arrived <- struct{}{}
		<-gate
		sim.ServeHTTP(w, r)
	}))
	defer ts.Close()
	defer sim.Close()
	defer open()
	lines := []string{"客戶代號,客戶名稱,信用額度"}
	for i := 1; i <= 60; i++ {
		lines = append(lines, fmt.Sprintf("A%03d,客戶%d,1000", i, i))
	}
	_, conn := startSim(t)
	conn.URL, conn.Workers = ts.URL, 1
	u := newTestUI(t, Config{Conn: conn})
	u.upload("a.csv", big5CSV(t, lines...))
	u.post("/import", nil)
	<-arrived // the one worker's first request is at the gate
	if p := u.post("/pause", nil); !strings.Contains(p.body, `id="resume"`) {
		t.Fatalf("no Resume button after Pause")
	}
	open() // the request in flight finishes; no new one may leave
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if len(sim.Customers()) == 1 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the request in flight at Pause did not finish")
		}
	}
	// The worker is back at the pause gate, or on its way there: give it
	// ample time to send (wrongly) before looking.
	time.Sleep(300 * time.Millisecond)
	if n := started.Load(); n != 1 {
		t.Errorf("%d requests reached TMS while paused, want only the one in flight at Pause", n)
	}
	u.post("/resume", nil)
	<-arrived // sending went on after Resume
	u.post("/stop", nil)
	var st string
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if st = statusOf(u.get("/view").body); strings.HasPrefix(st, "完成") {
			break
		}
	}
	if !strings.HasPrefix(st, "完成 · OK") || !strings.Contains(st, "NOT_SENT") {
		t.Errorf("after Stop: status %q, want 完成 with OK and NOT_SENT rows", st)
	}
	if p := u.get("/view"); !strings.Contains(p.body, "您按了停止") || !strings.Contains(p.body, `id="results"`) {
		t.Errorf("after Stop the page does not say why, or has no results")
	}
}

// The page's own switches for what the command line does with
// --skip-hidden: a hidden row is left out (SKIPPED), and kept when the
// box is unchecked again, also after an edit (the edited workbook keeps
// the row hidden).
func TestSkipHiddenOnThePage(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"客戶代號", "客戶名稱", "信用額度"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"A001", "甲商行", "1000"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"A002", "舊資料", "1000"})
	f.SetRowVisible("Sheet1", 3, false)
	var b bytes.Buffer
	f.Write(&b)
	u := newTestUI(t, Config{})
	p := u.upload("book.xlsx", b.Bytes())
	if statusOf(p.body) != "VALID 2" || !strings.Contains(p.body, `id="skiphidden"`) {
		t.Fatalf("upload: status %q", statusOf(p.body))
	}
	p = u.post("/options", url.Values{"skiphidden": {"1"}})
	if statusOf(p.body) != "VALID 1 · SKIPPED 1" {
		t.Errorf("with skip-hidden: status %q", statusOf(p.body))
	}
	p = u.post("/cell", url.Values{"line": {"2"}, "col": {"1"}, "value": {"甲商行二"}})
	if statusOf(p.body) != "VALID 1 · SKIPPED 1" {
		t.Errorf("after an edit: status %q (the edited workbook lost the hidden row)", statusOf(p.body))
	}
	p = u.post("/options", url.Values{})
	if statusOf(p.body) != "VALID 2" {
		t.Errorf("unchecked again: status %q", statusOf(p.body))
	}
}

// A two-row header on the page: the sub-heading row is not a row of the
// grid, a column under a merged parent is named parent/sub-heading, and
// choosing a field for it maps it by that name in mapping.yaml.
func TestTwoRowHeaderOnThePage(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"客戶代號", "客戶名稱", "信用額度", "地址", nil})
	f.SetSheetRow("Sheet1", "A2", &[]any{nil, nil, nil, "公司", "送貨"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"A001", "甲商行", "1000", "台北市", "新北市"})
	f.MergeCell("Sheet1", "D1", "E1")
	var b bytes.Buffer
	f.Write(&b)
	u := newTestUI(t, Config{})
	p := u.upload("book.xlsx", b.Bytes())
	if statusOf(p.body) != "VALID 1" || !strings.Contains(p.body, "地址/送貨") {
		t.Fatalf("after the upload: status %q, or 地址/送貨 not shown", statusOf(p.body))
	}
	p = u.post("/mapping", url.Values{"col4": {"CADD3"}})
	if statusOf(p.body) != "VALID 1" || !strings.Contains(p.body, `<option value="CADD3" selected>`) {
		t.Fatalf("after mapping 地址/送貨: status %q", statusOf(p.body))
	}
	if y := u.get("/mapping.yaml"); !strings.Contains(y.body, "地址/送貨: CADD3") {
		t.Errorf("mapping.yaml:\n%s", y.body)
	}
}

// An edited upload goes to the check and the import as a workbook whose
// sheet is the upload's: the results' Summary names 北區, not Sheet1 (and
// no sheet at all for a CSV).
func TestEditedUploadKeepsTheSheetName(t *testing.T) {
	rows := []source.Record{{Line: 1, Cells: []string{"客戶代號", "客戶名稱", "信用額度"}}, {Line: 2, Cells: []string{"A1", "甲", "1"}}}
	for _, tt := range []struct {
		u    upload
		want string
	}{
		{upload{rows: rows, xlsx: true, sheet: "北區", edited: true}, "北區"},
		{upload{rows: rows, edited: true}, ""},
	} {
		data, sheet, err := tt.u.content()
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		name := f.GetSheetName(0)
		f.Close()
		if sheet != tt.want || (tt.want != "" && name != tt.want) {
			t.Errorf("sheet %q (workbook's %q), want %q", sheet, name, tt.want)
		}
		name = "upload.xlsx"
		if !tt.u.xlsx {
			name = "upload.csv"
		}
		sum, err := importer.Run(context.Background(), importer.Options{Input: name, Data: bytes.NewReader(data), Size: int64(len(data)),
			Out: filepath.Join(t.TempDir(), "r.xlsx"), DryRun: true, Source: source.Options{Sheet: sheet}})
		if err != nil || sum.Sheet != tt.want {
			t.Errorf("the job's sheet %q, want %q (%v)", sum.Sheet, tt.want, err)
		}
	}
}
