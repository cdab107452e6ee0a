package importer

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/plan"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/ledger"
)

// Ledger is what a run needs of the tenant's ledger; *ledger.DB is the
// real one. Reads are the ledger's knowledge before the run; the writes
// follow the send contract: a create is claimed (on disk) before its
// request leaves, and every outcome is recorded after.
type Ledger interface {
	Candidates(ctx context.Context) ([]ledger.Create, error)
	CreatedWithCode(ctx context.Context, ccode string) ([]ledger.Create, error)
	Codes(ctx context.Context, ccodes []string) (map[string]ledger.Code, error)
	Padded(ctx context.Context, digits []string) (map[string][]ledger.Code, error)
	Existing(ctx context.Context) (ledger.ExistingList, bool, error)
	LineageOf(ctx context.Context, path string) (string, error)
	HasRun(ctx context.Context, lineage string) (bool, error)
	BeginRun(ctx context.Context, r ledger.Run) (int64, error)
	EndRun(ctx context.Context, id int64, counts map[string]int, exitCode int) error
	Claim(ctx context.Context, c ledger.Create) (int64, error)
	Settle(id int64, state, ccode, errorCode, message string) error
	Release(id int64) error
	SendingCode(ccode, fingerprint string, names ledger.Names, runID int64) error
	Accepted(ccode, fingerprint string, runID int64) error
	Failed(ccode string) error
	Flush(ctx context.Context) error
}

var _ Ledger = (*ledger.DB)(nil)

// planResult is what the first pass over the file found: how many rows
// there are, and which earlier creates the rows without a code match.
type planResult struct {
	total    int // data rows, -1 when not counted (a dry-run without ledger)
	lineage  string
	assigned map[int]decide.Assignment
	// earlierCodes are the codes TMS gave the creates of earlier runs
	// (dispatch.Stage.EarlierCodes).
	earlierCodes map[string]bool
}

// plan reads the whole file once before anything is sent: a broken line
// stops the run first, the progress report gets a total, and the rows
// are matched to the ledger's earlier creates strongest match first
// across the whole file (decide.Assign). Only rows that touch an earlier
// create are kept, so memory follows the ledger, not the file. It also
// reads the list of the customers TMS has, which the second pass matches
// the rows the ledger's own rule did not take with.
func (r *run) plan(ctx context.Context) error {
	r.planned = planResult{total: -1}
	defer func() {
		// The second pass matches rows with the customers TMS has, and
		// decides them with what the first found.
		r.prep.MatchExisting(r.existing, r.planned.assigned, r.opts.UpdateExisting)
		if r.decider != nil {
			r.decider.Assigned, r.decider.Lineage = r.planned.assigned, r.planned.lineage
		}
	}()
	// A run stopped at once still writes every row's result: its reads
	// of the ledger go on.
	ctx = context.WithoutCancel(ctx)
	l := r.opts.Ledger
	if l == nil {
		// A dry-run with no ledger: nothing to match but a list given.
		err := r.loadExisting(ctx, nil)
		r.decider = r.newDecider()
		return err
	}
	lineage, err := l.LineageOf(ctx, r.in.abs)
	if err != nil {
		return err
	}
	r.planned.lineage = lineage
	if r.opts.OnlyFailed && r.in.lay.Status < 0 {
		if ok, err := l.HasRun(ctx, lineage); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("%s: %w (no run of it in the ledger, and it is not a results file)", r.opts.Input, ErrNoEarlierRun)
		}
	}
	creates, err := l.Candidates(ctx)
	if err != nil {
		return err
	}
	if err := r.loadExisting(ctx, creates); err != nil {
		return err
	}
	r.decider = r.newDecider()
	r.planned.earlierCodes = earlierCodes(creates)
	ix := decide.NewIndex(creates)
	var touching []decide.Row
	var invalid, customers int
	n, err := r.scan(func(p *prepare.Preparer, items []item) {
		if r.in.lay.Status >= 0 {
			// A results file: its codes Excel shortened are read as TMS's.
			r.decider.ResolveFedBack(p, items, r.decider.Lookup(ctx, items, true))
		}
		for i := range items {
			it := &items[i]
			switch it.Status() {
			case StatusInvalid:
				invalid++
				customers++
			case StatusSkipped: // totals and sign-off rows are not customers
			default:
				customers++
			}
			if it.Send && !ix.Empty() {
				if row := plan.DecideRow(it, lineage); ix.Touches(row) {
					// Kept to the end of the pass: its own copies, not
					// pieces of the chunks the reader's cells share.
					row.Code, row.TaxID, row.Name, row.ShortName = strings.Clone(row.Code), strings.Clone(row.TaxID), strings.Clone(row.Name), strings.Clone(row.ShortName)
					touching = append(touching, row)
				}
			}
		}
	})
	if err != nil {
		return err
	}
	if n >= collectAfterRows && r.job.replay == nil {
		// The pass's validator is garbage now, and with it the codes it
		// saw, whose table lives outside the heap until a collection
		// finds them unreachable. The second pass reserves a table as
		// big at its start: collect now, so that the two are not
		// resident at once.
		runtime.GC()
	}
	r.planned.total = n
	r.planned.assigned = ix.Assign(touching)
	if b := r.opts.MaxInvalid; !r.opts.DryRun && b.Exceeded(invalid, customers) {
		r.refused = &TooManyInvalidError{Invalid: invalid, Rows: customers, Budget: b}
	}
	return nil
}

// collectAfterRows is the size of a file from which the first pass's
// codes are collected before the second pass (plan): a megabyte of
// table or so, below which a collection costs more than it frees.
const collectAfterRows = 100_000

// earlierCodes are the codes TMS gave the creates of earlier runs.
func earlierCodes(creates []ledger.Create) map[string]bool {
	codes := map[string]bool{}
	for _, c := range creates {
		if c.State == ledger.Created && c.CCODE != "" {
			codes[c.CCODE] = true
		}
	}
	return codes
}

// newDecider returns the stage that decides the rows of a pass over the
// file, once the customers TMS has are known.
func (r *run) newDecider() *plan.Stage {
	s := &plan.Stage{Existing: r.existing, DryRun: r.opts.DryRun, Rules: r.decisionOptions(), Texts: r.msg,
		AsOf: r.asOf(), CodeColumn: r.prep.CodeColumn(), Brake: r.brake}
	if r.opts.Ledger != nil {
		s.Codes = r.opts.Ledger
	}
	return s
}

// scan reads the input from its start with a preparer of its own and
// calls fn for each batch of data rows, with that preparer; it returns
// the number of data rows.
func (r *run) scan(fn func(*prepare.Preparer, []item)) (int, error) {
	if p := r.job.replay; p != nil {
		prep := r.prep.With(r.newValidator())
		n, _ := p.Each(prep, prepare.PassPlan, r.in.hdr.Last+1, r.newValidator, func(items []item) { fn(prep, items) })
		return n, nil
	}
	src, err := r.openSource()
	if err != nil {
		return 0, err
	}
	defer src.Close()
	prep := r.prep.With(r.newValidator())
	rows := r.rowsFrom(src)
	err = prepare.CheckRows(rows, prep, false, func(items []item) { fn(prep, items) })
	return rows.Seq(), err
}
