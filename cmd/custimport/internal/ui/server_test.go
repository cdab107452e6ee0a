package ui

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sample is a Big5 CSV with a title row above the header and one row
// whose 統一編號 fails its check digit (line 4).
func sample(t *testing.T) []byte {
	return big5CSV(t,
		"客戶名單 2024",
		"客戶代號,客戶名稱,統一編號,信用額度,內部備註",
		"A001,甲商行,04595257,1000,老客戶",
		"A002,乙工作室,12345678,2000,",
		"A003,丙企業社,22099131,3000,",
	)
}

func TestSecurity(t *testing.T) {
	u := newTestUI(t, Config{})
	addr := u.ts.Listener.Addr().String()
	tests := []struct {
		name   string
		req    func() *http.Request
		client *http.Client
		want   int
	}{
		{"no cookie, no token", func() *http.Request { r, _ := http.NewRequest("GET", u.ts.URL+"/", nil); return r }, newClient(), 403},
		{"wrong token", func() *http.Request { r, _ := http.NewRequest("GET", u.ts.URL+"/?t=nope", nil); return r }, newClient(), 403},
		{"token used twice", func() *http.Request { r, _ := http.NewRequest("GET", u.srv.URL(u.ts.Listener.Addr()), nil); return r }, newClient(), 403},
		{"no cookie, an asset", func() *http.Request { r, _ := http.NewRequest("GET", u.ts.URL+"/assets/app.js", nil); return r }, newClient(), 403},
		{"no cookie, upload", func() *http.Request { return uploadRequest(t, u.ts.URL, "a.csv", sample(t)) }, newClient(), 403},
		{"other Host (DNS rebinding)", func() *http.Request {
			r, _ := http.NewRequest("GET", u.ts.URL+"/", nil)
			r.Host = "evil.example:" + strings.Split(addr, ":")[1]
			return r
		}, u.c, 403},
		{"Host without the port", func() *http.Request {
			r, _ := http.NewRequest("GET", u.ts.URL+"/", nil)
			r.Host = "127.0.0.1"
			return r
		}, u.c, 403},
		{"localhost Host", func() *http.Request {
			r, _ := http.NewRequest("GET", u.ts.URL+"/", nil)
			r.Host = "localhost:" + strings.Split(addr, ":")[1]
			r.AddCookie(&http.Cookie{Name: CookieName, Value: u.srv.cookie}) // the jar keeps it for 127.0.0.1
			return r
		}, newClient(), 200},
		{"cross-site POST", func() *http.Request {
			r := uploadRequest(t, u.ts.URL, "a.csv", sample(t))
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}, u.c, 403},
		{"cross-origin POST (Origin only)", func() *http.Request {
			r, _ := http.NewRequest("POST", u.ts.URL+"/lang", strings.NewReader("lang=en"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Origin", "http://evil.example")
			return r
		}, u.c, 403},
		{"same-origin POST", func() *http.Request {
			r, _ := http.NewRequest("POST", u.ts.URL+"/grid", strings.NewReader("errors=1"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			return r
		}, u.c, 200},
		{"with cookie", func() *http.Request { r, _ := http.NewRequest("GET", u.ts.URL+"/", nil); return r }, u.c, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.client.Do(tc.req())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})
	}
}

func TestTokenBecomesCookie(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	srv.SetAddr(ln.Addr())
	req, _ := http.NewRequest("GET", srv.URL(ln.Addr()), nil)
	req.Host = ln.Addr().String()
	rec := &recorder{h: http.Header{}}
	srv.Handler().ServeHTTP(rec, req)
	if rec.code != http.StatusSeeOther || rec.h.Get("Location") != "/" {
		t.Fatalf("got %d to %q, want 303 to / (the token leaves the address bar)", rec.code, rec.h.Get("Location"))
	}
	c := rec.h.Get("Set-Cookie")
	for _, want := range []string{CookieName + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("Set-Cookie %q lacks %q", c, want)
		}
	}
	if strings.Contains(c, srv.token) {
		t.Error("the cookie is the URL's token")
	}
}

type recorder struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) WriteHeader(code int)        { r.code = code }

func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:80"} {
		if ln, err := Listen(addr); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) accepted a non-loopback address", addr)
		}
	}
}

func TestUploadLimits(t *testing.T) {
	u := newTestUI(t, Config{MaxUploadBytes: 1 << 10, MaxRows: 3})
	if p := u.upload("big.csv", bytes.Repeat([]byte("A001,x\r\n"), 1000)); p.code != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, "檔案太大") {
		t.Errorf("an upload over the size limit: %d %q", p.code, statusOf(p.body))
	}
	if p := u.upload("rows.csv", sample(t)); p.code != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, "列數太多") {
		t.Errorf("an upload over the row limit: %d", p.code)
	}
	if p := u.get("/"); strings.Contains(p.body, "big.csv") || strings.Contains(p.body, "rows.csv") {
		t.Error("a refused upload was kept")
	}
}

// TestFlow goes through the page: upload (Big5, a title row, one bad
// row), fix the cell, import into the simulator with progress over SSE,
// download the results. The key never reaches the page.
func TestFlow(t *testing.T) {
	sim, conn := startSim(t)
	key := conn.Key
	conn.Key = ""
	u := newTestUI(t, Config{Conn: conn})
	var seen strings.Builder

	p := u.upload("客戶名單.csv", sample(t))
	if p.code != 200 || statusOf(p.body) != "VALID 2 · INVALID 1" {
		t.Fatalf("after the upload: %d, status %q", p.code, statusOf(p.body))
	}
	for _, want := range []string{"big5", "甲商行", `data-line="4" data-col="2" tabindex="-1" title="CTCOD 統一編號`, "不認得"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(p.body, `id="import" class="primary">`) {
		t.Error("the import button is enabled before the key is set")
	}
	p = u.post("/cell", url.Values{"line": {"4"}, "col": {"2"}, "value": {"53212539"}})
	if statusOf(p.body) != "VALID 3" {
		t.Fatalf("after fixing the cell: status %q", statusOf(p.body))
	}
	p = u.post("/settings", url.Values{"url": {conn.URL}, "pno": {conn.PNO}, "key": {key}})
	seen.WriteString(p.body)
	if !strings.Contains(p.body, `id="import" class="primary">匯入 3 筆`) {
		t.Fatalf("the import button is not enabled with 3 rows:\n%s", p.body)
	}
	if len(sim.Customers()) != 0 {
		t.Fatal("something was sent before Import")
	}
	p = u.post("/import", nil)
	if p.code != 200 {
		t.Fatalf("import: %d %s", p.code, p.body)
	}
	seen.WriteString(readEvents(t, u))
	p = u.get("/view")
	seen.WriteString(p.body)
	if st := statusOf(p.body); st != "完成 · OK 3" {
		t.Fatalf("after the import: status %q", st)
	}
	if !strings.Contains(p.body, `id="results"`) {
		t.Fatal("no results link")
	}
	res := u.get("/results")
	if res.code != 200 || !strings.Contains(res.hdr.Get("Content-Disposition"), "filename*=UTF-8''%E5%AE%A2") {
		t.Fatalf("results: %d %q", res.code, res.hdr.Get("Content-Disposition"))
	}
	rows := readResults(t, []byte(res.body))
	// The title row stays: results row 4 is input row 4 (A002).
	if len(rows) != 5 || rows[0][0] != "客戶名單 2024" || rows[3][2] != "53212539" || rows[3][5] != "OK" {
		t.Errorf("results rows %q", rows)
	}
	if n := len(sim.Customers()); n != 3 {
		t.Errorf("the simulator holds %d customers, want 3", n)
	}
	seen.WriteString(u.get("/").body)
	if strings.Contains(seen.String(), key) {
		t.Error("the API key was sent to the page")
	}
	checkTempFiles(t, u.srv)
}

// readEvents reads /events until the done event and returns what came.
func readEvents(t *testing.T, u *testUI) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u.ts.URL+"/events", nil)
	resp, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: %s %q", resp.Status, ct)
	}
	var all strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	deadline := time.AfterFunc(30*time.Second, func() { resp.Body.Close() })
	defer deadline.Stop()
	for sc.Scan() {
		all.WriteString(sc.Text() + "\n")
		if sc.Text() == "event: done" {
			return all.String()
		}
	}
	t.Fatalf("the event stream ended without done:\n%s", all.String())
	return ""
}

// checkTempFiles: results files are private and go with the server.
func checkTempFiles(t *testing.T, srv *Server) {
	t.Helper()
	st, err := os.Stat(srv.TempDir())
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("temp dir %v %v, want mode 700", st.Mode(), err)
	}
	n := 0
	filepath.Walk(srv.TempDir(), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n++
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 600", p, fi.Mode().Perm())
			}
		}
		return nil
	})
	if n == 0 {
		t.Error("no results file in the temp dir")
	}
	srv.Close()
	if _, err := os.Stat(srv.TempDir()); !os.IsNotExist(err) {
		t.Errorf("the temp dir is still there after Close: %v", err)
	}
}

// TestEncryptedUpload: a password-protected workbook asks for its
// password on the page (never CUSTIMPORT_XLSX_PASSWORD, which is the
// command line's); nothing of it shows until the password opens it, a
// wrong one is said so, and once open it is checked and imported like any
// file. Another file chosen meanwhile drops it.
func TestEncryptedUpload(t *testing.T) {
	sim, conn := startSim(t)
	state := t.TempDir()
	u := newTestUI(t, Config{Conn: conn, Getenv: func(k string) string {
		switch k {
		case "CUSTIMPORT_STATE_DIR":
			return state
		case "CUSTIMPORT_XLSX_PASSWORD":
			return "s3same"
		}
		return ""
	}})
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"客戶代號", "客戶名稱", "信用額度"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Z001", "甲公司", 1})
	var locked bytes.Buffer
	if err := f.Write(&locked, excelize.Options{Password: "s3same"}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "zh"} {
		u.post("/lang", url.Values{"lang": {lang}})
		p := u.upload("locked.xlsx", locked.Bytes())
		want := text(lang, "passwordAsk", "locked.xlsx")
		if p.code != http.StatusOK || !strings.Contains(p.body, want) || !strings.Contains(p.body, `id="xlsx-password"`) {
			t.Errorf("%s: %d, status %q; want the password form asking %q", lang, p.code, statusOf(p.body), want)
		}
		if strings.Contains(p.body, "Z001") || strings.Contains(p.body, "甲公司") {
			t.Errorf("%s: the page shows the workbook's content", lang)
		}
	}
	if p := u.post("/import", nil); p.code == http.StatusOK && strings.Contains(p.body, "Z001") {
		t.Error("an import started")
	}
	for _, pw := range []string{"", "wrong", "S3SAME"} {
		p := u.post("/password", url.Values{"password": {pw}})
		if strings.Contains(p.body, "Z001") || !strings.Contains(p.body, `id="xlsx-password"`) ||
			(pw != "" && !strings.Contains(p.body, "密碼不對")) || (pw == "" && !strings.Contains(p.body, "請輸入密碼")) {
			t.Errorf("password %q: %d, the page does not ask again:\n%s", pw, p.code, p.body[:min(len(p.body), 600)])
		}
	}
	if n := len(sim.Customers()); n != 0 {
		t.Errorf("%d customers sent", n)
	}
	p := u.post("/password", url.Values{"password": {"s3same"}})
	if statusOf(p.body) != "VALID 1" || strings.Contains(p.body, `id="xlsx-password"`) || !strings.Contains(p.body, ">Z001<") {
		t.Fatalf("the right password: status %q", statusOf(p.body))
	}
	u.post("/import", nil)
	u.waitImport()
	if c := sim.Customers(); len(c) != 1 {
		t.Errorf("after the import the simulator holds %d customers, want Z001", len(c))
	}
	// A locked workbook, then another file: nothing of the first stays.
	u.upload("locked.xlsx", locked.Bytes())
	if p := u.upload("客戶名單.csv", sample(t)); p.code != 200 || statusOf(p.body) != "VALID 2 · INVALID 1" || strings.Contains(p.body, `id="xlsx-password"`) {
		t.Errorf("the next upload: %d, status %q", p.code, statusOf(p.body))
	}
	if p := u.post("/password", url.Values{"password": {"s3same"}}); p.code != http.StatusConflict {
		t.Errorf("a password with no workbook waiting: %d", p.code)
	}
}
