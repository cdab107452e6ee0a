package tms

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKindOfRealFailures classifies failures produced by real servers,
// through Client and through Sender.
func TestKindOfRealFailures(t *testing.T) {
	hijackClose := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		conn.Close()
	}
	cutOff := func(w http.ResponseWriter, r *http.Request) {
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Status\":\"S\"")
		bw.Flush()
		conn.Close()
	}
	// addCustomer sends one request to a server running h.
	addCustomer := func(h http.HandlerFunc, mod func(*Config)) func(t *testing.T) error {
		return func(t *testing.T) error {
			srv, _ := newServer(t, DefaultRecipe, h)
			c, _ := newTestClient(t, srv.URL+"/api", mod)
			_, err := c.AddCustomer(context.Background(), Main{"CCODE": "C1"})
			return err
		}
	}
	// send sends one row through a Sender with instant backoffs.
	send := func(stop <-chan struct{}, answers ...http.HandlerFunc) func(t *testing.T) error {
		return func(t *testing.T) error {
			c, _ := scriptedServer(t, answers...)
			s := newSender(c, nil, &sleeps{})
			s.Policy.MaxAttempts = 3
			return s.Send(context.Background(), Request{Stop: stop, Main: Main{"CCODE": "C1", "EditItem": "2"}, Idempotent: true}).Err
		}
	}
	closed := make(chan struct{})
	close(closed)
	short := func(c *Config) { c.Timeout = 200 * time.Millisecond }
	tests := []struct {
		name string
		run  func(t *testing.T) error
		want FailureKind
	}{
		{"connection closed after the request", addCustomer(hijackClose, nil), KindReset},
		{"connection closed mid-answer", addCustomer(cutOff, nil), KindReset},
		{"connection refused", func(t *testing.T) error {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			c, _ := newTestClient(t, "http://"+addr+"/api", nil)
			_, err = c.AddCustomer(context.Background(), Main{})
			return err
		}, KindRefused},
		{"connect never completes", func(t *testing.T) error {
			hang := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}}}
			c, _ := newTestClient(t, "http://127.0.0.1:9/api", func(c *Config) { c.HTTPClient = hang; short(c) })
			_, err := c.AddCustomer(context.Background(), Main{})
			return err
		}, KindRefused},
		{"no answer within the timeout", addCustomer(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, short), KindTimeout},
		{"answer trickles past the timeout", addCustomer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			for range 1000 {
				if _, err := w.Write([]byte{' '}); err != nil {
					return
				}
				http.NewResponseController(w).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}, short), KindTimeout},
		{"503 after retries", send(nil, busy), KindBusy},
		{"429", addCustomer(slowDown, nil), KindBusy},
		{"502 after retries", send(nil, gateway), KindHTTP},
		{"404", addCustomer(respond(404, nil, "<html>not found</html>"), nil), KindHTTP},
		{"401", addCustomer(respond(401, nil, ""), nil), KindHTTP},
		{"html on 200", addCustomer(respond(200, nil, "<html><body>Please log in</body></html>"), nil), KindBadAnswer},
		{"truncated json", addCustomer(respond(200, nil, `{"Status":"S","CCODE":"0001`), nil), KindBadAnswer},
		{"no status", addCustomer(respond(200, nil, `{"CCODE":"1"}`), nil), KindBadAnswer},
		{"too large", addCustomer(respond(200, nil, strings.Repeat(" ", 100)+okBody), func(c *Config) { c.MaxBody = 64 }), KindBadAnswer},
		{"redirect", addCustomer(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusFound)
		}, nil), KindRedirect},
		{"untrusted certificate", func(t *testing.T) error {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, okBody) }))
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.StartTLS()
			t.Cleanup(srv.Close)
			c, _ := newTestClient(t, srv.URL, nil)
			_, err := c.AddCustomer(context.Background(), Main{})
			return err
		}, KindTLS},
		{"stopped before the first attempt", send(closed, ok), KindStopped},
		{"stopped after a 503", func(t *testing.T) error {
			stop := make(chan struct{})
			c, _ := scriptedServer(t, busy)
			s := newSender(c, nil, nil)
			s.Policy.Sleep = func(ctx context.Context, d time.Duration) error {
				close(stop)
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(10 * time.Second):
					return errors.New("the backoff was not cut by the stop")
				}
			}
			return s.Send(context.Background(), Request{Stop: stop, Main: Main{"CCODE": "C1"}, Idempotent: true}).Err
		}, KindStopped},
		{"cancelled in flight", func(t *testing.T) error {
			arrived := make(chan struct{})
			srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) { close(arrived); <-r.Context().Done() })
			c, _ := newTestClient(t, srv.URL+"/api", nil)
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			_, err := c.AddCustomer(ctx, Main{})
			return err
		}, KindStopped},
		{"caller's deadline in flight", func(t *testing.T) error {
			srv, _ := newServer(t, DefaultRecipe, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
			c, _ := newTestClient(t, srv.URL+"/api", nil)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := c.AddCustomer(ctx, Main{})
			return err
		}, KindTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.run(t)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := Kind(err); got != tt.want {
				t.Errorf("Kind: got %v, want %v (%v)", got, tt.want, err)
			}
			// Errors from Client carry their Kind: Kind never has to
			// guess from the message.
			var e *Error
			if errors.As(err, &e) && !errors.Is(err, ErrStopped) && e.Kind != tt.want {
				t.Errorf("Error.Kind: got %v, want %v (%v)", e.Kind, tt.want, err)
			}
		})
	}
}

// TestKindOfOtherErrors classifies errors that carry no Kind.
func TestKindOfOtherErrors(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	tests := []struct {
		name string
		err  error
		want FailureKind
	}{
		{"nil", nil, KindOther},
		{"plain", errors.New("disk full"), KindOther},
		{"stopped", ErrStopped, KindStopped},
		{"stopped after a failure", fmt.Errorf("%w: %w", ErrStopped, &Error{Class: Retryable, Kind: KindBusy, HTTPStatus: 503}), KindStopped},
		{"kind recorded", fmt.Errorf("gave up: %w", &Error{Kind: KindTLS, Err: errors.New("x")}), KindTLS},
		{"cancelled", context.Canceled, KindStopped},
		{"deadline", fmt.Errorf("wrapped: %w", context.DeadlineExceeded), KindTimeout},
		{"net timeout", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, KindTimeout},
		{"connection refused", refused, KindRefused},
		{"no such host", &net.DNSError{Err: "no such host", Name: "erp.invalid", IsNotFound: true}, KindRefused},
		{"connection reset", reset, KindReset},
		{"unexpected EOF", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), KindReset},
		{"EOF", io.EOF, KindReset},
		{"unknown authority", x509.UnknownAuthorityError{}, KindTLS},
		{"certificate sentinel", fmt.Errorf("%w: x", ErrCertificate), KindTLS},
		{"redirect sentinel", ErrRedirect, KindRedirect},
		{"bad response", fmt.Errorf("%w: not JSON", ErrBadResponse), KindBadAnswer},
		{"too large", ErrResponseTooLarge, KindBadAnswer},
		{"bare 503", &Error{Class: Retryable, HTTPStatus: 503}, KindBusy},
		{"bare 429", &Error{Class: Retryable, HTTPStatus: 429}, KindBusy},
		{"bare 500", &Error{Class: Ambiguous, HTTPStatus: 500}, KindHTTP},
		{"bare 302", &Error{Class: Permanent, HTTPStatus: 302}, KindRedirect},
		{"bare without status", &Error{Class: Permanent, Err: errors.New("x")}, KindOther},
		{"bare wrapping a reset", &Error{Class: Ambiguous, Err: reset}, KindReset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Kind(tt.err); got != tt.want {
				t.Errorf("Kind(%v): got %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestFailureKindString(t *testing.T) {
	tests := []struct {
		k    FailureKind
		want string
	}{
		{KindOther, "other"},
		{KindTimeout, "timeout"},
		{KindReset, "reset"},
		{KindRefused, "refused"},
		{KindBusy, "busy"},
		{KindHTTP, "http"},
		{KindTLS, "tls"},
		{KindBadAnswer, "bad-answer"},
		{KindRedirect, "redirect"},
		{KindStopped, "stopped"},
		{FailureKind(99), "FailureKind(99)"},
		{FailureKind(-1), "FailureKind(-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.k.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMayHaveApplied(t *testing.T) {
	readOnly := Endpoint{Path: "/Cust/Get"}
	tests := []struct {
		name string
		ep   Endpoint
		err  error
		want bool
	}{
		{"create, ambiguous", CustAdd, &Error{Class: Ambiguous}, true},
		{"create, wrapped ambiguous", CustAdd, fmt.Errorf("gave up: %w", &Error{Class: Ambiguous}), true},
		{"create, retryable", CustAdd, &Error{Class: Retryable}, false},
		{"create, permanent", CustAdd, &Error{Class: Permanent}, false},
		{"create, not an *Error", CustAdd, errors.New("x"), false},
		{"create, nil", CustAdd, nil, false},
		{"no create, ambiguous", readOnly, &Error{Class: Ambiguous}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MayHaveApplied(tt.ep, tt.err); got != tt.want {
				t.Errorf("got %t, want %t", got, tt.want)
			}
		})
	}
}
