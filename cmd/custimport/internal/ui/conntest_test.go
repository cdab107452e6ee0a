package ui

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// simWith starts a simulator signing with recipe and returns it and the
// settings that reach it (with the default recipe).
func simWith(t *testing.T, recipe string) (*tmssim.Server, connect.Settings) {
	t.Helper()
	r, err := tms.ParseRecipe(recipe)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey, Recipe: r})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(func() { ts.Close(); sim.Close() })
	return sim, testConn(ts.URL)
}

// connTestOf returns the #conn-test element of a page.
func connTestOf(body string) string {
	i := strings.Index(body, `id="conn-test"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</div>")
	return body[i : i+end]
}

// TestConnectionButton: 「測試連線」 tests the settings typed in the form
// with read-only requests; a recipe TMS accepts comes with 「套用」, which
// sets it and tests again. Nothing reaches /Cust/Add.
func TestConnectionButton(t *testing.T) {
	t.Parallel()
	sim, conn := simWith(t, "sha512:{pno}{key}{timestamp}")
	u := newTestUI(t, Config{Conn: conn})
	form := url.Values{"url": {conn.URL}, "pno": {conn.PNO}, "sign": {""}}

	p := u.post("/test-connection", form)
	ct := connTestOf(p.body)
	for _, want := range []string{`data-code="recipe_found"`, "TMS 接受的簽章方式是 sha512:{pno}{key}{timestamp}", `id="apply-recipe"`,
		`name="recipe" value="sha512:{pno}{key}{timestamp}"`, "時鐘:與 TMS 一致"} {
		if !strings.Contains(ct, want) {
			t.Errorf("#conn-test lacks %q:\n%s", want, ct)
		}
	}
	if !strings.Contains(p.body, `id="test-connection" formaction="/test-connection"`) {
		t.Error("no 測試連線 button")
	}

	p = u.post("/apply-recipe", url.Values{"recipe": {"sha512:{pno}{key}{timestamp}"}})
	ct = connTestOf(p.body)
	if !strings.Contains(ct, `data-code="accepted"`) || !strings.Contains(ct, "✓ TMS 接受了簽章") || strings.Contains(ct, "apply-recipe") {
		t.Errorf("after 套用:\n%s", ct)
	}
	if !strings.Contains(p.body, `<option value="sha512:{pno}{key}{timestamp}" selected`) || !strings.Contains(p.body, "簽章方式已改為") {
		t.Error("the form does not show the recipe applied")
	}
	// In English.
	u.post("/lang", url.Values{"lang": {"en"}})
	if ct := connTestOf(u.get("/view").body); !strings.Contains(ct, "✓ TMS accepted the signature") {
		t.Errorf("in English:\n%s", ct)
	}
	// Changing the settings hides a test of other settings.
	p = u.post("/settings", url.Values{"url": {conn.URL}, "pno": {"OTHER"}, "sign": {"sha512:{pno}{key}{timestamp}"}})
	if strings.Contains(connTestOf(p.body), "data-code") {
		t.Errorf("a stale verdict is shown:\n%s", connTestOf(p.body))
	}
	p = u.post("/test-connection", url.Values{"url": {conn.URL}, "pno": {"OTHER"}, "sign": {"sha512:{pno}{key}{timestamp}"}})
	if ct := connTestOf(p.body); !strings.Contains(ct, `data-code="pno"`) || !strings.Contains(ct, "Check: the company (pno)") {
		t.Errorf("wrong pno:\n%s", ct)
	}
	if st := sim.Stats(); st.Requests != 0 || st.Queries < 4 || len(sim.Customers()) != 0 {
		t.Errorf("stats %+v", st)
	}
	if strings.Contains(u.get("/").body, testKey) {
		t.Error("the key reached the page")
	}
}

// TestConnectionButtonRefusals: an incomplete form is named without a
// request; a wrong key typed on the page is found out; 套用 takes only a
// recipe.
func TestConnectionButtonRefusals(t *testing.T) {
	t.Parallel()
	sim, conn := simWith(t, "sha512")
	conn.Key = ""
	u := newTestUI(t, Config{Conn: conn})
	p := u.post("/test-connection", url.Values{"url": {conn.URL}, "pno": {conn.PNO}})
	if !strings.Contains(p.body, "請輸入 API 金鑰") || strings.Contains(connTestOf(p.body), "data-code") {
		t.Errorf("without a key:\n%s", connTestOf(p.body))
	}
	p = u.post("/test-connection", url.Values{"url": {""}, "pno": {conn.PNO}, "key": {"x"}})
	if !strings.Contains(p.body, "請填寫 TMS 網址") {
		t.Error("without a URL: no message")
	}
	if sim.Stats().Queries != 0 {
		t.Fatal("an incomplete form was tested against TMS")
	}
	p = u.post("/test-connection", url.Values{"url": {conn.URL}, "pno": {conn.PNO}, "key": {"wrong-key"}})
	ct := connTestOf(p.body)
	if !strings.Contains(ct, `data-code="no_recipe"`) || !strings.Contains(ct, "API 金鑰不對") || !strings.Contains(ct, "test vector") {
		t.Errorf("wrong key:\n%s", ct)
	}
	if p := u.post("/apply-recipe", url.Values{"recipe": {"md5:{key}"}}); p.code != 400 {
		t.Errorf("套用 md5: %d", p.code)
	}
	if sim.Stats().Requests != 0 {
		t.Error("a test reached /Cust/Add")
	}
}

// TestRefusedImportOnThePage: rows TMS refuses for the request itself
// point at the setting, on the grid and under the import.
func TestRefusedImportOnThePage(t *testing.T) {
	t.Parallel()
	_, conn := startSim(t)
	conn.PNO = "WRONGPNO"
	conn.StopAfter = 2
	conn.Workers = 1 // the count of refused rows is the stop's, not the workers' in flight
	u := newTestUI(t, Config{Conn: conn})
	u.upload("客戶名單.csv", sample(t))
	u.post("/cell", url.Values{"line": {"4"}, "col": {"2"}, "value": {"53212539"}})
	// A TMS whose read-only query takes the settings that /Cust/Add
	// refuses: the connection test before the import passed.
	u.srv.sess.mu.Lock()
	u.srv.sess.connTest = &connTest{verdict: probe.Verdict{Code: probe.Accepted}, conn: u.srv.sess.conn}
	u.srv.sess.mu.Unlock()
	if p := u.post("/import", nil); p.code != 200 {
		t.Fatalf("import: %d", p.code)
	}
	readEvents(t, u)
	body := u.get("/view").body
	for _, want := range []string{"api-pno錯誤 → 設定問題:請確認公司代號 (pno)", "TMS 以 9005 api-pno錯誤 拒絕了 2 列的請求本身"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
