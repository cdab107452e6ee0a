package ui

// The real-browser test: headless Chromium (Debian's chromium package,
// installed by .ci/run) driven over the DevTools protocol by chromedp.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// chromiumPath finds a Chromium; the test skips without one, except in
// CI, where a missing browser is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium binary found and CI is set: install it (apt-get install chromium; .ci/run does)")
	}
	t.Skip("no chromium binary found (apt-get install chromium): the browser test needs one; in CI it is required")
	return ""
}

// browserCtx starts headless Chromium at the page's 1366×768 and records
// JavaScript exceptions and console errors (a CSP violation is one).
func browserCtx(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.WindowSize(1366, 768),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "console: "+e.Entry.Text)
			}
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	}
	if err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// waitText waits until the text of sel contains want; got is the last
// text seen.
func waitText(sel, want string, got *string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		for {
			// One evaluation, not a node lookup then a read: the page
			// swaps #status while the import runs.
			js := fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)
			s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
			if err != nil {
				return err
			}
			s = strings.TrimSpace(s)
			*got = s
			if strings.Contains(s, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s to show %q (it shows %q): %w", sel, want, s, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// click clicks sel as a user would (again).
func click[S chromedp.Selectable](sel S, opts ...chromedp.QueryOption) chromedp.Action[chromedp.Void] {
	return again(chromedp.Click(sel, opts...))
}

// again runs an action on a node, and runs it again when the node went
// away meanwhile. The page swaps parts of itself while an import runs and
// once more when it ends (a last /view), so the node chromedp found can be
// gone by the time it acts on it ("Could not find node with given id"): a
// user's click or scroll lands on whatever is there then.
func again(a chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		for try := 1; ; try++ {
			_, err := chromedp.Run(ctx, a)
			if err == nil || try == 20 || !strings.Contains(strings.ToLower(err.Error()), "node with given id") {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// shots saves a screenshot per step when CUSTIMPORT_UI_SHOTS names a folder.
type shots struct {
	dir    string
	prefix string // the flow's, before the step's number
	n      int
}

func (s *shots) take(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if s.dir == "" {
			return nil
		}
		s.n++
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(s.dir, fmt.Sprintf("%s%02d-%s.png", s.prefix, s.n, name)), png, 0o644)
	})
}

// TestBrowser: load the page, choose a Big5 CSV with one invalid row, fix
// the cell in the grid, import into the simulator, download the results
// and check them cell by cell. About 5 s with Chromium installed.
func TestBrowser(t *testing.T) {
	clitest.RequireProcessTests(t)
	ctx, problems := browserCtx(t)
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn}) // settings complete from the start, as from the environment
	dir := t.TempDir()
	input := filepath.Join(dir, "客戶名單.csv")
	if err := os.WriteFile(input, sample(t), 0o600); err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()
	sh := &shots{dir: os.Getenv("CUSTIMPORT_UI_SHOTS")}
	if sh.dir != "" {
		os.MkdirAll(sh.dir, 0o755)
	}
	// A fresh browser opens the printed address: the token is still unused.
	u.srv.mu.Lock()
	u.srv.redeemed = false
	u.srv.mu.Unlock()
	var status string
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"open", []chromedp.Action[chromedp.Void]{
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
					browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
				return err
			}),
			chromedp.Navigate(u.srv.URL(u.ts.Listener.Addr())),
			again(chromedp.WaitVisible(chromedp.ID("file"))),
			sh.take("empty"),
		}},
		{"choose the file", []chromedp.Action[chromedp.Void]{
			again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{input})),
			waitText("#status", "VALID 2 · INVALID 1", &status),
			sh.take("checked"),
		}},
		{"errors only", []chromedp.Action[chromedp.Void]{
			click(chromedp.ID("errors-only")),
			chromedp.WaitNotPresent(chromedp.CSS(`#grid tr[data-line="3"]`)),
			sh.take("errors-only"),
		}},
		{"fix the cell", []chromedp.Action[chromedp.Void]{
			click(chromedp.CSS(`#grid td.cell.err[data-line="4"][data-col="2"]`)),
			again(chromedp.WaitVisible(chromedp.CSS(`#grid td.cell input.celledit`))),
			sh.take("editing"),
			chromedp.SendKeys(chromedp.CSS(`#grid td.cell input.celledit`), "53212539\r"),
			waitText("#status", "VALID 3", &status),
			chromedp.WaitNotPresent(chromedp.CSS(`#grid td.cell.err`)),
			sh.take("fixed"),
		}},
		{"import", []chromedp.Action[chromedp.Void]{
			waitText("#import", "匯入 3 筆", &status),
			click(chromedp.ID("import")),
			waitText("#status", "完成", &status),
			again(chromedp.WaitVisible(chromedp.ID("results"))),
			sh.take("done"),
		}},
		{"download", []chromedp.Action[chromedp.Void]{
			click(chromedp.ID("results")),
		}},
	}
	for _, st := range steps {
		if err := chromedp.Do(ctx, st.actions...); err != nil {
			t.Fatalf("%s: %v (problems in the page: %q)", st.name, err, problems())
		}
	}
	if status != "完成 · OK 3" {
		t.Errorf("#status %q, want 完成 · OK 3", status)
	}
	data := waitDownload(t, filepath.Join(downloads, "客戶名單.results.xlsx"))
	// The results keep the title row, so every row has its input row number.
	want := [][]string{
		{"客戶名單 2024"},
		{"客戶代號", "客戶名稱", "統一編號", "信用額度", "內部備註", "ImportStatus", "ImportCCODE"},
		{"A001", "甲商行", "04595257", "1000", "老客戶", "OK", "A001"},
		{"A002", "乙工作室", "53212539", "2000", "", "OK", "A002"},
		{"A003", "丙企業社", "22099131", "3000", "", "OK", "A003"},
	}
	compareResults(t, readResults(t, data), want)
	if n := len(sim.Customers()); n != 3 {
		t.Errorf("the simulator holds %d customers, want 3", n)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("errors in the page (CSP violations show here): %q", p)
	}
}

// waitDownload waits for the browser to finish writing path.
func waitDownload(t *testing.T, path string) []byte {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return data
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	t.Fatalf("no download %s (the folder has %v)", filepath.Base(path), entries)
	return nil
}

// compareResults compares the results rows to want: each wanted cell,
// by header name for the results' own columns.
func compareResults(t *testing.T, got, want [][]string) {
	t.Helper()
	t.Logf("results: %q", got)
	if len(got) != len(want) {
		t.Fatalf("results have %d rows, want %d: %q", len(got), len(want), got)
	}
	for r := range want {
		for c, w := range want[r] {
			g := ""
			if c < len(got[r]) {
				g = got[r][c]
			}
			if g != w {
				t.Errorf("results row %d column %d: %q, want %q", r+1, c+1, g, w)
			}
		}
	}
}

// TestBrowserConnectionTest: 「測試連線」 in a real browser: the settings
// step shows the verdict, 「套用」 sets the recipe TMS accepts and the
// test passes. Nothing reaches /Cust/Add.
func TestBrowserConnectionTest(t *testing.T) {
	clitest.RequireProcessTests(t)
	ctx, problems := browserCtx(t)
	sim, conn := simWith(t, "sha512:{timestamp}{pno}{key}")
	u := newTestUI(t, Config{Conn: conn})
	sh := &shots{dir: os.Getenv("CUSTIMPORT_UI_SHOTS")}
	if sh.dir != "" {
		os.MkdirAll(sh.dir, 0o755)
	}
	u.srv.mu.Lock()
	u.srv.redeemed = false
	u.srv.mu.Unlock()
	var text string
	err := chromedp.Do(ctx,
		chromedp.Navigate(u.srv.URL(u.ts.Listener.Addr())),
		again(chromedp.WaitVisible(chromedp.ID("test-connection"))),
		again(chromedp.ScrollIntoView(chromedp.ID("test-connection"))),
		click(chromedp.ID("test-connection")),
		waitText("#conn-test", "TMS 接受的簽章方式是 sha512:{timestamp}{pno}{key}", &text),
		again(chromedp.WaitVisible(chromedp.ID("apply-recipe"))),
		again(chromedp.ScrollIntoView(chromedp.ID("conn-test"))),
		sh.take("conn-test-found"),
		click(chromedp.ID("apply-recipe")),
		waitText("#conn-test", "✓ TMS 接受了簽章", &text),
		sh.take("conn-test-applied"),
	)
	if err != nil {
		t.Fatalf("%v (the test shows %q; problems in the page: %q)", err, text, problems())
	}
	u.srv.sess.mu.Lock()
	got := u.srv.sess.conn.SignRecipe
	u.srv.sess.mu.Unlock()
	if got != "sha512:{timestamp}{pno}{key}" {
		t.Errorf("the recipe set is %q", got)
	}
	if st := sim.Stats(); st.Requests != 0 || len(sim.Customers()) != 0 {
		t.Errorf("the test reached /Cust/Add: %+v", st)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("errors in the page (CSP violations show here): %q", p)
	}
}

// TestBrowserContinueAndStaleTab: two tabs, then a stop and a continue,
// in a real browser. Tab 1 shows file A; tab 2 chooses file B; tab 1's
// 匯入 is refused (409) with 「這個分頁的內容已過期」 and nothing reaches
// TMS. Reloaded, tab 1 chooses A again (nothing of B stays), imports,
// stops after about 10 %, and 「繼續匯入剩下的 N 筆」 sends the rest: the
// simulator holds every row once. Choosing B again leaves no trace of A's
// run.
func TestBrowserContinueAndStaleTab(t *testing.T) {
	clitest.RequireProcessTests(t)
	const rows, first = 100, 10
	ctx, problems := browserCtx(t)
	g := newGatedSim(t)
	u := newTestUI(t, Config{Conn: g.conn})
	dir := t.TempDir()
	fileA, fileB := filepath.Join(dir, "甲名單.csv"), filepath.Join(dir, "乙名單.csv")
	if err := os.WriteFile(fileA, big5CSV(t, customerLines(rows)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fileB, big5CSV(t, "客戶代號,客戶名稱,信用額度", "B001,乙,1000", "B002,丙,2000", "B003,丁,3000"), 0o600); err != nil {
		t.Fatal(err)
	}
	sh := &shots{dir: os.Getenv("CUSTIMPORT_UI_SHOTS")}
	if sh.dir != "" {
		os.MkdirAll(sh.dir, 0o755)
	}
	u.srv.mu.Lock()
	u.srv.redeemed = false
	u.srv.mu.Unlock()
	var text string
	do := func(ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v (last text %q; problems in the page: %q)", step, err, text, problems())
		}
	}
	do(ctx, "tab 1 chooses A",
		chromedp.Navigate(u.srv.URL(u.ts.Listener.Addr())),
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{fileA})),
		waitText("#status", fmt.Sprintf("VALID %d", rows), &text),
		waitText("#import", fmt.Sprintf("匯入 %d 筆", rows), &text),
	)
	tab2, cancel2 := chromedp.NewContext(ctx) // another tab of the same browser: the same cookie
	defer cancel2()
	do(tab2, "tab 2 chooses B",
		chromedp.Navigate(u.ts.URL+"/"),
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{fileB})),
		waitText("#status", "VALID 3", &text),
		sh.take("tab2-chose-B"),
	)
	do(ctx, "tab 1's stale import",
		again(chromedp.ScrollIntoView(chromedp.ID("import"))),
		click(chromedp.ID("import")),
		waitText("#message", "這個分頁的內容已過期,請重新整理", &text),
		again(chromedp.ScrollIntoView(chromedp.ID("message"))),
		sh.take("tab1-stale"),
	)
	if st := g.sim.Stats(); st.Requests != 0 || len(g.sim.Customers()) != 0 {
		t.Fatalf("the stale tab's import reached TMS: %+v", st)
	}
	do(ctx, "tab 1 reloads and chooses A again",
		click(chromedp.CSS("#stale-tab a")),
		waitText("#status", "VALID 3", &text), // B, as tab 2 left it
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{fileA})),
		waitText("#status", fmt.Sprintf("VALID %d", rows), &text),
		again(chromedp.ScrollIntoView(chromedp.ID("import"))),
		click(chromedp.ID("import")),
		again(chromedp.WaitVisible(chromedp.ID("stop"))),
	)
	g.pass(first)
	g.next() // the next request is at the gate when 停止 is pressed
	do(ctx, "stop", click(chromedp.ID("stop")))
	// The click only starts the page's request: release the request at
	// the gate once the server has the stop, or the worker takes the next
	// row and the test, not the page, decides what was sent.
	u.waitStopping()
	g.release <- struct{}{}
	left := rows - first - 1
	do(ctx, "the rest is offered",
		waitText("#status", "完成", &text),
		waitText("#import", fmt.Sprintf("繼續匯入剩下的 %d 筆", left), &text),
		waitText("#progress", "實際送出速率", &text),
		again(chromedp.ScrollIntoView(chromedp.ID("import-box"))),
		sh.take("stopped-continue"),
	)
	if n := len(g.sim.Customers()); n != first+1 {
		t.Fatalf("after the stop the simulator holds %d customers, want %d", n, first+1)
	}
	g.open()
	do(ctx, "continue",
		click(chromedp.ID("import")),
		waitText("#status", fmt.Sprintf("完成 · OK %d", rows), &text),
		again(chromedp.WaitVisible(chromedp.ID("results"))),
		waitText("#import-box", "這份檔案已匯入", &text),
		again(chromedp.ScrollIntoView(chromedp.ID("import-box"))),
		sh.take("continued-done"),
	)
	if st := g.sim.Stats(); st.Requests != rows || st.Added != rows || len(g.sim.Customers()) != rows {
		t.Errorf("simulator after the continue: %+v, %d customers; want every row sent once (%d)", st, len(g.sim.Customers()), rows)
	}
	do(ctx, "choose B again",
		again(chromedp.SetUploadFiles(chromedp.ID("file"), []string{fileB})),
		waitText("#status", "VALID 3", &text),
		waitText("#import", "匯入 3 筆", &text),
		sh.take("new-file-clean"),
	)
	leftovers, err := chromedp.Run(ctx, chromedp.Evaluate[string](`["results","run","progress","stale-tab"].filter(id => document.getElementById(id)).join(",") +
		(document.body.textContent.includes("已停止") ? ",已停止" : "")`))
	if err != nil {
		t.Fatal(err)
	}
	if leftovers != "" {
		t.Errorf("after choosing another file the page still shows: %s", leftovers)
	}
	// The browser logs the refused request (409) as an error: that one is
	// the point of the test.
	if p := slices.DeleteFunc(problems(), func(s string) bool { return strings.Contains(s, "status of 409") }); len(p) > 0 {
		t.Errorf("errors in the page (CSP violations show here): %q", p)
	}
}
