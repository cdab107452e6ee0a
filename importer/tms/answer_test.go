package tms

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// ambiguousAnswers can each be read as a success and as a failure.
var ambiguousAnswers = []struct {
	name   string
	status int
	header map[string]string
	body   string
}{
	{"Status twice, success first", 200, nil, `{"Status":"S","CCODE":"H1","ErrorCode":"0000","ErrorMessage":"","Status":"E"}`},
	{"Status twice, failure first", 200, nil, `{"Status":"E","CCODE":"","ErrorCode":"1001","ErrorMessage":"x","Status":"S"}`},
	{"status in lower case after Status", 200, nil, `{"Status":"S","CCODE":"H1","ErrorCode":"0000","status":"E"}`},
	{"STATUS twice with one value", 200, nil, `{"STATUS":"S","Status":"S","CCODE":"H1"}`},
	{"Status by Unicode folding (long s)", 200, nil, `{"Status":"E","ErrorCode":"1001","ſtatus":"S"}`},
	{"Status with an escaped name", 200, nil, `{"Status":"S","CCODE":"H1","St\u0061tus":"E"}`},
	{"CCODE twice", 200, nil, `{"Status":"S","CCODE":"H1","ccode":"H2","ErrorCode":"0000"}`},
	{"ErrorCode twice", 200, nil, `{"Status":"E","ErrorCode":"0000","errorcode":"1002"}`},
	{"E with the success code", 200, nil, `{"Status":"E","CCODE":"","ErrorCode":"0000","ErrorMessage":""}`},
	{"E with the success code as a number", 200, nil, `{"Status":"E","CCODE":"","ErrorCode":0,"ErrorMessage":""}`},
	{"S with an error code", 200, nil, `{"Status":"S","CCODE":"H1","ErrorCode":"1002","ErrorMessage":"客戶代號已存在"}`},
	{"S on HTTP 400", 400, nil, `{"Status":"S","CCODE":"H1","ErrorCode":"0000"}`},
	{"success code on HTTP 404", 404, nil, `{"ErrorCode":"0000"}`},
	{"S on HTTP 429", 429, map[string]string{"Retry-After": "1"}, `{"status":"s","ccode":"H1"}`},
	{"S in an array on HTTP 503", 503, nil, `[{"Status":"S","CCODE":"H1"}]`},
	{"S on HTTP 501, with trailing text", 501, nil, "\ufeff" + `{"Status":"S","CCODE":"H1"} <!-- cached -->`},
}

func TestDoAmbiguousAnswers(t *testing.T) {
	for _, tt := range ambiguousAnswers {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, DefaultRecipe, respond(tt.status, tt.header, tt.body))
			c, logs := newTestClient(t, srv.URL+"/api", nil)
			resp, err := c.AddCustomer(context.Background(), Main{"CCODE": ""})
			var e *Error
			if !errors.As(err, &e) || e.Class != Ambiguous || !e.Final || !errors.Is(err, ErrAmbiguousResponse) {
				t.Fatalf("got %+v, %v (%+v); want an Ambiguous, Final *Error wrapping ErrAmbiguousResponse", resp, err, e)
			}
			if k := Kind(err); k != KindAmbiguousAnswer {
				t.Errorf("Kind: got %v, want %v", k, KindAmbiguousAnswer)
			}
			if !MayHaveApplied(CustAdd, err) {
				t.Error("MayHaveApplied: got false, want true")
			}
			if e.HTTPStatus != tt.status {
				t.Errorf("HTTP status: got %d, want %d", e.HTTPStatus, tt.status)
			}
			// The raw answer, as it came, is in the log for whoever checks.
			if !strings.Contains(logs.String(), "TMS answered ambiguously") || !strings.Contains(logs.String(), "answer="+strconv.Quote(tt.body)) {
				t.Errorf("the log lacks the ambiguous answer:\n%s", logs)
			}
		})
	}
}

// TestDoClearAnswers: answers that are not ambiguous stay what they
// were: a repeated ErrorMessage or an unknown field is no contradiction.
func TestDoClearAnswers(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		want       Response
	}{
		{"the specification's success", okBody, Response{Status: "S", CCODE: "000123", ErrorCode: "0000"}},
		{"S without ErrorCode", `{"Status":"S","CCODE":"H1"}`, Response{Status: "S", CCODE: "H1"}},
		{"E without ErrorCode", `{"Status":"E","ErrorMessage":"x"}`, Response{Status: "E", ErrorMessage: "x"}},
		{"ErrorMessage twice", `{"Status":"E","ErrorCode":"2006","ErrorMessage":"a","errormessage":"b"}`, Response{Status: "E", ErrorCode: "2006", ErrorMessage: "b"}},
		{"a nested Status", `{"Status":"E","ErrorCode":"2006","Data":{"Status":"S"}}`, Response{Status: "E", ErrorCode: "2006"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, DefaultRecipe, respond(200, nil, tt.body))
			c, _ := newTestClient(t, srv.URL+"/api", nil)
			got, err := c.AddCustomer(context.Background(), Main{"CCODE": ""})
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	t.Run("an HTTP error without a success is not ambiguous", func(t *testing.T) {
		for _, body := range []string{`{"Status":"E","ErrorCode":"1001"}`, "<html>S</html>", `{"Status":"Success"}`, `[]`, `{"x":{"Status":"S"}}`} {
			srv, _ := newServer(t, DefaultRecipe, respond(400, nil, body))
			c, _ := newTestClient(t, srv.URL+"/api", nil)
			_, err := c.AddCustomer(context.Background(), Main{})
			var e *Error
			if !errors.As(err, &e) || e.Class != Permanent || errors.Is(err, ErrAmbiguousResponse) {
				t.Errorf("body %s: got %v, want a Permanent failure", body, err)
			}
		}
	})
}

// TestSendAmbiguousAnswers: an ambiguous answer to a create is Unknown,
// never resent; to a row with a code it is a failure at once (resending
// later is safe, asking again now gets the same answer).
func TestSendAmbiguousAnswers(t *testing.T) {
	redirect := func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/Cust/List", http.StatusSeeOther)
	}
	answers := []struct {
		name string
		h    http.HandlerFunc
	}{{"redirect 303", redirect}, {"redirect 302 without a location", respond(302, nil, "")}}
	for _, a := range ambiguousAnswers {
		answers = append(answers, struct {
			name string
			h    http.HandlerFunc
		}{a.name, respond(a.status, a.header, a.body)})
	}
	for _, a := range answers {
		t.Run(a.name, func(t *testing.T) {
			t.Run("create", func(t *testing.T) {
				c, rc := scriptedServer(t, a.h, ok)
				out := newSender(c, &fakeThrottle{}, &sleeps{}).Send(context.Background(), Request{Main: Main{"CCODE": "", "AutoCCODE": "1"}})
				if !out.Unknown || out.Attempts != 1 || len(rc.requests()) != 1 {
					t.Errorf("got %+v after %d requests; want Unknown after 1", out, len(rc.requests()))
				}
			})
			t.Run("upsert", func(t *testing.T) {
				c, rc := scriptedServer(t, a.h, ok)
				out := newSender(c, &fakeThrottle{}, &sleeps{}).Send(context.Background(), Request{Main: Main{"CCODE": "C1", "EditItem": "2"}, Idempotent: true})
				if out.Unknown || out.Err == nil || out.Attempts != 1 || len(rc.requests()) != 1 {
					t.Errorf("got %+v after %d requests; want a failure after 1, not Unknown", out, len(rc.requests()))
				}
			})
		})
	}
}

// The answers TMS gives every request are read the fast way.
func TestDecodePlainReadsCommonAnswers(t *testing.T) {
	for _, body := range []string{
		okBody,
		`{"Status":"S","CCODE":"000123","ErrorCode":"0000","ErrorMessage":""}`,
		`{"Status":"E","CCODE":"","ErrorCode":"2006","ErrorMessage":"統編錯誤"}`,
		"{\n  \"status\": \"s\",\n  \"ccode\": 123,\n  \"errorcode\": 0,\n  \"errormessage\": null\n}",
	} {
		if _, ok := decodePlain([]byte(body)); !ok {
			t.Errorf("%s: read the slow way", body)
		}
	}
}
