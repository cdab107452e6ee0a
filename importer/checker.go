package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
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
	cache  replay
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
	var order rowOrder
	for {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = order.check(opts.Input, rec)
		}
		if err != nil {
			src.Close()
			return nil, err
		}
		c.index[rec.Line] = len(c.recs)
		c.recs = append(c.recs, cloneRecord(rec))
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
	c.cache.recs, c.cache.plain = c.recs, c.ledger == nil
	_, err = c.check(ctx, opts.Ledger)
	return c, err
}

// cloneRecord copies a record's cells: the Checker's rows are its own.
func cloneRecord(rec source.Record) source.Record {
	rec.Cells = slices.Clone(rec.Cells)
	rec.NoValue = slices.Clone(rec.NoValue)
	return rec
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
		c.recs[i] = cloneRecord(rec)
		c.cache.forget(i)
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
	job.replay = &c.cache
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

// Passes over the rows, whose checks are kept apart: the plan's preparer
// does not match rows with the customers TMS has; the produce pass's
// does.
const (
	passPlan = iota
	passProduce
	passes
)

// replay stands in for reading and checking the rows when a Checker
// runs: it keeps each row's own check (preparer.check) per pass and
// hands the rows to be settled as checkRows does.
type replay struct {
	recs []source.Record
	// kept says, by index in recs, what is known of each row's check on
	// its own, per pass; checks holds the checks.
	kept   [passes][]keptCheck
	checks [passes][]item
	// settled are the produce pass's rows settled (preparer.settle), by
	// index in recs, of a run without a ledger or a list of existing
	// customers (isSettled says which are). A row settles the same as
	// long as it and the rows of its code (Remember's duplicates,
	// upper-cased) did not change: moved holds the codes of the rows
	// changed since (as they were, and as they are), whose rows settle
	// again, with one another only.
	settled   []item
	isSettled []bool
	zeroState []string // by index in recs: the ZeroState a settled row saw
	moved     map[string]bool
	// plain: the Checker has no ledger (nothing but the rows decides).
	plain bool
	work  []item // the rows of a run, settled
	rows  []dataRow
	// lead is the index in recs of the last row the header search reads:
	// a change there or above may move the header, and every kept check
	// goes.
	lead int
}

// keptCheck is what is known of one row's check on its own.
type keptCheck struct {
	ok    bool
	taken bool   // the ledger's rule took the row (preparer.assigned): matchExisting left it
	zeros bool   // Remember compares it with other rows' zero-padded codes
	key   string // its code, upper-cased: the rows Remember compares it with
}

// dataRow is a data row: its index in recs, its sequence number.
type dataRow struct{ i, seq int }

// forget drops the kept checks of row i (all of them when i may move
// the header).
func (p *replay) forget(i int) {
	if i <= p.lead {
		p.kept, p.checks, p.settled, p.isSettled, p.zeroState, p.moved = [passes][]keptCheck{}, [passes][]item{}, nil, nil, nil, nil
		return
	}
	for pass := range p.kept {
		if i < len(p.kept[pass]) {
			p.move(p.kept[pass][i])
			p.kept[pass][i] = keptCheck{}
		}
	}
	if i < len(p.isSettled) {
		p.isSettled[i] = false
	}
}

// move notes that the rows of k's code settle again.
func (p *replay) move(k keptCheck) {
	if !k.ok || k.key == "" {
		return
	}
	if p.moved == nil {
		p.moved = map[string]bool{}
	}
	p.moved[k.key] = true
}

// each hands the data rows below the header (the first skip rows that are
// not blank) to settled a batch at a time, each checked by prep (kept
// from an earlier run when nothing it depends on changed) and settled
// in file order; fresh makes a validator like prep's. It returns the
// number of data rows and of hidden ones.
func (p *replay) each(prep *preparer, pass, skip int, fresh func() *validate.Validator, settled func([]item)) (n, hidden int) {
	kept, checks := p.kept[pass], p.checks[pass]
	if len(kept) != len(p.recs) {
		kept, checks = make([]keptCheck, len(p.recs)), make([]item, len(p.recs))
		p.kept[pass], p.checks[pass] = kept, checks
	}
	// The data rows and their sequence numbers, as dataRows gives them.
	rows := p.rows[:0]
	var stale []dataRow
	read := 0
	for i, rec := range p.recs {
		if blankRecord(rec) {
			continue
		}
		read++
		if read == mapping.HeaderSearchRows {
			p.lead = i
		}
		if read <= skip || formulaOnly(rec, prep.hdr) {
			continue
		}
		if rec.Hidden {
			hidden++
		}
		d := dataRow{i, len(rows)}
		rows = append(rows, d)
		if k := &kept[i]; !k.ok || k.taken != prep.taken(d.seq) {
			stale = append(stale, d)
		}
	}
	p.rows = rows
	if read < mapping.HeaderSearchRows {
		p.lead = len(p.recs)
	}
	checkOne := func(q *preparer, d dataRow) {
		it := &checks[d.i]
		*it = item{Seq: d.seq, Rec: cloneRecord(p.recs[d.i])}
		q.check(it)
		kept[d.i] = keptCheck{ok: true, taken: q.taken(d.seq), zeros: it.Checked.Zeros(), key: strings.ToUpper(it.Checked.Code())}
	}
	if workers := max(1, runtime.GOMAXPROCS(0)); len(stale) >= 4*batchRows && workers > 1 {
		var wg sync.WaitGroup
		per := (len(stale) + workers - 1) / workers
		for part := range slices.Chunk(stale, per) {
			q := prep.fork()
			wg.Go(func() {
				for _, d := range part {
					checkOne(q, d)
				}
			})
		}
		wg.Wait()
	} else {
		for _, d := range stale {
			checkOne(prep, d)
		}
	}
	for _, d := range stale {
		p.move(kept[d.i]) // its code as it is
	}
	// Without a ledger or a list of existing customers only Remember
	// makes a row's settling depend on other rows: on the rows of its
	// code (duplicates), and on the widest zero-padded codes before it
	// (code_zeros). The rows settled last time whose code did not move
	// and that see the same widths are taken as they were; the others
	// settle with a validator of their own, which sees the rows of their
	// codes alone, in order, and is given the widths each row sees
	// (zeros, which sees every row's code_zeros values and nothing else).
	produce := pass == passProduce
	fast := produce && p.plain && prep.existing == nil && len(p.settled) == len(p.recs)
	if produce && len(p.settled) != len(p.recs) {
		p.settled, p.isSettled, p.zeroState = make([]item, len(p.recs)), make([]bool, len(p.recs)), make([]string, len(p.recs))
	}
	var zeros *validate.Validator
	if produce {
		zeros = fresh()
	}
	again := map[int]bool{} // rows to settle again whatever their code
	if fast {
		for _, d := range rows {
			k := kept[d.i]
			if k.zeros {
				if st := zeros.ZeroState(checks[d.i].Checked); !p.isSettled[d.i] || st != p.zeroState[d.i] {
					again[d.i] = true
					p.move(k)
				}
				zeros.NoteZeros(checks[d.i].Checked)
			}
			if !p.isSettled[d.i] {
				again[d.i] = true
				p.move(k)
			}
		}
		zeros = fresh()
	}
	settler := prep
	if fast {
		q := *prep
		q.v = fresh()
		settler = &q
	} else {
		prep.v.Reserve(len(rows))
	}
	// The rows settled go to work, reused from one run to the next: the
	// queue keeps pointers into it until the run ends.
	if cap(p.work) < len(rows) {
		p.work = make([]item, len(rows))
	}
	work := p.work[:len(rows)]
	for start := 0; start < len(rows); start += batchRows {
		b := rows[start:min(start+batchRows, len(rows))]
		items := work[start : start+len(b)]
		for j, d := range b {
			it := &items[j]
			k := &kept[d.i]
			if fast && !again[d.i] && (len(p.moved) == 0 || !p.moved[k.key]) {
				*it = p.settled[d.i]
				if k.zeros {
					zeros.NoteZeros(checks[d.i].Checked)
				}
			} else {
				*it = checks[d.i]
				it.Extra = slices.Clip(it.Extra) // appends go to a copy, not the kept row
				if produce && k.zeros {
					p.zeroState[d.i] = zeros.ZeroState(it.Checked)
					if fast {
						settler.v.CopyZeros(zeros)
					}
					zeros.NoteZeros(it.Checked)
				}
				settler.settle(it)
				if produce {
					p.settled[d.i], p.isSettled[d.i] = *it, true
				}
			}
			it.Seq = d.seq
			it.Extra = slices.Clip(it.Extra)
		}
		settled(items)
	}
	if produce {
		p.moved = nil
	}
	return len(rows), hidden
}

// taken reports whether the ledger's rule took the row of sequence
// number seq, which matchExisting then leaves alone.
func (p *preparer) taken(seq int) bool {
	if p.existing == nil {
		return false
	}
	_, ok := p.assigned[seq]
	return ok
}
