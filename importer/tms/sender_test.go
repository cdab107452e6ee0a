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
	onWait      func() // called by each Wait
}

func (f *fakeThrottle) Wait(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits++
	if f.onWait != nil {
		f.onWait()
	}
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
	hugeWait  = respond(429, map[string]string{"Retry-After": "999999"}, "")
	year9999  = respond(503, map[string]string{"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, "")
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
		{name: "retry-after over the cap: given up at once, pausing the cap", answers: hs(hugeWait, ok), main: create,
			wantAttempts: 1, wantErr: "gave up: TMS asked to wait 24h0m0s, longer than the 1m0s allowed", wantThrottled: ds(60000)},
		{name: "retry-after in year 9999: given up at once", answers: hs(year9999, ok), main: upsert, idempotent: true,
			wantAttempts: 1, wantErr: "longer than the 1m0s allowed", wantThrottled: ds(60000)},
		{name: "retry-after at the cap is waited", answers: hs(respond(429, map[string]string{"Retry-After": "60"}, ""), ok), main: create,
			wantAttempts: 2, wantStatus: "S", wantSleeps: ds(60000), wantThrottled: ds(60000), wantSucceeded: 1},
		{name: "gives up after max attempts", answers: hs(busy), main: upsert, idempotent: true,
			wantAttempts: 5, wantErr: "gave up after 5 attempts", wantSleeps: ds(125, 250, 500, 1000), wantThrottled: ds(0, 0, 0, 0, 0)},
		{name: "create not resent after 502", answers: hs(gateway, ok), main: create,
			wantAttempts: 1, wantUnknown: true, wantErr: "check TMS before re-running the row"},
		{name: "create not resent after 408", answers: hs(respond(408, nil, ""), ok), main: create,
			wantAttempts: 1, wantUnknown: true, wantErr: "check TMS before re-running the row"},
		{name: "upsert resent after 408", answers: hs(respond(408, nil, ""), ok), main: upsert, idempotent: true,
			wantAttempts: 2, wantStatus: "S", wantSleeps: ds(125), wantSucceeded: 1},
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
			s := newSender(c, th, sl)
			if err := s.Ready(context.Background()); err != nil {
				t.Fatalf("Ready: %v", err)
			}
			out := s.Send(context.Background(), Request{Main: tt.main, Idempotent: tt.idempotent})
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
				t.Errorf("Wait calls: got %d, want one per attempt (Ready's and one per retry: %d)", th.waits, tt.wantAttempts)
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
	out := s.Send(context.Background(), Request{Main: Main{"CCODE": ""}, Idempotent: false})
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
		out := newSender(c, &fakeThrottle{}, &sleeps{}).Send(ctx, Request{Main: Main{}, Idempotent: false})
		if out.Attempts != 0 || out.Err != context.Canceled || out.Unknown {
			t.Errorf("got %+v, want 0 attempts and context.Canceled", out)
		}
		if n := len(rc.requests()); n != 0 {
			t.Errorf("server saw %d requests, want 0", n)
		}
	})
	t.Run("while throttled before a retry", func(t *testing.T) {
		c, rc := scriptedServer(t, busy, ok)
		ctx, cancel := context.WithCancel(context.Background())
		th := &fakeThrottle{onWait: cancel}
		out := newSender(c, th, &sleeps{}).Send(ctx, Request{Main: Main{}, Idempotent: false})
		if out.Attempts != 1 || out.Err != context.Canceled || out.Unknown {
			t.Errorf("got %+v, want 1 attempt and context.Canceled", out)
		}
		if n := len(rc.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("while sleeping between attempts", func(t *testing.T) {
		c, rc := scriptedServer(t, busy, ok)
		ctx, cancel := context.WithCancel(context.Background())
		s := newSender(c, nil, nil)
		s.Policy.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
		out := s.Send(ctx, Request{Main: Main{}, Idempotent: false})
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
			out := newSender(c, nil, &sleeps{}).Send(ctx, Request{Main: Main{}, Idempotent: idempotent})
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
		if got := IsAdd(tt.main); got != tt.want {
			t.Errorf("IsAdd(%v): got %t, want %t", tt.main, got, tt.want)
		}
	}
}

// recv waits for ch, failing the test instead of hanging.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// gateThrottle blocks each Wait until the test lets it through.
type gateThrottle struct {
	started chan struct{} // receives once per Wait, when it starts
	gate    chan struct{} // a send lets one Wait through
}

func newGateThrottle() *gateThrottle {
	return &gateThrottle{started: make(chan struct{}), gate: make(chan struct{})}
}

func (g *gateThrottle) Wait(ctx context.Context) error {
	select {
	case g.started <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-g.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gateThrottle) Throttled(time.Duration) {}
func (g *gateThrottle) Succeeded()              {}

// The caller waits its turn with Ready, records the row, then calls Send:
// Send's first request goes out at once, each retry waits its turn.
func TestSendFirstAttemptDoesNotWait(t *testing.T) {
	c, rc := scriptedServer(t, busy, busy, ok)
	th := newGateThrottle()
	s := newSender(c, th, &sleeps{})

	ready := make(chan error, 1)
	go func() { ready <- s.Ready(context.Background()) }()
	recv(t, th.started, "Ready to wait for the throttle")
	select {
	case err := <-ready:
		t.Fatalf("Ready returned %v before the throttle let it through", err)
	case <-time.After(20 * time.Millisecond):
	}
	th.gate <- struct{}{}
	if err := recv(t, ready, "Ready"); err != nil {
		t.Fatalf("Ready: %v", err)
	}

	result := make(chan Outcome, 1)
	go func() { result <- s.Send(context.Background(), Request{Main: Main{"CCODE": ""}, Idempotent: false}) }()
	for retry := 1; retry <= 2; retry++ {
		recv(t, th.started, "a retry to wait for the throttle")
		if n := len(rc.requests()); n != retry {
			t.Fatalf("retry %d waits for the throttle after %d requests, want %d (the first sent without waiting)", retry, n, retry)
		}
		th.gate <- struct{}{}
	}
	o := recv(t, result, "Send")
	if o.Err != nil || o.Attempts != 3 || o.Response.Status != "S" {
		t.Errorf("got %+v, want success after 3 attempts", o)
	}
}

func TestReady(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	boom := errors.New("boom")
	tests := []struct {
		name     string
		throttle Throttle
		ctx      context.Context
		wantErr  error // checked with errors.Is; nil for none
		wantMsg  string
	}{
		{name: "no throttle", ctx: context.Background()},
		{name: "no throttle, context ended", ctx: cancelled, wantErr: context.Canceled},
		{name: "throttle lets through", throttle: &fakeThrottle{}, ctx: context.Background()},
		{name: "context ended while throttled", throttle: &fakeThrottle{waitErr: errors.New("limiter: context canceled")}, ctx: cancelled, wantErr: context.Canceled},
		{name: "throttle fails", throttle: &fakeThrottle{waitErr: boom}, ctx: context.Background(), wantErr: boom, wantMsg: "waiting for the rate limiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Sender{Throttle: tt.throttle}).Ready(tt.ctx)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tt.wantErr == context.Canceled && err != context.Canceled:
				t.Fatalf("got %v, want ctx.Err() itself", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("got %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

// The first Ctrl-C closes stop: no new attempt, no more waiting, but a
// request in flight is not cut.
func TestSendStops(t *testing.T) {
	// waitForStop is a wait that ends only when its context does.
	waitForStop := func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return errors.New("the wait was not cut by the stop")
		}
	}
	tests := []struct {
		name string
		// answer answers the requests; closeStop closes stop.
		answer func(closeStop func()) http.HandlerFunc
		// setup may change the sender; nil leaves it.
		setup        func(s *Sender, closeStop func())
		closedBefore bool
		wantAttempts int
		wantStatus   string // "" when the run must end in ErrStopped
		wantLast     bool   // ErrStopped wraps the last failure
	}{
		{name: "closed before the first attempt", closedBefore: true,
			answer: func(func()) http.HandlerFunc { return ok }, wantAttempts: 0},
		{name: "closed during the backoff",
			answer: func(func()) http.HandlerFunc { return busy },
			setup: func(s *Sender, closeStop func()) {
				s.Policy.Sleep = func(ctx context.Context, d time.Duration) error { closeStop(); return waitForStop(ctx) }
			},
			wantAttempts: 1, wantLast: true},
		{name: "closed during a real minute-long backoff",
			answer: func(closeStop func()) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { busy(w, r); go closeStop() }
			},
			setup: func(s *Sender, _ func()) {
				s.Policy = Policy{BaseDelay: time.Minute, MaxDelay: time.Minute, Rand: func() float64 { return 1 }}
			},
			wantAttempts: 1, wantLast: true},
		{name: "closed during the rate-limiter wait before a retry",
			answer: func(func()) http.HandlerFunc { return busy },
			setup: func(s *Sender, closeStop func()) {
				s.Throttle = throttleFunc(func(ctx context.Context) error { closeStop(); return waitForStop(ctx) })
			},
			wantAttempts: 1, wantLast: true},
		{name: "request in flight finishes",
			answer: func(closeStop func()) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					closeStop() // the stop arrives while TMS works on the request
					time.Sleep(50 * time.Millisecond)
					ok(w, r)
				}
			},
			wantAttempts: 1, wantStatus: "S"},
		{name: "request in flight fails and is not retried",
			answer: func(closeStop func()) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					closeStop()
					time.Sleep(50 * time.Millisecond)
					busy(w, r)
				}
			},
			wantAttempts: 1, wantLast: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stop := make(chan struct{})
			var once sync.Once
			closeStop := func() { once.Do(func() { close(stop) }) }
			if tt.closedBefore {
				closeStop()
			}
			c, rc := scriptedServer(t, tt.answer(closeStop))
			s := newSender(c, nil, &sleeps{})
			if tt.setup != nil {
				tt.setup(s, closeStop)
			}
			start := time.Now()
			o := s.Send(context.Background(), Request{Stop: stop, Main: Main{"CCODE": "", "EditItem": "0"}, Idempotent: false})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v: a wait was not cut by the stop", d)
			}
			if n := len(rc.requests()); o.Attempts != tt.wantAttempts || n != tt.wantAttempts {
				t.Errorf("got %d attempts and %d requests, want %d", o.Attempts, n, tt.wantAttempts)
			}
			if o.Unknown {
				t.Errorf("got Unknown: %v", o.Err)
			}
			if tt.wantStatus != "" {
				if o.Err != nil || o.Response.Status != tt.wantStatus {
					t.Errorf("got %+v, want the answer of the request in flight", o)
				}
				return
			}
			if !errors.Is(o.Err, ErrStopped) || Kind(o.Err) != KindStopped {
				t.Errorf("got %v (kind %v), want ErrStopped", o.Err, Kind(o.Err))
			}
			var e *Error
			if got := errors.As(o.Err, &e); got != tt.wantLast {
				t.Errorf("got %v: wraps the last failure %t, want %t", o.Err, got, tt.wantLast)
			}
		})
	}
}

// throttleFunc is a Throttle whose Wait is the function itself.
type throttleFunc func(ctx context.Context) error

func (f throttleFunc) Wait(ctx context.Context) error { return f(ctx) }
func (f throttleFunc) Throttled(time.Duration)        {}
func (f throttleFunc) Succeeded()                     {}
