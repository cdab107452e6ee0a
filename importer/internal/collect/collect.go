// Package collect owns the results file's rows: it takes the rows as
// they finish, in any order, gives them back in input order (a reorder
// buffer holding only the rows that finished before an earlier one), and
// writes each at its input row number, rows between left blank, with its
// ImportStatus, ImportCCODE, ImportErrorCode, ImportMessage and
// ImportWarnings after the input's own cells (Layout). It notices new
// customers TMS gave one code, and amends the rows already written to
// say so.
//
// It does not know how rows are read, checked or sent, nor the summary:
// its caller counts the rows it gives back.
package collect

import (
	"log/slog"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/results"
)

// Texts are the words the collector adds to rows, in the run's language.
type Texts interface {
	// SameCodeInRun is the warning of a new customer's row whose code
	// TMS also gave the rows lines of this run.
	SameCodeInRun(code string, lines []int) string
}

// Collector writes the finished rows of one run. Only one goroutine (the
// writer's) uses it.
type Collector struct {
	w        results.Writer // nil: rows are ordered, not written
	lay      *Layout
	nextLine int // the row number the next row written would have
	texts    Texts
	log      *slog.Logger
	buf      reorder
	codes    givenCodes
	shared   int   // rows that share a code TMS gave (Summary.SharedCodes)
	err      error // the first write's error: nothing is written after it
}

// New returns a collector writing to w (nil: writing nothing) rows laid
// out by lay, the first of them at row number nextLine.
func New(w results.Writer, lay *Layout, nextLine int, texts Texts, log *slog.Logger) *Collector {
	return &Collector{w: w, lay: lay, nextLine: nextLine, texts: texts, log: log}
}

// Add takes a finished row and returns the rows now next in input
// order (in a slice valid until the next call), each written. The error
// is a write's, returned once; nothing is written after it, though rows
// are still given back.
func (c *Collector) Add(it *row.Item) ([]*row.Item, error) {
	ready := c.buf.add(it)
	var failed error
	for _, it := range ready {
		if n, err := c.noteCode(it); err != nil {
			c.log.Warn("the results of rows TMS gave the same code could not be amended", "line", it.Rec.Line, "err", err)
		} else {
			c.shared += n
		}
		if c.w != nil && c.err == nil {
			if c.err = c.write(it); c.err != nil {
				failed = c.err
			}
		}
	}
	return ready, failed
}

// Shared is how many rows share a code TMS gave another new customer.
func (c *Collector) Shared() int { return c.shared }

// write writes a finished row at its input row number: the rows between
// it and the one before (blank, or left out) are left blank.
func (c *Collector) write(it *row.Item) error {
	if gap := it.Rec.Line - c.nextLine; gap > 0 {
		if err := c.w.WriteBlank(gap); err != nil {
			return err
		}
	}
	c.nextLine = it.Rec.Line + 1
	return c.w.WriteRow(c.lay.cells(it))
}
