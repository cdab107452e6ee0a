package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms"
)

// importRefusedOf returns the #import-refused element of a page.
func importRefusedOf(body string) string {
	i := strings.Index(body, `id="import-refused"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</div>")]
}

// TestImportRefusedSettingsSendsNothing: an import whose settings TMS
// refuses (a wrong key, recipe, pno; an address nobody answers) stops
// before its first row with the connection test's verdict, beside the
// settings and in the import box, and the simulator gets no row; with
// the settings fixed, 匯入 imports every row.
func TestImportRefusedSettingsSendsNothing(t *testing.T) {
	t.Parallel()
	lines := customerLines(30)
	for _, tt := range []struct {
		name   string
		break_ func(url.Values)
		code   string
		words  string
	}{
		{"wrong key", func(f url.Values) { f.Set("key", "not-the-key") }, "signature", "簽章"},
		{"wrong recipe", func(f url.Values) { f.Set("sign", "hmac-sha512:{body}") }, "signature", "簽章"},
		{"wrong pno", func(f url.Values) { f.Set("pno", "NOSUCH01") }, "pno", "公司代號"},
		{"nobody answers", func(f url.Values) { f.Set("url", "http://127.0.0.1:1") }, "connect", "連"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, conn := startSim(t)
			u := newTestUI(t, Config{Conn: conn})
			u.upload("a.csv", big5CSV(t, lines...))
			form := url.Values{"url": {conn.URL}, "pno": {conn.PNO}, "sign": {tms.DefaultRecipe.String()}}
			tt.break_(form)
			u.post("/settings", form)
			p := u.post("/import", nil)
			if p.code != 200 {
				t.Fatalf("import: %d", p.code)
			}
			u.srv.sess.mu.Lock()
			started := u.srv.sess.imp != nil
			u.srv.sess.mu.Unlock()
			if started {
				t.Fatal("an import started")
			}
			box := importRefusedOf(p.body)
			if !strings.Contains(box, `title="`+tt.code+`"`) || !strings.Contains(box, "沒有傳送任何資料") || !strings.Contains(box, tt.words) {
				t.Errorf("the import box does not give the verdict %s:\n%s", tt.code, box)
			}
			if ct := connTestOf(p.body); !strings.Contains(ct, `data-code="`+tt.code+`"`) {
				t.Errorf("the settings do not show the verdict %s:\n%s", tt.code, ct)
			}
			if st := sim.Stats(); st.Requests != 0 || len(sim.Customers()) != 0 {
				t.Errorf("rows reached TMS: %+v", st)
			}
			if strings.Contains(p.body, "FAILED") || strings.Contains(p.body, `id="results"`) {
				t.Error("the refused run shows rows FAILED or a results file")
			}
			if got := statusOf(p.body); got != "VALID 30" {
				t.Errorf("#status %q: the check's counts stay", got)
			}
			// Fixed, the import runs: the button offers every row again.
			form = url.Values{"url": {conn.URL}, "pno": {conn.PNO}, "sign": {tms.DefaultRecipe.String()}, "key": {testKey}}
			if p := u.post("/settings", form); !strings.Contains(p.body, "匯入 30 筆") {
				t.Fatalf("after fixing the settings the button does not offer the rows:\n%s", importButtonRe.FindString(p.body))
			}
			if p := u.post("/import", nil); p.code != 200 {
				t.Fatalf("import after fixing: %d %s", p.code, p.body[:min(len(p.body), 300)])
			}
			u.waitImport()
			if p := u.get("/view"); statusOf(p.body) != "完成 · OK 30" || len(sim.Customers()) != 30 {
				t.Errorf("after fixing: #status %q, %d customers", statusOf(p.body), len(sim.Customers()))
			}
		})
	}
}

// TestSignDropDown: 簽章方式 is a drop-down of the known recipes in words
// (the recipe in the tooltip) plus 自訂, whose text field takes a recipe
// in full; the recipe set shows selected.
func TestSignDropDown(t *testing.T) {
	t.Parallel()
	_, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	p := u.get("/")
	for _, want := range []string{
		`<select name="sign" id="sign"><option value="sha512:{pno}{timestamp}{key}" selected title="sha512:{pno}{timestamp}{key}">SHA-512(公司代號、時間、金鑰)・預設</option>`,
		`<option value="hmac-sha512:{body}" title="hmac-sha512:{body}">HMAC-SHA512(資料內容)</option>`,
		`<option value="custom">自訂…</option>`,
		`<label id="sign-custom-box" hidden>`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(p.body, `name="sign" value=`) {
		t.Error("簽章方式 is still a text field")
	}
	base := url.Values{"url": {conn.URL}, "pno": {conn.PNO}}
	for _, tt := range []struct {
		sign, custom, want, selected string
	}{
		{"hmac-sha512:{timestamp}{body}", "", "hmac-sha512:{timestamp}{body}", `<option value="hmac-sha512:{timestamp}{body}" selected`},
		{"custom", "sha512:{key}{body}", "sha512:{key}{body}", `<option value="custom" selected>`},
		{"sha512:{pno}{timestamp}{key}", "", "sha512:{pno}{timestamp}{key}", `<option value="sha512:{pno}{timestamp}{key}" selected`},
	} {
		f := url.Values{"sign": {tt.sign}, "signcustom": {tt.custom}}
		for k, v := range base {
			f[k] = v
		}
		p := u.post("/settings", f)
		u.srv.sess.mu.Lock()
		got := u.srv.sess.conn.SignRecipe
		u.srv.sess.mu.Unlock()
		if got != tt.want || !strings.Contains(p.body, tt.selected) {
			t.Errorf("sign=%q signcustom=%q: recipe %q, want %q; selected %s: %v", tt.sign, tt.custom, got, tt.want, tt.selected, strings.Contains(p.body, tt.selected))
		}
		if tt.sign == "custom" && !strings.Contains(p.body, `<label id="sign-custom-box">自訂簽章方式 <input name="signcustom" id="sign-custom" value="sha512:{key}{body}"`) {
			t.Error("a custom recipe is not shown in its field")
		}
	}
}
