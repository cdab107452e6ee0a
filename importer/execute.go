package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/custimport/custimport/importer/internal/collect"
	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/mapping"
)

// resultsWriter is the results file being written.
type resultsWriter struct {
	w      results.Writer
	closed bool
}

// openResults creates the results file (a temporary file renamed into
// place at the end) and begins the ledger's record of the run.
func (r *run) openResults() error {
	if r.opts.NoResults {
		r.writer.w = noResults{}
		return nil
	}
	removeStaleTemps(r.out, r.log)
	create := func(o results.Options) (results.Writer, error) { return results.Create(r.out, o) }
	if r.opts.ResultsSheet != nil {
		create = r.opts.ResultsSheet
	}
	w, err := create(results.Options{TextColumns: r.in.lay.Text, Above: r.in.lay.Above(r.in.aboveHeader, r.in.headerLine),
		Private: r.in.encrypted})
	if err != nil {
		return err
	}
	r.writer.w = w
	r.closers = append(r.closers, func() {
		if !r.writer.closed {
			w.Abort()
		}
	})
	if err := w.WriteHeader(r.in.lay.Header); err != nil {
		return fmt.Errorf("writing %s: %w", r.out, err)
	}
	for _, rec := range r.in.subHeader {
		var cells []results.Cell
		for _, v := range r.in.lay.Plain(rec.Cells) {
			cells = append(cells, results.Cell{Value: v})
		}
		if err := w.WriteRow(cells); err != nil {
			return fmt.Errorf("writing %s: %w", r.out, err)
		}
	}
	if r.opts.DryRun {
		return nil
	}
	abs, _ := filepath.Abs(r.out)
	id, err := r.opts.Ledger.BeginRun(context.Background(), ledger.Run{Input: r.in.abs, InputSHA256: r.in.sha256,
		Sheet: r.in.sheet, Output: abs, Lineage: r.planned.lineage, PID: os.Getpid(), Started: r.start})
	if err != nil {
		return err
	}
	r.runID = id
	return nil
}

// execute runs the pipeline: a producer reads, prepares and decides each
// row; workers send the rows to send; the writer puts every row in the
// results in input order. No stage gives up on its own: even after Ctrl-C
// every row is read and reaches the results (as NOT_SENT), so none is
// missing from them. Every goroutine's error is a real one, returned.
func (r *run) execute(ctx context.Context) (Summary, error) {
	r.job.emit(Started{Input: r.opts.Input, Output: r.out, Sheet: r.in.sheet, HeaderLine: r.in.headerLine,
		Total: r.planned.total, DryRun: r.opts.DryRun})
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			r.stopped(ErrStoppedByUser)
		case <-finished:
		}
	}()
	// A row waiting for its turn when sending stops (TMS kept failing,
	// the ledger) is NOT_SENT at once, not after the wait.
	waits, endWaits := context.WithCancel(ctx)
	defer endWaits()
	go func() {
		select {
		case <-r.brake.Stopping():
			endWaits()
		case <-finished:
		}
	}()
	done := make(chan []*item, r.opts.Workers)
	var g errgroup.Group
	var readErr error
	var window chan struct{}
	if r.opts.DryRun {
		// Nothing is sent: the rows go straight to the writer, in batches.
		g.Go(func() error {
			defer close(done)
			var b []*item
			readErr = r.produce(ctx, func(it *item) {
				if b = append(b, it); len(b) == prepare.BatchRows {
					done <- b
					b = nil
				}
			})
			if len(b) > 0 {
				done <- b
			}
			return nil
		})
	} else {
		// The window bounds how many rows are between the checker and
		// the writer: the reorder buffer never holds more.
		window = make(chan struct{}, r.opts.Workers*4+16)
		jobs := make(chan *item, r.opts.Workers)
		g.Go(func() error {
			defer close(jobs)
			readErr = r.produce(ctx, func(it *item) {
				window <- struct{}{}
				jobs <- it
			})
			return nil
		})
		send := r.sendStage()
		g.Go(func() error {
			defer close(done)
			send.Pipe(ctx, waits, jobs, func(it *item) { done <- []*item{it} })
			return nil
		})
	}
	writeErr := r.collect(done, window)
	if err := g.Wait(); err != nil && writeErr == nil {
		writeErr = err
	}
	return r.finish(ctx, readErr, writeErr)
}

// sendStage is the stage that sends the rows of this run.
func (r *run) sendStage() *dispatch.Stage {
	return &dispatch.Stage{Sender: r.opts.Sender, Ledger: r.opts.Ledger, Texts: r.msg, Log: r.log, Brake: r.brake,
		Gate: &r.job.gate, Abort: r.abortCtx, EarlierCodes: r.planned.earlierCodes, Workers: r.opts.Workers,
		Source: dispatch.Source{Input: r.in.abs, Sheet: r.in.sheet, InputSHA256: r.in.sha256, Lineage: r.planned.lineage, RunID: r.runID},
		OnSending: func(line int, code string) {
			if r.job.listening() {
				r.job.emit(RowSending{Line: line, Code: code})
			}
		},
		OnRetry: func(line, attempt int, wait time.Duration, errorCode, message string) {
			r.job.emit(RowRetrying{Line: line, Attempt: attempt, Wait: wait, ErrorCode: errorCode, Message: message})
		},
	}
}

// produce reads every row, prepares and decides it, and queues it.
// Its error is the input's, after which no row is read.
func (r *run) produce(ctx context.Context, queue func(*item)) error {
	settled := func(items []item) {
		facts := r.decider.Lookup(ctx, items, false)
		r.decider.ResolveFedBack(r.prep, items, facts)
		for i := range items {
			it := &items[i]
			r.noteUnlabelled(it.Unlabelled)
			if it.Send && r.refused != nil {
				it.To(row.Move{Status: StatusNotSent, Message: r.msg.tooManyInvalid(r.refused)})
			}
			if it.Send {
				r.decider.Decide(it, facts)
			}
			if it.Send && ctx.Err() != nil {
				it.To(row.Move{Status: StatusNotSent, Message: r.msg.Interrupted()})
			}
			if r.job.checked != nil {
				r.job.checked(RowChecked{Line: it.Rec.Line, Status: it.Status(), Problems: it.Problems()})
			} else if r.job.listening() {
				r.job.emit(RowChecked{Line: it.Rec.Line, Status: it.Status(), Problems: it.Problems()})
			}
			queue(it)
		}
	}
	if p := r.job.replay; p != nil {
		_, r.hidden = p.Each(r.prep, prepare.PassProduce, r.in.hdr.Last+1, r.newValidator, settled)
		return nil
	}
	if r.planned.total > 0 {
		r.prep.Reserve(r.planned.total) // the first pass counted them
	}
	rows := r.rowsAfterHeader()
	defer func() { r.hidden = rows.Hidden() }()
	return prepare.CheckRows(rows, r.prep, true, settled)
}

// collect writes finished rows in input order, counts them and tells
// the subscribers. Each row frees a place in window, if any. After a
// write fails nothing more is written; its error is returned.
func (r *run) collect(done <-chan []*item, window <-chan struct{}) error {
	var writeErr error
	var w results.Writer
	if !r.opts.NoResults {
		w = r.writer.w
	}
	col := collect.New(w, r.in.lay, r.in.nextLine, r.msg, r.log)
	defer func() { r.sum.SharedCodes = col.Shared() }()
	tell := r.newTeller()
	defer tell.last()
	for finished := range done {
		for _, it := range finished {
			ready, err := col.Add(it)
			if err != nil {
				// Nothing more is sent once its outcome cannot be written.
				writeErr = err
				r.brake.Stop(fmt.Errorf("%w: %s: %w", dispatch.ErrResults, r.out, writeErr))
			}
			for _, it := range ready {
				r.count(it)
				if r.job.checked == nil { // a Checker's run tells nothing else
					tell.row(it.Result())
				}
				if window != nil {
					<-window
				}
				it.Release() // written and counted: its memory may hold another row
			}
		}
	}
	return writeErr
}

// count adds a written row to the summary.
func (r *run) count(it *item) {
	res := it.Result()
	r.sum.add(res, errorKeys(it))
	if res.Status == StatusFailed && strings.Contains(res.Message, dispatch.HintSep) {
		r.refusals.add(res.ErrorCode, dispatch.TMSSaid(res.Message))
	}
	if it.Decision.Unchanged && res.Status == StatusOK {
		r.sum.Unchanged++
	}
}

// finish closes the results and the ledger's record of the run and
// returns the summary with the run's error, if any.
func (r *run) finish(ctx context.Context, readErr, writeErr error) (Summary, error) {
	sum := &r.sum
	if ctx.Err() != nil {
		sum.Interrupted = true
	}
	if r.opts.RateReport != nil && !r.opts.DryRun {
		sum.RateSettled = r.opts.RateReport()
	}
	sum.Started, sum.Duration = r.start, time.Since(r.start)
	sum.InputSHA256 = r.in.sha256
	if sum.Rows == 0 && readErr == nil && !sum.Interrupted {
		// A nightly export that came out empty is worth a look, not a
		// failure: say so where the summary is read.
		sum.Warnings = append(sum.Warnings, r.msg.noDataRows(r.in.headerLine))
		r.log.Warn("the file has a header but no data rows", "header_line", r.in.headerLine)
	}
	if r.in.encrypted {
		sum.Warnings = append(sum.Warnings, r.msg.plainResults())
	}
	if r.hidden > 0 {
		sum.Warnings = append(sum.Warnings, r.msg.hiddenRows(r.hidden, r.opts.SkipHidden))
	}
	if sum.SharedCodes > 0 {
		sum.Warnings = append(sum.Warnings, r.msg.sharedCodes(sum.SharedCodes))
	}
	for _, col := range r.unlabelled.sorted() {
		sum.Warnings = append(sum.Warnings, r.msg.unlabelledColumn(mapping.ColumnName(col)))
	}
	r.existingWarnings()
	// Rows refused for the request itself: one line per code, naming
	// the setting, where the summary is read (and on the page).
	for _, c := range r.refusals.codes() {
		sum.Warnings = append(sum.Warnings, probe.RowsHint(c.code, c.said, c.rows, r.msg.lang))
	}
	c := r.decider.Counts
	sum.WouldSettle, sum.WouldHold, sum.WillCreate, sum.MayCreate = c.WouldSettle, c.WouldHold, c.WillCreate, c.MayCreate
	if c.WouldHold > 0 || c.WouldSettle > 0 {
		sum.Warnings = append(sum.Warnings, r.msg.wouldNotSend(c.WouldSettle, c.WouldHold))
	}
	if writeErr != nil {
		return *sum, fmt.Errorf("writing %s: %w", r.out, writeErr)
	}
	if err := r.brake.Reason(); err != nil {
		sum.Interrupted = true
		sum.Stopped = err.Error()
		sum.StopErr = err
		if be := (*BusyError)(nil); errors.As(err, &be) {
			sum.BusyWait = be.Wait
		}
	}
	if err := r.writer.w.WriteSummary(summarySheet(*sum, r.msg)); err != nil {
		return *sum, fmt.Errorf("writing %s: %w", r.out, err)
	}
	r.writer.closed = true
	if err := r.writer.w.Close(); err != nil {
		return *sum, fmt.Errorf("writing %s: %w", r.out, err)
	}
	var runErr error
	switch {
	case readErr != nil:
		runErr = &ReadError{Err: readErr, Summary: *sum}
	case r.brake.FatalErr() != nil:
		runErr = r.brake.FatalErr()
	case r.refused != nil:
		runErr = r.refused
	}
	if err := r.endRun(ExitCode(*sum, runErr)); err != nil {
		return *sum, err
	}
	return *sum, runErr
}

// endRun puts the last outcomes on disk and closes the run's record: a
// failure means a later run may not know them (creates would be UNKNOWN),
// so it is an error.
func (r *run) endRun(exitCode int) error {
	if r.opts.DryRun {
		return nil
	}
	counts := map[string]int{}
	for st, n := range r.sum.Counts {
		counts[string(st)] = n
	}
	ctx := context.Background()
	if err := r.opts.Ledger.EndRun(ctx, r.runID, counts, exitCode); err != nil {
		return fmt.Errorf("recording the run in the ledger: %w", err)
	}
	if err := r.opts.Ledger.Flush(ctx); err != nil {
		return fmt.Errorf("recording the outcomes in the ledger: %w", err)
	}
	return nil
}

// stopped tells the subscribers, once, that sending stopped early.
func (r *run) stopped(err error) {
	r.stopOnce.Do(func() { r.job.emit(Stopped{Err: err}) })
}

// teller sends the events of finished rows: each row, the running count
// a few times a second, and the rate when it changes.
type teller struct {
	r        *run
	done     int
	counts   map[Status]int
	lastTell time.Time
	rate     float64
}

// progressEvery is how often a Progress event is sent at most.
const progressEvery = 200 * time.Millisecond

func (r *run) newTeller() *teller { return &teller{r: r, counts: map[Status]int{}} }

func (t *teller) row(res Result) {
	t.done++
	t.counts[res.Status]++
	if t.r.job.listening() {
		t.r.job.emit(RowFinished{Result: res})
	}
	if t.r.opts.DryRun && t.done%64 != 0 {
		return // a check's rows come fast: the clock is read every 64
	}
	if now := time.Now(); now.Sub(t.lastTell) >= progressEvery {
		t.lastTell = now
		t.progress()
	}
}

func (t *teller) progress() {
	if rep := t.r.opts.RateReport; rep != nil && !t.r.opts.DryRun {
		if rate := rep(); rate != t.rate {
			t.rate = rate
			t.r.job.emit(RateChanged{PerSecond: rate})
		}
	}
	counts := make(map[Status]int, len(t.counts))
	for k, v := range t.counts {
		counts[k] = v
	}
	t.r.job.emit(Progress{Done: t.done, Total: t.r.planned.total, Counts: counts, Elapsed: time.Since(t.r.start)})
}

// last sends the final count.
func (t *teller) last() { t.progress() }

// noteUnlabelled remembers the columns that hold data under no header
// text (the second half of a merged header cell): they are not imported,
// and the summary says so once per column.
func (r *run) noteUnlabelled(cols []int) {
	for _, col := range cols {
		if col < len(r.in.hdr.Columns) { // beyond the header: the row's own error
			r.unlabelled.add(col)
		}
	}
}

// columnSet is a set of column indexes.
type columnSet map[int]bool

func (s *columnSet) add(col int) {
	if *s == nil {
		*s = columnSet{}
	}
	(*s)[col] = true
}

func (s columnSet) sorted() []int {
	out := make([]int, 0, len(s))
	for c := range s {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}
