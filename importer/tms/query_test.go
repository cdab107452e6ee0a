package tms

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// captured is one request a test server saw.
type captured struct {
	path, pno, ts, sign string
	body                []byte
}

// answering answers every request with answer and records it.
func answering(t *testing.T, answer func(n int) (int, http.Header, string)) (*httptest.Server, func() []captured) {
	t.Helper()
	var mu sync.Mutex
	var seen []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, captured{r.URL.Path, r.Header.Get("api-pno"), r.Header.Get("api-timestamp"), r.Header.Get("api-ClientSign"), body})
		n := len(seen)
		mu.Unlock()
		status, h, text := answer(n)
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), seen...)
	}
}

// TestQueryProducts: one POST /Product/QueryList with {"ICODES": [...]},
// signed with the recipe asked for at the local clock plus the offset;
// a 9003 answer comes back as it is, with the server's Date, and the
// client learns nothing from it.
func TestQueryProducts(t *testing.T) {
	serverTime := testNow.Add(10 * time.Minute)
	srv, seen := answering(t, func(n int) (int, http.Header, string) {
		h := http.Header{"Date": {serverTime.Format(http.TimeFormat)}}
		return 200, h, `{"Status":"E","ErrorCode":"9003","ErrorMessage":"Timestamp已過期","Data":[]}`
	})
	c, _ := newTestClient(t, srv.URL+"/api/", nil)
	hmac := Recipe{Method: "hmac-sha512", Template: "{timestamp}{body}"}
	tests := []struct {
		name   string
		q      Query
		recipe Recipe
		offset time.Duration
	}{
		{"the client's recipe", Query{Codes: []string{"X-1"}}, DefaultRecipe, 0},
		{"another recipe", Query{Codes: []string{"X-1"}, Recipe: hmac}, hmac, 0},
		{"from the server's clock", Query{Codes: []string{"X-1"}, Offset: 10 * time.Minute}, DefaultRecipe, 10 * time.Minute},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := c.QueryProducts(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Response.Status != "E" || ans.Response.ErrorCode != "9003" || ans.Date != serverTime.Format(http.TimeFormat) || !ans.Received.Equal(testNow) {
				t.Errorf("answer %+v", ans)
			}
			got := seen()
			if len(got) != i+1 {
				t.Fatalf("%d requests after %d queries: a 9003 must not be sent again", len(got), i+1)
			}
			r := got[i]
			ts := strconv.FormatInt(testNow.Add(tt.offset).Unix(), 10)
			if r.path != "/api/Product/QueryList" || r.pno != testPNO || r.ts != ts {
				t.Errorf("request %s pno %q ts %q, want ts %s", r.path, r.pno, r.ts, ts)
			}
			if string(r.body) != `{"ICODES":["X-1"]}` {
				t.Errorf("body %s", r.body)
			}
			if want := tt.recipe.Sign(testKey, testPNO, ts, r.body); r.sign != want {
				t.Errorf("signed %s, want the %s signature", r.sign, tt.recipe)
			}
		})
	}
	// The offset of a query is not the client's: /Cust/Add still signs
	// from the local clock.
	c.Do(context.Background(), "/Cust/Add", []byte(`{}`))
	if got := seen(); got[len(got)-2].ts != strconv.FormatInt(testNow.Unix(), 10) {
		t.Errorf("Do signed at %s after a query with an offset", got[len(got)-2].ts)
	}
	if _, err := c.QueryProducts(context.Background(), Query{Recipe: Recipe{Method: "md5", Template: "{timestamp}{key}"}}); err == nil {
		t.Error("a query with an md5 recipe was sent")
	}
	if _, err := c.QueryProducts(context.Background(), Query{}); err != nil {
		t.Fatal(err)
	}
	if got := seen(); string(got[len(got)-1].body) != `{"ICODES":[]}` {
		t.Errorf("no codes sent as %s", got[len(got)-1].body)
	}
}

// traceLines decodes a trace.
func traceLines(t *testing.T, data []byte) []TraceRecord {
	t.Helper()
	var out []TraceRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var r TraceRecord
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("trace is not JSON lines: %v\n%s", err, data)
		}
		out = append(out, r)
	}
	return out
}

// TestTrace: every request and answer, in pairs with one id; the key
// and the signature redacted wherever they appear; bodies cut at 4 KB
// while the client still reads the whole answer; failures recorded.
func TestTrace(t *testing.T) {
	long := strings.Repeat("長", 3000) // 9000 bytes
	srv, _ := answering(t, func(n int) (int, http.Header, string) {
		switch n {
		case 1:
			return 200, http.Header{"X-Echo": {"key=" + testKey}, "Set-Cookie": {"sid=1"}}, `{"Status":"E","ErrorCode":"9002","ErrorMessage":"bad key ` + testKey + `"}`
		case 2:
			return 200, nil, `{"Status":"E","ErrorCode":"1005","ErrorMessage":"` + long + `"}`
		}
		return 503, http.Header{"Retry-After": {"1"}}, "busy"
	})
	var buf syncBuffer
	tr := NewTracer(&buf)
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Trace = tr })

	if _, err := c.Do(context.Background(), "/Cust/Add", []byte(`{"ProNum":"P","Main":{"CNAM2":"`+testKey+`"}}`)); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), "/Cust/Add", []byte(`{"Main":{"CNAM1":"`+strings.Repeat("x", 5000)+`"}}`))
	if err != nil || resp.ErrorMessage != long {
		t.Fatalf("the client did not read the whole answer through the trace: %d bytes, %v", len(resp.ErrorMessage), err)
	}
	if _, err := c.QueryProducts(context.Background(), Query{Codes: []string{"A"}}); err == nil {
		t.Fatal("503 is not an error")
	}
	recs := traceLines(t, []byte(buf.String()))
	if len(recs) != 6 {
		t.Fatalf("%d trace lines, want 6:\n%s", len(recs), buf.String())
	}
	if strings.Contains(strings.ToLower(buf.String()), strings.ToLower(testKey)) {
		t.Errorf("the key is in the trace:\n%s", buf.String())
	}
	for i, r := range recs {
		wantEvent := []string{"request", "answer"}[i%2]
		if r.Event != wantEvent || r.ID != int64(i/2+1) {
			t.Errorf("line %d: %s #%d, want %s #%d", i+1, r.Event, r.ID, wantEvent, i/2+1)
		}
		if r.Event == "request" {
			if r.Headers["api-ClientSign"] != "[redacted]" || r.Headers["api-pno"] != testPNO || r.Headers["api-timestamp"] == "" || r.Method != "POST" {
				t.Errorf("request headers %v", r.Headers)
			}
		}
	}
	if recs[0].URL != srv.URL+"/Cust/Add" || !strings.Contains(recs[0].Body, "[redacted]") {
		t.Errorf("first request %+v", recs[0])
	}
	if recs[1].Status != 200 || recs[1].Headers["Set-Cookie"] != "[redacted]" || recs[1].Headers["X-Echo"] != "key=[redacted]" {
		t.Errorf("first answer %+v", recs[1])
	}
	if r := recs[2]; !r.Truncated || len(r.Body) != TraceBodyLimit || r.BodyBytes < 5000 {
		t.Errorf("long request body: %d bytes kept, truncated %t, of %d", len(r.Body), r.Truncated, r.BodyBytes)
	}
	if r := recs[3]; !r.Truncated || len(r.Body) > TraceBodyLimit || len(r.Body) < TraceBodyLimit-3 || !strings.HasPrefix(r.Body, `{"Status":"E"`) {
		t.Errorf("long answer: %d bytes kept, truncated %t", len(r.Body), r.Truncated)
	}
	if r := recs[4]; r.URL != srv.URL+"/Product/QueryList" || r.Body != `{"ICODES":["A"]}` {
		t.Errorf("query %+v", r)
	}
	if r := recs[5]; r.Status != 503 || r.Body != "busy" || r.Headers["Retry-After"] != "1" {
		t.Errorf("busy answer %+v", r)
	}
}

// TestTraceFailure: a request that gets no answer is traced with its
// failure; concurrent requests keep their lines whole.
func TestTraceFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var buf syncBuffer
	c, _ := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.Trace = NewTracer(&buf) })
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.QueryProducts(context.Background(), Query{})
		}()
	}
	wg.Wait()
	recs := traceLines(t, []byte(buf.String()))
	answers := 0
	for _, r := range recs {
		if r.Event == "answer" {
			answers++
			if r.Error == "" || r.Status != 0 {
				t.Errorf("failed answer %+v", r)
			}
		}
	}
	if len(recs) != 16 || answers != 8 {
		t.Errorf("%d lines, %d answers", len(recs), answers)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestTraceWriteError(t *testing.T) {
	srv, _ := answering(t, func(int) (int, http.Header, string) { return 200, nil, `{"Status":"S"}` })
	tr := NewTracer(failWriter{})
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Trace = tr })
	if _, err := c.QueryProducts(context.Background(), Query{}); err != nil {
		t.Fatalf("a trace that cannot be written failed the request: %v", err)
	}
	if tr.Err() == nil {
		t.Error("Err does not report the failed write")
	}
}
