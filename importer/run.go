// Package importer owns the import pipeline: it reads rows from a source,
// maps them onto fields, validates them, sends the valid ones through a
// rate-limited worker pool, and writes every row's outcome to a results
// sheet in input order. The demo, the CLI's import and check commands and
// the nightly folder mode are all callers of Run.
//
//	file ─► source.Reader ─► mapping.Header ─► validate ─► send pool ─► reorder ─► results.Writer
//
// Memory follows workers, not rows: the stages are joined by bounded
// channels and the reorder buffer holds at most a window of rows.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/custimport/custimport/importer/journal"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// Sender sends one payload to TMS; *tms.Sender is the real one. Right
// before its first request for a row it must call tms.BeforeFirst(ctx)
// (where the journal records the row) and not send if that fails.
type Sender interface {
	Send(ctx context.Context, main tms.Main, idempotent bool) tms.Outcome
}

var _ Sender = (*tms.Sender)(nil)

// Progress is told about the run as it goes; nil means no progress report.
type Progress interface {
	Start(total int) // total rows, or -1 when not known
	Row(r Result)
	Finish()
}

// Options configure one import.
type Options struct {
	Input string // the CSV or XLSX file
	// Out is the results file; "" writes <input>.results.xlsx (XLSX input)
	// or <input>.results.csv (CSV input). Its extension picks the format.
	Out      string
	DryRun   bool // validate and write results, send nothing
	Source   source.Options
	Mapping  *mapping.File // nil: match headers by code, label and alias only
	Validate validate.Config
	Sender   Sender // required unless DryRun
	Workers  int    // concurrent requests; default 4
	// RateReport, when set, tells the send rate the pool settled at.
	RateReport func() float64
	Progress   Progress
	Logger     *slog.Logger
	// Journal keeps <out>.journal: every request recorded, synced to
	// disk, before it is sent and after its outcome, so a run stopped by
	// anything (Ctrl-C, a crash, kill -9, a power cut) is resumed by running
	// it again without creating a customer twice. Sending runs only.
	Journal bool
	// Fresh archives an existing journal and starts anew.
	Fresh bool
	// ResendUnknown resends auto-numbered creates whose outcome an earlier
	// run could not know (the user checked TMS: they do not exist).
	ResendUnknown bool
	// OnlyFailed requires a record of an earlier run (a journal or a
	// results file as input) and sends only the rows it does not show OK.
	OnlyFailed bool
	// MaxConsecutiveFailures stops sending after this many rows in a row
	// got no answer from TMS (down, wrong URL, certificate): the rest are
	// NOT_SENT instead of each retrying for minutes. 0 means
	// DefaultMaxConsecutiveFailures, negative never stops.
	MaxConsecutiveFailures int
	// AbortCtx, when cancelled, aborts requests in flight (a second
	// Ctrl-C). Cancelling Run's ctx only stops taking new rows; requests
	// in flight finish. nil: in-flight requests always finish.
	AbortCtx context.Context
}

// DefaultOut returns the default results path for an input file and the
// sheet chosen with --sheet ("" for the default sheet or a CSV): each
// chosen sheet gets its own results, and so its own journal.
func DefaultOut(input, sheet string) string {
	ext := filepath.Ext(input)
	base := strings.TrimSuffix(input, ext)
	if sheet != "" {
		base += "." + safeName(sheet)
	}
	if strings.HasSuffix(strings.TrimSuffix(base, "."+safeName(sheet)), ".results") {
		// A results file fed back in: never overwrite it.
		if strings.EqualFold(ext, ".csv") {
			return base + ".rerun.csv"
		}
		return base + ".rerun.xlsx"
	}
	if strings.EqualFold(ext, ".csv") || strings.EqualFold(ext, ".txt") || strings.EqualFold(ext, ".tsv") {
		return base + ".results.csv"
	}
	return base + ".results.xlsx"
}

// ErrImportResults is returned by a dry-run whose results file holds the
// results of an import (a journal is beside it, or its ImportStatus
// column has statuses only sending gives).
var ErrImportResults = errors.New("holds the results of an import, which a check would replace")

// ReadError is returned when the input cannot be read to its end. Rows
// before the problem were processed and their results written.
type ReadError struct {
	Err     error
	Summary Summary
}

func (e *ReadError) Error() string { return e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// item is one data row travelling through the pipeline.
type item struct {
	seq     int
	rec     source.Record
	outcome validate.Outcome
	extra   []validate.Problem // problems the importer itself finds
	send    bool               // valid and to be sent
	hash    string             // the payload's hash, for the journal
	// maybeApplied: an earlier run sent this row and got no answer, so
	// TMS may have applied it.
	maybeApplied bool
	res          Result
}

// Run imports one file. The returned error is about the run as a whole
// (unreadable file, bad header, results not writable); row problems are in
// the results and the Summary.
func Run(ctx context.Context, opts Options) (Summary, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if !opts.DryRun && opts.Sender == nil {
		return Summary{}, errors.New("importer: no Sender for a run that sends")
	}
	out := opts.Out
	if out == "" {
		out = DefaultOut(opts.Input, opts.Source.Sheet)
	}
	if sameFile(out, opts.Input) {
		return Summary{}, fmt.Errorf("the results file %s would overwrite the input: choose another --out", out)
	}
	if opts.DryRun {
		// An import's results are its record: the codes TMS gave. A check
		// must not replace them with VALID rows (fed back later, they
		// would be created again).
		if _, err := os.Stat(out + ".journal"); err == nil {
			return Summary{}, importResultsErr(out)
		}
	}
	if opts.Validate.Defaults == nil && opts.Mapping != nil {
		opts.Validate.Defaults = opts.Mapping.Defaults
	}
	if opts.Validate.DateFormats == nil && opts.Mapping != nil {
		opts.Validate.DateFormats = opts.Mapping.DateFormats
	}
	validator, err := validate.New(opts.Validate)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Input: opts.Input, Output: out, Counts: map[Status]int{}, Errors: map[string]int{}, DryRun: opts.DryRun}
	msg := messages(opts.Validate.Lang)

	// A run that sends first reads the whole file once: a broken line is
	// found before anything is sent, and the progress report gets a total.
	total := -1
	if !opts.DryRun {
		n, err := countRows(opts.Input, opts.Source)
		if err != nil {
			return sum, err
		}
		total = n
	}

	src, err := source.Open(opts.Input, opts.Source)
	if err != nil {
		return sum, err
	}
	defer src.Close()
	if x, ok := src.(interface{ Sheet() string }); ok {
		sum.Sheet = x.Sheet()
	}

	var lead []source.Record
	for len(lead) < mapping.HeaderSearchRows {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
		lead = append(lead, rec)
	}
	if len(lead) == 0 {
		return sum, fmt.Errorf("%s: %w", opts.Input, source.ErrEmptyFile)
	}
	rows := make([][]string, len(lead))
	for i, r := range lead {
		rows[i] = r.Cells
	}
	hdr, err := mapping.FindHeader(rows, opts.Mapping)
	if err != nil {
		return sum, fmt.Errorf("%s: header row: %w", opts.Input, err)
	}
	headerLine := lead[hdr.Row].Line
	if hdr.Row > 0 {
		log.Info("header found below title rows", "line", headerLine)
	}
	lead = lead[hdr.Row+1:]
	if total >= 0 {
		total -= hdr.Row + 1
	}
	lay := newLayout(hdr)
	if opts.DryRun && lay.status < 0 && holdsImport(out) {
		// Results of an import run without a journal. (When the input is
		// itself a results file, the statuses in out may be its own,
		// copied: a check's.)
		return sum, importResultsErr(out)
	}
	// Unknown columns: one warning each, up to a point; a sheet with
	// thousands of them gets one line for the rest.
	const listUnknown = 10
	unknown := hdr.Unknown()
	for i, c := range unknown {
		if i == listUnknown {
			sum.Warnings = append(sum.Warnings, msg.moreUnknownColumns(len(unknown)-listUnknown))
			log.Warn("more unknown columns kept in the results, not imported", "count", len(unknown)-listUnknown)
			break
		}
		sum.Warnings = append(sum.Warnings, msg.unknownColumn(mapping.ColumnName(c.Index), c.Header))
		log.Warn("unknown column kept in the results, not imported", "column", mapping.ColumnName(c.Index), "header", c.Header)
	}

	var jr *journal.Journal
	var prior *journal.State
	if !opts.DryRun {
		release, err := Lock(opts.Input)
		if err != nil {
			return sum, err
		}
		defer release()
	}
	if !opts.DryRun && opts.Journal {
		removeStaleTemps(out, log)
		hash, err := journal.HashFile(opts.Input)
		if err != nil {
			return sum, err
		}
		if err := adoptJournal(out, opts, sum.Sheet, log); err != nil {
			return sum, err
		}
		jr, prior, err = openJournal(out+".journal", journalIdentity(hash, sum.Sheet), opts, log)
		if err != nil {
			return sum, err
		}
		defer jr.Close()
	}
	if opts.OnlyFailed && lay.status < 0 && (prior == nil || (len(prior.Rows) == 0 && prior.Earlier == nil)) {
		return sum, fmt.Errorf("--only-failed: nothing records an earlier run of %s (no journal %s.journal and no ImportStatus column)", opts.Input, out)
	}
	resume := newResumeRules(prior, jr, opts.ResendUnknown, msg)
	_, csvInput := src.(*source.CSVReader)
	prep := &preparer{hdr: hdr, lay: lay, v: validator, msg: msg, resendUnknown: opts.ResendUnknown,
		unescape: csvInput && lay.status >= 0}

	if err := checkReplaceable(out); err != nil {
		return sum, err
	}
	w, err := results.Create(out, results.Options{})
	if err != nil {
		return sum, err
	}
	closed := false
	defer func() {
		if !closed {
			w.Abort()
		}
	}()
	if err := w.WriteHeader(lay.header); err != nil {
		return sum, fmt.Errorf("writing %s: %w", out, err)
	}

	progress := opts.Progress
	if progress == nil {
		progress = nopProgress{}
	}
	progress.Start(total)

	sendCtx := opts.AbortCtx
	if sendCtx == nil {
		sendCtx = context.WithoutCancel(ctx)
	}
	// The first interrupt stops new attempts and waits; requests in
	// flight finish unless AbortCtx ends too.
	sendCtx = tms.WithStop(sendCtx, ctx.Done())

	// A journal that cannot be written stops the run: nothing more is sent
	// without its record. So does a TMS that keeps not answering.
	brake := &halt{limit: opts.MaxConsecutiveFailures}
	if brake.limit == 0 {
		brake.limit = DefaultMaxConsecutiveFailures
	}
	setFailed := brake.stop

	// The window bounds how many rows are between the reader and the
	// writer: the reorder buffer never holds more.
	window := make(chan struct{}, opts.Workers*4+16)
	jobs := make(chan *item, opts.Workers)
	done := make(chan *item, opts.Workers)
	// No stage gives up on its own: even after Ctrl-C every row is read and
	// reaches the results (as NOT_SENT), so none is missing from them.
	var g errgroup.Group

	var readErr error
	g.Go(func() error {
		defer close(jobs)
		seq := 0
		emit := func(rec source.Record) {
			if formulaOnly(rec, hdr) {
				return // blank but for formulas, without results, in columns not imported
			}
			window <- struct{}{}
			it := &item{seq: seq, rec: rec}
			seq++
			prep.prepare(it)
			if it.send && !opts.DryRun {
				if err := resume.apply(it); err != nil {
					brake.stop(err)
				}
			}
			if opts.DryRun {
				it.send = false
			}
			if it.send && ctx.Err() != nil {
				it.send = false
				it.res = Result{Line: rec.Line, Status: StatusNotSent, Message: msg.interrupted()}
			}
			jobs <- it
		}
		for _, rec := range lead {
			emit(rec)
		}
		for {
			rec, err := src.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				readErr = err
				return nil
			}
			emit(rec)
		}
	})

	var workers sync.WaitGroup
	for range opts.Workers {
		workers.Add(1)
		g.Go(func() error {
			defer workers.Done()
			for it := range jobs {
				if it.send {
					if ctx.Err() != nil {
						it.res = Result{Line: it.rec.Line, Status: StatusNotSent, Message: msg.interrupted()}
					} else if err := brake.reason(); err != nil {
						it.res = Result{Line: it.rec.Line, Status: StatusNotSent, Message: msg.notSent(err), Warnings: it.res.Warnings}
					} else {
						it.res = sendJournaled(sendCtx, opts.Sender, jr, it, msg, setFailed)
						brake.observe(it.res)
					}
				}
				done <- it
			}
			return nil
		})
	}
	go func() {
		workers.Wait()
		close(done)
	}()

	var writeErr error
	pending := map[int]*item{}
	next := 0
	for it := range done {
		pending[it.seq] = it
		for {
			it, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if writeErr == nil {
				if writeErr = w.WriteRow(lay.cells(it)); writeErr != nil {
					// Nothing more is sent once its outcome cannot be written.
					brake.stop(fmt.Errorf("writing %s: %w", out, writeErr))
				}
			}
			sum.add(it.res, errorKeys(it))
			progress.Row(it.res)
			<-window
		}
	}
	if err := g.Wait(); err != nil && writeErr == nil {
		writeErr = err
	}
	progress.Finish()
	if ctx.Err() != nil {
		sum.Interrupted = true
	}
	if opts.RateReport != nil && !opts.DryRun {
		sum.RateSettled = opts.RateReport()
	}
	sum.Duration = time.Since(start)
	if sum.Rows == 0 && readErr == nil && !sum.Interrupted {
		// A nightly export that came out empty is worth a look, not a
		// failure: say so where the summary is read.
		sum.Warnings = append(sum.Warnings, msg.noDataRows(headerLine))
		log.Warn("the file has a header but no data rows", "header_line", headerLine)
	}
	if writeErr != nil {
		return sum, fmt.Errorf("writing %s: %w", out, writeErr)
	}
	if err := brake.reason(); err != nil {
		sum.Interrupted = true
		sum.Stopped = err.Error()
	}
	if err := w.WriteSummary(summarySheet(sum, msg)); err != nil {
		return sum, fmt.Errorf("writing %s: %w", out, err)
	}
	closed = true
	if err := w.Close(); err != nil {
		return sum, fmt.Errorf("writing %s: %w", out, err)
	}
	if jr != nil {
		// The last outcomes reach the disk here: a failure means a later
		// run may not know them (creates would be UNKNOWN), so say so.
		if err := jr.Close(); err != nil {
			return sum, fmt.Errorf("closing the journal: %w", err)
		}
	}
	if readErr != nil {
		return sum, &ReadError{Err: readErr, Summary: sum}
	}
	if err := brake.fatalErr(); err != nil {
		return sum, err
	}
	return sum, nil
}

func importResultsErr(out string) error {
	return fmt.Errorf("%s: %w; write the check elsewhere (--out FILE, or --results-dir DIR for a folder)", out, ErrImportResults)
}

// holdsImport reports whether the file at out is the results of an import
// (run without a journal): an ImportStatus column, in the rows where a
// header may be, with a status only sending gives below it.
func holdsImport(out string) bool {
	src, err := source.Open(out, source.Options{})
	if err != nil {
		return false
	}
	defer src.Close()
	col := -1
	for n := 0; ; n++ {
		rec, err := src.Read()
		if err != nil {
			return false
		}
		if col < 0 {
			if n >= mapping.HeaderSearchRows {
				return false
			}
			for i, c := range rec.Cells {
				if strings.TrimSpace(c) == mapping.ResultColumns[0] {
					col = i
				}
			}
			continue
		}
		if col < len(rec.Cells) {
			switch Status(strings.TrimSpace(rec.Cells[col])) {
			case StatusOK, StatusFailed, StatusUnknown, StatusNotSent:
				return true
			}
		}
	}
}

// formulaOnly reports whether a record is blank but for formulas without
// a saved result (NoValue) in columns that are not imported: a template's
// helper column filled down past the data. Such a row is skipped like a
// blank one.
func formulaOnly(rec source.Record, hdr mapping.Header) bool {
	if len(rec.NoValue) == 0 {
		return false
	}
	for _, c := range rec.Cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	for _, col := range rec.NoValue {
		if imported(hdr, col) {
			return false
		}
	}
	return true
}

// imported reports whether column col of the input feeds a field.
func imported(hdr mapping.Header, col int) bool {
	return col < len(hdr.Columns) && hdr.Columns[col].Field != nil && !hdr.Columns[col].Ignored
}

// countRows reads the input once to its end, so a broken line stops the
// run before anything is sent. It returns the number of non-blank rows.
func countRows(path string, opts source.Options) (int, error) {
	src, err := source.Open(path, opts)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	n := 0
	for {
		_, err := src.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// preparer maps and validates rows, and recognises rows a results file
// (fed back as input) says an earlier run handled.
type preparer struct {
	hdr           mapping.Header
	lay           *layout
	v             *validate.Validator
	msg           catalogMessages
	resendUnknown bool
	// unescape undoes the formula guard of CSV results ('=1 → =1) when
	// a CSV results file is the input.
	unescape bool
}

// prepare maps and validates one row.
func (p *preparer) prepare(it *item) {
	hdr, lay, msg := p.hdr, p.lay, p.msg
	rec := it.rec
	if p.unescape {
		for i, c := range rec.Cells {
			if i != lay.status && len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
				rec.Cells[i] = c[1:]
			}
		}
	}
	cell := func(i int) string {
		if i >= 0 && i < len(rec.Cells) {
			return rec.Cells[i]
		}
		return ""
	}
	before := Status(strings.TrimSpace(cell(lay.status)))
	if before == StatusOK {
		it.res = Result{Line: rec.Line, Status: StatusOK, CCODE: strings.TrimSpace(cell(lay.ccode)), Warnings: msg.priorOK()}
		return
	}
	var values []validate.Value
	for _, c := range hdr.Fields() {
		values = append(values, validate.Value{Field: *c.Field, Column: c.Index, Text: cell(c.Index)})
	}
	it.outcome = p.v.Validate(rec.Line, values)
	for _, col := range rec.NoValue {
		// A formula whose result was never saved: its value is unknown,
		// which matters only in a column that is imported.
		if imported(hdr, col) {
			it.extra = append(it.extra, validate.Problem{Column: col, Severity: validate.Error,
				Message: msg.noFormulaValue(mapping.ColumnName(col) + strconv.Itoa(rec.Line))})
		}
	}
	if n := len(rec.Cells); n > len(hdr.Columns) {
		var extra []string
		for _, s := range rec.Cells[len(hdr.Columns):] {
			if strings.TrimSpace(s) != "" {
				extra = append(extra, fmt.Sprintf("%q", clip(s, 40)))
			}
		}
		if len(extra) > 0 {
			it.extra = append(it.extra, validate.Problem{Column: -1, Severity: validate.Error,
				Message: msg.ragged(n, len(hdr.Columns), clip(strings.Join(extra, ", "), 200))})
		}
	}
	errs, warns := joinProblems(it.outcome.Problems, it.extra)
	if errs != "" {
		it.res = Result{Line: rec.Line, Status: StatusInvalid, Message: errs, Warnings: warns}
		return
	}
	if before == StatusUnknown && it.outcome.Code == "" && !p.resendUnknown {
		// The results say an earlier run may have created this customer;
		// it stays UNKNOWN until the user fills in its code or checked TMS.
		it.res = Result{Line: rec.Line, Status: StatusUnknown, ErrorCode: "UNKNOWN", Message: msg.priorUnknown(), Warnings: warns}
		return
	}
	it.res = Result{Line: rec.Line, Status: StatusValid, CCODE: it.outcome.Code, Warnings: warns}
	it.send = true
}

func joinProblems(lists ...[]validate.Problem) (errs, warns string) {
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

// sendOne sends a valid row and turns the outcome into a result.
func sendOne(ctx context.Context, s Sender, it *item, msg catalogMessages) Result {
	res := Result{Line: it.rec.Line, Warnings: it.res.Warnings}
	idempotent := it.outcome.Code != ""
	o := s.Send(ctx, tms.Main(it.outcome.Payload), idempotent)
	res.Attempts = o.Attempts
	switch {
	case o.Unknown:
		res.Status = StatusUnknown
		res.Message = msg.unknown(o.Err)
	case o.Err != nil && o.Attempts == 0:
		res.Status = StatusNotSent
		res.Message = msg.notSent(o.Err)
	case errors.Is(o.Err, context.Canceled) && !idempotent:
		// Aborted (a second Ctrl-C) before TMS could have seen it: a
		// create that may have reached TMS is Unknown, handled above.
		res.Status = StatusNotSent
		res.Message = msg.interrupted()
	case errors.Is(o.Err, context.Canceled):
		// Aborted in flight: the row has a code, so resending is safe.
		res.Status = StatusFailed
		res.ErrorCode = "ABORTED"
		res.Message = msg.aborted()
	case o.Err != nil:
		res.Status = StatusFailed
		res.ErrorCode = localErrorCode(o.Err)
		res.Message = o.Err.Error()
	case o.Response.Status == "S":
		res.Status = StatusOK
		res.CCODE = o.Response.CCODE
		if res.CCODE == "" {
			res.CCODE = it.outcome.Code
		}
	default:
		if r, ok := existsAfterMaybe(it, o.Response, msg); ok {
			return r
		}
		res.Status = StatusFailed
		res.ErrorCode = o.Response.ErrorCode
		res.Message = o.Response.ErrorMessage
		if res.Message == "" {
			res.Message = msg.serverError(o.Response.ErrorCode)
		}
	}
	return res
}

// Local error codes of rows that got no answer from TMS.
const (
	codeNetwork = "NETWORK"
	codeTimeout = "TIMEOUT"
)

func isLocalErrorCode(code string) bool {
	return code == codeNetwork || code == codeTimeout || code == "ABORTED" || strings.HasPrefix(code, "HTTP")
}

// localErrorCode names failures that have no server ErrorCode.
func localErrorCode(err error) string {
	var te *tms.Error
	if errors.As(err, &te) && te.HTTPStatus != 0 {
		return "HTTP" + itoa(te.HTTPStatus)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return codeTimeout
	}
	return codeNetwork
}

// errorKeys names the errors of a row for the summary's per-error counts.
func errorKeys(it *item) []string {
	switch it.res.Status {
	case StatusInvalid:
		seen := map[string]bool{}
		var keys []string
		for _, ps := range [][]validate.Problem{it.outcome.Problems, it.extra} {
			for _, p := range ps {
				if p.Severity != validate.Error {
					continue
				}
				k := p.Field
				if f, ok := mapping.Lookup(p.Field); ok {
					k = f.Code + " " + f.Label
				}
				if k == "" {
					k = "row"
				}
				if !seen[k] {
					seen[k] = true
					keys = append(keys, "INVALID "+k)
				}
			}
		}
		return keys
	case StatusFailed:
		return []string{strings.TrimSpace("FAILED " + it.res.ErrorCode + " " + firstClause(it.res.Message))}
	case StatusUnknown:
		return []string{"UNKNOWN"}
	}
	return nil
}

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func firstClause(s string) string {
	if i := strings.IndexAny(s, ";:"); i > 0 {
		s = s[:i]
	}
	return clip(s, 60)
}

// safeName makes a sheet name usable in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

// checkReplaceable fails early, before anything is sent, when an existing
// results file cannot be replaced (on Windows: it is open in Excel).
func checkReplaceable(out string) error {
	f, err := os.OpenFile(out, os.O_WRONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("the results file %s cannot be written (is it open in Excel? close it first): %w", out, err)
	}
	return f.Close()
}

// removeStaleTemps deletes the temporary results files a killed run of
// this output left behind (results are written to a hidden temp file and
// renamed at the end). Called with the input's lock held.
func removeStaleTemps(out string, log *slog.Logger) {
	dir, base := filepath.Split(out)
	if dir == "" {
		dir = "."
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".*.tmp"))
	for _, p := range stale {
		if os.Remove(p) == nil {
			log.Info("removed the temporary results file of an interrupted run", "file", p)
		}
	}
}

func globEscape(s string) string {
	return strings.NewReplacer("*", `\*`, "?", `\?`, "[", `\[`, `\`, `\\`).Replace(s)
}

func sameFile(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

type nopProgress struct{}

func (nopProgress) Start(int)  {}
func (nopProgress) Row(Result) {}
func (nopProgress) Finish()    {}
