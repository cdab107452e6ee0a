// Package row owns one data row's journey through an import: the row as
// it travels from stage to stage (Item), the states it can be in
// (Status), the moves between them, and the result it ends with. To is the
// one function that moves a row from one state to the next: it keeps the
// warnings the row gathered on the way, so no stage carries them by hand,
// and it refuses a move the pipeline never makes (a row OK once is never
// sent again). Warn adds a warning without a move.
//
// It does not know files, the ledger, TMS or the words of messages: the
// stages hand it texts already made, in the run's language.
package row

import (
	"fmt"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
)

// Status is the outcome of one row, as written to the ImportStatus column.
type Status string

// Row statuses.
const (
	StatusValid   Status = "VALID"    // dry-run: the row would be sent
	StatusInvalid Status = "INVALID"  // the row has errors and was not sent
	StatusOK      Status = "OK"       // the server accepted the row
	StatusFailed  Status = "FAILED"   // the server refused the row, or it could not be sent
	StatusUnknown Status = "UNKNOWN"  // the request may or may not have created the customer: check TMS
	StatusNotSent Status = "NOT_SENT" // the run was interrupted before the row was sent
	StatusSkipped Status = "SKIPPED"  // a totals, subtotal or signature row: not a customer, never sent
)

// Pending is the state of a row read and not yet settled: no status yet.
const Pending Status = ""

// Statuses lists every status in the order summaries show them.
var Statuses = []Status{StatusOK, StatusValid, StatusSkipped, StatusInvalid, StatusFailed, StatusUnknown, StatusNotSent}

// Good reports whether the status needs no attention.
func (s Status) Good() bool { return s == StatusOK || s == StatusValid || s == StatusSkipped }

// Result is what happened to one input row.
type Result struct {
	Line      int // the row number the user sees
	Status    Status
	CCODE     string // the customer code the server returned (the new code for auto-numbered rows)
	ErrorCode string // the server's ErrorCode, or a local code for rows that could not be sent
	Message   string // errors, joined by "; "
	Warnings  string // warnings, joined by "; "
	Attempts  int    // requests sent for the row
}

// Item is one data row travelling through the pipeline. The stages fill
// in what they learn of it; only To and Warn change its result.
type Item struct {
	Seq int
	Rec source.Record
	// Checked is the row checked on its own (the prepare stage's check),
	// which settling completes in file order; Pending says it has to.
	Checked validate.Checked
	Pending bool
	Before  Status // the row's ImportStatus in a results file fed back
	// Unlabelled are the columns where the row has data under no header.
	Unlabelled []int
	Outcome    validate.Outcome
	Extra      []validate.Problem // problems the importer itself finds
	// Send says the row is valid and to be sent: To sets it when the row
	// becomes VALID and clears it on any other move; a stage that decides
	// not to send a VALID row (a check, a row TMS already has) clears it.
	Send bool
	FP   string // the content's fingerprint (decide.Fingerprint)
	// FedBackCode: the row came from a results file that shows it OK with
	// this code, so it is treated as a row with that code. FedBackFilled:
	// the row's own code cell is blank, so its code is that one.
	FedBackCode   string
	FedBackFilled bool
	// Existing is the verdict on a row without a code matched with the
	// customers TMS has (decide.ForExisting); its zero value: no match.
	Existing decide.ExistingVerdict
	// Creation says whether sending the row creates a customer.
	Creation decide.Creation
	Decision decide.Decision
	// SharedPrior: TMS gave this create a code it gave an earlier run's.
	SharedPrior bool
	// Holder, when set, holds the row's memory for the stage that made
	// it, to be used again: the last stage to use the row calls Release.
	Holder Holder

	res Result
}

// Holder holds the memory of rows; Release is called once per row.
type Holder interface{ Release() }

// Release tells the row's Holder, if any, that nothing uses the row any
// more: its memory may hold another row. It is called once, by the last
// stage the row goes through.
func (it *Item) Release() {
	if h := it.Holder; h != nil {
		it.Holder = nil
		h.Release()
	}
}

// Result returns the row's result so far (Line is the row's).
func (it *Item) Result() Result {
	r := it.res
	r.Line = it.Rec.Line
	return r
}

// Status returns the row's state.
func (it *Item) Status() Status { return it.res.Status }

// Move is a row's next state and what comes with it.
type Move struct {
	Status    Status
	CCODE     string
	ErrorCode string
	Message   string
	// Warning is added to the warnings the row has ("" adds none).
	Warning  string
	Attempts int
}

// To moves the row to m's state: its result becomes m's, with the
// warnings it had and m.Warning after them. Send becomes true when the row
// becomes VALID and false otherwise. A move to Pending (a row checked
// again, whose warnings its problems will give again) drops the result
// with its warnings. A move the pipeline never makes (Allowed) is a bug:
// it panics, naming the row.
func (it *Item) To(m Move) {
	from := it.res.Status
	if !Allowed(from, m.Status) {
		panic(fmt.Sprintf("row %d: no move from %q to %q", it.Rec.Line, from, m.Status))
	}
	warnings := JoinWarnings(it.res.Warnings, m.Warning)
	if m.Status == Pending {
		warnings = ""
	}
	it.res = Result{Status: m.Status, CCODE: m.CCODE, ErrorCode: m.ErrorCode, Message: m.Message, Warnings: warnings, Attempts: m.Attempts}
	it.Send = m.Status == StatusValid
}

// Warn adds a warning to the row's result, whatever its state.
func (it *Item) Warn(w string) { it.res.Warnings = JoinWarnings(it.res.Warnings, w) }

// Allowed reports whether the pipeline moves a row from one state to
// another:
//
//   - a row read (Pending) is settled to any status: SKIPPED or OK when a
//     results file fed back says so, else INVALID, UNKNOWN or VALID;
//   - a VALID row moves on: checked again (Pending), refused (INVALID),
//     not sent (NOT_SENT), settled by the ledger (OK, UNKNOWN), or sent
//     (OK, FAILED, UNKNOWN, NOT_SENT);
//   - every other status is final.
func Allowed(from, to Status) bool {
	switch from {
	case Pending:
		return to != Pending
	case StatusValid:
		switch to {
		case Pending, StatusInvalid, StatusNotSent, StatusOK, StatusUnknown, StatusFailed:
			return true
		}
	}
	return false
}

// JoinWarnings joins two warnings texts with "; ", either of which may
// be "".
func JoinWarnings(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// JoinProblems joins the errors and the warnings of problem lists, each
// with "; ", in order.
func JoinProblems(lists ...[]validate.Problem) (errs, warns string) {
	var e, w []string
	for _, ps := range lists {
		for _, p := range ps {
			if p.Severity == validate.Error {
				e = append(e, p.Message)
			} else {
				w = append(w, p.Message)
			}
		}
	}
	return strings.Join(e, "; "), strings.Join(w, "; ")
}

// Problems are the row's problems: the validator's and the importer's.
func (it *Item) Problems() []validate.Problem {
	if len(it.Extra) == 0 {
		return it.Outcome.Problems
	}
	return append(append([]validate.Problem(nil), it.Outcome.Problems...), it.Extra...)
}

// PayloadText is a field of the row's payload as text ("" when absent).
func (it *Item) PayloadText(code string) string {
	if v, ok := it.Outcome.Payload[code]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}
