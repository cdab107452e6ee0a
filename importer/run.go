// Package importer owns the import pipeline: it reads rows from a source,
// maps them onto fields, validates them, decides with the tenant's ledger
// which rows to send, sends those through a rate-limited worker pool, and
// writes every row's outcome to a results sheet in input order. A Job is
// one such run: it can be paused, resumed, stopped or aborted, and tells
// its subscribers what happens as typed events (events.go). The CLI's
// import and check commands, the folder mode and the local web page are
// all subscribers of Jobs; a Checker checks rows held in memory again
// after some changed.
//
//	file ─► prepare (read, map, check, settle) ─► plan (ledger's rules) ─► dispatch (send pool) ─► collect (reorder, results.Writer)
//	                                                   ▲                        │
//	                                                   └──────── ledger ◄───────┘ (claim before, record after)
//
// This package is the facade and the conductor: Options, Job, events,
// Summary, the input's opening and header, the two passes over the file
// and the summary's words (the catalog's "importer" and "existing"
// tables). The stages live in importer/internal, each behind narrow
// types of its own: prepare, plan, dispatch and collect; a row moves
// from one state to the next only through row.Item.To (importer/internal/row).
//
// Reading, checking and writing run on different goroutines: rows are
// read in batches, checked on every processor, and settled (what depends
// on earlier rows) and decided in file order. A check hands the batches
// straight to the writer; an import sends row by row.
//
// Memory follows workers, not rows: the stages are joined by bounded
// channels and the reorder buffer holds at most a window of rows. It does
// not know flags, configuration files or where the ledger lives.
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

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/internal/plan"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// Sender sends one payload to TMS; *tms.Sender is the real one. The
// worker calls Ready (the rate limit), then records its claim in the
// ledger, then Send, whose first request goes at once: a Sender cannot
// send anything the ledger has not recorded first.
type Sender = dispatch.Sender

// Options configure one import.
type Options struct {
	// Input is the CSV or XLSX file; with Data, the upload's file name.
	Input string
	// Data, when set, is the input's content (Size bytes): an upload, read
	// instead of a file. Out is then required. The ledger names the input
	// "upload:" + Input.
	Data io.ReaderAt
	Size int64
	// Out is the results file; "" writes <input>.results.xlsx (XLSX input)
	// or <input>.results.csv (CSV input). Its extension picks the format.
	Out      string
	DryRun   bool // validate and write results, send nothing
	Source   source.Options
	Mapping  *mapping.File // nil: match headers by code, label and alias only
	Validate validate.Config
	// Hints are the front end's words for what a user can do about a
	// message (msg.Hint: the command line's flag, the page's checkbox);
	// nil: the catalog's neutral words. The library never names a flag.
	Hints  map[msg.Hint]msg.Text
	Sender Sender // required unless DryRun
	// Ledger is the tenant's memory: required to send (the caller holds
	// the tenant's lock for the run); optional in a dry-run, which then
	// says what the import would settle or hold.
	Ledger  Ledger
	Workers int // concurrent requests; 0 means DefaultWorkers
	// RateReport, when set, tells the send rate the pool settled at.
	RateReport func() float64
	Logger     *slog.Logger
	// ResendUnknown sends auto-numbered creates held as UNKNOWN: an
	// earlier create's outcome is unknown, or the row looks like an
	// earlier create (the user checked TMS: it is another customer).
	ResendUnknown bool
	// ResendAll sends rows with a code even when TMS already accepted
	// the same content (TMS was edited by hand).
	ResendAll bool
	// OnlyFailed requires a record of an earlier run of this file (in the
	// ledger, or a results file as input).
	OnlyFailed bool
	// MaxConsecutiveFailures stops sending after this many rows in a row
	// got no answer from TMS (down, wrong URL, certificate): the rest are
	// NOT_SENT instead of each retrying for minutes. 0 means
	// DefaultMaxConsecutiveFailures, negative never stops.
	MaxConsecutiveFailures int
	// SkipHidden leaves out the rows hidden in Excel (by hand, or
	// filtered out); by default they are imported, with a warning.
	SkipHidden bool
	// MaxInvalid, when set, sends nothing when the first pass over the
	// file finds more INVALID rows than it allows: every row that would
	// have been sent is NOT_SENT and Run returns a *TooManyInvalidError
	// (the results are written). Dry-runs ignore it.
	MaxInvalid Budget
	// ResultsSheet, when set, makes the results sheet instead of a file
	// at Out: a sheet of a workbook the caller owns and closes
	// (results.XLSXBook), one per input sheet of a run over several.
	// Out still names that workbook (the ledger and the summary say it).
	ResultsSheet func(results.Options) (results.Writer, error)
	// Existing is the list of the customers TMS already has, to match
	// rows with; nil: the ledger's (ledger load-existing), if any.
	Existing *ledger.ExistingList
	// UpdateExisting sends a row without a code that has the 統一編號 of
	// one existing customer as an update of that customer; otherwise it
	// is INVALID (EXISTS), as is one of the same name.
	UpdateExisting bool
	// ExistingMaxAge: a list of existing customers older than this gets
	// a warning; 0 means DefaultExistingMaxAge.
	ExistingMaxAge time.Duration
	// ResultsFormat is the format of the default results file (Out ""):
	// "xlsx" (the default) or "csv".
	ResultsFormat string
	// Rows, when set, is where the rows come from instead of a file:
	// another program's rows, or a page's edited grid. Input then only
	// names them (in messages; the ledger names them "rows:" + Input).
	// Rows returns a reader of the rows from the first, each with the
	// row number the user sees (source.Record.Line, going up); a reader
	// with a Sheet() string method names its sheet. A run calls it once
	// per pass over the rows: a check without a Ledger reads them once,
	// a run with one twice (RecordRows serves rows held in memory).
	Rows func() (source.Reader, error)
	// NoResults makes a dry-run write no results file: the rows'
	// verdicts are its RowChecked events, the rest its Summary. Out is
	// then not used.
	NoResults bool
}

// DefaultWorkers is how many requests a run has in flight when Options
// do not say.
const DefaultWorkers = 4

// SheetOut is the results file of one sheet of a run over several when
// the results are CSV (one file per sheet): out with the sheet's name
// before its extension ("名單.results.csv" → "名單.results.北區.csv").
func SheetOut(out, sheet string) string {
	ext := filepath.Ext(out)
	return strings.TrimSuffix(out, ext) + "." + safeName(sheet) + ext
}

// DefaultOut returns the default results path for an input file and the
// sheet chosen with --sheet ("" for the default sheet or a CSV): an XLSX
// workbook (DefaultOutAs with the default format).
func DefaultOut(input, sheet string) string { return DefaultOutAs(input, sheet, "") }

// Results formats (Options.ResultsFormat).
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// DefaultOutAs returns the default results path for an input file, the
// sheet chosen with --sheet ("" for the default sheet or a CSV) and a
// results format ("" or "xlsx": <stem>.results.xlsx, whatever the input:
// text cells keep their leading zeros when the results are opened and
// saved in Excel; "csv": <stem>.results.csv). A results file fed back
// gets <stem>.results.rerun.<ext> (then rerun2, rerun3…), never
// overwriting itself nor growing .results.results. An input whose stem
// another importable file beside it shares (a.csv beside a.xlsx) keeps
// its extension in the name (a.csv.results.xlsx) unless it is of the
// results' own format, so the two never write one results file.
func DefaultOutAs(input, sheet, format string) string {
	ext := filepath.Ext(input)
	stem := strings.TrimSuffix(input, ext)
	outExt := ".xlsx"
	if strings.EqualFold(format, FormatCSV) {
		outExt = ".csv"
	}
	sheetPart := ""
	if sheet != "" {
		sheetPart = "." + safeName(sheet)
	}
	if root, n, ok := resultsStem(stem); ok {
		rerun := ".rerun"
		if n > 0 {
			rerun += itoa(n + 1)
		}
		return root + ".results" + sheetPart + rerun + outExt
	}
	if !strings.EqualFold(ext, outExt) && siblingExists(stem, ext) {
		stem += ext
	}
	return stem + sheetPart + ".results" + outExt
}

// checkFormat checks a results format.
func checkFormat(format string) error {
	switch strings.ToLower(format) {
	case "", FormatXLSX, FormatCSV:
		return nil
	}
	return fmt.Errorf("results format %q: want xlsx or csv", format)
}

// resultsStem recognises the stem of a results file: root.results (n 0),
// root.results.rerun (n 1) or root.results.rerunN (n N).
func resultsStem(stem string) (root string, n int, ok bool) {
	if r, found := strings.CutSuffix(stem, ".results"); found {
		return r, 0, true
	}
	i := strings.LastIndex(stem, ".results.rerun")
	if i < 0 {
		return "", 0, false
	}
	tail := stem[i+len(".results.rerun"):]
	if tail == "" {
		return stem[:i], 1, true
	}
	if k, err := strconv.Atoi(tail); err == nil && k > 1 {
		return stem[:i], k, true
	}
	return "", 0, false
}

// siblingExists reports whether another importable file of the same
// stem is beside the input.
func siblingExists(stem, ext string) bool {
	for _, other := range []string{".csv", ".tsv", ".txt", ".xlsx", ".xlsm"} {
		if strings.EqualFold(other, ext) {
			continue
		}
		if _, err := os.Stat(stem + other); err == nil {
			return true
		}
	}
	return false
}

// ErrImportResults is returned by a dry-run whose results file holds the
// results of an import (its ImportStatus column has statuses only sending
// gives).
var ErrImportResults = errors.New("holds the results of an import, which a check would replace")

// ErrNoEarlierRun is returned with OnlyFailed when nothing records an
// earlier run of the file.
var ErrNoEarlierRun = errors.New("only the failed rows: nothing records an earlier run of this file")

// ErrDamagedRows is returned when a workbook's row numbers repeat or go
// backwards: rows cannot be told apart, so nothing is sent.
var ErrDamagedRows = prepare.ErrDamagedRows

// ReadError is returned when the input cannot be read to its end. Rows
// before the problem were processed and their results written.
type ReadError struct {
	Err     error
	Summary Summary
}

func (e *ReadError) Error() string { return e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// run is one Run's state, shared by its stages.
type run struct {
	job        *Job
	abortCtx   context.Context // ends only when the job is aborted
	stopOnce   sync.Once       // the Stopped event is sent once
	opts       Options
	log        *slog.Logger
	msg        catalogMessages
	out        string
	start      time.Time
	sum        Summary
	in         input
	prep       *prepare.Preparer
	planned    planResult
	writer     resultsWriter
	brake      *dispatch.Halt
	runID      int64
	closers    []func()
	unlabelled columnSet // columns with data under no header text
	hidden     int       // hidden rows read (or left out, with SkipHidden)
	// decider decides the rows of the pass over the file (plan.Stage): its
	// Counts are the summary's.
	decider *plan.Stage
	// refused is set by plan when the file has more INVALID rows than
	// MaxInvalid allows: nothing is sent.
	refused  *TooManyInvalidError
	refusals refusals // rows TMS refused for the request itself
	// existing are the customers TMS has (the list and the ledger's
	// creates); nil when there is neither.
	existing *decide.ExistingIndex
}

func newRun(j *Job, opts Options) (*run, error) {
	r := &run{job: j, abortCtx: context.Background(), opts: opts, start: time.Now(), log: opts.Logger, msg: messagesWith(opts.Validate.Lang, opts.Hints)}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.opts.Workers <= 0 {
		r.opts.Workers = DefaultWorkers
	}
	r.out = opts.Out
	if r.out == "" && !opts.NoResults {
		r.out = DefaultOutAs(opts.Input, opts.Source.Sheet, opts.ResultsFormat)
	}
	r.sum = Summary{Input: opts.Input, Output: r.out, Counts: map[Status]int{}, Errors: map[string]int{}, DryRun: opts.DryRun}
	switch {
	case opts.NoResults && !opts.DryRun:
		return r, errors.New("importer: only a dry-run can do without a results file (NoResults)")
	case opts.Rows != nil && opts.Data != nil:
		return r, errors.New("importer: the rows come from Rows or Data, not both")
	case !opts.DryRun && opts.Sender == nil:
		return r, errors.New("importer: no Sender for a run that sends")
	case (opts.Data != nil || opts.Rows != nil) && opts.Out == "" && !opts.NoResults:
		return r, errors.New("importer: rows not read from a file (Data, Rows) need Out, the results file, or NoResults")
	case !opts.DryRun && opts.Ledger == nil:
		return r, errors.New("importer: no Ledger for a run that sends (it is what keeps customers from being created twice)")
	case checkFormat(opts.ResultsFormat) != nil:
		return r, checkFormat(opts.ResultsFormat)
	case !opts.NoResults && sameFile(r.out, opts.Input):
		return r, fmt.Errorf("the results file %s would overwrite the input: choose another results file", r.out)
	}
	if r.opts.Validate.Defaults == nil && opts.Mapping != nil {
		r.opts.Validate.Defaults = opts.Mapping.Defaults
	}
	if r.opts.Validate.DateFormats == nil && opts.Mapping != nil {
		r.opts.Validate.DateFormats = opts.Mapping.DateFormats
	}
	if opts.DryRun && opts.Ledger == nil {
		// Nothing is sent nor matched to a ledger: no payload is needed.
		r.opts.Validate.NoPayload = true
	}
	if _, err := validate.New(r.opts.Validate); err != nil {
		return r, err
	}
	limit := opts.MaxConsecutiveFailures
	if limit == 0 {
		limit = DefaultMaxConsecutiveFailures
	}
	r.brake = dispatch.NewHalt(limit, r.stopped)
	return r, nil
}

func (r *run) close() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
}

// newValidator returns a fresh validator (it remembers the codes seen:
// each pass over the file needs its own).
func (r *run) newValidator() *validate.Validator {
	v, _ := validate.New(r.opts.Validate) // checked in newRun
	return v
}

func sameFile(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

// decisionOptions are the rules' options of this run.
func (r *run) decisionOptions() decide.Options {
	return decide.Options{ResendUnknown: r.opts.ResendUnknown, ResendAll: r.opts.ResendAll}
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
