package importer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Budget is how many INVALID rows an import accepts: when the first pass
// over a file finds more, nothing of the file is sent (a nightly file
// that is mostly invalid is usually the wrong file: another export, a
// shifted column). The zero Budget is off: every valid row is sent.
type Budget struct {
	set         bool
	count       int     // at most this many INVALID rows, or
	percent     float64 // (percent mode) at most this share of the rows, in %
	percentMode bool
}

// ParseBudget reads a budget as people write it: "" (off), a number of
// rows ("25") or a share of the file's rows ("10%", "2.5 %").
func ParseBudget(s string) (Budget, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Budget{}, nil
	}
	if num, ok := strings.CutSuffix(s, "%"); ok {
		p, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || math.IsNaN(p) || p < 0 || p > 100 {
			return Budget{}, fmt.Errorf("%w: %q: want a number of rows (25) or a share from 0%% to 100%% (10%%)", ErrBadBudget, s)
		}
		return Budget{set: true, percent: p, percentMode: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return Budget{}, fmt.Errorf("%w: %q: want a number of rows (25) or a share from 0%% to 100%% (10%%)", ErrBadBudget, s)
	}
	return Budget{set: true, count: n}, nil
}

// ErrBadBudget is returned by ParseBudget for text that is not a budget.
var ErrBadBudget = errors.New("not a budget of invalid rows")

// IsSet reports whether the budget is on.
func (b Budget) IsSet() bool { return b.set }

// String is the budget as ParseBudget reads it ("" when off).
func (b Budget) String() string {
	switch {
	case !b.set:
		return ""
	case b.percentMode:
		return strconv.FormatFloat(b.percent, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(b.count)
}

// Exceeded reports whether invalid INVALID rows out of rows (the file's
// rows that are customers: totals and sign-off rows not counted) are more
// than the budget allows. An unset budget is never exceeded.
func (b Budget) Exceeded(invalid, rows int) bool {
	switch {
	case !b.set:
		return false
	case b.percentMode:
		// invalid/rows > percent/100, in whole numbers where it can be.
		return float64(invalid)*100 > b.percent*float64(rows)
	}
	return invalid > b.count
}

// ErrTooManyInvalid is the error of an import that sent nothing because
// the file has more INVALID rows than its Budget allows.
var ErrTooManyInvalid = errors.New("too many INVALID rows")

// TooManyInvalidError says how many rows were INVALID, out of how many,
// and the budget they exceeded. It wraps ErrTooManyInvalid.
type TooManyInvalidError struct {
	Invalid, Rows int
	Budget        Budget
}

func (e *TooManyInvalidError) Error() string {
	return fmt.Sprintf("%v: %d of %d rows are INVALID, more than the %s allowed; nothing was sent", ErrTooManyInvalid, e.Invalid, e.Rows, e.Budget)
}

func (e *TooManyInvalidError) Unwrap() error { return ErrTooManyInvalid }

// ExitCode is the exit code of a run that ended with sum and err, as the
// command line and the ledger's record of the run give it: 0 every row
// OK (VALID in a dry-run) or SKIPPED, 1 some rows not (or the run was
// stopped), 2 the run could not run or finish (err).
func ExitCode(sum Summary, err error) int {
	switch {
	case err != nil:
		return 2
	case sum.AllGood():
		return 0
	}
	return 1
}
