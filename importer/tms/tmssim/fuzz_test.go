package tmssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms"
)

// FuzzCustAdd sends arbitrary signed bodies. Whatever arrives, the
// simulator must answer HTTP 200 (or 413) with a well-formed answer whose
// code is in Codes, store exactly one customer more on an add, and keep
// every stored record encodable with a CCODE.
func FuzzCustAdd(f *testing.F) {
	for _, seed := range []string{
		body(specAdd),
		body(`{"CCODE":"A001","EditItem":1,"CNAM1":"x"}`),
		body(`{"CCODE":"A002","EditItem":2,"CBELE":"1.5","CTCOD":"10458574","CRDAT":"31"}`),
		body(`{"CCODE":"A003","EditItem":"0","CBELE":1e3,"Sex":"2","PosPhoneCarrierId":"/AB+-.12"}`),
		body(`{"AutoCCODE":true,"CBELE":0,"cphone":"0912"}`),
		body(`{"CCODE":null}`),
		body(`[]`),
		`{"ProNum":"` + testProNum + `","Main":{"CCODE":"\u0000","EditItem":0,"CBELE":"-.5"}}`,
		`not json`,
		``,
	} {
		f.Add(seed)
	}
	s, err := New(testConfig())
	if err != nil {
		f.Fatal(err)
	}
	mustAdd(f, s, `{"CCODE":"A001","EditItem":0,"CBELE":0}`)
	known := map[string]bool{}
	for _, c := range Codes {
		known[c.Code] = true
	}
	f.Fuzz(func(t *testing.T, raw string) {
		before := len(s.Customers())
		resp, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, raw))
		if rec.Code != http.StatusOK && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("HTTP %d %q, want 200", rec.Code, rec.Body.String())
		}
		if !known[resp.ErrorCode] {
			t.Fatalf("code %q is not in Codes", resp.ErrorCode)
		}
		if (resp.Status == "S") != (resp.ErrorCode == CodeOK) || (resp.Status != "S" && resp.Status != "E") {
			t.Fatalf("got %+v, want S with 0000 or E with an error code", resp)
		}
		after := s.Customers()
		switch {
		case resp.Status == "E" && len(after) != before:
			t.Fatalf("an error changed the store: %d → %d customers", before, len(after))
		case resp.Status == "S" && customer(s, resp.CCODE) == nil:
			t.Fatalf("success with CCODE %q that is not stored", resp.CCODE)
		case len(after) != before && len(after) != before+1:
			t.Fatalf("one request changed the count %d → %d", before, len(after))
		}
		if resp.Status == "S" {
			rec := customer(s, resp.CCODE)
			if _, err := json.Marshal(rec); err != nil {
				t.Fatalf("stored record %v does not encode: %v", rec, err)
			}
			if strings.TrimSpace(fmt.Sprint(rec["CCODE"])) == "" {
				t.Fatalf("stored a blank CCODE")
			}
		}
	})
}
