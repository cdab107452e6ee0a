package collect

import (
	"strings"

	"github.com/custimport/custimport/importer/internal/codeset"
	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/internal/row"
)

// A code TMS gives one new customer must be that customer's alone. A TMS
// that answers several creates with one CCODE has either made customers
// that cannot be told apart or stored several as one: the rows stay OK
// (TMS said so), each with a warning naming the others, and the summary
// counts them. Rows of this run are matched in the writer, in input
// order, the earlier ones' warnings amended in the results; creates of
// earlier runs are found in the ledger by the worker that got the code.

// codeUse is a customer code TMS gave to creates of this run.
type codeUse struct {
	lines    []int    // the rows, in input order
	warnings []string // each row's warnings as written (amended)
	counted  []bool   // the row is counted in Summary.SharedCodes
}

// givenCodes are the codes TMS gave this run's creates; only the writer
// goroutine uses them. A code given once (every code, but for a TMS that
// misbehaves) costs about a dozen bytes in first, whose table is off the
// Go heap: a million-row file of creates keeps a third of a million of
// them to its end (as a map of codeUse they held about 28 MB). A code
// given to several rows moves to shared, with each row's warnings as
// written.
type givenCodes struct {
	first  *codeset.Set        // upper-cased code → firstMark of its first row
	warned map[int]string      // the warnings of first rows that have some, by line
	shared map[string]*codeUse // codes given to several rows, upper-cased
}

// firstMark packs a first row's line and whether it is counted in
// Summary.SharedCodes (it shares its code with an earlier run's create).
func firstMark(line int, counted bool) int {
	if counted {
		return line<<1 | 1
	}
	return line << 1
}

// noteCode matches a row about to be written against the rows of this
// run TMS gave the same code: this row's warnings name them, theirs
// (already written) are amended to name it. It returns how many rows
// newly share a code (for Summary.SharedCodes) and the first error of
// the amendments.
func (c *Collector) noteCode(it *row.Item) (int, error) {
	res := it.Result()
	code := dispatch.GivenCode(it.Outcome.Code, res.Status, res.Attempts, res.CCODE)
	if code == "" {
		return 0, nil
	}
	if c.codes.first == nil {
		c.codes = givenCodes{first: codeset.New(), warned: map[int]string{}, shared: map[string]*codeUse{}}
	}
	key := strings.ToUpper(code)
	use := c.codes.shared[key]
	if use == nil {
		mark, again := c.codes.first.AddFirst(key, firstMark(it.Rec.Line, it.SharedPrior))
		if !again {
			if w := res.Warnings; w != "" {
				c.codes.warned[it.Rec.Line] = w
			}
			if it.SharedPrior {
				return 1, nil
			}
			return 0, nil
		}
		line := mark >> 1
		use = &codeUse{lines: []int{line}, warnings: []string{c.codes.warned[line]}, counted: []bool{mark&1 == 1}}
		delete(c.codes.warned, line)
		c.codes.shared[key] = use
	}
	newly := 1
	it.Warn(c.texts.SameCodeInRun(code, use.lines))
	var firstErr error
	for i, line := range use.lines {
		use.warnings[i] = row.JoinWarnings(use.warnings[i], c.texts.SameCodeInRun(code, []int{it.Rec.Line}))
		// ImportWarnings is the last results column.
		if c.w != nil {
			if err := c.w.Amend(line, len(c.lay.Header)-1, use.warnings[i]); err != nil && firstErr == nil {
				firstErr = err
			}
		}
		if !use.counted[i] {
			use.counted[i] = true
			newly++
		}
	}
	c.log.Warn("TMS gave one code to several new customers of this run", "line", it.Rec.Line, "code", code, "rows", append(append([]int(nil), use.lines...), it.Rec.Line))
	use.lines = append(use.lines, it.Rec.Line)
	use.warnings = append(use.warnings, it.Result().Warnings)
	use.counted = append(use.counted, true)
	return newly, firstErr
}
