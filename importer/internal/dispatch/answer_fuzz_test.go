package dispatch

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/tms"
)

// fuzzStatuses are the HTTP statuses FuzzCreateDecision answers with.
var fuzzStatuses = []int{200, 201, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 408, 409, 422, 429, 500, 501, 502, 503, 504, 505}

// answerTransport answers every request with one status and body.
type answerTransport struct {
	status int
	body   []byte
}

func (a answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"1"}}
	return &http.Response{StatusCode: a.status, Status: strconv.Itoa(a.status), Header: h, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: req}, nil
}

// FuzzCreateDecision: whatever TMS answers, if any lenient reader could
// read the answer as a success, the decision for an auto-numbered create
// is OK with a code, or UNKNOWN: never FAILED, which would let the next
// run create the customer again. The answer goes through the real
// client, retrying sender and the importer's decision.
func FuzzCreateDecision(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"Status":"S","CCODE":"000123","ErrorCode":"0000","ErrorMessage":""}`},
		{200, `{"Status":"E","CCODE":"","ErrorCode":"2006","ErrorMessage":"統編錯誤"}`},
		{200, `{"Status":"S","CCODE":"H1","ErrorCode":"0000","Status":"E"}`},
		{200, `{"Status":"S","CCODE":"H1","status":"E","ErrorCode":"1001"}`},
		{200, `{"Status":"E","ErrorCode":"0000"}`},
		{200, `{"Status":"S","ErrorCode":"1002"}`},
		{200, `{"ſtatus":"S","Status":"E","ErrorCode":"1"}`},
		{200, "\ufeff" + `{"status":"s","ccode":123,"errorcode":0}`},
		{200, `{"Status":"S","CCODE":"H1"} trailing`},
		{200, `[{"Status":"S","CCODE":"H1"}]`},
		{200, `{"Status":"S"}`},
		{302, `{"Status":"S","CCODE":"H1"}`},
		{400, `{"Status":"S","CCODE":"H1"}`},
		{400, `{"Status":"E","ErrorCode":"1001"}`},
		{404, `{"ErrorCode":"0000"}`},
		{429, `{"Status":"S","CCODE":"H1"}`},
		{503, `<html>busy</html>`},
		{501, `{"Status":"s"}`},
	} {
		i := 0
		for j, st := range fuzzStatuses {
			if st == s.status {
				i = j
			}
		}
		f.Add(uint8(i), []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, statusIndex uint8, body []byte) {
		status := fuzzStatuses[int(statusIndex)%len(fuzzStatuses)]
		c, err := tms.New(tms.Config{BaseURL: "http://127.0.0.1:1", PNO: "P", Key: "fuzz-key",
			HTTPClient: &http.Client{Transport: answerTransport{status: status, body: body}}})
		if err != nil {
			t.Fatal(err)
		}
		s := &tms.Sender{Client: c, Policy: tms.Policy{MaxAttempts: 2, MaxRetryWait: time.Second,
			Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}}
		o := s.Send(context.Background(), tms.Request{Main: tms.Main{"AutoCCODE": "1", "CNAM1": "x"}})
		r := &Stage{Texts: texts{}}
		res := r.resultOf(&item{}, o)
		if res.Status == row.StatusOK && strings.TrimSpace(res.CCODE) == "" {
			t.Fatalf("HTTP %d %q: a create OK without a code (%+v)", status, body, res)
		}
		if reader, ok := readsAsSuccess(body); ok && res.Status != row.StatusOK && res.Status != row.StatusUnknown {
			t.Fatalf("HTTP %d %q reads as a success to %s, yet the create is %s (%s %s): the next run would create it again",
				status, body, reader, res.Status, res.ErrorCode, res.Message)
		}
	})
}

// readsAsSuccess applies a few lenient readers of an answer — each what
// some client might do — and names the first that reads it as a success.
// They look at the answer's first JSON value (or the first element of an
// array), ignore the HTTP status, a BOM, spaces and what follows, match
// names in any letter case and take Status "S" or the success code 0000
// as a success.
func readsAsSuccess(body []byte) (string, bool) {
	b := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\ufeff")))
	var whole struct{ Status, ErrorCode any }
	if json.Unmarshal(b, &whole) == nil && (successStatus(whole.Status) || successCode(whole.ErrorCode)) {
		return "encoding/json into a struct (the last name wins)", true
	}
	var first any
	if json.NewDecoder(bytes.NewReader(b)).Decode(&first) == nil {
		if arr, ok := first.([]any); ok && len(arr) > 0 {
			first = arr[0]
		}
		if m, ok := first.(map[string]any); ok {
			for k, v := range m {
				if strings.EqualFold(k, "Status") && successStatus(v) || strings.EqualFold(k, "ErrorCode") && successCode(v) {
					return "the first JSON value as a map, any spelling", true
				}
			}
		}
	}
	if firstWins(b) {
		return "a token reader where the first name wins", true
	}
	return "", false
}

// firstWins reads the top-level object's members in order and keeps the
// first Status and the first ErrorCode.
func firstWins(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	var status, code any
	var seenStatus, seenCode bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		k, _ := tok.(string)
		var v any
		if dec.Decode(&v) != nil {
			break
		}
		switch {
		case strings.EqualFold(k, "Status") && !seenStatus:
			status, seenStatus = v, true
		case strings.EqualFold(k, "ErrorCode") && !seenCode:
			code, seenCode = v, true
		}
	}
	return successStatus(status) || successCode(code)
}

func successStatus(v any) bool {
	s, ok := v.(string)
	return ok && strings.EqualFold(strings.TrimSpace(s), "S")
}

func successCode(v any) bool {
	var s string
	switch x := v.(type) {
	case string:
		s = strings.TrimSpace(x)
	case float64:
		return x == 0
	default:
		return false
	}
	return s != "" && strings.Trim(s, "0") == ""
}
