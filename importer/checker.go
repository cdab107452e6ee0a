package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/source"
)

// Checker is a check (a dry-run without a results file) of rows held in
// memory that can be asked again after some rows changed, at the cost of
// those rows and the checks that depend on every row (duplicate codes
// and 統編, the ledger's matching, the summary): not the whole file.
//
// It runs the very stages a dry-run Job runs, over its rows: each row is
// checked on its own once and kept (twice with a ledger: the plan's pass
// and the produce pass see different things), and every check settles
// all the kept rows again in file order. Its verdicts are therefore a
// full check's (TestCheckerMatchesFullCheck).
//
// A Checker is not safe for use by several goroutines at once.
type Checker struct {
	opts   Options
	recs   []source.Record // every row given, edits applied
	index  map[int]int     // row number → index in recs
	ledger *memoLedger     // nil without a ledger
	cache  *prepare.Replay
	rows   []RowChecked // the last check's verdicts, in order
	spare  []RowChecked // the ones before, whose room the next check reuses
	sum    Summary
	err    error
}

// NewChecker checks the rows of opts.Rows (read to their end and kept)
// as a dry-run of opts would, and returns the Checker. opts.Ledger, when
// set, is read during the call; what is read of it is kept (a dry-run
// only reads), later calls read only what is new (Set). DryRun and
// NoResults are implied; Out is not used. The error is the check's: the
// header, the options, or a ReadError for rows that cannot be read.
func NewChecker(ctx context.Context, opts Options) (*Checker, error) {
	if opts.Rows == nil {
		return nil, errors.New("importer: a Checker needs Rows")
	}
	opts.DryRun, opts.NoResults, opts.Out = true, true, ""
	c := &Checker{opts: opts, index: map[int]int{}}
	src, err := opts.Rows()
	if err != nil {
		return nil, err
	}
	var order prepare.RowOrder
	for {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = order.Check(opts.Input, rec)
		}
		if err != nil {
			src.Close()
			return nil, err
		}
		c.index[rec.Line] = len(c.recs)
		c.recs = append(c.recs, prepare.CloneRecord(rec))
	}
	if err := src.Close(); err != nil {
		return nil, err
	}
	sheet, text := "", false
	if x, ok := src.(interface{ Sheet() string }); ok {
		sheet = x.Sheet()
	}
	_, text = src.(*source.CSVReader)
	if x, ok := src.(interface{ Delimited() bool }); ok {
		text = x.Delimited()
	}
	c.opts.Rows = func() (source.Reader, error) { return &recordReader{recs: c.recs, sheet: sheet, text: text}, nil }
	if opts.Ledger != nil {
		c.ledger = &memoLedger{}
		c.opts.Ledger = c.ledger
	}
	c.cache = prepare.NewReplay(c.recs, c.ledger == nil)
	_, err = c.check(ctx, opts.Ledger)
	return c, err
}

// Rows returns the last check's verdict of every data row, in order: what
// a dry-run Job tells in its RowChecked events. The slice is the
// Checker's: it must not be changed, and is good until the next Set but
// one.
func (c *Checker) Rows() []RowChecked { return c.rows }

// Summary returns the last check's summary.
func (c *Checker) Summary() Summary { return c.sum }

// Err returns the last check's error, as a Job's Run returns it.
func (c *Checker) Err() error { return c.err }

// Set replaces the rows of the same row numbers as recs (a row made blank
// stays, as a blank row the check passes over) and checks again. l is the
// ledger to read what the Checker has not read yet (the codes of changed
// rows), nil when the Checker has none; it is read during the call only.
// It returns the verdicts that changed (of the rows given, and of the
// others a file-wide check moved), in order, a row no longer checked
// (made blank) with no Status; and the check's error.
func (c *Checker) Set(ctx context.Context, l Ledger, recs ...source.Record) ([]RowChecked, error) {
	for _, rec := range recs {
		if _, ok := c.index[rec.Line]; !ok {
			return nil, fmt.Errorf("%s: row %d: %w", c.opts.Input, rec.Line, ErrNoSuchRow)
		}
	}
	for _, rec := range recs {
		i := c.index[rec.Line]
		c.recs[i] = prepare.CloneRecord(rec)
		c.cache.Forget(i)
	}
	if c.ledger == nil {
		l = nil
	}
	return c.check(ctx, l)
}

// ErrNoSuchRow is returned by Checker.Set for a row number the Checker
// was not given.
var ErrNoSuchRow = errors.New("no such row")

// check runs the dry-run over the kept rows and returns the verdicts
// that changed since the last.
func (c *Checker) check(ctx context.Context, l Ledger) ([]RowChecked, error) {
	if c.ledger != nil {
		c.ledger.inner = l
		defer func() { c.ledger.inner = nil }()
	}
	job := NewJob(c.opts)
	rows := c.spare[:0] // the verdicts before the last, reused
	if cap(rows) < len(c.rows) {
		rows = make([]RowChecked, 0, len(c.rows))
	}
	job.checked = func(rc RowChecked) { rows = append(rows, rc) }
	job.replay = c.cache
	c.sum, c.err = job.Run(ctx)
	changed := changedRows(c.rows, rows)
	c.rows, c.spare = rows, c.rows
	return changed, c.err
}

// changedRows returns the verdicts of now that differ from before's (or
// that before has not), both in row order; a row before has and now has
// not (made blank) comes with no Status.
func changedRows(before, now []RowChecked) []RowChecked {
	var out []RowChecked
	i := 0
	for _, rc := range now {
		for ; i < len(before) && before[i].Line < rc.Line; i++ {
			out = append(out, RowChecked{Line: before[i].Line})
		}
		if i < len(before) && before[i].Line == rc.Line {
			i++
			if sameVerdict(before[i-1], rc) {
				continue
			}
		}
		out = append(out, rc)
	}
	for ; i < len(before); i++ {
		out = append(out, RowChecked{Line: before[i].Line})
	}
	return out
}

func sameVerdict(a, b RowChecked) bool {
	if a.Status != b.Status || len(a.Problems) != len(b.Problems) {
		return false
	}
	for i, p := range a.Problems {
		q := b.Problems[i]
		if p.Field != q.Field || p.Column != q.Column || p.Severity != q.Severity || p.Code != q.Code || p.Message != q.Message || !slices.Equal(p.Args, q.Args) {
			return false
		}
	}
	return true
}
