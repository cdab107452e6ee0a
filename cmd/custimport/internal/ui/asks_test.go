package ui

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// postFile posts data as the file field of a multipart form to path.
func (u *testUI) postFile(path, name string, data []byte) page {
	u.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		u.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return u.do(req)
}

// TestCreditDefault: a file without 信用額度 gets the file-level warning
// with a link to the page's 信用額度 default; a default typed there
// clears the warning and every new customer gets it.
func TestCreditDefault(t *testing.T) {
	t.Parallel()
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	p := u.upload("a.csv", big5CSV(t, "客戶代號,客戶名稱", "C001,甲", "C002,乙"))
	if !strings.Contains(p.body, `id="default-credit" value=""`) {
		t.Fatal("no 信用額度 default input")
	}
	if !strings.Contains(p.body, `請填入「信用額度預設值」,或在檔案加上「信用額度」欄。 <a href="#default-credit" class="fix" data-focus="default-credit" id="fix-default-credit">在這裡填入</a>`) {
		t.Errorf("the warning does not link to the input:\n%s", p.body[strings.Index(p.body, `class="fileinfo"`):][:1500])
	}
	p = u.post("/options", url.Values{"credit": {"5000"}})
	if strings.Contains(p.body, `id="fix-default-credit"`) || !strings.Contains(p.body, `id="default-credit" value="5000"`) {
		t.Errorf("with a default the warning stays, or the input lost it")
	}
	u.post("/import", nil)
	u.waitImport()
	cs := sim.Customers()
	if len(cs) != 2 {
		t.Fatalf("%d customers", len(cs))
	}
	for _, c := range cs {
		if fmt.Sprint(c["CBELE"]) != "5000" {
			t.Errorf("customer %v: CBELE %v, want the default 5000", c["CCODE"], c["CBELE"])
		}
	}
	// Emptied, the warning comes back.
	if p := u.post("/options", url.Values{"credit": {""}}); !strings.Contains(p.body, `id="fix-default-credit"`) {
		t.Error("without the default there is no warning")
	}
}

// TestMappingRemembered: the column chosen for a header the page does
// not know is remembered on this PC (the state folder's mappings/) and
// offered for the same headers next time, on the results workbook fed
// back too; 「套用上次的對應」 takes it. Another set of headers is not
// offered it.
func TestMappingRemembered(t *testing.T) {
	t.Parallel()
	_, conn := startSim(t)
	state := t.TempDir()
	getenv := func(k string) string {
		if k == "CUSTIMPORT_STATE_DIR" {
			return state
		}
		return ""
	}
	conn.StateDir = state
	list := big5CSV(t, "舊系統編號,客戶名稱,信用額度", "A001,甲商行,1000", "A002,乙商行,2000")
	u := newTestUI(t, Config{Conn: conn, Getenv: getenv})
	if p := u.upload("a.csv", list); strings.Contains(p.body, `id="apply-remembered"`) {
		t.Fatal("a mapping is offered before one was chosen")
	}
	u.post("/mapping", url.Values{"col0": {"CCODE"}})
	files, _ := filepath.Glob(filepath.Join(state, "mappings", "*.yaml"))
	if len(files) != 1 {
		t.Fatalf("remembered files: %v", files)
	}
	// The same headers again, on a new page (another day).
	u2 := newTestUI(t, Config{Conn: conn, Getenv: getenv})
	p := u2.upload("b.csv", list)
	if !strings.Contains(p.body, `id="apply-remembered"`) || !strings.Contains(p.body, "與目前不同的有 1 欄") || !strings.Contains(p.body, `id="file-error"`) {
		t.Fatalf("the remembered mapping is not offered: status %q", statusOf(p.body))
	}
	p = u2.post("/mapping-remembered", nil)
	if statusOf(p.body) != "VALID 2" || strings.Contains(p.body, `id="apply-remembered"`) || !strings.Contains(p.body, `<option value="CCODE" selected>`) {
		t.Fatalf("after 套用上次的對應: status %q", statusOf(p.body))
	}
	u2.post("/import", nil)
	u2.waitImport()
	res := u2.get("/results")
	if res.code != 200 {
		t.Fatalf("results: %d", res.code)
	}
	// The results workbook fed back: its own columns do not count.
	u3 := newTestUI(t, Config{Conn: conn, Getenv: getenv})
	if p := u3.upload("b.results.xlsx", []byte(res.body)); !strings.Contains(p.body, `id="apply-remembered"`) {
		t.Errorf("the results workbook is not offered the mapping: status %q", statusOf(p.body))
	}
	// Other headers: nothing offered.
	if p := u3.upload("c.csv", big5CSV(t, "舊系統編號,客戶名稱", "A001,甲商行")); strings.Contains(p.body, `id="apply-remembered"`) {
		t.Error("another set of headers is offered the mapping")
	}
}

// TestLoadMappingFile: a mapping file saved from the page loads on
// another page: its column and default are used; a bad file is refused
// in words and changes nothing.
func TestLoadMappingFile(t *testing.T) {
	t.Parallel()
	u := newTestUI(t, Config{})
	list := big5CSV(t, "舊系統編號,客戶名稱", "A001,甲商行")
	u.upload("a.csv", list)
	u.post("/mapping", url.Values{"col0": {"CCODE"}})
	u.post("/options", url.Values{"credit": {"7000"}})
	saved := u.get("/mapping.yaml")
	if !strings.Contains(saved.body, "CBELE") {
		t.Fatalf("the saved mapping lacks the default:\n%s", saved.body)
	}
	u2 := newTestUI(t, Config{})
	if p := u2.upload("a.csv", list); !strings.Contains(p.body, `id="file-error"`) {
		t.Fatalf("before loading: %q", statusOf(p.body))
	}
	p := u2.postFile("/mapping-file", "客戶對應.yaml", []byte("columns:\n  舊系統編號: NOSUCH\n"))
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "這不是可用的對應檔") || !strings.Contains(p.body, `id="file-error"`) {
		t.Errorf("a bad mapping file: %d %q", p.code, statusOf(p.body))
	}
	p = u2.postFile("/mapping-file", "客戶對應.yaml", []byte(saved.body))
	if p.code != 200 || statusOf(p.body) != "VALID 1" || !strings.Contains(p.body, "已載入對應檔") || !strings.Contains(p.body, "客戶對應.yaml") ||
		!strings.Contains(p.body, `id="default-credit" value="7000"`) {
		t.Errorf("after loading: %d %q", p.code, statusOf(p.body))
	}
	// It holds for the next file too.
	if p := u2.upload("b.csv", big5CSV(t, "舊系統編號,客戶名稱", "B001,乙")); statusOf(p.body) != "VALID 1" {
		t.Errorf("the next file: %q", statusOf(p.body))
	}
}
