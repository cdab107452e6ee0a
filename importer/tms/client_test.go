package tms

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testKey = "s3cr3t-KEY-123"
	testPNO = "TMSDEMOWEB"
)

var testNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestClient returns a client for baseURL with a debug logger writing
// to the returned buffer; mod may change the Config first.
func newTestClient(t *testing.T, baseURL string, mod func(*Config)) (*Client, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		BaseURL: baseURL,
		PNO:     testPNO,
		ProNum:  "TMSWEBDEMO",
		Key:     testKey,
		Now:     func() time.Time { return testNow },
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, logs
}

// received is one request seen by a test server.
type received struct {
	header http.Header
	body   []byte
	sigOK  bool
}

// recorder is a test server that checks the signature with recipe and
// answers with handler.
type recorder struct {
	mu     sync.Mutex
	reqs   []received
	recipe Recipe
}

func (rc *recorder) wrap(handler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		want := rc.recipe.Sign(testKey, r.Header.Get("api-pno"), r.Header.Get("api-timestamp"), body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, received{header: r.Header.Clone(), body: body, sigOK: r.Header.Get("api-ClientSign") == want})
		rc.mu.Unlock()
		if r.Header.Get("api-ClientSign") != want {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"Status":"E","ErrorCode":"9001","ErrorMessage":"bad signature"}`)
			return
		}
		handler(w, r)
	}
}

func (rc *recorder) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

// newServer starts a loopback server running handler behind signature
// checks; its base URL ends in /api.
func newServer(t testing.TB, recipe Recipe, handler http.HandlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rc := &recorder{recipe: recipe}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/Cust/Add", rc.wrap(handler))
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, rc
}

func respond(status int, header map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

const okBody = `{"Status":"S","CCODE":"000123","ErrorCode":"0000","ErrorMessage":""}`

func TestDoSendsSignedRequest(t *testing.T) {
	for _, recipe := range []Recipe{DefaultRecipe, {Method: "hmac-sha512", Template: "{pno}{timestamp}{body}"}} {
		t.Run(recipe.String(), func(t *testing.T) {
			srv, rc := newServer(t, recipe, respond(200, nil, okBody))
			c, _ := newTestClient(t, srv.URL+"/api/", func(c *Config) { c.Recipe = recipe })
			main := Main{"CCODE": "", "AutoCCODE": json.Number("1"), "CNAM2": "小明", "CNAM1": "A&B <公司>"}
			resp, err := c.AddCustomer(context.Background(), main)
			if err != nil {
				t.Fatal(err)
			}
			want := Response{Status: "S", CCODE: "000123", ErrorCode: "0000"}
			if resp != want {
				t.Errorf("got %+v, want %+v", resp, want)
			}
			reqs := rc.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if !r.sigOK {
				t.Errorf("signature %q does not match the body", r.header.Get("api-ClientSign"))
			}
			for _, h := range []struct{ name, want string }{
				{"api-pno", testPNO},
				{"api-timestamp", strconv.FormatInt(testNow.Unix(), 10)},
				{"Content-Type", "application/json; charset=utf-8"},
			} {
				if got := r.header.Get(h.name); got != h.want {
					t.Errorf("header %s: got %q, want %q", h.name, got, h.want)
				}
			}
			wantBody := `{"ProNum":"TMSWEBDEMO","Main":{"AutoCCODE":1,"CCODE":"","CNAM1":"A&B <公司>","CNAM2":"小明"}}`
			if got := string(r.body); got != wantBody {
				t.Errorf("body: got %q, want %q", got, wantBody)
			}
		})
	}
}

// TestHeaderSpelling reads the raw request to check that the header names
// go out spelled exactly as in the specification.
func TestHeaderSpelling(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	raw := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			raw <- ""
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			head.WriteString(line)
			if err != nil || line == "\r\n" {
				break
			}
		}
		raw <- head.String()
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(okBody))+"\r\nConnection: close\r\n\r\n"+okBody)
	}()
	c, _ := newTestClient(t, "http://"+ln.Addr().String()+"/api", nil)
	if _, err := c.AddCustomer(context.Background(), Main{"CCODE": "A1"}); err != nil {
		t.Fatal(err)
	}
	head := <-raw
	for _, want := range []string{"POST /api/Cust/Add HTTP/1.1\r\n", "\r\napi-pno: TMSDEMOWEB\r\n", "\r\napi-timestamp: " + strconv.FormatInt(testNow.Unix(), 10) + "\r\n", "\r\napi-ClientSign: "} {
		if !strings.Contains(head, want) {
			t.Errorf("request head lacks %q:\n%s", want, head)
		}
	}
}

func TestDoClassifiesAnswers(t *testing.T) {
	retryDate := testNow.Add(30 * time.Second).Format(http.TimeFormat)
	tests := []struct {
		name           string
		handler        http.HandlerFunc
		wantResp       Response
		wantClass      Class // checked when wantErr
		wantErr        bool
		wantStatus     int
		wantRetryAfter time.Duration
		wantIs         error
		wantMsg        []string
	}{
		{name: "success", handler: respond(200, nil, okBody), wantResp: Response{Status: "S", CCODE: "000123", ErrorCode: "0000"}},
		{name: "business error", handler: respond(200, nil, `{"Status":"E","CCODE":"","ErrorCode":"2006","ErrorMessage":"統編錯誤"}`),
			wantResp: Response{Status: "E", ErrorCode: "2006", ErrorMessage: "統編錯誤"}},
		{name: "numbers, BOM and lower-case keys", handler: respond(200, nil, "\ufeff"+`{"status":"s","ccode":123,"errorcode":0,"errormessage":null}`),
			wantResp: Response{Status: "S", CCODE: "123", ErrorCode: "0"}},
		{name: "429 seconds", handler: respond(429, map[string]string{"Retry-After": "7"}, "slow down"),
			wantErr: true, wantClass: Retryable, wantStatus: 429, wantRetryAfter: 7 * time.Second, wantMsg: []string{"HTTP 429", "wait 7s"}},
		{name: "429 http date", handler: respond(429, map[string]string{"Retry-After": retryDate}, ""),
			wantErr: true, wantClass: Retryable, wantStatus: 429, wantRetryAfter: 30 * time.Second},
		{name: "503", handler: respond(503, nil, "maintenance"),
			wantErr: true, wantClass: Retryable, wantStatus: 503, wantMsg: []string{"HTTP 503 (Service Unavailable)", `"maintenance"`}},
		{name: "408", handler: respond(408, nil, ""), wantErr: true, wantClass: Ambiguous, wantStatus: 408, wantMsg: []string{"may have been processed"}},
		{name: "500", handler: respond(500, nil, "oops"), wantErr: true, wantClass: Ambiguous, wantStatus: 500, wantMsg: []string{"may have been processed"}},
		{name: "502", handler: respond(502, nil, "<html>bad gateway</html>"), wantErr: true, wantClass: Ambiguous, wantStatus: 502,
			wantMsg: []string{"server answered HTTP 502 (Bad Gateway); the request may have been processed", `"<html>bad gateway</html>"`}},
		{name: "504", handler: respond(504, nil, ""), wantErr: true, wantClass: Ambiguous, wantStatus: 504},
		{name: "400", handler: respond(400, nil, "bad"), wantErr: true, wantClass: Permanent, wantStatus: 400},
		{name: "401", handler: respond(401, nil, ""), wantErr: true, wantClass: Permanent, wantStatus: 401, wantMsg: []string{"API key"}},
		{name: "404 html", handler: respond(404, nil, "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head><body></body></html>"),
			wantErr: true, wantClass: Permanent, wantStatus: 404, wantMsg: []string{"HTTP 404 (Not Found)", `"<!DOCTYPE html><html><head><title>404 - File or directory no…"`}},
		{name: "304 without location", handler: respond(304, nil, ""), wantErr: true, wantClass: Ambiguous, wantStatus: 304, wantIs: ErrRedirect},
		{name: "303 after storing (POST-redirect-GET)", handler: respond(303, map[string]string{"Location": "/Cust/View?id=7"}, ""), wantErr: true,
			wantClass: Ambiguous, wantStatus: 303, wantIs: ErrRedirect, wantMsg: []string{"may have been processed", "to /Cust/View?id=xxxxx"}},
		{name: "html on 200", handler: respond(200, nil, "<html><body>Please log in</body></html>"), wantErr: true, wantClass: Ambiguous, wantStatus: 200,
			wantIs: ErrBadResponse, wantMsg: []string{`response is not JSON (starts with "<html><body>Please log in</body></html>")`}},
		{name: "truncated json", handler: respond(200, nil, `{"Status":"S","CCODE":"0001`), wantErr: true, wantClass: Ambiguous, wantStatus: 200,
			wantIs: ErrBadResponse, wantMsg: []string{"cut off"}},
		{name: "empty body", handler: respond(200, nil, ""), wantErr: true, wantClass: Ambiguous, wantIs: ErrBadResponse, wantStatus: 200},
		{name: "status missing", handler: respond(200, nil, `{"CCODE":"1"}`), wantErr: true, wantClass: Ambiguous, wantIs: ErrBadResponse, wantStatus: 200,
			wantMsg: []string{"no Status"}},
		{name: "status unknown", handler: respond(200, nil, `{"Status":"OK"}`), wantErr: true, wantClass: Ambiguous, wantIs: ErrBadResponse, wantStatus: 200,
			wantMsg: []string{`Status "OK" is neither`}},
		{name: "status object", handler: respond(200, nil, `{"Status":{"x":1}}`), wantErr: true, wantClass: Ambiguous, wantIs: ErrBadResponse, wantStatus: 200},
		{name: "json array", handler: respond(200, nil, `[1,2]`), wantErr: true, wantClass: Ambiguous, wantIs: ErrBadResponse, wantStatus: 200},
		{name: "cut off by content-length", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, bw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			bw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Status\":\"S\"")
			bw.Flush()
			conn.Close()
		}, wantErr: true, wantClass: Ambiguous, wantStatus: 200, wantMsg: []string{"cut off after 13 bytes", "may have been processed"}},
		{name: "connection closed after request", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		}, wantErr: true, wantClass: Ambiguous, wantMsg: []string{"after the request was sent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rc := newServer(t, DefaultRecipe, tt.handler)
			c, logs := newTestClient(t, srv.URL+"/api", nil)
			resp, err := c.AddCustomer(context.Background(), Main{"CCODE": "C001", "EditItem": json.Number("2")})
			if n := len(rc.requests()); n != 1 {
				t.Errorf("got %d requests, want 1", n)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if resp != tt.wantResp {
					t.Errorf("got %+v, want %+v", resp, tt.wantResp)
				}
				return
			}
			t.Logf("message: %v", err)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if e.Class != tt.wantClass {
				t.Errorf("class: got %q, want %q (%v)", e.Class, tt.wantClass, err)
			}
			if e.HTTPStatus != tt.wantStatus {
				t.Errorf("HTTP status: got %d, want %d", e.HTTPStatus, tt.wantStatus)
			}
			if e.RetryAfter != tt.wantRetryAfter {
				t.Errorf("RetryAfter: got %v, want %v", e.RetryAfter, tt.wantRetryAfter)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("got %v, want it to wrap %v", err, tt.wantIs)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("got %q, want it to contain %q", err.Error(), m)
				}
			}
			if resp != (Response{}) {
				t.Errorf("got response %+v with an error, want zero", resp)
			}
			assertNoKey(t, err.Error(), logs.String())
		})
	}
}

func assertNoKey(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, testKey) {
			t.Errorf("the API key appears in %q", s)
		}
	}
}

// assertNoKeyPart fails when any 6 bytes of key appear in s, whatever
// their case.
func assertNoKeyPart(t *testing.T, key, s string) {
	t.Helper()
	ls := strings.ToLower(s)
	for i := 0; i+6 <= len(key); i++ {
		if part := strings.ToLower(key[i : i+6]); strings.Contains(ls, part) {
			t.Errorf("part %q of the key appears in %q", key[i:i+6], s)
			return
		}
	}
}

// A key echoed by the server, in any case and wherever it sits (across
// the 60-byte cut of a quoted answer too), never shows in an error, not
// even in part.
func TestKeyRedactedBeforeCut(t *testing.T) {
	const key = testKey            // the test server signs with it
	pad := strings.Repeat("x", 52) // the key straddles byte 60
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"4xx body, key across the cut", respond(400, nil, pad+key)},
		{"4xx body, lower-case key first", respond(403, nil, strings.ToLower(key)+" is wrong")},
		{"4xx body, upper-case key across the cut", respond(400, nil, pad+strings.ToUpper(key))},
		{"2xx not JSON, key across the cut", respond(200, nil, "<"+pad+key)},
		{"2xx cut-off JSON, lower-case key", respond(200, nil, `{"Status":"S","CCODE":"`+pad+strings.ToLower(key))},
		{"2xx bad status echoing the key", respond(200, nil, `{"Status":"`+strings.ToUpper(key)+`"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, DefaultRecipe, tt.handler)
			c, err := New(Config{BaseURL: srv.URL + "/api", PNO: testPNO, Key: key})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.AddCustomer(context.Background(), Main{"CCODE": "X"})
			if err == nil {
				t.Fatal("got no error")
			}
			assertNoKeyPart(t, key, err.Error())
		})
	}
	t.Run("business error echoing the key in lower case", func(t *testing.T) {
		srv, _ := newServer(t, DefaultRecipe, respond(200, nil, `{"Status":"E","ErrorCode":"9","ErrorMessage":"bad key `+strings.ToLower(key)+`"}`))
		c, err := New(Config{BaseURL: srv.URL + "/api", PNO: testPNO, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.AddCustomer(context.Background(), Main{"CCODE": "X"})
		if err != nil {
			t.Fatal(err)
		}
		assertNoKeyPart(t, key, resp.ErrorMessage)
	})
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://erp.example.com/api", "https://erp.example.com/api"},
		{"https://u:p@erp.example.com/api", "https://xxxxx@erp.example.com/api"},
		{"https://u@erp.example.com", "https://xxxxx@erp.example.com"},
		{"https://a@b:c@erp.example.com/x@y", "https://xxxxx@erp.example.com/x@y"},
		{"https://erp.example.com/api?key=abc&x=1", "https://erp.example.com/api?key=xxxxx&x=xxxxx"},
		{"https://erp.example.com/api?abc", "https://erp.example.com/api?xxxxx"},
		{"https://erp.example.com/api#frag", "https://erp.example.com/api#xxxxx"},
		{"u:p@erp.example.com/api?k=v", "xxxxx@erp.example.com/api?k=xxxxx"},
		{"https://u:p@bad host/a", "https://xxxxx@bad host/a"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDoConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ := newTestClient(t, "http://"+addr+"/api", nil)
	_, err = c.AddCustomer(context.Background(), Main{})
	var e *Error
	if !errors.As(err, &e) || e.Class != Retryable {
		t.Fatalf("got %v, want a Retryable *Error", err)
	}
	if !strings.Contains(err.Error(), "not sent") {
		t.Errorf("got %q, want it to say the request was not sent", err)
	}
}

func TestDoTimeouts(t *testing.T) {
	const timeout = 300 * time.Millisecond
	t.Run("dial never completes", func(t *testing.T) {
		hang := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}}}
		c, _ := newTestClient(t, "http://127.0.0.1:9/api", func(c *Config) { c.HTTPClient = hang; c.Timeout = timeout })
		_, err := c.AddCustomer(context.Background(), Main{})
		var e *Error
		if !errors.As(err, &e) || e.Class != Retryable {
			t.Fatalf("got %v, want a Retryable *Error", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
		}
		if want := "could not connect to TMS within 300ms"; !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to contain %q", err, want)
		}
	})
	t.Run("never answers", func(t *testing.T) {
		srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		c, _ := newTestClient(t, srv.URL+"/api", func(c *Config) { c.Timeout = timeout })
		_, err := c.AddCustomer(context.Background(), Main{})
		var e *Error
		if !errors.As(err, &e) || e.Class != Ambiguous {
			t.Fatalf("got %v, want an Ambiguous *Error", err)
		}
		if want := "did not answer within 300ms after the request was sent"; !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to contain %q", err, want)
		}
	})
	t.Run("trickles one byte at a time", func(t *testing.T) {
		srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			rcl := http.NewResponseController(w)
			for i := 0; i < 1000; i++ {
				if _, err := w.Write([]byte{' '}); err != nil {
					return
				}
				rcl.Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
		c, _ := newTestClient(t, srv.URL+"/api", func(c *Config) { c.Timeout = time.Second })
		_, err := c.AddCustomer(context.Background(), Main{})
		var e *Error
		if !errors.As(err, &e) || e.Class != Ambiguous {
			t.Fatalf("got %v, want an Ambiguous *Error", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
		}
		if want := "no complete answer within 1s"; !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to contain %q", err, want)
		}
	})
	t.Run("caller cancels in flight", func(t *testing.T) {
		arrived := make(chan struct{})
		srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-r.Context().Done()
		})
		c, _ := newTestClient(t, srv.URL+"/api", nil)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		_, err := c.AddCustomer(ctx, Main{})
		var e *Error
		if !errors.As(err, &e) || e.Class != Ambiguous || !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want an Ambiguous *Error wrapping context.Canceled", err)
		}
	})
}

func TestDoHugeBody(t *testing.T) {
	for _, withLength := range []bool{false, true} {
		t.Run(fmt.Sprintf("content-length %t", withLength), func(t *testing.T) {
			var written atomic.Int64
			srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
				const total = 100 << 20
				if withLength {
					w.Header().Set("Content-Length", strconv.Itoa(total))
				}
				chunk := bytes.Repeat([]byte(" "), 32<<10)
				for n := 0; n < total; n += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					written.Add(int64(len(chunk)))
				}
			})
			c, _ := newTestClient(t, srv.URL+"/api", nil)
			_, err := c.AddCustomer(context.Background(), Main{})
			var e *Error
			if !errors.As(err, &e) || e.Class != Ambiguous || !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("got %v, want an Ambiguous *Error wrapping ErrResponseTooLarge", err)
			}
			if want := "response larger than 1 MiB"; !strings.Contains(err.Error(), want) {
				t.Errorf("got %q, want it to contain %q", err, want)
			}
			srv.CloseClientConnections()
			if n := written.Load(); n > 50<<20 {
				t.Errorf("server wrote %d bytes before the client gave up, want far fewer than 100 MiB", n)
			}
		})
	}
}

func TestDoRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		io.WriteString(w, okBody)
	}))
	defer other.Close()
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/steal", code)
			})
			c, _ := newTestClient(t, srv.URL+"/api", nil)
			_, err := c.AddCustomer(context.Background(), Main{})
			var e *Error
			// POST-redirect-GET stores, then redirects: what the server
			// did is unknown, and asking again gets the same redirect.
			if !errors.As(err, &e) || e.Class != Ambiguous || !e.Final || !errors.Is(err, ErrRedirect) {
				t.Fatalf("got %v (%+v), want an Ambiguous, Final *Error wrapping ErrRedirect", err, e)
			}
			if !MayHaveApplied(CustAdd, err) {
				t.Errorf("MayHaveApplied: got false, want true: a create answered with a redirect may exist")
			}
			if e.HTTPStatus != code {
				t.Errorf("HTTP status: got %d, want %d", e.HTTPStatus, code)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the other host got %d requests, want 0", n)
			}
		})
	}
	t.Run("query values of the target not shown", func(t *testing.T) {
		srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://u:pw-secret@elsewhere.example/x?key=q-secret&sig=q2-secret", http.StatusFound)
		})
		c, _ := newTestClient(t, srv.URL+"/api", nil)
		_, err := c.AddCustomer(context.Background(), Main{})
		if err == nil || !errors.Is(err, ErrRedirect) {
			t.Fatalf("got %v, want ErrRedirect", err)
		}
		if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "elsewhere.example/x?key=xxxxx") {
			t.Errorf("got %q, want the target with its user info and query values hidden", err)
		}
	})
}

func TestDoTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, okBody)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	t.Run("self-signed refused", func(t *testing.T) {
		c, logs := newTestClient(t, srv.URL, nil)
		_, err := c.AddCustomer(context.Background(), Main{})
		var e *Error
		if !errors.As(err, &e) || e.Class != Permanent || !errors.Is(err, ErrCertificate) {
			t.Fatalf("got %v, want a Permanent *Error wrapping ErrCertificate", err)
		}
		for _, want := range []string{"certificate", "--insecure-skip-verify"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("got %q, want it to contain %q", err, want)
			}
		}
		if strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("got a warning without InsecureSkipVerify: %s", logs)
		}
	})
	t.Run("insecure skip verify", func(t *testing.T) {
		c, logs := newTestClient(t, srv.URL, func(c *Config) { c.InsecureSkipVerify = true })
		resp, err := c.AddCustomer(context.Background(), Main{})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != "S" {
			t.Errorf("got status %q, want %q", resp.Status, "S")
		}
		if got := strings.Count(logs.String(), "verification is OFF"); got != 1 {
			t.Errorf("got %d warnings, want 1: %s", got, logs)
		}
	})
}

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr error // nil: New succeeds
	}{
		{"https", func(c *Config) { c.BaseURL = "https://erp.example.com/api" }, nil},
		{"http loopback ip", func(c *Config) { c.BaseURL = "http://127.0.0.1:8080/api" }, nil},
		{"http loopback 127/8", func(c *Config) { c.BaseURL = "http://127.9.8.7/api" }, nil},
		{"http ipv6 loopback", func(c *Config) { c.BaseURL = "http://[::1]:8080/api" }, nil},
		{"http localhost", func(c *Config) { c.BaseURL = "http://LocalHost:8080" }, nil},
		{"http remote", func(c *Config) { c.BaseURL = "http://erp.example.com/api" }, ErrInsecureURL},
		{"http private ip", func(c *Config) { c.BaseURL = "http://192.168.1.10/api" }, ErrInsecureURL},
		{"http remote allowed", func(c *Config) { c.BaseURL = "http://erp.example.com/api"; c.AllowHTTP = true }, nil},
		{"no scheme", func(c *Config) { c.BaseURL = "erp.example.com/api" }, ErrConfig},
		{"ftp", func(c *Config) { c.BaseURL = "ftp://erp.example.com" }, ErrConfig},
		{"user info", func(c *Config) { c.BaseURL = "https://u:p@erp.example.com" }, ErrConfig},
		{"no pno", func(c *Config) { c.PNO = "" }, ErrConfig},
		{"no key", func(c *Config) { c.Key = "" }, ErrConfig},
		{"pronum 10", func(c *Config) { c.ProNum = "ABCDEFGHIJ" }, nil},
		{"pronum 11", func(c *Config) { c.ProNum = "ABCDEFGHIJK" }, ErrConfig},
		{"pno too long for default pronum", func(c *Config) { c.ProNum = ""; c.PNO = "ABCDEFGHIJK" }, ErrConfig},
		{"bad recipe", func(c *Config) { c.Recipe = Recipe{Method: "md5", Template: "{timestamp}{key}"} }, ErrConfig},
		{"recipe without key", func(c *Config) { c.Recipe = Recipe{Method: "sha512", Template: "{timestamp}"} }, ErrConfig},
		{"insecure with own client", func(c *Config) { c.HTTPClient = &http.Client{}; c.InsecureSkipVerify = true }, ErrConfig},
		// None of these may print the secret (see below).
		{"user info secret", func(c *Config) { c.BaseURL = "https://admin:pw-secret@erp.example.com/api" }, ErrConfig},
		{"query secret", func(c *Config) { c.BaseURL = "https://erp.example.com/api?key=q-secret" }, ErrConfig},
		{"bare query secret", func(c *Config) { c.BaseURL = "https://erp.example.com/api?t-secret" }, ErrConfig},
		{"unparsable with user info", func(c *Config) { c.BaseURL = "https://admin:pw-secret@bad host/api" }, ErrConfig},
		{"bad port with user info", func(c *Config) { c.BaseURL = "https://admin:pw-secret@erp.example.com:x/api" }, ErrConfig},
		{"ftp with user info", func(c *Config) { c.BaseURL = "ftp://admin:pw-secret@erp.example.com" }, ErrConfig},
		{"no host with user info", func(c *Config) { c.BaseURL = "https://admin:pw-secret@/api" }, ErrConfig},
		{"http remote with query", func(c *Config) { c.BaseURL = "http://erp.example.com/api?key=q-secret" }, ErrConfig},
		{"key in the path", func(c *Config) { c.BaseURL = "ftp://erp.example.com/" + strings.ToLower(testKey) }, ErrConfig},
		{"port with leading zeros", func(c *Config) { c.BaseURL = "https://erp.example.com:031401/api" }, nil},
		{"port 0", func(c *Config) { c.BaseURL = "https://erp.example.com:0/api" }, ErrConfig},
		{"port out of range", func(c *Config) { c.BaseURL = "https://erp.example.com:65536/api" }, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{BaseURL: "https://erp.example.com/api", PNO: testPNO, Key: testKey}
			tt.mod(&cfg)
			_, err := New(cfg)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, want %v (and ErrConfig)", err, tt.wantErr)
			}
			assertNoKey(t, err.Error())
			if strings.Contains(err.Error(), "secret") || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(testKey)) {
				t.Errorf("got %q, which shows a secret of the URL", err)
			}
		})
	}
}

// TestPortSpelling: a port with leading zeros is the same port, and the
// client names it as a plain number.
func TestPortSpelling(t *testing.T) {
	srv, rc := newServer(t, DefaultRecipe, respond(200, nil, okBody))
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	c, _ := newTestClient(t, "http://127.0.0.1:00"+port+"/api", nil)
	if got := c.String(); !strings.Contains(got, `"http://127.0.0.1:`+port+`/api"`) {
		t.Errorf("client %s, want the port spelled %s", got, port)
	}
	if _, err := c.AddCustomer(context.Background(), Main{"CCODE": "P1"}); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.requests()); n != 1 {
		t.Errorf("the server got %d requests, want 1", n)
	}
}

func TestKeyNeverShown(t *testing.T) {
	srv, _ := newServer(t, DefaultRecipe, respond(502, nil, "echo "+testKey))
	cfg := Config{BaseURL: srv.URL + "/api", PNO: testPNO, Key: testKey, InsecureSkipVerify: false}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, doErr := c.AddCustomer(context.Background(), Main{"CCODE": "X"})
	if doErr == nil {
		t.Fatal("got no error from a 502")
	}
	tlsCfg := cfg
	tlsCfg.BaseURL = "https://127.0.0.1:1/api"
	tlsCfg.InsecureSkipVerify = true
	if _, err := New(tlsCfg); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		texts = append(texts, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg), fmt.Sprintf(verb, c), fmt.Sprintf(verb, struct{ C *Client }{c}))
	}
	var jsonLogs syncBuffer
	jl := slog.New(slog.NewJSONHandler(&jsonLogs, nil))
	jl.Info("config", "cfg", cfg, "client", c)
	slog.New(slog.NewTextHandler(logs, nil)).Info("config", "cfg", cfg, "client", c)
	if !strings.Contains(jsonLogs.String(), "Key:[redacted]") {
		t.Errorf("got JSON log %s, want the Config in it with the key redacted", jsonLogs.String())
	}
	texts = append(texts, fmt.Sprintf("%+v", struct{ C Config }{cfg}), doErr.Error(), fmt.Sprintf("%+v", doErr), logs.String(), jsonLogs.String())
	assertNoKey(t, texts...)
	if !strings.Contains(fmt.Sprintf("%+v", cfg), "Key:[redacted]") {
		t.Errorf("got %+v, want the key shown as [redacted]", cfg)
	}
	if !strings.Contains(logs.String(), "level=DEBUG") || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the log lacks the debug and warning lines the test means to check: %s", logs)
	}
}

func TestTimestampExpiredRetriedOnce(t *testing.T) {
	var n atomic.Int32
	skewedDate := testNow.Add(-90 * time.Second).Format(http.TimeFormat)
	tests := []struct {
		name     string
		answer   func(i int32) string // answer to the i-th request (1-based)
		wantReqs int
		wantResp Response
	}{
		{"second accepted", func(i int32) string {
			if i%2 == 1 {
				return `{"Status":"E","CCODE":"","ErrorCode":"9003","ErrorMessage":"Timestamp已過期"}`
			}
			return okBody
		}, 2, Response{Status: "S", CCODE: "000123", ErrorCode: "0000"}},
		{"second also expired", func(int32) string {
			return `{"Status":"E","CCODE":"","ErrorCode":"9003","ErrorMessage":"Timestamp已過期"}`
		}, 2, Response{Status: "E", ErrorCode: "9003", ErrorMessage: "Timestamp已過期"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.Store(0)
			srv, rc := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", skewedDate)
				io.WriteString(w, tt.answer(n.Add(1)))
			})
			var tick atomic.Int64
			c, logs := newTestClient(t, srv.URL+"/api", func(c *Config) {
				c.Now = func() time.Time { return testNow.Add(time.Duration(tick.Add(1)) * time.Second) }
			})
			for call := 1; call <= 3; call++ {
				resp, err := c.AddCustomer(context.Background(), Main{"CCODE": "C1"})
				if err != nil {
					t.Fatal(err)
				}
				if resp != tt.wantResp {
					t.Errorf("call %d: got %+v, want %+v", call, resp, tt.wantResp)
				}
				reqs := rc.requests()
				if len(reqs) != call*tt.wantReqs {
					t.Fatalf("call %d: got %d requests in all, want %d", call, len(reqs), call*tt.wantReqs)
				}
				a, b := reqs[len(reqs)-2], reqs[len(reqs)-1]
				if a.header.Get("api-timestamp") == b.header.Get("api-timestamp") {
					t.Errorf("call %d: the retry reused timestamp %s", call, a.header.Get("api-timestamp"))
				}
				if !a.sigOK || !b.sigOK {
					t.Errorf("call %d: signatures valid: %t %t, want both", call, a.sigOK, b.sigOK)
				}
				if !bytes.Equal(a.body, b.body) {
					t.Errorf("call %d: the retry changed the body: %q then %q", call, a.body, b.body)
				}
			}
			if got := strings.Count(logs.String(), "level=WARN"); got != 1 {
				t.Errorf("got %d warnings, want 1:\n%s", got, logs)
			}
			// the first warning is logged on the first call, at tick 2.
			if want := "local clock is 92 seconds ahead of the server's"; !strings.Contains(logs.String(), want) {
				t.Errorf("got log %q, want it to contain %q", logs, want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-3", 0},
		{"12", 12 * time.Second},
		{" 5 ", 5 * time.Second},
		{"999999999", 24 * time.Hour},
		{"99999999999999999999", 0}, // overflows int64: not a number of seconds
		{"Fri, 31 Dec 9999 23:59:59 GMT", 24 * time.Hour},
		{testNow.Add(25 * time.Hour).Format(http.TimeFormat), 24 * time.Hour},
		{testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{testNow.Add(-90 * time.Second).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, testNow); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Concurrent workers reuse their connections: each round of 16 parallel
// requests must not dial anew (net/http keeps only 2 idle connections per
// host unless told otherwise; for https each dial is a TLS handshake).
func TestConnectionsReusedByConcurrentWorkers(t *testing.T) {
	const workers, rounds = 16, 5
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"Status":"S","CCODE":"C1","ErrorCode":"0000","ErrorMessage":""}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	for range rounds {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := c.AddCustomer(context.Background(), Main{"CCODE": "C1", "CNAM1": "x"}); err != nil {
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
	}
	// A connection may be back in the pool a moment after its response
	// was read, so a loaded machine dials a few more; without reuse (2
	// idle connections per host) it would be about rounds×workers.
	if n := dials.Load(); n > 2*workers {
		t.Errorf("%d rounds of %d concurrent requests opened %d connections, want about %d (one per worker)", rounds, workers, n, workers)
	}
}

// Do is the general signed POST: any path under BaseURL, the body as given.
func TestDoPostsToPath(t *testing.T) {
	tests := []struct{ path, wantPath string }{
		{"/Cust/Edit", "/api/Cust/Edit"},
		{"Cust/Edit", "/api/Cust/Edit"},
		{CustAdd.Path, "/api/Cust/Add"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rc := &recorder{recipe: DefaultRecipe}
			gotPath := make(chan string, 1)
			srv := httptest.NewServer(rc.wrap(func(w http.ResponseWriter, r *http.Request) {
				gotPath <- r.URL.Path
				io.WriteString(w, okBody)
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL+"/api/", nil)
			body := []byte(`{"ProNum":"X","Main":{"CCODE":"C1"}}`)
			resp, err := c.Do(context.Background(), tt.path, body)
			if err != nil || resp.Status != "S" {
				t.Fatalf("got %+v, %v", resp, err)
			}
			reqs := rc.requests()
			if len(reqs) != 1 || !reqs[0].sigOK || !bytes.Equal(reqs[0].body, body) {
				t.Fatalf("got %d requests (%+v), want one, signed, with the body as given", len(reqs), reqs)
			}
			if got := <-gotPath; got != tt.wantPath {
				t.Errorf("path: got %q, want %q", got, tt.wantPath)
			}
		})
	}
}

// A signature is computed once a second for a recipe that does not sign
// the body: each request still carries its own second's signature (and
// one that signs the body, its own body's), whichever recipes a client
// alternates between.
func TestClientSignaturePerSecond(t *testing.T) {
	for _, recipe := range []Recipe{DefaultRecipe, {Method: "sha512", Template: "{key}{timestamp}{pno}"}, {Method: "hmac-sha512", Template: "{timestamp}{body}"}} {
		t.Run(recipe.String(), func(t *testing.T) {
			srv, rc := newServer(t, recipe, respond(200, nil, okBody))
			var now atomic.Int64
			now.Store(testNow.UnixNano())
			c, _ := newTestClient(t, srv.URL+"/api", func(cfg *Config) {
				cfg.Recipe = recipe
				cfg.Now = func() time.Time { return time.Unix(0, now.Load()) }
			})
			for i := range 6 {
				if _, err := c.AddCustomer(context.Background(), Main{"CCODE": fmt.Sprintf("A%d", i)}); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				now.Add(int64(time.Second) / 2)
			}
			reqs := rc.requests()
			stamps := map[string]bool{}
			for i, r := range reqs {
				stamps[r.header.Get("api-timestamp")] = true
				if !r.sigOK {
					t.Errorf("request %d (timestamp %s): the signature is not its own", i, r.header.Get("api-timestamp"))
				}
			}
			if len(reqs) != 6 || len(stamps) != 3 {
				t.Errorf("%d requests over %d seconds, want 6 over 3", len(reqs), len(stamps))
			}
		})
	}
}

// The request body is what encoding/json writes for custAddRequest
// without HTML escaping, whatever the payload's values.
func TestCustAddBodyAsEncodingJSON(t *testing.T) {
	c, _ := newTestClient(t, "http://127.0.0.1:1/api", func(cfg *Config) { cfg.ProNum = "P<&>\"1" })
	for _, main := range []Main{
		nil,
		{},
		{"CCODE": "C0000001", "CNAM1": "順發<電機>&有限公司", "CBELE": json.Number("10000.5"), "EditItem": json.Number("2")},
		{"CNAM1": "a\"b\\c\n\u2028\xff", "AutoCCODE": json.Number("1")},
		{"CBELE": 1, "X": nil, "Y": true},
		{"CBELE": json.Number("")},
	} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(custAddRequest{ProNum: c.proNum, Main: main}); err != nil {
			t.Fatal(err)
		}
		got, err := c.custAddBody(main)
		if want := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%v:\n got %s, %v\nwant %s", main, got, err, want)
		}
	}
	if _, err := c.custAddBody(Main{"CBELE": json.Number("01")}); err == nil {
		t.Error("a json.Number that is not a number was written")
	}
}
