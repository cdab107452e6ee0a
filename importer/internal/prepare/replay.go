package prepare

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// NewReplay keeps the checks of recs, the rows of a Checker; plain: it
// has no ledger (nothing but the rows decides).
func NewReplay(recs []source.Record, plain bool) *Replay {
	return &Replay{recs: recs, plain: plain}
}

// Passes over the rows, whose checks are kept apart: the plan's preparer
// does not match rows with the customers TMS has; the produce pass's
// does.
const (
	PassPlan = iota
	PassProduce
	passes
)

// Replay stands in for reading and checking the rows when a Checker
// runs: it keeps each row's own check (preparer.check) per pass and
// hands the rows to be settled as CheckRows does.
type Replay struct {
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
func (p *Replay) Forget(i int) {
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
func (p *Replay) move(k keptCheck) {
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
func (p *Replay) Each(prep *Preparer, pass, skip int, fresh func() *validate.Validator, settled func([]item)) (n, hidden int) {
	kept, checks := p.kept[pass], p.checks[pass]
	if len(kept) != len(p.recs) {
		kept, checks = make([]keptCheck, len(p.recs)), make([]item, len(p.recs))
		p.kept[pass], p.checks[pass] = kept, checks
	}
	// The data rows and their sequence numbers, as DataRows gives them.
	rows := p.rows[:0]
	var stale []dataRow
	read := 0
	for i, rec := range p.recs {
		if BlankRecord(rec) {
			continue
		}
		read++
		if read == mapping.HeaderSearchRows {
			p.lead = i
		}
		if read <= skip || FormulaOnly(rec, prep.hdr) {
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
	checkOne := func(q *Preparer, d dataRow) {
		it := &checks[d.i]
		*it = item{Seq: d.seq, Rec: CloneRecord(p.recs[d.i])}
		q.Check(it)
		kept[d.i] = keptCheck{ok: true, taken: q.taken(d.seq), zeros: it.Checked.Zeros(), key: strings.ToUpper(it.Checked.Code())}
	}
	if workers := max(1, runtime.GOMAXPROCS(0)); len(stale) >= 4*BatchRows && workers > 1 {
		var wg sync.WaitGroup
		per := (len(stale) + workers - 1) / workers
		for part := range slices.Chunk(stale, per) {
			q := prep.Fork()
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
	produce := pass == PassProduce
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
	for start := 0; start < len(rows); start += BatchRows {
		b := rows[start:min(start+BatchRows, len(rows))]
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
				settler.Settle(it)
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
func (p *Preparer) taken(seq int) bool {
	if p.existing == nil {
		return false
	}
	_, ok := p.assigned[seq]
	return ok
}

// CloneRecord copies a record's cells: rows kept are their own.
func CloneRecord(rec source.Record) source.Record {
	rec.Cells = slices.Clone(rec.Cells)
	rec.NoValue = slices.Clone(rec.NoValue)
	return rec
}
