package tms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
)

// Throttle is a rate limiter shared by all workers sending to one server.
// AdaptiveLimiter implements it.
type Throttle interface {
	// Wait blocks until the next request may be sent, or ctx is done.
	Wait(ctx context.Context) error
	// Throttled reports that the server answered 429 or 503, asking for
	// retryAfter (possibly 0) before the next request.
	Throttled(retryAfter time.Duration)
	// Succeeded reports a decoded answer (success or business error).
	Succeeded()
}

// ErrStopped is the error of a row the run stopped sending (the first
// Ctrl-C): no new attempt is made once the run stops, though a request in
// flight finishes.
var ErrStopped = errors.New("the run was stopped before this row was sent (again)")

type stopKey struct{}

// WithStop returns a context under which Send makes no new attempt, and
// waits no longer for the rate limiter or a backoff, once stop is closed.
// A request in flight goes on: only ctx's own end aborts it.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

type beforeFirstKey struct{}

// WithBeforeFirst returns a context under which Send calls before right
// before its first request, after waiting for the rate limiter: a journal
// records the row there, so a crash while rows wait for their turn does
// not leave them looking sent. An error from before stops the row unsent.
func WithBeforeFirst(ctx context.Context, before func() error) context.Context {
	return context.WithValue(ctx, beforeFirstKey{}, before)
}

// BeforeFirst runs the hook WithBeforeFirst set, if any. Every sender
// calls it right before its first request for a row (fakes in tests too).
func BeforeFirst(ctx context.Context) error {
	if before, _ := ctx.Value(beforeFirstKey{}).(func() error); before != nil {
		return before()
	}
	return nil
}

func stopOf(ctx context.Context) <-chan struct{} {
	stop, _ := ctx.Value(stopKey{}).(<-chan struct{})
	return stop
}

// Policy says how Sender retries. Zero fields take their defaults.
type Policy struct {
	// MaxAttempts is the most requests sent for one row (default 5).
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt (default 250 ms);
	// it doubles for each further attempt.
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 30 s); a longer Retry-After from
	// the server is still honoured.
	MaxDelay time.Duration
	// Sleep waits d or until ctx is done; nil means a real sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter; nil means math/rand.
	Rand func() float64
}

// Default retry policy values.
const (
	DefaultMaxAttempts = 5
	DefaultBaseDelay   = 250 * time.Millisecond
	DefaultMaxDelay    = 30 * time.Second
)

// Outcome is what happened to one row.
type Outcome struct {
	// Response is the decoded answer when one was received (Err is nil):
	// Status "S", or "E" with the business error.
	Response Response
	// Attempts is how many requests were sent (0 when ctx ended first).
	Attempts int
	// Unknown means TMS may or may not have created the customer: the row
	// must be checked in TMS before it is sent again.
	Unknown bool
	// Err is why no answer was received, or for an Unknown row why the
	// answer cannot be trusted. It is ctx.Err() itself when the context
	// ended while waiting.
	Err error
}

// Sender sends rows through Client, retrying what is safe to retry.
// It is safe for concurrent use when Throttle and Logger are.
type Sender struct {
	Client   *Client
	Throttle Throttle // nil: no rate limit
	Policy   Policy
	Logger   *slog.Logger // nil: no log
}

// Send sends one row. idempotent means resending cannot create a second
// customer: the payload has a CCODE (an add with a given code, an edit or
// an upsert); it is false for an auto-numbered create (blank CCODE).
//
// Retryable failures are retried, creates included (the server never saw
// them). Ambiguous failures are retried only when idempotent; a create
// stops at once with Unknown set. Permanent failures and business errors
// (Status "E") are not retried. Backoff is exponential with full jitter,
// never shorter than the server's Retry-After.
func (s *Sender) Send(ctx context.Context, main Main, idempotent bool) Outcome {
	p := s.policy()
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// waitCtx ends the waits (rate limiter, backoff) when the run stops
	// taking rows; ctx alone governs a request in flight.
	waitCtx, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	stop := stopOf(ctx)
	if stop != nil {
		go func() {
			select {
			case <-stop:
				stopWaiting()
			case <-waitCtx.Done():
			}
		}()
	}
	stopped := func(attempt int, last error) (Outcome, bool) {
		select {
		case <-stop: // a nil stop never fires
		default:
			return Outcome{}, false
		}
		if ctx.Err() != nil {
			return Outcome{}, false
		}
		if last == nil {
			return Outcome{Attempts: attempt, Err: ErrStopped}, true
		}
		return Outcome{Attempts: attempt, Err: fmt.Errorf("%w: %w", ErrStopped, last)}, true
	}
	ambiguousBefore := false
	var last error
	for attempt := 0; ; {
		if err := ctx.Err(); err != nil {
			return Outcome{Attempts: attempt, Err: err}
		}
		if o, ok := stopped(attempt, last); ok {
			return o
		}
		if s.Throttle != nil {
			if err := s.Throttle.Wait(waitCtx); err != nil {
				if o, ok := stopped(attempt, last); ok {
					return o
				}
				if ctx.Err() != nil {
					return Outcome{Attempts: attempt, Err: ctx.Err()}
				}
				return Outcome{Attempts: attempt, Err: fmt.Errorf("waiting for the rate limiter: %w", err)}
			}
		}
		if attempt == 0 {
			if err := BeforeFirst(ctx); err != nil {
				return Outcome{Err: err}
			}
		}
		attempt++
		resp, err := s.Client.Do(ctx, main)
		if err == nil {
			if s.Throttle != nil {
				s.Throttle.Succeeded()
			}
			if resp.Status == "E" && ambiguousBefore && isAdd(main) && CodeExists(resp) {
				return Outcome{Response: resp, Attempts: attempt, Unknown: true, Err: fmt.Errorf(
					"TMS says customer code %v already exists (%s %s), but an earlier attempt for this row got no clear answer and may have created it; check the customer in TMS before re-running the row: %w",
					main["CCODE"], resp.ErrorCode, resp.ErrorMessage, last)}
			}
			return Outcome{Response: resp, Attempts: attempt}
		}
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Class: Permanent, Err: err}
		}
		if ctx.Err() != nil {
			if e.Class == Ambiguous && !idempotent {
				return Outcome{Attempts: attempt, Unknown: true, Err: fmt.Errorf("%w; this customer may have been created in TMS: check TMS before re-running the row (%w)", ctx.Err(), err)}
			}
			return Outcome{Attempts: attempt, Err: ctx.Err()}
		}
		last = err
		switch e.Class {
		case Permanent:
			return Outcome{Attempts: attempt, Err: err}
		case Ambiguous:
			if !idempotent {
				return Outcome{Attempts: attempt, Unknown: true, Err: fmt.Errorf("%w; this customer may have been created in TMS: check TMS before re-running the row (it is not resent automatically, to avoid a duplicate)", err)}
			}
			ambiguousBefore = true
		case Retryable:
			if e.HTTPStatus == 429 || e.HTTPStatus == 503 {
				if s.Throttle != nil {
					s.Throttle.Throttled(e.RetryAfter)
				}
			}
		}
		if attempt >= p.MaxAttempts {
			return Outcome{Attempts: attempt, Err: fmt.Errorf("gave up after %d attempts: %w", attempt, err)}
		}
		d := p.delay(attempt, e.RetryAfter)
		log.Info("retrying TMS request", "attempt", attempt, "class", e.Class.String(), "wait", d, "err", err.Error())
		if err := p.Sleep(waitCtx, d); err != nil {
			if o, ok := stopped(attempt, last); ok {
				return o
			}
			if ctx.Err() != nil {
				return Outcome{Attempts: attempt, Err: ctx.Err()}
			}
			return Outcome{Attempts: attempt, Err: err}
		}
	}
}

func (s *Sender) policy() Policy {
	p := s.Policy
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// delay is the wait after the n-th failed attempt (n ≥ 1): full jitter
// over BaseDelay·2^(n-1) capped at MaxDelay, at least retryAfter.
func (p Policy) delay(n int, retryAfter time.Duration) time.Duration {
	ceil := p.MaxDelay
	if n-1 < 32 {
		if d := p.BaseDelay << (n - 1); d > 0 && d < ceil {
			ceil = d
		}
	}
	d := time.Duration(p.Rand() * float64(ceil))
	return max(d, retryAfter)
}

// sleepCtx sleeps d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isAdd reports whether main asks for a plain add (EditItem 0, or EditItem
// missing, which is treated the same way to stay on the safe side).
func isAdd(main Main) bool {
	v, ok := main["EditItem"]
	if !ok || v == nil {
		return true
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	return s == "" || s == "0"
}

// CodeExistsErrorCode is the ErrorCode taken to mean "客戶代號已存在"
// (customer code already exists). The specification does not list it; it
// is the code the simulator uses.
const CodeExistsErrorCode = "1002"

// CodeExists is a heuristic: it reports whether a business error says the
// customer code already exists, by ErrorCode CodeExistsErrorCode or by a
// message containing 已存在, 重複 or "exist". Send uses it to spot an add
// that may have been created by its own earlier, unanswered attempt.
func CodeExists(r Response) bool {
	if r.Status != "E" {
		return false
	}
	if r.ErrorCode == CodeExistsErrorCode {
		return true
	}
	m := strings.ToLower(r.ErrorMessage)
	return strings.Contains(m, "已存在") || strings.Contains(m, "重複") || strings.Contains(m, "exist")
}
