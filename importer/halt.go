package importer

import (
	"slices"
	"strings"

	"github.com/custimport/custimport/importer/internal/dispatch"
)

// refusals counts the rows TMS refused with each request-level code
// that points at a setting, for the summary's hint.
type refusals map[string]*refusal

type refusal struct {
	code, said string // the code and TMS's message with it (the first seen)
	rows       int
}

func (rs *refusals) add(code, said string) {
	if *rs == nil {
		*rs = refusals{}
	}
	if r, ok := (*rs)[code]; ok {
		r.rows++
		return
	}
	(*rs)[code] = &refusal{code: code, said: said, rows: 1}
}

// codes returns the refusals in code order.
func (rs refusals) codes() []*refusal {
	out := make([]*refusal, 0, len(rs))
	for _, r := range rs {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *refusal) int { return strings.Compare(a.code, b.code) })
	return out
}

// Why sending stops early (Summary.StopErr): dispatch's, named here.
var (
	// ErrTMSUnreachable stops a run whose requests keep failing without
	// an answer from TMS: it is down, or the URL, network or certificate
	// is wrong. The rows not sent yet are NOT_SENT; running again resumes.
	ErrTMSUnreachable = dispatch.ErrTMSUnreachable
	// ErrTMSRefuses stops a run whose requests TMS keeps refusing as a
	// whole (error codes 9xxx: the request, not the row, is wrong —
	// usually the key, pno, ProNum or signing recipe).
	ErrTMSRefuses = dispatch.ErrTMSRefuses
	// ErrTimestampRefused is the ErrTMSRefuses of a run whose requests
	// TMS refused for their timestamp (9003): this computer's clock or
	// time zone is off, not the key.
	ErrTimestampRefused = dispatch.ErrTimestampRefused
	// ErrTMSBusy is the ErrTMSUnreachable of a run whose rows TMS kept
	// answering busy (HTTP 429 or 503) until they were given up.
	ErrTMSBusy = dispatch.ErrTMSBusy
)

// BusyError stops a run whose rows TMS kept answering busy. It is an
// ErrTMSBusy and an ErrTMSUnreachable.
type BusyError = dispatch.BusyError

// RefusedError is the ErrTMSRefuses of a run stopped because TMS refused
// Rows requests in a row with one request-level Code.
type RefusedError = dispatch.RefusedError

// DefaultMaxConsecutiveFailures is how many rows in a row may fail without
// any answer from TMS before the run stops sending.
const DefaultMaxConsecutiveFailures = dispatch.DefaultMaxConsecutiveFailures
