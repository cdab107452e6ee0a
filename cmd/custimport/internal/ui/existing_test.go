package ui

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms/tmssim"
)

// listRequest posts a list of existing customers as the page's form does.
func listRequest(t *testing.T, base, asOf, name string, data []byte) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("asof", asOf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/existing", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// The page's settings load TMS's customer list into the ledger; a row
// without a code of one of those customers is INVALID (EXISTS), or, with
// 「更新已存在的客戶」, an update of that customer, in the check and the
// import alike.
func TestExistingCustomersOnThePage(t *testing.T) {
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	if p := u.get("/"); !strings.Contains(p.body, "尚未載入既有客戶清單") {
		t.Fatalf("the page does not say no list is loaded:\n%s", p.body)
	}
	export := []byte("客戶代號,客戶名稱,統一編號\r\nC9,北極星貿易有限公司,04595257\r\n")
	old := time.Now().AddDate(0, 0, -45).Format("2006-01-02")
	p := u.do(listRequest(t, u.ts.URL, old, "TMS客戶.csv", export))
	if p.code != 200 || !strings.Contains(p.body, "已載入 1 位既有客戶") || !strings.Contains(p.body, "既有客戶清單: 1 位客戶,資料日期 "+old) {
		t.Fatalf("loading the list: %d\n%s", p.code, p.body)
	}
	if !strings.Contains(p.body, `id="existing-stale"`) {
		t.Errorf("a list of %s is not said to be old", old)
	}
	if p := u.do(listRequest(t, u.ts.URL, "yesterday", "x.csv", export)); p.code != http.StatusBadRequest || !strings.Contains(p.body, "資料日期有誤") {
		t.Errorf("a bad date: %d", p.code)
	}
	if p := u.do(listRequest(t, u.ts.URL, "", "names.csv", []byte("客戶名稱\r\n甲\r\n"))); p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "客戶代號") {
		t.Errorf("a list without codes: %d", p.code)
	}

	p = u.upload("new.csv", []byte("客戶代號,客戶名稱,統一編號,電話,信用額度\r\n,北極星國際,04595257,02-1111,1\r\n,新客戶,,02-2222,1\r\n"))
	if st := statusOf(p.body); st != "VALID 1 · INVALID 1" || !strings.Contains(p.body, "C9") {
		t.Fatalf("check against the list: status %q", st)
	}
	if !strings.Contains(p.body, `id="will-create"`) || !strings.Contains(p.body, "會新增客戶的列:1") {
		t.Errorf("the page does not say how many rows create")
	}
	p = u.post("/options", url.Values{"updateexisting": {"1"}})
	if st := statusOf(p.body); st != "VALID 2" {
		t.Fatalf("with 更新已存在的客戶: status %q", st)
	}
	if n := len(sim.Customers()); n != 0 {
		t.Errorf("a check sent something: the simulator holds %d customers", n)
	}
}

// Importing with 「更新已存在的客戶」 updates the customer the list names,
// and creates the new one only.
func TestUpdateExistingOnThePage(t *testing.T) {
	// TMS has C9, typed in by hand.
	state := filepath.Join(t.TempDir(), "state.json")
	os.WriteFile(state, []byte(`{"version":1,"seq":0,"customers":[{"CCODE":"C9","CNAM1":"北極星貿易有限公司","CTCOD":"04595257","CBELE":0}]}`), 0o600)
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(func() { ts.Close(); sim.Close() })
	conn := testConn(ts.URL)

	u := newTestUI(t, Config{Conn: conn, UpdateExisting: true})
	u.do(listRequest(t, u.ts.URL, "", "TMS客戶.csv", []byte("客戶代號,客戶名稱,統一編號\r\nC9,北極星貿易有限公司,04595257\r\n")))
	p := u.upload("new.csv", []byte("客戶代號,客戶名稱,統一編號,電話,信用額度\r\n,北極星國際,04595257,02-1111,1\r\n,新客戶,,02-2222,1\r\n"))
	if !strings.Contains(p.body, `id="updateexisting" value="1" checked`) || statusOf(p.body) != "VALID 2" {
		t.Errorf("update_existing from the config does not check the box: status %q", statusOf(p.body))
	}
	if p := u.post("/import", nil); p.code != 200 {
		t.Fatalf("import: %d %s", p.code, p.body)
	}
	readEvents(t, u)
	if st := statusOf(u.get("/view").body); st != "完成 · OK 2" {
		t.Fatalf("after the import: status %q", st)
	}
	cs := sim.Customers()
	if len(cs) != 2 {
		t.Fatalf("the simulator holds %d customers, want 2 (C9 updated, one created): %v", len(cs), cs)
	}
	for _, c := range cs {
		if c["CCODE"] == "C9" && c["CTELE"] != "02-1111" {
			t.Errorf("C9 was not updated: %v", c)
		}
	}
}
