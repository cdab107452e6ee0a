package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

// gatedSim is a simulator whose requests each wait at a gate: the test
// lets them through one by one (pass), or all from now on (open). What
// a stop leaves unsent is then known without timing.
type gatedSim struct {
	t        testing.TB
	sim      *tmssim.Server
	conn     connect.Settings
	arrived  chan struct{} // a request is at the gate
	release  chan struct{} // lets one through
	opened   chan struct{}
	openOnce sync.Once
}

func newGatedSim(t *testing.T) *gatedSim {
	t.Helper()
	sim, conn := startSim(t)
	g := &gatedSim{t: t, sim: sim, arrived: make(chan struct{}, 1000), release: make(chan struct{}), opened: make(chan struct{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tms.ProductQuery.Path { // the connection test before the first row: not a row
			sim.ServeHTTP(w, r)
			return
		}
		g.arrived <- struct{}{}
		select {
		case <-g.release:
		case <-g.opened:
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(g.open) // before ts.Close: no request stays at the gate
	conn.URL, conn.Workers = ts.URL, 1
	g.conn = conn
	return g
}

// pass lets n requests through, one at a time as they arrive.
func (g *gatedSim) pass(n int) {
	for range n {
		g.next()
		g.release <- struct{}{}
	}
}

// next waits for a request to arrive at the gate.
func (g *gatedSim) next() {
	select {
	case <-g.arrived:
	case <-time.After(60 * time.Second):
		g.t.Fatal("no request reached the simulator")
	}
}

func (g *gatedSim) open() { g.openOnce.Do(func() { close(g.opened) }) }

// customerLines is a CSV of n valid customers A001….
func customerLines(n int) []string {
	lines := []string{"客戶代號,客戶名稱,信用額度"}
	for i := 1; i <= n; i++ {
		lines = append(lines, fmt.Sprintf("A%03d,客戶%d,1000", i, i))
	}
	return lines
}

// waitStopping waits until the session's current import has been asked
// to stop.
func (u *testUI) waitStopping() {
	u.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		u.srv.sess.mu.Lock()
		ir := u.srv.sess.imp
		u.srv.sess.mu.Unlock()
		if ir != nil && ir.currentJob().Stopping() {
			return
		}
	}
	u.t.Fatal("the import was not asked to stop")
}

// waitImport waits for the session's current import to end.
func (u *testUI) waitImport() {
	u.t.Helper()
	u.srv.sess.mu.Lock()
	ir := u.srv.sess.imp
	u.srv.sess.mu.Unlock()
	if ir == nil {
		u.t.Fatal("no import started")
	}
	select {
	case <-ir.finished:
	case <-time.After(60 * time.Second):
		u.t.Fatal("the import did not end")
	}
}

var checkIDRe = regexp.MustCompile(`id="page-state" data-check="(\d+)"`)

// checkID is the check id a page shows (what its JavaScript sends back).
func checkID(t testing.TB, body string) string {
	t.Helper()
	m := checkIDRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no #page-state with its check id")
	}
	return m[1]
}

// postAs posts as a tab showing check id does.
func (u *testUI) postAs(id, path string, form url.Values) page {
	u.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(CheckHeader, id)
	return u.do(req)
}

// uploadAs uploads as a tab showing check id does.
func (u *testUI) uploadAs(id, name string, data []byte) page {
	u.t.Helper()
	req := uploadRequest(u.t, u.ts.URL, name, data)
	req.Header.Set(CheckHeader, id)
	return u.do(req)
}

var importButtonRe = regexp.MustCompile(`<button id="import"[^>]*>[^<]*</button>`)

func importButton(body string) string { return importButtonRe.FindString(body) }

// After 停止 the same #import button offers the rest, sends only those
// rows, and the simulator ends with every row exactly once. The rate
// shown is of the rows sent.
func TestContinueAfterStop(t *testing.T) {
	const rows, first = 100, 10
	g := newGatedSim(t)
	u := newTestUI(t, Config{Conn: g.conn})
	p := u.upload("a.csv", big5CSV(t, customerLines(rows)...))
	id := checkID(t, p.body)
	if b := importButton(p.body); !strings.Contains(b, fmt.Sprintf("匯入 %d 筆", rows)) {
		t.Fatalf("before the import: %s", b)
	}
	u.postAs(id, "/import", nil)
	g.pass(first)
	g.next() // the next request is at the gate when 停止 is pressed
	if p := u.postAs(id, "/stop", nil); p.code != http.StatusOK {
		t.Fatalf("stop: %d", p.code)
	}
	g.release <- struct{}{} // the request in flight finishes; no other leaves
	u.waitImport()
	sent := first + 1
	if n := len(g.sim.Customers()); n != sent {
		t.Fatalf("after the stop the simulator holds %d customers, want %d", n, sent)
	}
	p = u.get("/view")
	left := rows - sent
	b := importButton(p.body)
	if !strings.Contains(b, fmt.Sprintf("繼續匯入剩下的 %d 筆", left)) || strings.Contains(b, "disabled") {
		t.Fatalf("after the stop the button is %s, want an enabled 繼續匯入剩下的 %d 筆", b, left)
	}
	if strings.Contains(p.body, "這份檔案已匯入") {
		t.Error("after the stop the page says the file was imported")
	}
	if id2 := checkID(t, p.body); id2 != id {
		t.Fatalf("the import changed the page's check id (%s → %s)", id, id2)
	}

	g.open()
	if p := u.postAs(id, "/import", nil); p.code != http.StatusOK {
		t.Fatalf("continue: %d %s", p.code, p.body)
	}
	u.waitImport()
	st := g.sim.Stats()
	if st.Requests != rows || st.Added != rows || st.Updated != 0 {
		t.Errorf("simulator: %d requests, %d added, %d updated; want each row sent once (%d)", st.Requests, st.Added, st.Updated, rows)
	}
	var codes []string
	for _, c := range g.sim.Customers() {
		codes = append(codes, fmt.Sprint(c["CCODE"]))
	}
	sort.Strings(codes)
	for i, c := range codes {
		if want := fmt.Sprintf("A%03d", i+1); c != want {
			t.Fatalf("customer %d is %q, want %q (codes %v)", i, c, want, codes)
		}
	}
	if len(codes) != rows {
		t.Fatalf("%d customers, want %d", len(codes), rows)
	}
	u.srv.sess.mu.Lock()
	snap := u.srv.sess.imp.snapshot()
	u.srv.sess.mu.Unlock()
	if snap.Sent != left || snap.Rows != rows {
		t.Errorf("the continued run sent %d of %d rows read, want %d of %d", snap.Sent, snap.Rows, left, rows)
	}
	p = u.get("/view")
	if statusOf(p.body) != fmt.Sprintf("完成 · OK %d", rows) {
		t.Errorf("#status %q", statusOf(p.body))
	}
	if b := importButton(p.body); !strings.Contains(b, "disabled") || !strings.Contains(p.body, "這份檔案已匯入") {
		t.Errorf("with every row imported the button is %s", b)
	}
	if p := u.postAs(id, "/import", nil); p.code != http.StatusConflict || g.sim.Stats().Requests != rows {
		t.Errorf("a third import: %d, %d requests", p.code, g.sim.Stats().Requests)
	}
}

// The rate counts the rows sent, not the rows read: rows an earlier run
// imported go by without a request.
func TestProgressRate(t *testing.T) {
	u := newTestUI(t, Config{})
	ss := u.srv.sess
	tests := []struct {
		name string
		snap importSnap
		want string
	}{
		{"continued run", importSnap{Rows: 100, Sent: 10, Total: 100, Elapsed: 2 * time.Second, Done: true}, "實際送出速率 5.0 筆/秒"},
		{"nothing sent yet", importSnap{Rows: 50, Sent: 0, Total: 100, Elapsed: time.Second}, ""},
		{"first run", importSnap{Rows: 20, Sent: 20, Total: 100, Elapsed: 4 * time.Second}, "實際送出速率 5.0 筆/秒 · 約 16 秒"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ss.progressText(tc.snap)
			if tc.want == "" && strings.Contains(got, "筆/秒") || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
}

// Choosing another file leaves nothing of the old one: no progress, no
// 「已停止」, no download, 「只看錯誤」 off; also when the new file
// cannot be read.
func TestNewFileLeavesNoTrace(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		code int
	}{
		{"a readable file", nil, http.StatusOK},
		{"an unreadable file", []byte("\x00\x01\x02 not a sheet"), http.StatusUnprocessableEntity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGatedSim(t)
			u := newTestUI(t, Config{Conn: g.conn})
			lines := append(customerLines(20), "A999,壞的,12x")
			u.upload("a.csv", big5CSV(t, lines...))
			u.post("/grid", url.Values{"errors": {"1"}})
			u.post("/import", nil)
			g.pass(3)
			g.next()
			u.post("/stop", nil)
			g.release <- struct{}{}
			u.waitImport()
			old := u.get("/view").body
			for _, s := range []string{`id="results"`, "已停止", `id="progress"`, `id="errors-only" checked`} {
				if !strings.Contains(old, s) {
					t.Fatalf("the stopped run's page lacks %q", s)
				}
			}
			outDir := ""
			u.srv.sess.mu.Lock()
			outDir = u.srv.sess.imp.out
			u.srv.sess.mu.Unlock()

			data := tc.data
			if data == nil {
				data = big5CSV(t, "客戶代號,客戶名稱,信用額度", "B001,乙,1000", "B002,丙,2000")
			}
			p := u.upload("b.csv", data)
			if p.code != tc.code {
				t.Fatalf("upload: %d, want %d", p.code, tc.code)
			}
			for _, body := range []string{p.body, u.get("/").body} {
				for _, s := range []string{`id="results"`, "已停止", `id="progress"`, "繼續匯入", "a.csv", `id="errors-only" checked`, "A001"} {
					if strings.Contains(body, s) {
						t.Errorf("after choosing another file the page still shows %q", s)
					}
				}
			}
			if r := u.get("/results"); r.code != http.StatusNotFound {
				t.Errorf("the old results still download: %d", r.code)
			}
			if _, err := os.Stat(outDir); !os.IsNotExist(err) {
				t.Errorf("the old results stay in the temporary folder: %v", err)
			}
			if tc.code == http.StatusOK && !strings.Contains(importButton(p.body), "匯入 2 筆") {
				t.Errorf("the new file's button: %s", importButton(p.body))
			}
		})
	}
}

// postRoutes are the state-changing routes the server registers, read
// from routes(): a new one is covered by the stale-tab test at once.
func postRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("handlers.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`mux\.HandleFunc\("POST (/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 10 {
		t.Fatalf("found only %d POST routes in handlers.go: %v", len(out), out)
	}
	return out
}

// Two tabs: tab 2 uploads another file; every change tab 1 sends
// afterwards is refused with 409 and changes nothing — its import sends
// not one row of the other file.
func TestStaleTab(t *testing.T) {
	sim, conn := startSim(t)
	u := newTestUI(t, Config{Conn: conn})
	tab1 := checkID(t, u.upload("a.csv", big5CSV(t, customerLines(3)...)).body)
	tab2 := checkID(t, u.get("/").body) // tab 2 opens the page, then chooses another file
	p := u.uploadAs(tab2, "b.csv", big5CSV(t, "客戶代號,客戶名稱,信用額度", "B001,乙,1000", "B002,丙,12x"))
	if p.code != http.StatusOK {
		t.Fatalf("tab 2's upload: %d", p.code)
	}
	fresh := checkID(t, p.body)
	if fresh == tab1 {
		t.Fatal("another file kept the check id")
	}
	before := u.get("/view").body
	for _, path := range postRoutes(t) {
		t.Run(path, func(t *testing.T) {
			var p page
			if path == "/upload" || path == "/existing" {
				req := uploadRequest(t, u.ts.URL, "c.csv", big5CSV(t, customerLines(5)...))
				req.URL.Path = path
				req.Header.Set(CheckHeader, tab1)
				p = u.do(req)
			} else {
				p = u.postAs(tab1, path, url.Values{"line": {"2"}, "col": {"2"}, "value": {"9"}, "lang": {"en"}, "errors": {"1"},
					"find": {"1"}, "with": {"2"}, "op": {"apply"}, "url": {"http://127.0.0.1:1"}, "pno": {"X"}, "recipe": {"sha256:{key}"}})
			}
			if p.code != http.StatusConflict || !strings.Contains(p.body, "這個分頁的內容已過期,請重新整理") {
				t.Errorf("a stale tab's %s: %d %q", path, p.code, p.body)
			}
			if strings.Contains(p.body, `id="grid"`) {
				t.Errorf("the stale answer carries the new file's grid")
			}
		})
	}
	if after := u.get("/view").body; after != before {
		t.Error("a stale tab's requests changed the page")
	}
	if st := sim.Stats(); st.Requests != 0 {
		t.Errorf("a stale tab's import sent %d requests", st.Requests)
	}
	u.srv.sess.mu.Lock()
	imp, lang := u.srv.sess.imp, u.srv.sess.lang
	u.srv.sess.mu.Unlock()
	if imp != nil || lang != "zh" {
		t.Errorf("a stale tab started an import (%v) or changed the language (%s)", imp != nil, lang)
	}
	// The fresh tab goes on; a request without the header (a script) is
	// not judged.
	if p := u.postAs(fresh, "/cell", url.Values{"line": {"3"}, "col": {"2"}, "value": {"2000"}}); p.code != http.StatusOK || statusOf(p.body) != "VALID 2" {
		t.Errorf("the current tab's edit: %d %q", p.code, statusOf(p.body))
	}
	if p := u.post("/grid", url.Values{"errors": {"1"}}); p.code != http.StatusOK {
		t.Errorf("a request without the header: %d", p.code)
	}
}

func TestIsStale(t *testing.T) {
	tests := []struct {
		claimed string
		current int
		want    bool
	}{
		{"", 7, false}, {"7", 7, false}, {"6", 7, true}, {"8", 7, true}, {"x", 7, true}, {"0", 0, false}, {" 7", 7, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q/%d", tc.claimed, tc.current), func(t *testing.T) {
			if got := isStale(tc.claimed, tc.current); got != tc.want {
				t.Errorf("isStale(%q, %d) = %v", tc.claimed, tc.current, got)
			}
		})
	}
}
