package tms

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Class says what a failed request means for the row that was sent.
type Class int

const (
	// Retryable failures certainly did not reach the handler: the
	// connection could not be made, or the server answered HTTP 429 or
	// 503. Resending is safe even for a create.
	Retryable Class = iota
	// Ambiguous failures happened after the request was written: the
	// server may have acted on it (a timeout, a reset connection, HTTP
	// 408/500/502/504, a redirect, a cut-off or non-JSON answer to a 2xx,
	// an answer that contradicts itself).
	Ambiguous
	// Permanent failures will not go away by retrying: other 4xx answers,
	// TLS failures or a bad request.
	Permanent
)

// String returns "retryable", "ambiguous" or "permanent".
func (c Class) String() string {
	switch c {
	case Retryable:
		return "retryable"
	case Ambiguous:
		return "ambiguous"
	case Permanent:
		return "permanent"
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// Sentinel errors wrapped by *Error and by New; check them with errors.Is.
var (
	// ErrConfig is wrapped by every error New returns.
	ErrConfig = errors.New("bad TMS client configuration")
	// ErrInsecureURL is returned by New for plain http:// to a host that is
	// not loopback when Config.AllowHTTP is not set.
	ErrInsecureURL = errors.New("plain http:// to a non-loopback host is refused")
	// ErrRedirect is wrapped when the server answered with a redirect,
	// which is never followed.
	ErrRedirect = errors.New("redirect refused")
	// ErrCertificate is wrapped when the server's TLS certificate is not
	// trusted.
	ErrCertificate = errors.New("TLS certificate not trusted")
	// ErrResponseTooLarge is wrapped when the answer exceeds Config.MaxBody.
	ErrResponseTooLarge = errors.New("response too large")
	// ErrBadResponse is wrapped when the answer is not the JSON the
	// specification describes (not JSON, cut off, no or unknown Status).
	ErrBadResponse = errors.New("bad response")
	// ErrAmbiguousResponse is wrapped when the answer can be read both as
	// a success and as a failure: it names Status, CCODE or ErrorCode
	// twice (in any letter case), says "E" with the success code 0000 or
	// "S" with an error code, or says success with an HTTP error status.
	ErrAmbiguousResponse = errors.New("ambiguous response")
)

// Error is a failed request. Every failure Client.Do and
// Client.AddCustomer return is an *Error of exactly one Class. Its message
// never contains the API key.
type Error struct {
	// Class tells whether resending is safe.
	Class Class
	// Kind tells what went wrong, for messages to the user; Client sets
	// it on every *Error it returns. Use the function Kind, which also
	// sees through ErrStopped and classifies other errors.
	Kind FailureKind
	// HTTPStatus is the HTTP status code of the answer, or 0 when there
	// was none.
	HTTPStatus int
	// RetryAfter is the wait the server asked for (Retry-After header of a
	// 429 or 503), or 0.
	RetryAfter time.Duration
	// Final marks an Ambiguous failure that another attempt would only
	// meet again (a redirect, an answer that contradicts itself): Sender
	// does not retry it, not even for an idempotent row.
	Final bool
	// Err describes what happened; it wraps the underlying error and, where
	// one fits, one of the sentinel errors of this package.
	Err error
}

// Error returns a sentence saying what happened.
func (e *Error) Error() string {
	if e.Err == nil {
		return "TMS request failed (" + e.Class.String() + ")"
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func newError(class Class, kind FailureKind, status int, format string, args ...any) *Error {
	return &Error{Class: class, Kind: kind, HTTPStatus: status, Err: fmt.Errorf(format, args...)}
}

// Endpoint is a TMS API path and whether a request to it creates
// something, which decides what an unanswered request may have done.
type Endpoint struct {
	Path    string
	Creates bool
}

// CustAdd is POST /Cust/Add: with EditItem 0 and no CCODE it creates a
// customer under a new number, so it counts as creating.
var CustAdd = Endpoint{Path: "/Cust/Add", Creates: true}

// MayHaveApplied reports whether err, a failure of a request to ep, may
// have created something: an Ambiguous *Error on an endpoint that creates
// (a timeout, a broken connection, HTTP 408/5xx or a redirect after the
// request was written, an answer that contradicts itself). Such a request must not be resent unless resending is
// idempotent.
func MayHaveApplied(ep Endpoint, err error) bool {
	var e *Error
	return ep.Creates && errors.As(err, &e) && e.Class == Ambiguous
}

// snippetLen is how many bytes of a response body error messages quote.
const snippetLen = 60

// quoteStart quotes the start of a body for an error message, e.g.
// "<html><head>…".
func quoteStart(b []byte) string {
	if len(b) <= snippetLen {
		return strconv.Quote(string(b))
	}
	cut := snippetLen
	for cut > snippetLen-utf8.UTFMax && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strconv.Quote(string(b[:cut]) + "…")
}

// formatSize writes a byte count as "1 MiB", "512 KiB" or "1000 bytes".
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
