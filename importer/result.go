package importer

import (
	"sort"
	"strconv"
	"time"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/validate"
)

// Status is the outcome of one row, as written to the ImportStatus column.
type Status = row.Status

// Row statuses.
const (
	StatusValid   = row.StatusValid   // dry-run: the row would be sent
	StatusInvalid = row.StatusInvalid // the row has errors and was not sent
	StatusOK      = row.StatusOK      // the server accepted the row
	StatusFailed  = row.StatusFailed  // the server refused the row, or it could not be sent
	StatusUnknown = row.StatusUnknown // the request may or may not have created the customer: check TMS
	StatusNotSent = row.StatusNotSent // the run was interrupted before the row was sent
	StatusSkipped = row.StatusSkipped // a totals, subtotal or signature row: not a customer, never sent
)

// Statuses lists every status in the order summaries show them.
var Statuses = row.Statuses

// Result is what happened to one input row.
type Result = row.Result

// MaxExamples is how many rows that need attention a Summary quotes.
const MaxExamples = 5

// Summary tells what a run did.
type Summary struct {
	Input    string
	Output   string
	Sheet    string         // XLSX: the sheet read
	Rows     int            // data rows read
	Counts   map[Status]int // rows per status
	Errors   map[string]int // rows per error: server ErrorCode and message, or the field of a validation error
	Warnings []string       // file-level warnings (unknown columns, ...)
	// Suggestions are the unknown columns whose data looks like a field's
	// (a column of phone numbers under 連絡方式): a front end pre-selects
	// the field, for the user to confirm; nothing is imported from them.
	Suggestions []validate.Suggestion
	Started     time.Time // when the run began
	Duration    time.Duration
	Requests    int     // requests sent, retries included
	Sent        int     // rows sent (at least one request)
	RateSettled float64 // the send rate the pool settled at (req/s), 0 in dry-run
	Interrupted bool    // the run was stopped before every row was sent
	Stopped     string  // why sending stopped early (TMS not answering, the ledger), "" otherwise
	StopErr     error   // the error Stopped tells of (errors.Is ErrTMSUnreachable, ...)
	Previously  int     // rows an earlier run had imported, not sent again (Unchanged included)
	Unchanged   int     // rows with a code whose content TMS had already accepted, not sent again

	// BusyWait is how long TMS asked to wait when sending stopped because
	// it kept answering busy (StopErr is a *BusyError); 0 otherwise.
	BusyWait time.Duration
	// SharedCodes counts the new customers' rows whose code TMS also gave
	// another row, of this run or of an earlier one (each has a warning).
	SharedCodes int

	// WouldSettle and WouldHold count a dry-run's VALID rows the import
	// would not send: already in TMS, or held as UNKNOWN (the ledger says).
	WouldSettle, WouldHold int
	// WillCreate counts the rows sent (a check: that would be) that create
	// a customer: without a code, or with a code TMS does not have (a
	// list of existing customers loaded). MayCreate counts the rows with a
	// code TMS decides about that nothing knows (no list loaded).
	WillCreate, MayCreate int
	// Existing describes the list of existing customers the rows were
	// matched with (nil: none); ExistingStale, that it is older than the
	// run's limit (a warning says so).
	Existing      *ledger.ExistingInfo
	ExistingStale bool
	InputSHA256   string   // the input's SHA-256 (a run that sends, and a check of a file)
	Examples      []Result // the first rows that are not OK/VALID (at most MaxExamples)
	DryRun        bool
}

// AllGood reports whether every row is OK (or VALID in a dry-run).
func (s Summary) AllGood() bool {
	for st, n := range s.Counts {
		if n > 0 && !st.Good() {
			return false
		}
	}
	return !s.Interrupted
}

// RowsPerSecond is the throughput of the run: rows checked per second in
// a dry-run, rows sent per second in an import.
func (s Summary) RowsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	if s.DryRun {
		return float64(s.Rows) / s.Duration.Seconds()
	}
	return float64(s.Sent) / s.Duration.Seconds()
}

// ErrorRanking returns the error keys, most frequent first.
func (s Summary) ErrorRanking() []string {
	keys := make([]string, 0, len(s.Errors))
	for k := range s.Errors {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.Errors[keys[i]] != s.Errors[keys[j]] {
			return s.Errors[keys[i]] > s.Errors[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (s *Summary) add(r Result, errorKeys []string) {
	s.Rows++
	s.Counts[r.Status]++
	if r.Status == StatusOK && r.Attempts == 0 {
		s.Previously++
	}
	if !r.Status.Good() && len(s.Examples) < MaxExamples {
		s.Examples = append(s.Examples, r)
	}
	s.Requests += r.Attempts
	if r.Attempts > 0 {
		s.Sent++
	}
	for _, k := range errorKeys {
		s.Errors[k]++
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
