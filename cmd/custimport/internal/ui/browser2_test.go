package ui

// Browser flows of the page's second round: settings that speak (item
// 4), remembered and loaded mappings with what the page asks (items 5
// and 6), and the grid (item 8).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// run evaluates js in the page for its effect, as a user's action the
// page's own events follow (a choice in a drop-down, a scroll).
func run(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		return err
	})
}

// choose picks value in the drop-down sel, as a user does (the change
// event follows).
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return run(fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, sel, value))
}

// waitTrue waits until js evaluates to true; what names it in the error.
func waitTrue(js, what string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
			if err != nil {
				return err
			}
			if ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// browserFlow is a browser on a page: its steps fail the test with what
// the page showed.
type browserFlow struct {
	t        *testing.T
	ctx      context.Context
	problems func() []string
	sh       *shots
	text     string
}

func newBrowserFlow(t *testing.T) *browserFlow {
	t.Helper()
	clitest.RequireProcessTests(t)
	ctx, problems := browserCtx(t)
	sh := &shots{dir: os.Getenv("CUSTIMPORT_UI_SHOTS")}
	if sh.dir != "" {
		os.MkdirAll(sh.dir, 0o755)
		sh.prefix = strings.TrimPrefix(t.Name(), "TestBrowser") + "-"
	}
	return &browserFlow{t: t, ctx: ctx, problems: problems, sh: sh}
}

// open logs in to u with its one-time address.
func (b *browserFlow) open(u *testUI) {
	b.t.Helper()
	u.srv.mu.Lock()
	u.srv.redeemed = false
	u.srv.mu.Unlock()
	b.do("open", chromedp.Navigate(u.srv.URL(u.ts.Listener.Addr())), again(chromedp.WaitVisible(chromedp.ID("file"))))
}

func (b *browserFlow) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (last text %q; problems in the page: %q)", step, err, b.text, b.problems())
	}
}

func (b *browserFlow) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return s
}

// noProblems fails on errors in the page (CSP violations show here).
func (b *browserFlow) noProblems() {
	b.t.Helper()
	if p := b.problems(); len(p) > 0 {
		b.t.Errorf("errors in the page (CSP violations show here): %q", p)
	}
}

// cutPlaceholders lists the inputs whose placeholder does not fit in
// them, measured with the input's own font.
const cutPlaceholders = `(() => {
  const c = document.createElement("canvas").getContext("2d");
  const cut = [];
  for (const el of document.querySelectorAll("input[placeholder]")) {
    if (!el.offsetParent || !el.placeholder) continue;
    const st = getComputedStyle(el);
    c.font = st.font;
    const room = el.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    if (c.measureText(el.placeholder).width > room + 0.5) cut.push((el.name || el.id) + ": " + el.placeholder);
  }
  return cut.join(" | ");
})()`

// TestBrowserSettingsSpeak: a wrong key typed in the settings and 匯入:
// the run stops before its first row with the connection test's verdict
// in the import box and beside the settings, and the simulator gets no
// row; 簽章方式 is a drop-down whose 自訂 opens a field; no placeholder
// is cut off at 1366 px; with the key fixed the rows go.
func TestBrowserSettingsSpeak(t *testing.T) {
	b := newBrowserFlow(t)
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	input := filepath.Join(t.TempDir(), "客戶名單.csv")
	if err := os.WriteFile(input, big5CSV(t, customerLines(5)...), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open(u)
	if cut := b.eval(cutPlaceholders); cut != "" {
		t.Errorf("placeholders cut off at 1366 px: %s", cut)
	}
	b.do("a wrong key",
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{input})),
		waitText("#status", "VALID 5", &b.text),
		again(chromedp.ScrollIntoView(chromedp.ID("test-connection"))),
		chromedp.SendKeys(chromedp.CSS(`form.conn input[name="key"]`), "not-the-key"),
		click(chromedp.CSS(`form.conn button:not([id])`)), // 儲存連線設定
		waitText("#message", "連線設定已儲存", &b.text),
		click(chromedp.ID("import")),
		waitText("#import-refused", "沒有傳送任何資料", &b.text),
		waitText("#conn-test", "簽章", &b.text),
		again(chromedp.ScrollIntoView(chromedp.ID("step-import"))),
		b.sh.take("settings-refused"),
	)
	if st := sim.Stats(); st.Requests != 0 || len(sim.Customers()) != 0 {
		t.Fatalf("rows reached TMS with a wrong key: %+v", st)
	}
	if s := b.eval(`document.getElementById("import-refused").textContent`); !strings.Contains(s, "簽章") || strings.Contains(s, "FAILED") {
		t.Errorf("#import-refused: %q", s)
	}
	b.do("自訂 opens the recipe field",
		waitTrue(`document.getElementById("sign-custom-box").hidden`, "the custom field hidden"),
		choose("#sign", "custom"),
		waitTrue(`!document.getElementById("sign-custom-box").hidden && document.activeElement.id === "sign-custom"`, "the custom field shown and focused"),
		b.sh.take("sign-custom"),
		choose("#sign", "sha512:{pno}{timestamp}{key}"),
		waitTrue(`document.getElementById("sign-custom-box").hidden`, "the custom field hidden again"),
	)
	if cut := b.eval(cutPlaceholders); cut != "" {
		t.Errorf("placeholders cut off at 1366 px: %s", cut)
	}
	b.do("the key fixed",
		chromedp.SendKeys(chromedp.CSS(`form.conn input[name="key"]`), testKey),
		click(chromedp.CSS(`form.conn button:not([id])`)),
		chromedp.WaitNotPresent(chromedp.ID("import-refused")), // the answer to the save is in
		waitText("#import", "匯入 5 筆", &b.text),
		click(chromedp.ID("import")),
		waitText("#status", "完成 · OK 5", &b.text),
		waitText("#conn-test", "✓", &b.text),
		again(chromedp.ScrollIntoView(chromedp.ID("step-import"))),
		b.sh.take("settings-fixed-done"),
	)
	if n := len(sim.Customers()); n != 5 {
		t.Errorf("the simulator holds %d customers, want 5", n)
	}
	b.noProblems()
}

// TestBrowserAsks: what the page asks of the command line no more. A
// file opened by `custimport FILE` is there on the page; the column
// chosen for a header it does not know is remembered and offered on a
// new page (and on a mapping file loaded); a missing 信用額度 warning
// links to the default, which clears it; an encrypted workbook asks for
// its password.
func TestBrowserAsks(t *testing.T) {
	b := newBrowserFlow(t)
	sim, conn := startSim(t)
	state := t.TempDir()
	conn.StateDir = state
	getenv := func(k string) string {
		if k == "CUSTIMPORT_STATE_DIR" {
			return state
		}
		return ""
	}
	dir := t.TempDir()
	list := filepath.Join(dir, "舊系統匯出.csv")
	if err := os.WriteFile(list, big5CSV(t, "舊系統編號,客戶名稱", "A001,甲商行", "A002,乙商行"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Opened with the file, as when it is dragged onto custimport.exe.
	u := newTestUI(t, Config{Conn: conn, Getenv: getenv, Preload: list})
	b.open(u)
	b.do("the dropped file is loaded",
		waitText("#step-file", "舊系統匯出.csv", &b.text),
		again(chromedp.WaitVisible(chromedp.ID("file-error"))),
		b.sh.take("dropped-file"),
		choose(`select[name="col0"]`, "CCODE"),
		waitTrue(`!document.getElementById("file-error")`, "the file error gone"),
		waitText("#step-file", "在這裡填入", &b.text), // 信用額度 is missing
		b.sh.take("credit-warning"),
		click(chromedp.ID("fix-default-credit")),
		waitTrue(`document.activeElement && document.activeElement.id === "default-credit"`, "the 信用額度 default focused"),
		chromedp.SendKeys(chromedp.ID("default-credit"), "5000\t"),
		waitTrue(`!document.getElementById("fix-default-credit")`, "the warning gone"),
		waitText("#status", "VALID 2", &b.text),
		b.sh.take("credit-default"),
		click(chromedp.ID("import")),
		waitText("#status", "完成 · OK 2", &b.text),
	)
	for _, c := range sim.Customers() {
		if fmt.Sprint(c["CBELE"]) != "5000" {
			t.Errorf("customer %v: CBELE %v, want 5000", c["CCODE"], c["CBELE"])
		}
	}
	saved, err := os.ReadFile(must1(filepath.Glob(filepath.Join(state, "mappings", "*.yaml")))[0])
	if err != nil || !strings.Contains(string(saved), "舊系統編號: CCODE") {
		t.Fatalf("the remembered choice: %v\n%s", err, saved)
	}
	// Another day, another page: the same headers are offered the choice.
	u2 := newTestUI(t, Config{Conn: conn, Getenv: getenv})
	b.open(u2)
	b.do("the remembered mapping",
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{list})),
		again(chromedp.WaitVisible(chromedp.ID("apply-remembered"))),
		again(chromedp.ScrollIntoView(chromedp.ID("step-map"))),
		b.sh.take("remembered-offer"),
		click(chromedp.ID("apply-remembered")),
		waitText("#status", "VALID 2", &b.text),
		chromedp.WaitNotPresent(chromedp.ID("apply-remembered")),
	)
	// A mapping file saved elsewhere, loaded.
	mf := filepath.Join(dir, "對應.yaml")
	if err := os.WriteFile(mf, []byte("columns:\n  舊系統編號: ignore\n  客戶名稱: CNAM1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do("a mapping file loaded",
		again(chromedp.SetUploadFiles(chromedp.ID("mapping-file"), []string{mf})),
		waitText("#message", "已載入對應檔", &b.text),
		waitText("#mapping-form", "對應.yaml", &b.text),
		waitTrue(`document.querySelector('select[name="col0"]').value === "ignore"`, "舊系統編號 set to 不匯入 by the file"),
		b.sh.take("mapping-loaded"),
	)
	// An encrypted workbook.
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"客戶代號", "客戶名稱", "信用額度"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Z001", "甲公司", 1000})
	var locked bytes.Buffer
	if err := f.Write(&locked, excelize.Options{Password: "s3same"}); err != nil {
		t.Fatal(err)
	}
	lockedPath := filepath.Join(dir, "有密碼.xlsx")
	if err := os.WriteFile(lockedPath, locked.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do("a password",
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{lockedPath})),
		again(chromedp.WaitVisible(chromedp.ID("xlsx-password"))),
		chromedp.SendKeys(chromedp.ID("xlsx-password"), "wrong"),
		click(chromedp.ID("password-open")),
		waitText("#message", "密碼不對", &b.text),
		b.sh.take("password-wrong"),
		chromedp.SendKeys(chromedp.ID("xlsx-password"), "s3same"),
		click(chromedp.ID("password-open")),
		waitText("#status", "VALID 1", &b.text),
		chromedp.WaitNotPresent(chromedp.ID("xlsx-password")),
		b.sh.take("password-opened"),
	)
	b.noProblems()
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestBrowserGrid: the grid where the reason is. Scrolled right, the
// row's status and reason stay in view; the header-row picker previews
// the rows under their letters; find and replace works on the column in
// focus and lists the cells it changes; 已變更 N 個儲存格 shows by 取代;
// a date serial shows as a date.
func TestBrowserGrid(t *testing.T) {
	b := newBrowserFlow(t)
	u := newTestUI(t, Config{})
	head := []string{"客戶名單 2024", "客戶代號,客戶名稱,信用額度,生日,地址,電話,傳真,行動電話,電子郵件,聯絡人,統一編號,備註一,備註二,備註三"}
	var rows []string
	for i := 1; i <= 6; i++ {
		credit := fmt.Sprintf("%d000", i)
		if i%2 == 0 {
			credit = fmt.Sprintf("%dO00", i) // a letter O for a zero
		}
		rows = append(rows, fmt.Sprintf("A%03d,客戶%d,%s,45292,台北市信義路%d號,02-2345678%d,,0912345678,a%d@example.com,王小明,,一,二,三", i, i, credit, i, i, i))
	}
	input := filepath.Join(t.TempDir(), "寬的名單.csv")
	if err := os.WriteFile(input, big5CSV(t, slices.Concat(head, rows)...), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open(u)
	if cut := b.eval(cutPlaceholders); cut != "" { // no key yet: the longest placeholder
		t.Errorf("placeholders cut off at 1366 px: %s", cut)
	}
	b.do("in English", click(chromedp.CSS(`form.lang button[value="en"]`)), waitText("#step-import", "Save connection", &b.text))
	if cut := b.eval(cutPlaceholders); cut != "" {
		t.Errorf("placeholders cut off at 1366 px in English: %s", cut)
	}
	b.do("in Chinese", click(chromedp.CSS(`form.lang button[value="zh"]`)), waitText("#step-import", "儲存連線設定", &b.text))
	b.do("choose",
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{input})),
		waitText("#status", "VALID 3 · INVALID 3", &b.text),
		waitText(`#grid td.cell[data-line="3"][data-col="3"]`, "2024/01/01", &b.text),
		again(chromedp.ScrollIntoView(chromedp.ID("grid"))),
		run(`document.querySelector(".gridwrap").scrollLeft = 5000`),
		b.sh.take("grid-scrolled-right"),
	)
	// The status cell of an invalid row is in view, beside the row number.
	in := b.eval(`(() => {
	  const w = document.querySelector(".gridwrap").getBoundingClientRect();
	  const st = document.querySelector('#grid tr[data-line="4"] td.st').getBoundingClientRect();
	  const rn = document.querySelector('#grid tr[data-line="4"] th.rn').getBoundingClientRect();
	  const last = document.querySelector('#grid tr[data-line="4"] td.cell:last-child').getBoundingClientRect();
	  return [document.querySelector(".gridwrap").scrollLeft > 0, st.left >= w.left && st.right <= w.right, Math.abs(st.left - rn.right) < 4, last.right <= w.right + 1].join(",");
	})()`)
	if in != "true,true,true,true" {
		t.Errorf("scrolled right (scrolled, status in view, beside the row number, last column in view): %s", in)
	}
	if s := b.eval(`(() => { const st = document.querySelector('#grid tr[data-line="4"] td.st'); const r = document.createRange(); return String([...st.querySelectorAll(".msg")].every(m => { r.selectNodeContents(m); return r.getBoundingClientRect().right <= st.getBoundingClientRect().right + 1; })); })()`); s != "true" {
		t.Error("the reasons overflow the status cell")
	}
	if s := b.eval(`document.querySelector('#grid tr[data-line="4"] td.st').textContent`); !strings.Contains(s, "錯誤") || !strings.Contains(s, "信用額度") {
		t.Errorf("the status cell: %q", s)
	}
	b.do("the header-row picker",
		run(`document.querySelector(".gridwrap").scrollLeft = 0`),
		click(chromedp.CSS("#header-picker summary")),
		again(chromedp.WaitVisible(chromedp.CSS(`#header-picker th.colletter`))),
		waitText(`#header-picker tr.is-header`, "客戶代號", &b.text),
		b.sh.take("header-picker"),
	)
	if s := b.eval(`[...document.querySelectorAll("#header-picker thead th.colletter")].map(e => e.textContent).slice(0, 4).join("")`); s != "ABCD" {
		t.Errorf("the picker's letters: %q", s)
	}
	// Each letter stands over its column: C over 信用額度.
	if s := b.eval(`(() => { const c = document.querySelectorAll("#header-picker thead th.colletter")[2].getBoundingClientRect(), cell = document.querySelectorAll("#header-picker tr.is-header td")[3]; return String(Math.abs(c.left - cell.getBoundingClientRect().left) < 2 && cell.textContent === "信用額度"); })()`); s != "true" {
		t.Error("the picker's letter C is not over its column")
	}
	b.do("find and replace in the column in focus",
		click(chromedp.CSS(`#grid td.cell[data-line="4"][data-col="2"]`)),
		again(chromedp.WaitVisible(chromedp.CSS(`#grid td.cell input.celledit`))),
		chromedp.SendKeys(chromedp.CSS(`#grid td.cell input.celledit`), "\x1b"), // Escape: the cell keeps focus
		waitTrue(`document.getElementById("replace-col").value === "2"`, "the column in focus chosen"),
		chromedp.SendKeys(chromedp.ID("find"), "O"),
		chromedp.SendKeys(chromedp.ID("replace-with"), "0"),
		click(chromedp.ID("replace-preview-button")),
		waitText("#replace-cells", "第 4 列 C 欄", &b.text),
		waitText("#replace-preview", "3 個儲存格會變更", &b.text),
		b.sh.take("replace-preview"),
	)
	if n := b.eval(`String(document.querySelectorAll("#grid td.will-change").length)`); n != "3" {
		t.Errorf("%s cells marked, want 3", n)
	}
	b.do("replace",
		click(chromedp.ID("replace-apply")),
		waitText("#replace-done", "已變更 3 個儲存格", &b.text),
		waitText("#status", "VALID 6", &b.text),
		b.sh.take("replaced"),
	)
	if s := b.eval(`(() => { const d = document.getElementById("replace-done"), a = document.querySelector("#replace-form button[value=preview]"); return String(d.closest("form") === a.closest("form") && Math.abs(d.getBoundingClientRect().top - a.getBoundingClientRect().top) < 20); })()`); s != "true" {
		t.Error("已變更 3 個儲存格 is not beside the button")
	}
	b.noProblems()
}

// TestBrowserSheets: a workbook with two lists: the sheet picked, the
// other ticked, one 匯入 sends both.
func TestBrowserSheets(t *testing.T) {
	b := newBrowserFlow(t)
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	input := filepath.Join(t.TempDir(), "各區.xlsx")
	if err := os.WriteFile(input, twoRegions(t), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open(u)
	b.do("two lists",
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{input})),
		again(chromedp.WaitVisible(chromedp.ID("sheet"))),
		choose("#sheet", "北區"),
		waitText("#status", "VALID 2", &b.text),
		again(chromedp.WaitVisible(chromedp.ID("also-2"))),
		click(chromedp.ID("also-2")),
		waitText("#also-note", "南區", &b.text), // the server has the tick
		waitTrue(`document.getElementById("also-2").checked && document.getElementById("also-1").disabled`, "南區 ticked"),
		b.sh.take("sheets-ticked"),
		click(chromedp.ID("import")),
		waitText("#status", "完成 · OK 4 · INVALID 1", &b.text),
		again(chromedp.WaitVisible(chromedp.ID("results"))),
		again(chromedp.ScrollIntoView(chromedp.ID("import-box"))),
		b.sh.take("sheets-done"),
	)
	if n := len(sim.Customers()); n != 4 {
		t.Errorf("the simulator holds %d customers, want 4 (北區 2, 南區 2)", n)
	}
	b.noProblems()
}
