package tmssim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

// query posts a signed /Product/QueryList with raw as the body.
func query(t *testing.T, s *Server, r tms.Recipe, mod func(*http.Request), raw string) (QueryResponse, int) {
	t.Helper()
	req := signed(r, testKey, testNow, raw)
	req.URL.Path = "/Product/QueryList"
	if mod != nil {
		mod(req)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var resp QueryResponse
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("answer %q: %v", rec.Body.String(), err)
		}
	}
	return resp, rec.Code
}

// TestQueryList: /Product/QueryList checks the headers and the signature
// as /Cust/Add does, answers the products asked for (none by default),
// and changes nothing.
func TestQueryList(t *testing.T) {
	products := []Product{{ICODE: "A001", INAME: "鉛筆"}, {ICODE: "B002", INAME: "橡皮擦"}}
	tests := []struct {
		name     string
		products []Product
		recipe   tms.Recipe // the simulator's
		mod      func(*http.Request)
		raw      string
		code     string
		found    []string
	}{
		{"nothing known", nil, tms.Recipe{}, nil, `{"ICODES":["A001"]}`, CodeOK, nil},
		{"a product", products, tms.Recipe{}, nil, `{"ICODES":["B002","X","A001"]}`, CodeOK, []string{"B002", "A001"}},
		{"keys in any case", products, tms.Recipe{}, nil, `{"icodes":["A001"]}`, CodeOK, []string{"A001"}},
		{"no api-pno", nil, tms.Recipe{}, func(r *http.Request) { r.Header.Del("api-pno") }, `{"ICODES":[]}`, CodeMissingHeader, nil},
		{"other api-pno", nil, tms.Recipe{}, func(r *http.Request) { r.Header.Set("api-pno", "OTHER") }, `{"ICODES":[]}`, CodePNO, nil},
		{"timestamp text", nil, tms.Recipe{}, func(r *http.Request) { r.Header.Set("api-timestamp", "x") }, `{"ICODES":[]}`, CodeBadTimestamp, nil},
		{"stale timestamp", nil, tms.Recipe{}, func(r *http.Request) { r.Header.Set("api-timestamp", "1509370000") }, `{"ICODES":[]}`, CodeExpired, nil},
		{"bad signature", nil, tms.Recipe{}, func(r *http.Request) { r.Header.Set("api-ClientSign", strings.Repeat("AB", 64)) }, `{"ICODES":[]}`, CodeBadSign, nil},
		{"another recipe set", nil, tms.Recipe{Method: "hmac-sha512", Template: "{body}"}, nil, `{"ICODES":[]}`, CodeBadSign, nil},
		{"no ICODES", nil, tms.Recipe{}, nil, `{"CODES":["A"]}`, CodeBadJSON, nil},
		{"not JSON", nil, tms.Recipe{}, nil, `ICODES=A`, CodeBadJSON, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, func(c *Config) { c.Products, c.Recipe = tt.products, tt.recipe })
			resp, status := query(t, s, tms.Recipe{}, tt.mod, tt.raw)
			if status != http.StatusOK || resp.ErrorCode != tt.code {
				t.Fatalf("HTTP %d %+v, want code %s", status, resp, tt.code)
			}
			if (tt.code == CodeOK) != (resp.Status == "S") || resp.Data == nil {
				t.Errorf("Status %q Data %v", resp.Status, resp.Data)
			}
			var got []string
			for _, p := range resp.Data {
				got = append(got, p.ICODE)
			}
			if strings.Join(got, ",") != strings.Join(tt.found, ",") {
				t.Errorf("found %v, want %v", got, tt.found)
			}
			if st := s.Stats(); st.Queries != 1 || st.Requests != 0 || st.BusinessErrors != 0 || len(s.Customers()) != 0 {
				t.Errorf("stats %+v, %d customers", st, len(s.Customers()))
			}
		})
	}
}

// TestQueryListFaultsAndClock: the faults and the skewed clock apply to
// queries as to /Cust/Add.
func TestQueryListFaultsAndClock(t *testing.T) {
	s := newSim(t, func(c *Config) { c.RejectRate = 1 })
	if _, status := query(t, s, tms.Recipe{}, nil, `{"ICODES":[]}`); status != http.StatusServiceUnavailable {
		t.Errorf("reject rate 1: HTTP %d", status)
	}
	if st := s.Stats(); st.Rejected != 1 || st.Queries != 1 {
		t.Errorf("stats %+v", st)
	}
	s = newSim(t, func(c *Config) { c.ClockSkew = 10 * time.Minute })
	req := signed(tms.Recipe{}, testKey, testNow, `{"ICODES":[]}`)
	req.URL.Path = "/product/querylist"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if want := testNow.Add(10 * time.Minute).UTC().Format(http.TimeFormat); rec.Header().Get("Date") != want || !strings.Contains(rec.Body.String(), CodeExpired) {
		t.Errorf("Date %q body %s, want %s and %s", rec.Header().Get("Date"), rec.Body.String(), want, CodeExpired)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/Product/QueryList", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: HTTP %d", rec.Code)
	}
}
