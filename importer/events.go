package importer

import (
	"time"

	"github.com/custimport/custimport/importer/validate"
)

// Event is something a Job tells its subscribers. The concrete types are
// Started, RowChecked, RowSending, RowRetrying, RowFinished, RateChanged,
// Progress, Paused, Resumed, Stopped and Finished. Front ends (the CLI's
// progress bar, the folder mode, the web page) are built from them.
type Event interface{ event() }

// Started is the first event: the input is open and its header found.
type Started struct {
	Input      string
	Output     string // the results file
	Sheet      string // XLSX: the sheet read
	HeaderLine int    // the row the header is on
	Total      int    // data rows, -1 when not counted
	DryRun     bool
}

// RowChecked tells a row's check: its status before anything is sent
// (VALID, INVALID, or already settled: OK, UNKNOWN), and its problems as
// data (field, column, severity, message code and arguments).
type RowChecked struct {
	Line     int
	Status   Status
	Problems []validate.Problem
}

// RowSending tells that a row's first request is about to leave: its
// claim is in the ledger.
type RowSending struct {
	Line int
	Code string // the row's CCODE, "" for an auto-numbered create
}

// RowRetrying tells that a request for a row failed and will be retried.
type RowRetrying struct {
	Line    int
	Attempt int // the attempt that failed, from 1
	Wait    time.Duration
	// ErrorCode is NETWORK, TIMEOUT or HTTPnnn; Message says why in the
	// run's language (no Go or HTTP error text).
	ErrorCode string
	Message   string
}

// RowFinished tells a row's final result. Rows finish in input order.
type RowFinished struct {
	Result Result
}

// RateChanged tells that the send rate the pool settled at changed.
type RateChanged struct {
	PerSecond float64
}

// Progress is a running count, sent at most a few times a second and once
// at the end.
type Progress struct {
	Done    int // rows finished
	Total   int // -1 when not known
	Counts  map[Status]int
	Elapsed time.Duration
}

// Paused and Resumed tell that the job paused (no new request leaves) or
// resumed sending.
type (
	Paused  struct{}
	Resumed struct{}
)

// Stopped tells that sending stopped before the end: Stop was called, the
// context ended, TMS stopped answering (ErrTMSUnreachable) or kept
// refusing the requests (ErrTMSRefuses), or the ledger or the results
// could not be written. The rows not sent finish as NOT_SENT.
type Stopped struct {
	Err error
}

// Finished is the last event: the results are written (unless Err says
// otherwise).
type Finished struct {
	Summary Summary
	Err     error
}

func (Started) event()     {}
func (RowChecked) event()  {}
func (RowSending) event()  {}
func (RowRetrying) event() {}
func (RowFinished) event() {}
func (RateChanged) event() {}
func (Progress) event()    {}
func (Paused) event()      {}
func (Resumed) event()     {}
func (Stopped) event()     {}
func (Finished) event()    {}
