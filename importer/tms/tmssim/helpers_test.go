package tmssim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

const (
	testPNO    = "TMSDEMOWEB"
	testProNum = "TMSWEBDEMO" // the specification's example body uses a different spelling than its api-pno
	testKey    = "secret"
)

// testNow is the specification's example timestamp.
var testNow = time.Unix(1509371605, 0)

func testConfig() Config {
	return Config{PNO: testPNO, ProNum: testProNum, Key: testKey, Now: func() time.Time { return testNow }}
}

func newSim(t testing.TB, mod func(*Config)) *Server {
	t.Helper()
	cfg := testConfig()
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// body builds a request body with the test ProNum around a raw Main object.
func body(main string) string {
	return `{"ProNum":"` + testProNum + `","Main":` + main + `}`
}

// signed builds a POST /Cust/Add signed with recipe r (zero: default) at
// timestamp ts.
func signed(r tms.Recipe, key string, ts time.Time, raw string) *http.Request {
	if r == (tms.Recipe{}) {
		r = tms.DefaultRecipe
	}
	tss := strconv.FormatInt(ts.Unix(), 10)
	req := httptest.NewRequest(http.MethodPost, "/Cust/Add", bytes.NewBufferString(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("api-pno", testPNO)
	req.Header.Set("api-timestamp", tss)
	req.Header.Set("api-ClientSign", r.Sign(key, testPNO, tss, []byte(raw)))
	return req
}

// serve runs one request through the handler and decodes the answer.
func serve(t testing.TB, s *Server, req *http.Request) (Response, *httptest.ResponseRecorder) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var resp Response
	if rec.Code == http.StatusOK || rec.Code == http.StatusRequestEntityTooLarge {
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("answer %q is not JSON: %v", rec.Body.String(), err)
		}
	}
	return resp, rec
}

// post sends a signed body with a raw Main object.
func post(t testing.TB, s *Server, main string) Response {
	t.Helper()
	resp, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(main)))
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d %q, want 200", rec.Code, rec.Body.String())
	}
	return resp
}

// mustAdd adds a customer and fails the test unless it succeeds.
func mustAdd(t testing.TB, s *Server, main string) string {
	t.Helper()
	resp := post(t, s, main)
	if resp.Status != "S" {
		t.Fatalf("add %s: got %+v, want Status S", main, resp)
	}
	return resp.CCODE
}

// customer returns the stored record of code, or nil.
func customer(s *Server, code string) map[string]any {
	for _, c := range s.Customers() {
		if c["CCODE"] == code {
			return c
		}
	}
	return nil
}

// text renders a stored record as field → text, for comparisons.
func text(rec map[string]any) map[string]string {
	out := make(map[string]string, len(rec))
	for k, v := range rec {
		switch x := v.(type) {
		case string:
			out[k] = x
		case json.Number:
			out[k] = "#" + x.String() // numbers marked, so "0" and 0 differ
		default:
			out[k] = "?"
		}
	}
	return out
}
