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

// ErrTMSRefuses stops a run whose requests TMS keeps refusing as a whole
// (error codes 9xxx, like the specification's 9003: the request, not the
// row, is wrong — usually the key, pno, ProNum or signing recipe).
var ErrTMSRefuses = errors.New("TMS keeps refusing the requests themselves")

// DefaultMaxConsecutiveFailures is how many rows in a row may fail without
// any answer from TMS before the run stops sending.
const DefaultMaxConsecutiveFailures = 20

// halt is the run's brake: a fatal error (the ledger or the results cannot be written)
// or a breaker that trips after too many consecutive rows got no answer.
type halt struct {
	mu          sync.Mutex
	err         error // why sending stopped; nil while it goes on
	fatal       bool  // err is a failure of the run, not only of TMS
	consecutive int
	refused     int    // rows in a row refused with the same request-level code
	refusedCode string // that code
	limit       int    // ≤ 0: no breaker
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

// observe counts a sent row. Rows in a row that got no answer, or that
// TMS refused with the same request-level code (9xxx), trip the breaker;
// any other answer resets the counts.
func (h *halt) observe(r Result) {
	noAnswer := r.Status == StatusUnknown || (r.Status == StatusFailed && isLocalErrorCode(r.ErrorCode))
	refused := r.Status == StatusFailed && isRequestLevelCode(r.ErrorCode)
	h.mu.Lock()
	defer h.mu.Unlock()
	if noAnswer {
		h.consecutive++
	} else {
		h.consecutive = 0
	}
	switch {
	case refused && r.ErrorCode == h.refusedCode:
		h.refused++
	case refused:
		h.refused, h.refusedCode = 1, r.ErrorCode
	default:
		h.refused, h.refusedCode = 0, ""
	}
	if h.limit <= 0 || h.err != nil {
		return
	}
	switch {
	case h.consecutive >= h.limit:
		h.err = fmt.Errorf("%w: %d rows in a row got no answer (last: %s)", ErrTMSUnreachable, h.consecutive, clip(r.Message, 200))
	case h.refused >= h.limit:
		h.err = fmt.Errorf("%w: %d rows in a row were refused with %s %s", ErrTMSRefuses, h.refused, r.ErrorCode, clip(r.Message, 200))
	}
}

// isRequestLevelCode reports whether a TMS ErrorCode is about the request
// rather than the row: the specification's 9003 (timestamp) is of the
// 9xxx family; the simulator uses it for header, signature and ProNum
// errors too. A heuristic, documented in the README.
func isRequestLevelCode(code string) bool {
	return len(code) == 4 && code[0] == '9'
}
