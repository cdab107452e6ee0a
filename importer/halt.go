package importer

import (
	"errors"
	"fmt"
	"sync"
)

// ErrTMSUnreachable stops a run whose requests keep failing without an
// answer from TMS: it is down, or the URL, network or certificate is
// wrong. The rows not sent yet are NOT_SENT; running again resumes.
var ErrTMSUnreachable = errors.New("TMS keeps failing to answer")

// DefaultMaxConsecutiveFailures is how many rows in a row may fail without
// any answer from TMS before the run stops sending.
const DefaultMaxConsecutiveFailures = 20

// halt is the run's brake: a fatal error (the journal cannot be written)
// or a breaker that trips after too many consecutive rows got no answer.
type halt struct {
	mu          sync.Mutex
	err         error // why sending stopped; nil while it goes on
	fatal       bool  // err is a failure of the run, not only of TMS
	consecutive int
	limit       int // ≤ 0: no breaker
}

// stop fails the run: nothing more is sent (the first reason wins).
func (h *halt) stop(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		h.err, h.fatal = err, true
	}
}

// reason returns why sending stopped, or nil.
func (h *halt) reason() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// fatalErr returns the error that failed the run, or nil.
func (h *halt) fatalErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fatal {
		return h.err
	}
	return nil
}

// observe counts a sent row: an answer from TMS (OK or a business error)
// resets the count; a row that got none adds to it.
func (h *halt) observe(r Result) {
	noAnswer := r.Status == StatusUnknown || (r.Status == StatusFailed && isLocalErrorCode(r.ErrorCode))
	h.mu.Lock()
	defer h.mu.Unlock()
	if !noAnswer {
		h.consecutive = 0
		return
	}
	h.consecutive++
	if h.limit > 0 && h.consecutive >= h.limit && h.err == nil {
		h.err = fmt.Errorf("%w: %d rows in a row got no answer (last: %s)", ErrTMSUnreachable, h.consecutive, clip(r.Message, 200))
	}
}
