package ui

// Helpers of the handler tests: a server on a loopback httptest listener,
// a logged-in client, form posts and uploads, a Big5 CSV, the simulator.

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/tms/tmssim"
)

const (
	testPNO = "UIPNO001"
	testKey = "k3y-UI-PAGE-7c1f0e55aa-SECRET"
)

// testUI is a server under test and a client holding its session cookie.
type testUI struct {
	t   testing.TB
	srv *Server
	ts  *httptest.Server
	c   *http.Client
}

// newTestUI starts a server with cfg (its Getenv gets a test state folder
// unless set) and logs a client in with the one-time URL.
func newTestUI(t testing.TB, cfg Config) *testUI {
	t.Helper()
	if cfg.Getenv == nil {
		dir := t.TempDir()
		cfg.Getenv = func(k string) string {
			if k == "CUSTIMPORT_STATE_DIR" {
				return dir
			}
			return ""
		}
	}
	if cfg.Conn.Connection == (settings.Connection{}) {
		cfg.Conn.Connection = settings.Default().Connection // what the CLI gives a page without settings
	}
	if cfg.Conn.StateDir == "" {
		cfg.Conn.StateDir = cfg.Getenv("CUSTIMPORT_STATE_DIR")
	}
	if cfg.Job.Workers == 0 {
		s := settings.Default()
		s.Connection = cfg.Conn.Connection
		job, err := s.Job("upload")
		if err != nil {
			t.Fatal(err)
		}
		job.UpdateExisting = cfg.UpdateExisting
		cfg.Job = job
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	srv.SetAddr(ts.Listener.Addr())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	u := &testUI{t: t, srv: srv, ts: ts, c: newClient()}
	resp, err := u.c.Get(srv.URL(ts.Listener.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("logging in with the URL's token: %s", resp.Status)
	}
	return u
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// page is one answer: status code and body.
type page struct {
	code int
	body string
	hdr  http.Header
}

func (u *testUI) do(req *http.Request) page {
	u.t.Helper()
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{code: resp.StatusCode, body: string(b), hdr: resp.Header}
}

func (u *testUI) get(path string) page {
	u.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u.ts.URL+path, nil)
	return u.do(req)
}

func (u *testUI) post(path string, form url.Values) page {
	u.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.do(req)
}

// upload posts a file as the page's file input does.
func (u *testUI) upload(name string, data []byte) page {
	u.t.Helper()
	return u.do(uploadRequest(u.t, u.ts.URL, name, data))
}

func uploadRequest(t testing.TB, base, name string, data []byte) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/upload", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// big5CSV encodes lines (joined by CRLF) in Big5.
func big5CSV(t *testing.T, lines ...string) []byte {
	t.Helper()
	out, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// statusOf returns the text of the page's #status element.
func statusOf(body string) string {
	i := strings.Index(body, `id="status"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	start := strings.Index(rest, ">") + 1
	end := strings.Index(rest, "</p>")
	if start <= 0 || end < start {
		return ""
	}
	return strings.TrimSpace(rest[start:end])
}

// startSim starts an in-process simulator and returns it and the
// connection settings to reach it.
func startSim(t *testing.T) (*tmssim.Server, connect.Settings) {
	t.Helper()
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(func() {
		ts.Close()
		sim.Close()
	})
	return sim, testConn(ts.URL)
}

// readResults reads a results workbook's first sheet.
func readResults(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the results are not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// testConn is the connection to the test's simulator at url: the
// default settings, two workers, a rate no test waits for, and the key.
func testConn(url string) connect.Settings {
	c := settings.Default().Connection
	c.URL, c.PNO, c.Workers, c.Rate = url, testPNO, 2, 200
	return connect.Settings{Connection: c, Key: testKey}
}
