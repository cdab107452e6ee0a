package tms

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeThrottle records calls.
type fakeThrottle struct {
	mu          sync.Mutex
	waits       int
	succeeded   int
	retryAfters []time.Duration // one per Throttled call
	waitErr     error
}

func (f *fakeThrottle) Wait(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits++
	if f.waitErr != nil {
		return f.waitErr
	}
	return ctx.Err()
}

func (f *fakeThrottle) Throttled(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retryAfters = append(f.retryAfters, d)
}

func (f *fakeThrottle) Succeeded() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.succeeded++
}

// sleeps records the durations a fake Policy.Sleep was asked for.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

// scriptedServer answers the i-th request with answers[i], repeating the
// last answer.
func scriptedServer(t *testing.T, answers ...http.HandlerFunc) (*Client, *recorder) {
	t.Helper()
	var mu sync.Mutex
	i := 0
	srv, rc := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := answers[min(i, len(answers)-1)]
		i++
		mu.Unlock()
		a(w, r)
	})
	c, _ := newTestClient(t, srv.URL+"/api", func(c *Config) { c.Timeout = time.Second })
	return c, rc
}

func newSender(c *Client, th Throttle, sl *sleeps) *Sender {
	return &Sender{Client: c, Throttle: th, Policy: Policy{Sleep: sl.sleep, Rand: func() float64 { return 0.5 }}}
}

var (
	ok        = respond(200, nil, okBody)
	exists    = respond(200, nil, `{"Status":"E","CCODE":"","ErrorCode":"1002","ErrorMessage":"客戶代號已存在"}`)
	badTaxID  = respond(200, nil, `{"Status":"E","CCODE":"","ErrorCode":"2006","ErrorMessage":"統編錯誤"}`)
	busy      = respond(503, nil, "")
	slowDown  = respond(429, map[string]string{"Retry-After": "7"}, "")
	gateway   = respond(502, nil, "")
	forbidden = respond(400, nil, "")
	silent    = func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
)

func TestSend(t *testing.T) {
	add := Main{"CCODE": "C001", "EditItem": "0"}
	upsert := Main{"CCODE": "C001", "EditItem": "2"}
	create := Main{"CCODE": "", "AutoCCODE": "1", "EditItem": "0"}
	tests := []struct {
		name          string
		answers       []http.HandlerFunc
		main          Main
		idempotent    bool
		wantAttempts  int
		wantStatus    string // of the Response; "" when there is none
		wantUnknown   bool
		wantErr       string // substring; "" for no error
		wantSleeps    []time.Duration
		wantThrottled []time.Duration
		wantSucceeded int
	}{
		{name: "success", answers: hs(ok), main: create, wantAttempts: 1, wantStatus: "S", wantSucceeded: 1},
		{name: "business error not retried", answers: hs(badTaxID, ok), main: upsert, idempotent: true,
			wantAttempts: 1, wantStatus: "E", wantSucceeded: 1},
		{name: "create resent after 503", answers: hs(busy, busy, ok), main: create,
			wantAttempts: 3, wantStatus: "S", wantSleeps: ds(125, 250), wantThrottled: ds(0, 0), wantSucceeded: 1},
		{name: "retry-after honoured", answers: hs(slowDown, ok), main: create,
			wantAttempts: 2, wantStatus: "S", wantSleeps: ds(7000), wantThrottled: ds(7000), wantSucceeded: 1},
		{name: "gives up after max attempts", answers: hs(busy), main: upsert, idempotent: true,
			wantAttempts: 5, wantErr: "gave up after 5 attempts", wantSleeps: ds(125, 250, 500, 1000), wantThrottled: ds(0, 0, 0, 0, 0)},
		{name: "create not resent after 502", answers: hs(gateway, ok), main: create,
			wantAttempts: 1, wantUnknown: true, wantErr: "check TMS before re-running the row"},
		{name: "create not resent after timeout", answers: hs(silent, ok), main: create,
			wantAttempts: 1, wantUnknown: true, wantErr: "check TMS before re-running the row"},
		{name: "upsert resent after 502", answers: hs(gateway, ok), main: upsert, idempotent: true,
			wantAttempts: 2, wantStatus: "S", wantSleeps: ds(125), wantSucceeded: 1},
		{name: "permanent not retried", answers: hs(forbidden, ok), main: upsert, idempotent: true,
			wantAttempts: 1, wantErr: "HTTP 400"},
		{name: "add exists after ambiguous attempt", answers: hs(gateway, exists), main: add, idempotent: true,
			wantAttempts: 2, wantStatus: "E", wantUnknown: true, wantErr: "may have created it", wantSleeps: ds(125), wantSucceeded: 1},
		{name: "add exists without ambiguous attempt", answers: hs(exists), main: add, idempotent: true,
			wantAttempts: 1, wantStatus: "E", wantSucceeded: 1},
		{name: "add exists after retryable attempt", answers: hs(busy, exists), main: add, idempotent: true,
			wantAttempts: 2, wantStatus: "E", wantSleeps: ds(125), wantThrottled: ds(0), wantSucceeded: 1},
		{name: "upsert exists after ambiguous attempt", answers: hs(gateway, exists), main: upsert, idempotent: true,
			wantAttempts: 2, wantStatus: "E", wantSleeps: ds(125), wantSucceeded: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rc := scriptedServer(t, tt.answers...)
			th, sl := &fakeThrottle{}, &sleeps{}
			out := newSender(c, th, sl).Send(context.Background(), tt.main, tt.idempotent)
			if out.Attempts != tt.wantAttempts {
				t.Errorf("attempts: got %d, want %d", out.Attempts, tt.wantAttempts)
			}
			if n := len(rc.requests()); n != tt.wantAttempts {
				t.Errorf("server saw %d requests, want %d", n, tt.wantAttempts)
			}
			if out.Response.Status != tt.wantStatus {
				t.Errorf("status: got %q, want %q", out.Response.Status, tt.wantStatus)
			}
			if out.Unknown != tt.wantUnknown {
				t.Errorf("unknown: got %t, want %t (%v)", out.Unknown, tt.wantUnknown, out.Err)
			}
			switch {
			case tt.wantErr == "" && out.Err != nil:
				t.Errorf("got error %v, want none", out.Err)
			case tt.wantErr != "" && (out.Err == nil || !strings.Contains(out.Err.Error(), tt.wantErr)):
				t.Errorf("got error %v, want one containing %q", out.Err, tt.wantErr)
			}
			if !slices.Equal(sl.d, tt.wantSleeps) {
				t.Errorf("sleeps: got %v, want %v", sl.d, tt.wantSleeps)
			}
			if !slices.Equal(th.retryAfters, tt.wantThrottled) {
				t.Errorf("Throttled calls: got %v, want %v", th.retryAfters, tt.wantThrottled)
			}
			if th.succeeded != tt.wantSucceeded {
				t.Errorf("Succeeded calls: got %d, want %d", th.succeeded, tt.wantSucceeded)
			}
			if th.waits != tt.wantAttempts {
				t.Errorf("Wait calls: got %d, want one per attempt (%d)", th.waits, tt.wantAttempts)
			}
		})
	}
}

func hs(h ...http.HandlerFunc) []http.HandlerFunc { return h }

// ds turns milliseconds into durations.
func ds(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestSendCreateResentAfterConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ := newTestClient(t, "http://"+addr+"/api", nil)
	sl := &sleeps{}
	s := newSender(c, nil, sl)
	s.Policy.MaxAttempts = 3
	out := s.Send(context.Background(), Main{"CCODE": ""}, false)
	if out.Attempts != 3 || out.Unknown {
		t.Errorf("got %d attempts, unknown %t, want 3 and false", out.Attempts, out.Unknown)
	}
	var e *Error
	if !errors.As(out.Err, &e) || e.Class != Retryable {
		t.Errorf("got %v, want a Retryable *Error", out.Err)
	}
}

func TestSendContextCancelled(t *testing.T) {
	t.Run("before the first attempt", func(t *testing.T) {
		c, rc := scriptedServer(t, ok)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		out := newSender(c, &fakeThrottle{}, &sleeps{}).Send(ctx, Main{}, false)
		if out.Attempts != 0 || out.Err != context.Canceled || out.Unknown {
			t.Errorf("got %+v, want 0 attempts and context.Canceled", out)
		}
		if n := len(rc.requests()); n != 0 {
			t.Errorf("server saw %d requests, want 0", n)
		}
	})
	t.Run("while throttled", func(t *testing.T) {
		c, _ := scriptedServer(t, ok)
		ctx, cancel := context.WithCancel(context.Background())
		th := &fakeThrottle{}
		th.waitErr = context.Canceled
		cancel()
		out := newSender(c, th, &sleeps{}).Send(ctx, Main{}, false)
		if out.Attempts != 0 || out.Err != context.Canceled {
			t.Errorf("got %+v, want 0 attempts and context.Canceled", out)
		}
	})
	t.Run("while sleeping between attempts", func(t *testing.T) {
		c, rc := scriptedServer(t, busy, ok)
		ctx, cancel := context.WithCancel(context.Background())
		s := newSender(c, nil, nil)
		s.Policy.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
		out := s.Send(ctx, Main{}, false)
		if out.Attempts != 1 || out.Err != context.Canceled || out.Unknown {
			t.Errorf("got %+v, want 1 attempt, context.Canceled, not unknown", out)
		}
		if n := len(rc.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	for _, idempotent := range []bool{false, true} {
		name := "create in flight"
		if idempotent {
			name = "upsert in flight"
		}
		t.Run(name, func(t *testing.T) {
			arrived := make(chan struct{}, 1)
			c, _ := scriptedServer(t, func(w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				<-r.Context().Done()
			})
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			out := newSender(c, nil, &sleeps{}).Send(ctx, Main{}, idempotent)
			if out.Attempts != 1 || !errors.Is(out.Err, context.Canceled) {
				t.Errorf("got %+v, want 1 attempt and context.Canceled", out)
			}
			if out.Unknown == idempotent {
				t.Errorf("unknown: got %t, want %t", out.Unknown, !idempotent)
			}
		})
	}
}

func TestPolicyDelay(t *testing.T) {
	p := Policy{BaseDelay: time.Second, MaxDelay: 5 * time.Second}
	tests := []struct {
		n          int
		rand       float64
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0.5, 0, 500 * time.Millisecond},
		{2, 0.5, 0, time.Second},
		{3, 0.5, 0, 2 * time.Second},
		{4, 0.5, 0, 2500 * time.Millisecond},  // 8 s capped at 5 s
		{60, 0.5, 0, 2500 * time.Millisecond}, // no overflow
		{1, 0, 0, 0},
		{1, 0, 3 * time.Second, 3 * time.Second},
		{1, 0.5, 10 * time.Second, 10 * time.Second}, // Retry-After beats MaxDelay
	}
	for _, tt := range tests {
		p.Rand = func() float64 { return tt.rand }
		if got := p.delay(tt.n, tt.retryAfter); got != tt.want {
			t.Errorf("delay(%d) with rand %v, Retry-After %v: got %v, want %v", tt.n, tt.rand, tt.retryAfter, got, tt.want)
		}
	}
}

func TestCodeExists(t *testing.T) {
	tests := []struct {
		r    Response
		want bool
	}{
		{Response{Status: "E", ErrorCode: "1002"}, true},
		{Response{Status: "E", ErrorCode: "9999", ErrorMessage: "客戶代號已存在"}, true},
		{Response{Status: "E", ErrorCode: "9999", ErrorMessage: "代號重複"}, true},
		{Response{Status: "E", ErrorCode: "9999", ErrorMessage: "Customer already EXISTS"}, true},
		{Response{Status: "E", ErrorCode: "2006", ErrorMessage: "統編錯誤"}, false},
		{Response{Status: "S", ErrorCode: "1002"}, false},
	}
	for _, tt := range tests {
		if got := CodeExists(tt.r); got != tt.want {
			t.Errorf("CodeExists(%+v): got %t, want %t", tt.r, got, tt.want)
		}
	}
}

func TestIsAdd(t *testing.T) {
	tests := []struct {
		main Main
		want bool
	}{
		{Main{"EditItem": "0"}, true},
		{Main{"EditItem": " 0 "}, true},
		{Main{"EditItem": json.Number("0")}, true},
		{Main{"EditItem": json.Number("2")}, false},
		{Main{}, true},
		{Main{"EditItem": "1"}, false},
		{Main{"EditItem": "2"}, false},
	}
	for _, tt := range tests {
		if got := isAdd(tt.main); got != tt.want {
			t.Errorf("isAdd(%v): got %t, want %t", tt.main, got, tt.want)
		}
	}
}

// The first Ctrl-C: no new attempt, no more waiting, but a request in
// flight is not cut.
func TestSendStops(t *testing.T) {
	t.Run("no retry after the stop", func(t *testing.T) {
		c, rc := scriptedServer(t, busy)
		stop := make(chan struct{})
		s := &Sender{Client: c, Policy: Policy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour, Rand: func() float64 { return 1 }}}
		go func() {
			for len(rc.requests()) == 0 {
				time.Sleep(time.Millisecond)
			}
			close(stop)
		}()
		start := time.Now()
		o := s.Send(WithStop(context.Background(), stop), Main{"CCODE": "", "EditItem": "0"}, false)
		if !errors.Is(o.Err, ErrStopped) || o.Attempts != 1 || o.Unknown {
			t.Errorf("got %+v, want one attempt ending in ErrStopped", o)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("took %v: the hour-long backoff was not cut by the stop", d)
		}
		if n := len(rc.requests()); n != 1 {
			t.Errorf("server got %d requests, want 1", n)
		}
	})
	t.Run("stopped before the first attempt", func(t *testing.T) {
		c, rc := scriptedServer(t, ok)
		stop := make(chan struct{})
		close(stop)
		o := (&Sender{Client: c}).Send(WithStop(context.Background(), stop), Main{"CCODE": "C1"}, true)
		if !errors.Is(o.Err, ErrStopped) || o.Attempts != 0 || len(rc.requests()) != 0 {
			t.Errorf("got %+v with %d requests, want no attempt", o, len(rc.requests()))
		}
	})
	t.Run("request in flight finishes", func(t *testing.T) {
		stop := make(chan struct{})
		c, _ := scriptedServer(t, func(w http.ResponseWriter, r *http.Request) {
			close(stop) // the stop arrives while TMS works on the request
			time.Sleep(50 * time.Millisecond)
			ok(w, r)
		})
		o := (&Sender{Client: c}).Send(WithStop(context.Background(), stop), Main{"CCODE": "C1"}, true)
		if o.Err != nil || o.Response.Status != "S" {
			t.Errorf("got %+v, want the answer of the request in flight", o)
		}
	})
}

func TestSendCallsBeforeFirstOnce(t *testing.T) {
	c, rc := scriptedServer(t, busy, busy, ok)
	th := &fakeThrottle{}
	var calls, waitsAtCall int
	ctx := WithBeforeFirst(context.Background(), func() error {
		calls++
		waitsAtCall = th.waits
		if n := len(rc.requests()); n != 0 {
			t.Errorf("hook ran after %d requests, want before the first", n)
		}
		return nil
	})
	o := newSender(c, th, &sleeps{}).Send(ctx, Main{"CCODE": ""}, false)
	if o.Err != nil || o.Attempts != 3 {
		t.Fatalf("got %+v", o)
	}
	if calls != 1 || waitsAtCall != 1 {
		t.Errorf("hook called %d times, after %d rate-limiter waits; want once, after the first wait", calls, waitsAtCall)
	}
	// A failing hook: nothing is sent.
	c2, rc2 := scriptedServer(t, ok)
	o = newSender(c2, nil, &sleeps{}).Send(WithBeforeFirst(context.Background(), func() error { return errors.New("disk full") }), Main{"CCODE": ""}, false)
	if o.Err == nil || o.Attempts != 0 || len(rc2.requests()) != 0 {
		t.Errorf("got %+v and %d requests, want nothing sent", o, len(rc2.requests()))
	}
}
