package tms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
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

// ErrStopped is the error of a row the run stopped sending: the stop
// channel given to Send was closed (the first Ctrl-C). No new attempt is
// made once the run stops, though a request in flight finishes.
var ErrStopped = errors.New("the run was stopped before this row was sent (again)")

// Policy says how Sender retries. Zero fields take their defaults.
type Policy struct {
	// MaxAttempts is the most requests sent for one row (default 5).
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt (default 250 ms);
	// it doubles for each further attempt.
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 30 s); a longer Retry-After from
	// the server is still honoured, up to MaxRetryWait.
	MaxDelay time.Duration
	// MaxRetryWait is the longest wait a Retry-After is honoured for
	// (default 60 s), both before this row's next attempt and as the pause
	// it asks of the Throttle. A row whose busy answer (429, 503) asks for
	// longer is given up at once, after that pause is asked for: retrying
	// sooner is what the server asked not to do.
	MaxRetryWait time.Duration
	// Sleep waits d or until ctx is done; nil means a real sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter; nil means math/rand.
	Rand func() float64
}

// Default retry policy values.
const (
	DefaultMaxAttempts  = 5
	DefaultBaseDelay    = 250 * time.Millisecond
	DefaultMaxDelay     = 30 * time.Second
	DefaultMaxRetryWait = 60 * time.Second
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
//
// A caller sends a row in three steps: Ready (wait for the rate limit),
// record that the row is about to be sent (e.g. claim it in a journal, so
// a crash cannot leave it looking unsent), then Send. Send makes the first
// request at once, since Ready already waited for its turn.
type Sender struct {
	Client   *Client
	Throttle Throttle // nil: no rate limit
	Policy   Policy
	Logger   *slog.Logger // nil: no log
}

// Ready waits until the Throttle lets the next request go, or ctx ends;
// call it right before recording the row and calling Send. With a nil
// Throttle it only returns ctx.Err(). When ctx ended it returns ctx.Err()
// itself. To end the wait when the run stops, pass a ctx that ends then.
func (s *Sender) Ready(ctx context.Context) error {
	if s.Throttle == nil {
		return ctx.Err()
	}
	if err := s.Throttle.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("waiting for the rate limiter: %w", err)
	}
	return nil
}

// Send sends one row as a /Cust/Add request (CustAdd). idempotent means
// resending cannot create a second customer: the payload has a CCODE (an
// add with a given code, an edit or an upsert); it is false for an
// auto-numbered create (blank CCODE).
//
// The first request goes out at once (the caller called Ready); each
// retry waits for the backoff and then the Throttle. Retryable failures
// are retried, creates included (the server never saw them). Ambiguous
// failures are retried only when idempotent and not Final; a create that
// may have been applied (MayHaveApplied) stops at once with Unknown set.
// Permanent failures and business errors (Status "E") are not retried,
// nor is a busy answer asking to wait longer than Policy.MaxRetryWait.
// Backoff is exponential with full jitter, never shorter than the
// server's Retry-After.
//
// Once req.Stop (which may be nil) is closed, no new request is made and
// the waits end: Outcome.Err is ErrStopped, wrapping the last failure if
// any. A request in flight finishes; only ctx's own end aborts it.
func (s *Sender) Send(ctx context.Context, req Request) Outcome {
	r := &sendRun{s: s, p: s.policy(), log: s.Logger, ctx: ctx, stop: req.Stop, main: req.Main, idempotent: req.Idempotent, onRetry: req.OnRetry}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	for {
		if o, done := r.ended(); done {
			return o
		}
		if r.attempts > 0 {
			if o, done := r.waitForTurn(); done {
				return o
			}
		}
		if o, done := r.try(); done {
			return o
		}
		if o, done := r.backoff(); done {
			return o
		}
	}
}

// Request is one row to send.
type Request struct {
	Main Main
	// Idempotent means resending cannot create a second customer: the
	// payload has a CCODE. It is false for an auto-numbered create.
	Idempotent bool
	// Stop, once closed, ends the waits and prevents new requests.
	Stop <-chan struct{}
	// OnRetry, when set, is told before each wait for a retry: the
	// attempt that failed (1 for the first request), the wait, and why.
	OnRetry func(attempt int, wait time.Duration, err error)
}

// sendRun is the state of one Send.
type sendRun struct {
	s          *Sender
	p          Policy
	log        *slog.Logger
	ctx        context.Context // ends the requests and the waits
	stop       <-chan struct{} // ends the waits and prevents new requests
	main       Main
	idempotent bool
	onRetry    func(attempt int, wait time.Duration, err error)

	attempts        int    // requests sent
	last            error  // the failure of the last request
	lastErr         *Error // last as an *Error
	ambiguousBefore bool   // an earlier request may have been applied
}

// ended reports whether ctx ended or the run stopped before a request.
func (r *sendRun) ended() (Outcome, bool) {
	if err := r.ctx.Err(); err != nil {
		return Outcome{Attempts: r.attempts, Err: err}, true
	}
	return r.stopped()
}

// stopped reports whether stop is closed (and ctx has not ended).
func (r *sendRun) stopped() (Outcome, bool) {
	select {
	case <-r.stop: // a nil stop never fires
	default:
		return Outcome{}, false
	}
	if r.ctx.Err() != nil {
		return Outcome{}, false
	}
	if r.last == nil {
		return Outcome{Attempts: r.attempts, Err: ErrStopped}, true
	}
	return Outcome{Attempts: r.attempts, Err: fmt.Errorf("%w: %w", ErrStopped, r.last)}, true
}

// waitEnded is the Outcome of a wait that failed with err: ErrStopped,
// ctx.Err() itself, or err.
func (r *sendRun) waitEnded(err error) Outcome {
	if o, ok := r.stopped(); ok {
		return o
	}
	if r.ctx.Err() != nil {
		return Outcome{Attempts: r.attempts, Err: r.ctx.Err()}
	}
	return Outcome{Attempts: r.attempts, Err: err}
}

// waitForTurn waits for the Throttle before a retry.
func (r *sendRun) waitForTurn() (Outcome, bool) {
	if r.s.Throttle == nil {
		return Outcome{}, false
	}
	if err := r.wait(r.s.Throttle.Wait); err != nil {
		return r.waitEnded(fmt.Errorf("waiting for the rate limiter: %w", err)), true
	}
	return Outcome{}, false
}

// backoff sleeps before the next attempt.
func (r *sendRun) backoff() (Outcome, bool) {
	d := r.p.delay(r.attempts, min(r.lastErr.RetryAfter, r.p.MaxRetryWait))
	r.log.Info("retrying TMS request", "attempt", r.attempts, "class", r.lastErr.Class.String(), "kind", Kind(r.last).String(), "wait", d, "err", r.last.Error())
	if r.onRetry != nil {
		r.onRetry(r.attempts, d, r.last)
	}
	if err := r.wait(func(ctx context.Context) error { return r.p.Sleep(ctx, d) }); err != nil {
		return r.waitEnded(err), true
	}
	return Outcome{}, false
}

// wait runs a wait under a context that ends with ctx or when stop closes.
func (r *sendRun) wait(wait func(context.Context) error) error {
	if r.stop == nil {
		return wait(r.ctx)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	go func() {
		select {
		case <-r.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return wait(ctx)
}

// try sends one request. It reports the Outcome when the row is done, or
// false to retry it.
func (r *sendRun) try() (Outcome, bool) {
	r.attempts++
	resp, err := r.s.Client.AddCustomer(r.ctx, r.main)
	if err == nil {
		return r.answered(resp), true
	}
	return r.failed(err)
}

// answered is the Outcome of a decoded answer.
func (r *sendRun) answered(resp Response) Outcome {
	if r.s.Throttle != nil {
		r.s.Throttle.Succeeded()
	}
	if resp.Status == "E" && r.ambiguousBefore && IsAdd(r.main) && CodeExists(resp) {
		return Outcome{Response: resp, Attempts: r.attempts, Unknown: true, Err: fmt.Errorf(
			"TMS says customer code %v already exists (%s %s), but an earlier attempt for this row got no clear answer and may have created it; check the customer in TMS before re-running the row: %w",
			r.main["CCODE"], resp.ErrorCode, resp.ErrorMessage, r.last)}
	}
	return Outcome{Response: resp, Attempts: r.attempts}
}

// failed decides what a failed request means: the Outcome when the row is
// done, or false to retry it.
func (r *sendRun) failed(err error) (Outcome, bool) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Class: Permanent, Err: err}
	}
	mayHaveCreated := !r.idempotent && MayHaveApplied(CustAdd, err)
	if r.ctx.Err() != nil {
		if mayHaveCreated {
			return Outcome{Attempts: r.attempts, Unknown: true, Err: fmt.Errorf("%w; this customer may have been created in TMS: check TMS before re-running the row (%w)", r.ctx.Err(), err)}, true
		}
		return Outcome{Attempts: r.attempts, Err: r.ctx.Err()}, true
	}
	r.last, r.lastErr = err, e
	switch e.Class {
	case Permanent:
		return Outcome{Attempts: r.attempts, Err: err}, true
	case Ambiguous:
		if mayHaveCreated {
			return Outcome{Attempts: r.attempts, Unknown: true, Err: fmt.Errorf("%w; this customer may have been created in TMS: check TMS before re-running the row (it is not resent automatically, to avoid a duplicate)", err)}, true
		}
		if e.Final {
			// Asking again gets the same answer: the row has a code, so
			// a later run resends it safely.
			return Outcome{Attempts: r.attempts, Err: err}, true
		}
		r.ambiguousBefore = true
	case Retryable:
		if isBusy(e) && r.s.Throttle != nil {
			r.s.Throttle.Throttled(min(e.RetryAfter, r.p.MaxRetryWait))
		}
		if isBusy(e) && e.RetryAfter > r.p.MaxRetryWait {
			// Asking again before the server's time is what it asked
			// not to do: the row is given up at once.
			return Outcome{Attempts: r.attempts, Err: fmt.Errorf("gave up: TMS asked to wait %s, longer than the %s allowed (max retry wait): %w",
				e.RetryAfter, r.p.MaxRetryWait, err)}, true
		}
	}
	if r.attempts >= r.p.MaxAttempts {
		return Outcome{Attempts: r.attempts, Err: fmt.Errorf("gave up after %d attempts: %w", r.attempts, err)}, true
	}
	return Outcome{}, false
}

// isBusy reports whether a failure is TMS answering busy (HTTP 429 or 503).
func isBusy(e *Error) bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus == http.StatusServiceUnavailable
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
	if p.MaxRetryWait <= 0 {
		p.MaxRetryWait = DefaultMaxRetryWait
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
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

// Sleep sleeps d, or until ctx is done (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
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

// IsAdd reports whether main asks for a plain add (EditItem 0, or EditItem
// missing, which is treated the same way to stay on the safe side).
func IsAdd(main Main) bool {
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
