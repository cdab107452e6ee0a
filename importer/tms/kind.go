package tms

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
)

// FailureKind says what went wrong in words a person can act on, for the
// messages written to the results: those name the kind, never the Go or
// HTTP error text. Class says whether resending is safe; FailureKind says
// what to tell the user.
type FailureKind int

// The zero FailureKind is KindOther: an *Error built without a Kind is
// classified from the error it wraps.
const (
	// KindOther is any failure not listed below (a request that could not
	// be built, a rate limiter that failed, ...).
	KindOther FailureKind = iota
	// KindTimeout: TMS did not answer (or finish answering) in time.
	KindTimeout
	// KindReset: the connection was reset or closed after the request was
	// sent, possibly in the middle of the answer.
	KindReset
	// KindRefused: TMS could not be reached (connection refused, could not
	// connect, name not found); the request was not sent.
	KindRefused
	// KindBusy: TMS answered HTTP 429 or 503 (after retries, from Send).
	KindBusy
	// KindHTTP: TMS answered another HTTP error status.
	KindHTTP
	// KindTLS: the TLS certificate is not trusted or the TLS handshake
	// failed.
	KindTLS
	// KindBadAnswer: the answer is not the JSON the specification
	// describes: not JSON, cut off, without a valid Status, or too large.
	KindBadAnswer
	// KindRedirect: TMS answered with a redirect, which is never followed.
	KindRedirect
	// KindAmbiguousAnswer: the answer says both success and failure
	// (ErrAmbiguousResponse).
	KindAmbiguousAnswer
	// KindStopped: the run stopped before the row was sent (again)
	// (ErrStopped), or the context was cancelled.
	KindStopped
)

var kindNames = [...]string{
	KindOther:           "other",
	KindTimeout:         "timeout",
	KindReset:           "reset",
	KindRefused:         "refused",
	KindBusy:            "busy",
	KindHTTP:            "http",
	KindTLS:             "tls",
	KindBadAnswer:       "bad-answer",
	KindRedirect:        "redirect",
	KindAmbiguousAnswer: "ambiguous-answer",
	KindStopped:         "stopped",
}

// String returns a stable lower-case name: "timeout", "reset", "refused",
// "busy", "http", "tls", "bad-answer", "redirect", "stopped",
// "ambiguous-answer" or "other".
func (k FailureKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "FailureKind(" + strconv.Itoa(int(k)) + ")"
}

// Kind classifies an error returned by Client or Sender (in Outcome.Err).
// ErrStopped comes first (it wraps the failure of the last attempt); then
// the Kind recorded in an *Error; otherwise the wrapped errors are
// inspected. A nil error is KindOther.
func Kind(err error) FailureKind {
	if err == nil {
		return KindOther
	}
	if errors.Is(err, ErrStopped) {
		return KindStopped
	}
	var e *Error
	if errors.As(err, &e) && e.Kind != KindOther {
		return e.Kind
	}
	if k := causeKind(err); k != KindOther {
		return k
	}
	if e != nil {
		return statusKind(e.HTTPStatus)
	}
	return KindOther
}

// causeKind classifies err by the sentinels and the standard library
// errors it wraps.
func causeKind(err error) FailureKind {
	var ne net.Error
	var dns *net.DNSError
	switch {
	case errors.Is(err, ErrRedirect):
		return KindRedirect
	case errors.Is(err, ErrCertificate):
		return KindTLS
	case errors.Is(err, ErrAmbiguousResponse):
		return KindAmbiguousAnswer
	case errors.Is(err, ErrResponseTooLarge), errors.Is(err, ErrBadResponse):
		return KindBadAnswer
	case errors.Is(err, context.Canceled):
		return KindStopped
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return KindTimeout
	case isErrno(err, refusedErrnos), errors.As(err, &dns):
		return KindRefused
	case isErrno(err, resetErrnos), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return KindReset
	}
	if _, ok := certError(err); ok || tlsError(err) {
		return KindTLS
	}
	return KindOther
}

// statusKind classifies an HTTP error status (0: none).
func statusKind(status int) FailureKind {
	switch {
	case status == 0:
		return KindOther
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return KindBusy
	case status >= 300 && status < 400:
		return KindRedirect
	}
	return KindHTTP
}

func isErrno(err error, errnos []syscall.Errno) bool {
	for _, n := range errnos {
		if errors.Is(err, n) {
			return true
		}
	}
	return false
}
