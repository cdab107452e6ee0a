package dispatch

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/tms"
)

// ErrTMSUnreachable stops a run whose requests keep failing without an
// answer from TMS: it is down, or the URL, network or certificate is
// wrong. The rows not sent yet are NOT_SENT; running again resumes.
var ErrTMSUnreachable = errors.New("TMS keeps failing to answer")

// ErrTMSRefuses stops a run whose requests TMS keeps refusing as a whole
// (error codes 9xxx, like the specification's 9003: the request, not the
// row, is wrong — usually the key, pno, ProNum or signing recipe).
var ErrTMSRefuses = errors.New("TMS keeps refusing the requests themselves")

// ErrTimestampRefused is the ErrTMSRefuses of a run whose requests TMS
// refused for their timestamp (the specification's 9003): this
// computer's clock or time zone is off, not the key.
var ErrTimestampRefused = errors.New("TMS refuses the requests' timestamp (9003)")

// ErrTMSBusy is the ErrTMSUnreachable of a run whose rows TMS kept
// answering busy (HTTP 429 or 503) until they were given up: a *BusyError
// says for how many rows and how long TMS asked to wait.
var ErrTMSBusy = errors.New("TMS keeps answering busy")

// BusyError stops a run whose rows TMS kept answering busy. It is an
// ErrTMSBusy and an ErrTMSUnreachable.
type BusyError struct {
	Rows int           // rows in a row given up as busy
	Code string        // the last one's local error code (HTTP429, HTTP503)
	Wait time.Duration // the longest wait TMS asked for (Retry-After), 0 when it named none
}

func (e *BusyError) Error() string {
	s := fmt.Sprintf("%v: %d rows in a row were given up as busy (%s)", ErrTMSBusy, e.Rows, e.Code)
	if e.Wait > 0 {
		s += fmt.Sprintf("; TMS asked to wait %s", e.Wait)
	}
	return s
}

// Is makes a BusyError an ErrTMSBusy and an ErrTMSUnreachable.
func (e *BusyError) Is(target error) bool { return target == ErrTMSBusy || target == ErrTMSUnreachable }

// timestampCode is the specification's ErrorCode for an expired timestamp.
const timestampCode = "9003"

// DefaultMaxConsecutiveFailures is how many rows in a row may fail without
// any answer from TMS before the run stops sending.
const DefaultMaxConsecutiveFailures = 20

// Halt is the run's brake: the first reason to stop sending (a fatal
// error of the run's own records, or the breaker's trip) wins, and is
// told once to onStop.
type Halt struct {
	mu     sync.Mutex
	err    error // why sending stopped; nil while it goes on
	fatal  bool  // err is a failure of the run, not only of TMS
	trip   breaker
	onStop func(error)   // nil: nobody to tell
	done   chan struct{} // closed when sending stops; made by newHalt
}

// NewHalt returns a brake tripping after limit rows (see breaker) and
// telling onStop.
func NewHalt(limit int, onStop func(error)) *Halt {
	return &Halt{trip: breaker{limit: limit}, onStop: onStop, done: make(chan struct{})}
}

// Stopping is closed when sending stops.
func (h *Halt) Stopping() <-chan struct{} { return h.done }

// Stop fails the run: nothing more is sent (the first reason wins).
func (h *Halt) Stop(err error) { h.halt(err, true) }

// halt records why sending stops, unless a reason is there already, and
// tells onStop of the first.
func (h *Halt) halt(err error, fatal bool) {
	h.mu.Lock()
	first := h.err == nil
	if first {
		h.err, h.fatal = err, fatal
		if h.done != nil {
			close(h.done)
		}
	}
	h.mu.Unlock()
	if first && h.onStop != nil {
		h.onStop(err)
	}
}

// Reason returns why sending stopped, or nil.
func (h *Halt) Reason() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// FatalErr returns the error that failed the run, or nil.
func (h *Halt) FatalErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fatal {
		return h.err
	}
	return nil
}

// observe counts a sent row's answer (and, for a row given up as busy,
// the wait TMS asked for); when the breaker trips, sending stops.
func (h *Halt) observe(a answer, r row.Move, wait time.Duration) {
	h.mu.Lock()
	err := h.trip.observe(a, r, wait)
	h.mu.Unlock()
	if err != nil {
		h.halt(err, false)
	}
}

// answer is what a sent row's requests got from TMS, for the breaker.
type answer int

const (
	answered answer = iota // TMS answered about the row (accepted or a business error)
	noAnswer               // no answer: network, timeout, HTTP error, or an answer that cannot be trusted
	busy                   // given up as busy (HTTP 429, 503): no answer either
	refused                // TMS refused the request itself (9xxx)
	aborted                // the run stopped or aborted the row: says nothing of TMS
)

// busyWait is the wait a row given up as busy was asked for, or 0.
func busyWait(o tms.Outcome) time.Duration {
	var e *tms.Error
	if errors.As(o.Err, &e) {
		return e.RetryAfter
	}
	return 0
}

// answerOf classifies a Sender's outcome.
func answerOf(o tms.Outcome) answer {
	switch {
	case tms.Kind(o.Err) == tms.KindStopped || o.Attempts == 0:
		return aborted
	case !o.Unknown && tms.Kind(o.Err) == tms.KindBusy:
		return busy
	case o.Unknown || o.Err != nil:
		return noAnswer
	case o.Response.Status != "S" && isRequestLevelCode(o.Response.ErrorCode):
		return refused
	}
	return answered
}

// breaker trips after limit rows in a row got no answer (busy ones
// included), or were refused with the same request-level code; any other
// answer resets it. A limit ≤ 0 never trips.
type breaker struct {
	limit       int
	consecutive int           // rows in a row without an answer
	busy        int           // of those, rows given up as busy
	busyWait    time.Duration // the longest wait TMS asked of them
	refused     int           // rows in a row refused with refusedCode
	refusedCode string        // that code
	refusedMsg  string        // TMS's message with it
}

// observe counts one row (wait: what a busy TMS asked) and returns the
// trip error, or nil.
func (b *breaker) observe(a answer, r row.Move, wait time.Duration) error {
	if a == aborted {
		return nil
	}
	switch a {
	case busy:
		b.consecutive++
		b.busy++
		b.busyWait = max(b.busyWait, wait)
	case noAnswer:
		b.consecutive++
	default:
		b.consecutive, b.busy, b.busyWait = 0, 0, 0
	}
	switch {
	case a == refused && r.ErrorCode == b.refusedCode:
		b.refused++
	case a == refused:
		b.refused, b.refusedCode, b.refusedMsg = 1, r.ErrorCode, TMSSaid(r.Message)
	default:
		b.refused, b.refusedCode, b.refusedMsg = 0, "", ""
	}
	switch {
	case b.limit <= 0:
		return nil
	case b.consecutive >= b.limit && b.busy == b.consecutive:
		return &BusyError{Rows: b.busy, Code: r.ErrorCode, Wait: b.busyWait}
	case b.consecutive >= b.limit:
		return fmt.Errorf("%w: %d rows in a row got no answer (last: %s)", ErrTMSUnreachable, b.consecutive, msg.Clip(r.Message, 200))
	case b.refused >= b.limit:
		return &RefusedError{Code: r.ErrorCode, Message: b.refusedMsg, Rows: b.refused}
	}
	return nil
}

// RefusedError is the ErrTMSRefuses of a run stopped because TMS refused
// Rows requests in a row with one request-level Code (Message is TMS's
// own message). It is an ErrTimestampRefused too for the timestamp code.
type RefusedError struct {
	Code, Message string
	Rows          int
}

func (e *RefusedError) Error() string {
	if e.Code == timestampCode {
		return fmt.Sprintf("%v: %v: %d rows in a row (%s %s)", ErrTMSRefuses, ErrTimestampRefused, e.Rows, e.Code, msg.Clip(e.Message, 200))
	}
	return fmt.Sprintf("%v: %d rows in a row were refused with %s %s", ErrTMSRefuses, e.Rows, e.Code, msg.Clip(e.Message, 200))
}

// Unwrap makes the error ErrTMSRefuses, and ErrTimestampRefused for the
// timestamp code.
func (e *RefusedError) Unwrap() []error {
	if e.Code == timestampCode {
		return []error{ErrTMSRefuses, ErrTimestampRefused}
	}
	return []error{ErrTMSRefuses}
}

// isRequestLevelCode reports whether a TMS ErrorCode is about the request
// rather than the row: the specification's 9003 (timestamp) is of the
// 9xxx family; the simulator uses it for header, signature and ProNum
// errors too. A heuristic, documented in the README.
func isRequestLevelCode(code string) bool {
	return len(code) == 4 && code[0] == '9'
}
