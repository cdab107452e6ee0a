package tmssim

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/tms"
)

// The specification's add example, plus the CBELE its own text requires.
const specAdd = `{
	"CCODE" : "",
	"AutoCCODE": 1,
	"CNAM2" : "小明",
	"CNAM1" : "王小明",
	"CADD1": "台中市XX路XXX號",
	"CTELE": "04-24222299",
	"CPOS1": "111",
	"CTEL2": "04-99999999",
	"CPhone": "0933555666",
	"CBELE": 0
}`

func TestSpecExamples(t *testing.T) {
	s := newSim(t, nil)
	code := mustAdd(t, s, specAdd)
	if code != "000001" {
		t.Errorf("CCODE: got %q, want %q", code, "000001")
	}
	got := text(customer(s, code))
	want := map[string]string{
		"CCODE": "000001", "CNAM2": "小明", "CNAM1": "王小明", "CADD1": "台中市XX路XXX號",
		"CTELE": "04-24222299", "CPOS1": "111", "CTEL2": "04-99999999", "CPHONE": "0933555666",
		"CBELE": "#0", "Sex": "#0", "C1": "#1", "OFFER": "#0", "PAUSE": "#0", "CUNIT": "#0", "CDISC": "#0",
		"CGRAD": "#0", "CDAYS": "#0", "CAGRE": "#0", "CTAX1": "#9", "CwebM": "#0", "CwebS": "#0",
		"BonusPoint": "#0", "PosBonus": "#0",
	}
	if !maps.Equal(got, want) {
		t.Errorf("stored record:\n got %v\nwant %v", got, want)
	}

	// The specification's edit example (customer "0" must exist first).
	mustAdd(t, s, `{"CCODE":"0","EditItem":0,"CBELE":"1000","CADD3":"帳單","CNAM1":"舊名"}`)
	resp := post(t, s, `{
		"CCODE" : "0",
		"CNAM1" : "TMS獲利王",
		"CADD1": "台中市XX路XXX號",
		"EditItem": 1
	}`)
	if resp != (Response{Status: "S", CCODE: "0", ErrorCode: "0000"}) {
		t.Fatalf("edit: got %+v", resp)
	}
	rec := text(customer(s, "0"))
	for k, v := range map[string]string{"CNAM1": "TMS獲利王", "CADD1": "台中市XX路XXX號", "CADD3": "帳單", "CNAM2": "0", "CBELE": "#1000"} {
		if rec[k] != v {
			t.Errorf("after edit %s: got %q, want %q", k, rec[k], v)
		}
	}
}

func TestSpecAddExampleWithoutCBELE(t *testing.T) {
	// The specification's add example omits CBELE, which its own field
	// table says may not be blank on add.
	s := newSim(t, nil)
	resp := post(t, s, strings.Replace(specAdd, `,
	"CBELE": 0`, "", 1))
	if resp.ErrorCode != CodeCBELERequired {
		t.Errorf("got %q, want %q", resp.ErrorCode, CodeCBELERequired)
	}
}

func TestResponseShape(t *testing.T) {
	s := newSim(t, func(c *Config) { c.ClockSkew = time.Hour })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, signed(tms.Recipe{}, testKey, testNow.Add(time.Hour), body(`{"CCODE":"A1","EditItem":0,"CBELE":1}`)))
	if got, want := strings.TrimSpace(rec.Body.String()), `{"Status":"S","CCODE":"A1","ErrorCode":"0000","ErrorMessage":""}`; got != want {
		t.Errorf("body: got %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("Content-Type: got %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Date"), testNow.Add(time.Hour).UTC().Format(http.TimeFormat); got != want {
		t.Errorf("Date: got %q, want %q", got, want)
	}

	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, signed(tms.Recipe{}, testKey, testNow, body(`{"CCODE":"A2","EditItem":0,"CBELE":1}`)))
	if got, want := strings.TrimSpace(rec.Body.String()), `{"Status":"E","CCODE":"","ErrorCode":"9003","ErrorMessage":"Timestamp已過期"}`; got != want {
		t.Errorf("body: got %q, want %q", got, want)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, signed(tms.Recipe{}, testKey, testNow.Add(time.Hour), body(`{"CCODE":"A3","EditItem":0,"CBELE":1,"CTCOD":"12345678"}`)))
	if got, want := strings.TrimSpace(rec.Body.String()), `{"Status":"E","CCODE":"","ErrorCode":"2006","ErrorMessage":"統編錯誤"}`; got != want {
		t.Errorf("body: got %q, want %q", got, want)
	}
}

func TestErrorCodes(t *testing.T) {
	long := func(n int) string { return strings.Repeat("名", n) }
	tests := []struct {
		name string
		main string // raw Main; body built around it unless raw is set
		raw  string // whole body
		want string
	}{
		{"ok add", `{"CCODE":"B1","EditItem":0,"CBELE":"0"}`, "", CodeOK},
		{"not JSON", "", `{"ProNum":`, CodeBadJSON},
		{"trailing data", "", body(`{"CCODE":"B1","EditItem":0,"CBELE":0}`) + `{}`, CodeBadJSON},
		{"no Main", "", `{"ProNum":"` + testProNum + `"}`, CodeBadJSON},
		{"Main null", `null`, "", CodeBadJSON},
		{"Main array", `[]`, "", CodeBadJSON},
		{"exists", `{"CCODE":"A001","EditItem":0,"CBELE":0}`, "", CodeExists},
		{"not found", `{"CCODE":"NOPE","EditItem":1,"CNAM1":"x"}`, "", CodeNotFound},
		{"CBELE missing on add", `{"CCODE":"B1","EditItem":0}`, "", CodeCBELERequired},
		{"CBELE blank on add", `{"CCODE":"B1","EditItem":0,"CBELE":" "}`, "", CodeCBELERequired},
		{"CBELE blank on edit", `{"CCODE":"A001","EditItem":1,"CBELE":""}`, "", CodeCBELERequired},
		{"CBELE missing on edit is fine", `{"CCODE":"A001","EditItem":1,"CNAM1":"x"}`, "", CodeOK},
		{"CNAM2 13 runes", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CNAM2":"` + long(13) + `"}`, "", CodeTooLong},
		{"CNAM2 12 runes", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CNAM2":"` + long(12) + `"}`, "", CodeOK},
		{"CCODE 17", `{"CCODE":"` + strings.Repeat("A", 17) + `","EditItem":0,"CBELE":0}`, "", CodeTooLong},
		{"number for S field too long", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CPOS1":1234567}`, "", CodeTooLong},
		{"Sex 3", `{"CCODE":"B1","EditItem":0,"CBELE":0,"Sex":3}`, "", CodeNotAllowed},
		{"CTAX1 4", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTAX1":"4"}`, "", CodeNotAllowed},
		{"CTAX1 9", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTAX1":9}`, "", CodeOK},
		{"AutoCCODE 2", `{"CCODE":"","AutoCCODE":2,"CBELE":0}`, "", CodeNotAllowed},
		{"CDAYS over 32 bits", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CDAYS":9999999999}`, "", CodeNotAllowed},
		{"CRDAT 0", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CRDAT":"0"}`, "", CodeCRDAT},
		{"CRDAT 32", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CRDAT":"32"}`, "", CodeCRDAT},
		{"CRDAT x", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CRDAT":"x"}`, "", CodeCRDAT},
		{"CRDAT 31", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CRDAT":"31"}`, "", CodeOK},
		{"CRDAT number 5", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CRDAT":5}`, "", CodeOK},
		{"CRDAT blank", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CRDAT":""}`, "", CodeOK},
		{"carrier lower case", `{"CCODE":"B1","EditItem":0,"CBELE":0,"PosPhoneCarrierId":"/abc1234"}`, "", CodeCarrier},
		{"carrier no slash", `{"CCODE":"B1","EditItem":0,"CBELE":0,"PosPhoneCarrierId":"ABC12345"}`, "", CodeCarrier},
		{"carrier short", `{"CCODE":"B1","EditItem":0,"CBELE":0,"PosPhoneCarrierId":"/ABC123"}`, "", CodeCarrier},
		{"carrier ok", `{"CCODE":"B1","EditItem":0,"CBELE":0,"PosPhoneCarrierId":"/AB+-.12"}`, "", CodeOK},
		{"unknown field", `{"CCODE":"B1","EditItem":0,"CBELE":0,"FAX":"1"}`, "", CodeUnknownField},
		{"blank CCODE without auto", `{"CCODE":"","EditItem":0,"CBELE":0}`, "", CodeCCODE},
		{"no CCODE without auto", `{"EditItem":2,"CBELE":0}`, "", CodeCCODE},
		{"auto with CCODE", `{"CCODE":"B1","AutoCCODE":1,"CBELE":0}`, "", CodeCCODE},
		{"auto on edit", `{"CCODE":"","AutoCCODE":1,"EditItem":1,"CBELE":0}`, "", CodeCCODE},
		{"EditItem missing", `{"CCODE":"B1","CBELE":0}`, "", CodeEditItem},
		{"EditItem 3", `{"CCODE":"B1","EditItem":3,"CBELE":0}`, "", CodeEditItem},
		{"EditItem text", `{"CCODE":"B1","EditItem":"add","CBELE":0}`, "", CodeEditItem},
		{"EditItem null", `{"CCODE":"B1","EditItem":null,"CBELE":0}`, "", CodeEditItem},
		{"EditItem string 0", `{"CCODE":"B1","EditItem":"0","CBELE":0}`, "", CodeOK},
		{"Int 1.5", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CDAYS":1.5}`, "", CodeNotInteger},
		{"Int string x", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CwebM":"x"}`, "", CodeNotInteger},
		{"Int blank", `{"CCODE":"B1","EditItem":0,"CBELE":0,"Sex":""}`, "", CodeNotInteger},
		{"Int bool", `{"CCODE":"B1","EditItem":0,"CBELE":0,"Sex":true}`, "", CodeBadType},
		{"Decimal text", `{"CCODE":"B1","EditItem":0,"CBELE":"abc"}`, "", CodeNotDecimal},
		{"Decimal 1,000", `{"CCODE":"B1","EditItem":0,"CBELE":"1,000"}`, "", CodeNotDecimal},
		{"Decimal string ok", `{"CCODE":"B1","EditItem":0,"CBELE":"-12.50"}`, "", CodeOK},
		{"S field object", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CADD1":{}}`, "", CodeBadType},
		{"S field null", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CADD1":null}`, "", CodeBadType},
		{"Decimal array", `{"CCODE":"B1","EditItem":0,"CBELE":[1]}`, "", CodeBadType},
		{"duplicate spelling", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CPHONE":"1","CPhone":"2"}`, "", CodeDuplicate},
		{"tax id bad checksum", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTCOD":"12345678"}`, "", CodeCTCOD},
		{"tax id 9 digits", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTCOD":"220991310"}`, "", CodeCTCOD},
		{"tax id letters", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTCOD":"2209913A"}`, "", CodeCTCOD},
		{"tax id number type", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTCOD":22099131}`, "", CodeOK},
		{"tax id ok", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTCOD":"22099131"}`, "", CodeOK},
		{"tax id blank", `{"CCODE":"B1","EditItem":0,"CBELE":0,"CTCOD":""}`, "", CodeOK},
		{"wrong ProNum", "", `{"ProNum":"OTHER","Main":{"CCODE":"B1","EditItem":0,"CBELE":0}}`, CodeProNum},
		{"missing ProNum", "", `{"Main":{"CCODE":"B1","EditItem":0,"CBELE":0}}`, CodeProNum},
		{"ProNum number", "", `{"ProNum":1,"Main":{"CCODE":"B1","EditItem":0,"CBELE":0}}`, CodeProNum},
		{"root keys any case", "", `{"pronum":"` + testProNum + `","main":{"CCODE":"B1","EditItem":0,"CBELE":0}}`, CodeOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, nil)
			mustAdd(t, s, `{"CCODE":"A001","EditItem":0,"CBELE":0}`)
			before := s.Customers()
			raw := tt.raw
			if raw == "" {
				raw = body(tt.main)
			}
			resp, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, raw))
			if rec.Code != http.StatusOK {
				t.Fatalf("HTTP %d, want 200", rec.Code)
			}
			if resp.ErrorCode != tt.want {
				t.Fatalf("got %q (%s), want %q", resp.ErrorCode, resp.ErrorMessage, tt.want)
			}
			if tt.want == CodeOK {
				if resp.Status != "S" || resp.ErrorMessage != "" {
					t.Errorf("got %+v, want Status S and no message", resp)
				}
				return
			}
			if resp.Status != "E" || resp.CCODE != "" {
				t.Errorf("got Status %q CCODE %q, want E and blank", resp.Status, resp.CCODE)
			}
			if !strings.HasPrefix(resp.ErrorMessage, Message(tt.want)) || Message(tt.want) == "" {
				t.Errorf("message: got %q, want it to start with %q", resp.ErrorMessage, Message(tt.want))
			}
			if after := s.Customers(); !slices.EqualFunc(before, after, maps.Equal) {
				t.Errorf("store changed on error: got %v, want %v", after, before)
			}
		})
	}
}

func TestHeaderErrors(t *testing.T) {
	raw := body(`{"CCODE":"B1","EditItem":0,"CBELE":0}`)
	tests := []struct {
		name string
		mod  func(*http.Request)
		want string
	}{
		{"ok", func(*http.Request) {}, CodeOK},
		{"no api-pno", func(r *http.Request) { r.Header.Del("api-pno") }, CodeMissingHeader},
		{"no api-timestamp", func(r *http.Request) { r.Header.Del("api-timestamp") }, CodeMissingHeader},
		{"empty api-ClientSign", func(r *http.Request) { r.Header.Set("api-ClientSign", "") }, CodeMissingHeader},
		{"other api-pno", func(r *http.Request) { r.Header.Set("api-pno", "OTHER") }, CodePNO},
		{"timestamp text", func(r *http.Request) { r.Header.Set("api-timestamp", "2017-10-30") }, CodeBadTimestamp},
		{"timestamp ms", func(r *http.Request) { r.Header.Set("api-timestamp", "1509371605000") }, CodeExpired},
		{"bad signature", func(r *http.Request) { r.Header.Set("api-ClientSign", strings.Repeat("AB", 64)) }, CodeBadSign},
		{"lower-case signature", func(r *http.Request) {
			r.Header.Set("api-ClientSign", strings.ToLower(r.Header.Get("api-ClientSign")))
		}, CodeOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, nil)
			req := signed(tms.Recipe{}, testKey, testNow, raw)
			tt.mod(req)
			resp, _ := serve(t, s, req)
			if resp.ErrorCode != tt.want {
				t.Errorf("got %q (%s), want %q", resp.ErrorCode, resp.ErrorMessage, tt.want)
			}
			if stored := len(s.Customers()); (tt.want == CodeOK) != (stored == 1) {
				t.Errorf("stored %d customers, want %d", stored, map[bool]int{true: 1}[tt.want == CodeOK])
			}
		})
	}
}

func TestSignedBodyTampered(t *testing.T) {
	hmacRecipe, _ := tms.ParseRecipe("hmac-sha512")
	s := newSim(t, func(c *Config) { c.Recipe = hmacRecipe })
	req := signed(hmacRecipe, testKey, testNow, body(`{"CCODE":"B1","EditItem":0,"CBELE":0}`))
	sig := req.Header.Get("api-ClientSign")
	req2 := signed(hmacRecipe, testKey, testNow, body(`{"CCODE":"B2","EditItem":0,"CBELE":0}`))
	req2.Header.Set("api-ClientSign", sig)
	if resp, _ := serve(t, s, req2); resp.ErrorCode != CodeBadSign {
		t.Errorf("got %q, want %q", resp.ErrorCode, CodeBadSign)
	}
}

func TestSignatureRecipes(t *testing.T) {
	hmacRecipe, err := tms.ParseRecipe("hmac-sha512")
	if err != nil {
		t.Fatal(err)
	}
	raw := body(`{"CCODE":"B1","EditItem":0,"CBELE":0}`)
	tests := []struct {
		name         string
		server, sign tms.Recipe
		key          string
		want         string
	}{
		{"default sha512", tms.Recipe{}, tms.DefaultRecipe, testKey, CodeOK},
		{"sha512 wrong key", tms.Recipe{}, tms.DefaultRecipe, "other", CodeBadSign},
		{"hmac-sha512", hmacRecipe, hmacRecipe, testKey, CodeOK},
		{"hmac server, sha512 client", hmacRecipe, tms.DefaultRecipe, testKey, CodeBadSign},
		{"sha512 server, hmac client", tms.Recipe{}, hmacRecipe, testKey, CodeBadSign},
		{"hmac wrong key", hmacRecipe, hmacRecipe, "other", CodeBadSign},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, func(c *Config) { c.Recipe = tt.server })
			resp, _ := serve(t, s, signed(tt.sign, tt.key, testNow, raw))
			if resp.ErrorCode != tt.want {
				t.Errorf("got %q, want %q", resp.ErrorCode, tt.want)
			}
		})
	}
}

func TestTimestampWindow(t *testing.T) {
	tests := []struct {
		name   string
		skew   time.Duration // simulator clock offset
		offset time.Duration // client timestamp offset from testNow
		want   string
	}{
		{"now", 0, 0, CodeOK},
		{"+299s", 0, 299 * time.Second, CodeOK},
		{"-299s", 0, -299 * time.Second, CodeOK},
		{"+300s", 0, 300 * time.Second, CodeOK},
		{"+301s", 0, 301 * time.Second, CodeExpired},
		{"-301s", 0, -301 * time.Second, CodeExpired},
		{"server 10 min ahead, client on time", 10 * time.Minute, 0, CodeExpired},
		{"server 10 min ahead, client 9m59s... within", 10 * time.Minute, 10*time.Minute - 299*time.Second, CodeOK},
		{"server 301s behind", -301 * time.Second, 0, CodeExpired},
		{"server 299s behind", -299 * time.Second, 0, CodeOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, func(c *Config) { c.ClockSkew = tt.skew })
			resp, _ := serve(t, s, signed(tms.Recipe{}, testKey, testNow.Add(tt.offset), body(`{"CCODE":"B1","EditItem":0,"CBELE":0}`)))
			if resp.ErrorCode != tt.want {
				t.Errorf("got %q, want %q", resp.ErrorCode, tt.want)
			}
		})
	}
}

func TestAddDefaults(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(*Config)
		main string
		want map[string]string
	}{
		{"minimal", nil, `{"CCODE":"C0001","EditItem":0,"CBELE":5000}`, map[string]string{
			"CCODE": "C0001", "CNAM2": "C0001", "CNAM1": "C0001", "CBELE": "#5000",
			"Sex": "#0", "C1": "#1", "OFFER": "#0", "PAUSE": "#0", "CUNIT": "#0", "CDISC": "#0", "CGRAD": "#0",
			"CDAYS": "#0", "CAGRE": "#0", "CTAX1": "#9", "CwebM": "#0", "CwebS": "#0", "BonusPoint": "#0", "PosBonus": "#0",
		}},
		{"CNAM1 from sent CNAM2, CwebS system default, values kept", func(c *Config) { c.DefaultCwebS = 80 },
			`{"ccode":"C0002","EditItem":"2","CBELE":"1.50","cnam2":"小明","Sex":"2","C1":0,"CTAX1":1,"PosBonus":"7","CDISC":0.85}`,
			map[string]string{
				"CCODE": "C0002", "CNAM2": "小明", "CNAM1": "小明", "CBELE": "#1.50",
				"Sex": "#2", "C1": "#0", "OFFER": "#0", "PAUSE": "#0", "CUNIT": "#0", "CDISC": "#0.85", "CGRAD": "#0",
				"CDAYS": "#0", "CAGRE": "#0", "CTAX1": "#1", "CwebM": "#0", "CwebS": "#80", "BonusPoint": "#0", "PosBonus": "#7",
			}},
		{"blank names defaulted, long CCODE cut to 12 for CNAM2", nil,
			`{"CCODE":"ABCDEFGHIJKLMNOP","EditItem":0,"CBELE":"+007.50","CNAM2":"","CNAM1":" ","CwebS":"120"}`,
			map[string]string{
				"CCODE": "ABCDEFGHIJKLMNOP", "CNAM2": "ABCDEFGHIJKL", "CNAM1": "ABCDEFGHIJKL", "CBELE": "#7.50",
				"Sex": "#0", "C1": "#1", "OFFER": "#0", "PAUSE": "#0", "CUNIT": "#0", "CDISC": "#0", "CGRAD": "#0",
				"CDAYS": "#0", "CAGRE": "#0", "CTAX1": "#9", "CwebM": "#0", "CwebS": "#120", "BonusPoint": "#0", "PosBonus": "#0",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, tt.cfg)
			code := mustAdd(t, s, tt.main)
			if got := text(customer(s, code)); !maps.Equal(got, tt.want) {
				t.Errorf("stored record:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestEditChangesOnlySentFields(t *testing.T) {
	s := newSim(t, nil)
	mustAdd(t, s, `{"CCODE":"E1","EditItem":0,"CBELE":100,"CNAM1":"原名","CADD1":"原地址","Sex":1,"PosBonus":5}`)
	before := text(customer(s, "E1"))
	resp := post(t, s, `{"CCODE":"E1","EditItem":1,"CADD1":"新地址","CTAX1":"3","PosBonus":99,"CBELE":"250"}`)
	if resp.Status != "S" || resp.CCODE != "E1" {
		t.Fatalf("edit: got %+v", resp)
	}
	want := maps.Clone(before)
	want["CADD1"], want["CTAX1"], want["CBELE"] = "新地址", "#3", "#250" // PosBonus is add-only: unchanged
	if got := text(customer(s, "E1")); !maps.Equal(got, want) {
		t.Errorf("after edit:\n got %v\nwant %v", got, want)
	}
	if _, stored := customer(s, "E1")["EditItem"]; stored {
		t.Errorf("EditItem was stored, want it treated as a request control")
	}
}

func TestEditItemSemantics(t *testing.T) {
	tests := []struct {
		name      string
		main      string
		want      string
		wantCCODE string
		wantCNAM1 string // of wantCCODE after the request ("" skip)
	}{
		{"0 new", `{"CCODE":"N1","EditItem":0,"CBELE":0,"CNAM1":"新"}`, CodeOK, "N1", "新"},
		{"0 existing", `{"CCODE":"X1","EditItem":0,"CBELE":0,"CNAM1":"新"}`, CodeExists, "X1", "舊"},
		{"1 existing", `{"CCODE":"X1","EditItem":1,"CNAM1":"新"}`, CodeOK, "X1", "新"},
		{"1 new", `{"CCODE":"N1","EditItem":1,"CNAM1":"新"}`, CodeNotFound, "", ""},
		{"2 existing edits", `{"CCODE":"X1","EditItem":2,"CNAM1":"新"}`, CodeOK, "X1", "新"},
		{"2 new adds", `{"CCODE":"N1","EditItem":2,"CBELE":0,"CNAM1":"新"}`, CodeOK, "N1", "新"},
		{"2 new needs CBELE", `{"CCODE":"N1","EditItem":2,"CNAM1":"新"}`, CodeCBELERequired, "", ""},
		{"2 with auto adds", `{"CCODE":"","AutoCCODE":1,"EditItem":2,"CBELE":0,"CNAM1":"新"}`, CodeOK, "000001", "新"},
		{"missing with auto adds (spec example)", `{"AutoCCODE":"1","CBELE":0,"CNAM1":"新"}`, CodeOK, "000001", "新"},
		{"AutoCCODE true", `{"AutoCCODE":true,"EditItem":0,"CBELE":0,"CNAM1":"新"}`, CodeOK, "000001", "新"},
		{"AutoCCODE 0 is no auto", `{"CCODE":"","AutoCCODE":0,"EditItem":0,"CBELE":0}`, CodeCCODE, "", ""},
		{"CCODE trimmed", `{"CCODE":" X1 ","EditItem":1,"CNAM1":"新"}`, CodeOK, "X1", "新"},
		{"CCODE case sensitive", `{"CCODE":"x1","EditItem":1,"CNAM1":"新"}`, CodeNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, nil)
			mustAdd(t, s, `{"CCODE":"X1","EditItem":0,"CBELE":0,"CNAM1":"舊"}`)
			resp := post(t, s, tt.main)
			if resp.ErrorCode != tt.want {
				t.Fatalf("got %q (%s), want %q", resp.ErrorCode, resp.ErrorMessage, tt.want)
			}
			if tt.want == CodeOK && resp.CCODE != tt.wantCCODE {
				t.Errorf("CCODE: got %q, want %q", resp.CCODE, tt.wantCCODE)
			}
			if tt.wantCNAM1 != "" {
				if got := customer(s, tt.wantCCODE)["CNAM1"]; got != tt.wantCNAM1 {
					t.Errorf("CNAM1: got %q, want %q", got, tt.wantCNAM1)
				}
			}
			if got, want := customer(s, "X1")["CNAM1"], map[bool]string{true: "新", false: "舊"}[tt.wantCCODE == "X1" && tt.wantCNAM1 == "新"]; got != want {
				t.Errorf("X1 CNAM1: got %q, want %q", got, want)
			}
		})
	}
}

func TestStrictEditItem(t *testing.T) {
	s := newSim(t, func(c *Config) { c.StrictEditItem = true })
	if resp := post(t, s, `{"AutoCCODE":1,"CBELE":0}`); resp.ErrorCode != CodeEditItem {
		t.Errorf("got %q, want %q", resp.ErrorCode, CodeEditItem)
	}
}

func TestAutoCCODESkipsTakenCodes(t *testing.T) {
	s := newSim(t, nil)
	mustAdd(t, s, `{"CCODE":"000002","EditItem":0,"CBELE":0}`)
	var got []string
	for range 3 {
		got = append(got, mustAdd(t, s, `{"AutoCCODE":1,"EditItem":0,"CBELE":0}`))
	}
	if want := []string{"000001", "000003", "000004"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAutoCCODEConcurrent(t *testing.T) {
	s := newSim(t, nil)
	const n = 50
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, _ := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(fmt.Sprintf(`{"AutoCCODE":1,"EditItem":0,"CBELE":0,"CNAM1":"c%d"}`, i))))
			codes[i] = resp.CCODE
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 6 || seen[c] {
			t.Errorf("goroutine %d: got CCODE %q, want a unique 6-digit code", i, c)
		}
		seen[c] = true
	}
	if got := len(s.Customers()); got != n {
		t.Errorf("stored %d customers, want %d", got, n)
	}
	for i := 1; i <= n; i++ {
		if c := fmt.Sprintf("%06d", i); !seen[c] {
			t.Errorf("code %q not handed out, want 000001..%06d without gaps", c, n)
		}
	}
}

func TestValidTaxID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"22099131", true},  // sum 30
		{"04595257", true},  // sum 40
		{"10458575", true},  // 7th digit 7, sum 30
		{"10458574", true},  // 7th digit 7, sum 29: sum+1 divisible by 5
		{"12345678", false}, // sum 42
		{"22099132", false},
		{"1234567", false},
		{"123456789", false},
		{"2209913A", false},
		{"", false},
		{"２２０９９１３１", false}, // full-width digits are not digits to the server
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ValidTaxID(tt.in); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	s := newSim(t, nil)
	mustAdd(t, s, `{"CCODE":"B2","EditItem":0,"CBELE":0,"CNAM1":"乙"}`)
	mustAdd(t, s, `{"CCODE":"A1","EditItem":0,"CBELE":"3.5"}`)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/_sim/customers", http.StatusOK},
		{http.MethodGet, "/_sim/stats", http.StatusOK},
		{http.MethodGet, "/Cust/Add", http.StatusMethodNotAllowed},
		{http.MethodPost, "/_sim/customers", http.StatusMethodNotAllowed},
		{http.MethodPost, "/Cust/Other", http.StatusNotFound},
		{http.MethodGet, "/", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.want {
				t.Errorf("got %d, want %d", rec.Code, tt.want)
			}
		})
	}
	t.Run("customers body", func(t *testing.T) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_sim/customers", nil))
		var got []map[string]any
		dec := json.NewDecoder(rec.Body)
		dec.UseNumber()
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0]["CCODE"] != "A1" || got[1]["CCODE"] != "B2" {
			t.Fatalf("got %v, want A1 then B2", got)
		}
		if got[0]["CBELE"] != json.Number("3.5") || got[1]["CNAM1"] != "乙" {
			t.Errorf("got CBELE %v CNAM1 %v, want 3.5 and 乙", got[0]["CBELE"], got[1]["CNAM1"])
		}
	})
	t.Run("path case-insensitive", func(t *testing.T) {
		req := signed(tms.Recipe{}, testKey, testNow, body(`{"CCODE":"C3","EditItem":0,"CBELE":0}`))
		req.URL.Path = "/cust/add"
		if resp, _ := serve(t, s, req); resp.ErrorCode != CodeOK {
			t.Errorf("got %q, want %q", resp.ErrorCode, CodeOK)
		}
	})
	t.Run("body too large", func(t *testing.T) {
		s := newSim(t, func(c *Config) { c.MaxBody = 100 })
		resp, rec := serve(t, s, signed(tms.Recipe{}, testKey, testNow, body(`{"CCODE":"B1","EditItem":0,"CBELE":0,"CBAK1":"`+strings.Repeat("x", 100)+`"}`)))
		if rec.Code != http.StatusRequestEntityTooLarge || resp.ErrorCode != CodeTooLarge {
			t.Errorf("got HTTP %d code %q, want 413 %q", rec.Code, resp.ErrorCode, CodeTooLarge)
		}
	})
}

func TestCodesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c.Code] {
			t.Errorf("code %q listed twice", c.Code)
		}
		seen[c.Code] = true
		if c.Code != CodeOK && c.Message == "" {
			t.Errorf("code %q has no message", c.Code)
		}
	}
	for code, msg := range map[string]string{CodeExpired: "Timestamp已過期", CodeCTCOD: "統編錯誤", CodeExists: "客戶代號已存在", CodeNotFound: "客戶代號不存在", CodeCBELERequired: "新增時,此欄位不可空白"} {
		if got := Message(code); got != msg {
			t.Errorf("Message(%q): got %q, want %q", code, got, msg)
		}
	}
}

func TestMarkdownTable(t *testing.T) {
	md := MarkdownTable()
	lines := strings.Split(strings.TrimSpace(md), "\n")
	if got, want := len(lines), len(Codes)+2; got != want {
		t.Fatalf("got %d lines, want %d", got, want)
	}
	if got, want := lines[len(lines)-1], "| 9006 | Timestamp格式錯誤 | api-timestamp is not whole Unix seconds | 200 |  |"; got != want {
		t.Errorf("last row: got %q, want %q", got, want)
	}
	if !strings.Contains(md, "| 2006 | 統編錯誤 |") || !strings.Contains(md, "| 413 |") {
		t.Errorf("table %q lacks the 2006 row or the 413 status", md)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"no PNO", func(c *Config) { c.PNO = "" }},
		{"bad recipe", func(c *Config) { c.Recipe = tms.Recipe{Method: "md5", Template: "{timestamp}{key}"} }},
		{"negative rate", func(c *Config) { c.FailRate = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			tt.mod(&cfg)
			if s, err := New(cfg); err == nil {
				s.Close()
				t.Errorf("got no error, want one")
			}
		})
	}
}
