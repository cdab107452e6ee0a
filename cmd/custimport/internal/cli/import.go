package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	stdio "io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/progress"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/existing"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
	"github.com/custimport/custimport/mapping"
)

const importAbout = `Import customers from a CSV or XLSX file into TMS through /Cust/Add.
Every row ends in the results file with ImportStatus OK, FAILED, INVALID,
UNKNOWN or NOT_SENT (VALID/INVALID with --dry-run). The key comes from
TMS_API_KEY or --key-file, never from a flag.`

func runImport(ctx context.Context, io IO, args []string) int {
	return importCommand(ctx, io, "import", args, false)
}

func runCheck(ctx context.Context, io IO, args []string) int {
	return importCommand(ctx, io, "check", args, true)
}

// importCommand is import and check: check is import --dry-run. Flags,
// then settings, then the run (runImportOptions).
func importCommand(ctx context.Context, io IO, name string, args []string, check bool) int {
	return importCmd(io, name, check, runImportOptions)(ctx, args)
}

// importOptions are what one import or check runs with.
type importOptions struct {
	name   string        // import or check
	check  bool          // the check command (never sends)
	fs     *flag.FlagSet // the parsed flags
	config string        // --config ("" none)
	inputs []string      // the files or folders named
	run    runFlags      // the flags that are not settings
	// settings are the effective settings (set after the flags).
	settings settings.Settings
}

// runFlags are the import's flags that are not settings.
type runFlags struct {
	dryRun, verbose                      bool
	resendUnknown, resendAll, onlyFailed bool
	traceHTTP                            string // --trace-http FILE ("" none)
}

// importCmd returns import (or check) as three steps: its flags
// (importFlags), the settings they resolve to (loadSettings), and runF
// with both. Tests give their own runF to see what a command line makes.
func importCmd(io IO, name string, check bool, runF func(context.Context, IO, *importOptions) int) func(context.Context, []string) int {
	return func(ctx context.Context, args []string) int {
		o, code, ok := importFlags(io, name, args, check)
		if !ok {
			return code
		}
		if len(o.inputs) > 1 {
			return checkEach(ctx, io, o.fs, o.inputs)
		}
		var err error
		if o.settings, err = loadSettings(o.fs, o.config, io.Getenv); err != nil {
			return settingsFail(io, o.fs, "", err)
		}
		return runF(ctx, io, o)
	}
}

// importFlags parses import's (or check's) command line; ok false ends
// the command with code (--help, a usage error).
func importFlags(io IO, name string, args []string, check bool) (o *importOptions, code int, ok bool) {
	o = &importOptions{name: name, check: check, fs: newFlags(io, name, "FILE")}
	fs := o.fs
	flagged := settings.Default()
	settings.Register(fs, &flagged, !check)
	f := &o.run
	fs.BoolVar(&f.dryRun, "dry-run", check, "validate and write the results; send nothing")
	fs.StringVar(&o.config, "config", "", "config `FILE.yaml` (everything but the key)")
	fs.BoolVar(&f.verbose, "verbose", false, "log every request at debug level")
	fs.BoolVar(&f.resendUnknown, "resend-unknown", false, "send rows without a code held as UNKNOWN: an earlier create's outcome is unknown, or the row looks like a customer created before (check TMS first!)")
	fs.BoolVar(&f.resendAll, "resend-all", false, "send rows with a code even when TMS already accepted the same content (TMS was edited by hand)")
	fs.BoolVar(&f.onlyFailed, "only-failed", false, "refuse to run unless the ledger or a results file records an earlier run of the file")
	if !check {
		fs.StringVar(&f.traceHTTP, "trace-http", "", "write every request to TMS and its answer to `FILE` (JSON lines, mode 600; key and signature redacted, bodies cut at 4 KB), for the vendor's support")
	}
	if o.inputs, code, ok = parseFlags(fs, args); !ok {
		return nil, code, false
	}
	if check && !f.dryRun {
		return nil, fail(io, "check never sends anything: to send, use `custimport import`"), false
	}
	if len(o.inputs) == 0 || (len(o.inputs) > 1 && !check) {
		fs.Usage()
		return nil, fail(io, "%s: want one input file, got %d", name, len(o.inputs)), false
	}
	return o, 0, true
}

// runImportOptions runs the import (or check) of o's one input with its
// settings, and (an import) sends the notification the config asks for.
func runImportOptions(ctx context.Context, io IO, o *importOptions) int {
	s, f, input := o.settings, o.run, o.inputs[0]
	io.verbose = f.verbose
	if !f.dryRun {
		// An import that sends holds its heap near what it keeps live; a
		// check (dry run) within its goal without it spends the ~10 % more
		// CPU of the limit's collections on finishing sooner.
		defer limitMemory()()
	}
	log, err := newLogger(raw(io.Err), s.LogFormat, s.Lang, s.Quiet, f.verbose)
	if err != nil {
		return fail(io, "%v", err)
	}
	if s.LogFormat == "json" { // set in the config file
		io = jsonIO(io)
		defer flushJSON(io)
	}
	if f.dryRun {
		return runInput(ctx, io, s, log, input, f, nil)
	}
	rep := newRunReport(io, s, input)
	code := runInput(ctx, io, s, log, input, f, rep)
	sendNotification(ctx, io, s, rep.report(io, s.Lang, code))
	return code
}

// runInput imports (or checks) one file or folder. rep, when set, is
// told what happened, for the notification.
func runInput(ctx context.Context, io IO, s settings.Settings, log *slog.Logger, input string, f runFlags, rep *runReport) int {
	// A run refused before it starts (a setting, the key, the lock of
	// another run on the same TMS, Ctrl-C while waiting for it) ends
	// with the same last record as any run in JSON mode.
	refused := func(opts importer.Options, err error) int {
		subject := input
		if st, serr := os.Stat(input); serr == nil && st.IsDir() {
			subject = ""
		}
		exit := rep.fail(io, s.Lang, subject, err)
		if s.LogFormat == "json" {
			if st, serr := os.Stat(input); serr == nil && st.IsDir() {
				writeRecord(raw(io.Out), io.Now(), exit, "folder finished", folderSummary{Folder: input, Files: []folderFile{},
					Started: io.Now().Format(time.RFC3339), Finished: io.Now().Format(time.RFC3339), ExitCode: exit, Error: err.Error()})
			} else {
				writeRunRecord(raw(io.Out), opts, importer.Summary{}, exit, err)
			}
		}
		return exit
	}
	opts, err := s.Job(input)
	if err != nil {
		opts.Input = input
		return refused(opts, err)
	}
	opts.Hints = cliHints // the library's hints in the command line's words: its flags
	// An encrypted workbook's password: from the environment, else asked
	// for on a terminal; never a flag (it would show in ps).
	if opts.Source.Password, err = xlsxPassword(io, input, opts.Source); err != nil {
		return refused(opts, err)
	}
	opts.DryRun = f.dryRun
	opts.Logger = log
	opts.ResendUnknown, opts.ResendAll, opts.OnlyFailed = f.resendUnknown, f.resendAll, f.onlyFailed

	if !opts.DryRun {
		var trace *tms.Tracer
		if f.traceHTTP != "" {
			if sameFile(f.traceHTTP, input) {
				return refused(opts, newTextError("trace_is_input", f.traceHTTP))
			}
			tr, closeTrace, err := openTrace(io, f.traceHTTP, s.Lang)
			if err != nil {
				return refused(opts, err)
			}
			defer closeTrace()
			trace = tr
		}
		if err := attachSender(connection(s, io, log, trace), io, &opts); err != nil {
			return refused(opts, err)
		}
	}
	ctx, abort, release := withSignals(ctx, io, s.Lang)
	defer release()
	isDir := false
	if st, err := os.Stat(input); err == nil && st.IsDir() {
		isDir = true // folder mode tests the connection once it knows there are files
	}
	if !isDir && !opts.DryRun {
		// What can be told here comes first: a missing or unreadable
		// file is not a connection problem.
		if err := localFirst(s, input); err != nil {
			return refused(opts, err)
		}
		if err := connectionBeforeSending(ctx, io, s, opts); err != nil {
			return refused(opts, err)
		}
	}
	closeLedger, err := attachLedger(ctx, s, io, log, &opts)
	if err != nil {
		return refused(opts, err)
	}
	defer closeLedger()
	if isDir {
		if settings.SeveralSheets(s.Sheet) {
			return rep.fail(io, s.Lang, "", newTextError("sheet_in_folder", s.Sheet))
		}
		exit, fs := runFolder(ctx, abort, io, s, input, opts)
		rep.folder(fs)
		return exit
	}
	if settings.SeveralSheets(s.Sheet) {
		return runSheets(ctx, abort, io, s, opts, rep)
	}
	exit, sum, err := runOne(ctx, abort, io, s, opts)
	rep.file(opts, sum, exit, err)
	return exit
}

// connectionBeforeSending tests the connection before a file (or a
// workbook's sheets) is sent, as the page and folder mode do (precheck):
// when TMS refuses the settings or cannot be reached, nothing is sent, no
// ledger is opened and no results are written; the error (a
// *precheckError, already told) ends the run with exit 2.
func connectionBeforeSending(ctx context.Context, io IO, s settings.Settings, opts importer.Options) error {
	sender, ok := opts.Sender.(*tms.Sender)
	if opts.DryRun || !ok || sender.Client == nil || ctx.Err() != nil {
		return nil
	}
	if v, stop := precheck(ctx, io, s, sender.Client, opts.Logger, "stopNoteFile"); stop {
		return &precheckError{v}
	}
	return nil
}

// localFirst finds, before the connection test, what the run would
// refuse on this computer: an input it cannot open, a list of existing
// customers that is not there.
func localFirst(s settings.Settings, input string) error {
	f, err := os.Open(input)
	if err != nil {
		return err
	}
	f.Close()
	if s.ExistingCustomers != "" {
		if _, err := os.Stat(s.ExistingCustomers); err != nil {
			return &settingError{"existing_customers", s.ExistingCustomers, err}
		}
	}
	return nil
}

// precheckError is a run stopped by its connection test: the verdict's
// lines have been printed; the error's text (English) is for the logs.
type precheckError struct{ v probe.Verdict }

func (e *precheckError) Error() string {
	s := "connection test: " + e.v.Text("en")
	if e.v.Err != nil {
		s += ": " + e.v.Err.Error()
	}
	return s
}

// attachLedger opens the TMS's ledger for the run: locked for an import,
// read-only (when there is one) for a check; and keeps its list of
// existing customers the one existing_customers names (attachExisting).
func attachLedger(ctx context.Context, s settings.Settings, io IO, log *slog.Logger, opts *importer.Options) (func(), error) {
	c := connection(s, io, nil, nil)
	var db *ledger.DB
	var closeDB func()
	var err error
	if opts.DryRun {
		db, closeDB, err = c.PeekLedger(ctx, io.Getenv)
	} else {
		abs, _ := filepath.Abs(opts.Input)
		db, closeDB, err = c.OpenLedger(ctx, io.Getenv, abs)
	}
	if err != nil {
		return nil, err
	}
	if db != nil {
		opts.Ledger = db
	}
	if err := attachExisting(ctx, s, db, log, opts); err != nil {
		closeDB()
		return nil, err
	}
	return closeDB, nil
}

// attachExisting keeps the list of existing customers the settings name
// (existing_customers) current before a run: an import loads the file
// into the ledger when it changed since it was loaded; a check, which
// does not write the ledger (nor may have one), reads a changed file and
// matches with it.
func attachExisting(ctx context.Context, s settings.Settings, db *ledger.DB, log *slog.Logger, opts *importer.Options) error {
	path := s.ExistingCustomers
	if path == "" {
		return nil
	}
	eo := existing.Options{Source: source.Options{MaxBytes: s.MaxInputBytes()}, Mapping: opts.Mapping}
	if !opts.DryRun {
		rep, loaded, err := existing.Sync(ctx, db, path, eo)
		if err != nil {
			return &settingError{"existing_customers", path, err}
		}
		if loaded {
			log.Info("loaded the list of existing customers into the ledger", "file", path, "customers", len(rep.List.Customers),
				"as_of", rep.List.Info.AsOf.Format("2006-01-02"))
		}
		return nil
	}
	changed := true
	if db != nil {
		var err error
		if changed, err = existing.Changed(ctx, db, path); err != nil {
			return &settingError{"existing_customers", path, err}
		}
	}
	if !changed {
		return nil // the ledger's copy is the file's
	}
	rep, err := existing.Read(path, eo)
	if err != nil {
		return &settingError{"existing_customers", path, err}
	}
	opts.Existing = &rep.List
	log.Info("read the list of existing customers (a check does not load it into the ledger; an import will)", "file", path,
		"customers", len(rep.List.Customers))
	return nil
}

// attachSender builds the sender (client, retries, rate limit) from
// the connection and the key, and puts it into opts.
func attachSender(c connect.Settings, io IO, opts *importer.Options) error {
	if err := c.Check(); err != nil {
		return err
	}
	key, err := c.ReadKey(io.Getenv)
	if err != nil {
		return err
	}
	c.Key = key
	sending, err := c.NewSending()
	if err != nil {
		return err
	}
	sending.Apply(c, opts)
	return nil
}

// withSignals returns a context cancelled at the first interrupt (stop
// taking rows) and one cancelled at the second (abort requests in
// flight), and tells the user of each on io.Err (a JSON record in JSON
// mode).
func withSignals(ctx context.Context, io IO, lang string) (stopCtx, abort context.Context, release func()) {
	if io.Signals == nil {
		return ctx, ctx, func() {}
	}
	stopCtx, abort, stop := io.Signals(ctx)
	prefix := "\ncustimport: "
	if _, json := io.Err.(*jsonLines); json {
		prefix = "" // a notice (WARN), not a failure
		lang = "en" // for the logs, as every JSON record's msg
	}
	// tell writes the notice of each signal received, once; after the
	// run's end (release), nothing: its own end cancels the contexts too.
	var mu sync.Mutex
	ending, toldStop, toldAbort := false, false, false
	tell := func() {
		mu.Lock()
		defer mu.Unlock()
		if ending {
			return
		}
		if !toldStop && stopCtx.Err() != nil {
			toldStop = true
			fmt.Fprintf(io.Err, "%s%s\n", prefix, printer(lang).Sprint("cli.fatal.signal_stop"))
		}
		if toldStop && !toldAbort && abort.Err() != nil {
			toldAbort = true
			fmt.Fprintf(io.Err, "%s%s\n", prefix, printer(lang).Sprint("cli.fatal.signal_abort"))
		}
	}
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		for _, c := range []context.Context{stopCtx, abort} {
			select {
			case <-c.Done():
				tell()
			case <-done:
				return
			}
		}
	}()
	return stopCtx, abort, func() {
		tell() // a signal that came just before the end
		mu.Lock()
		ending = true
		mu.Unlock()
		close(done)
		<-ended
		stop()
	}
}

// runOne runs one import as a Job and reports it: a progress bar (or log
// lines) from its events, then the summary. The end of ctx (the first
// Ctrl-C) stops the job gracefully; the end of abort (the second) aborts
// the requests in flight.
func runOne(ctx, abort context.Context, io IO, s settings.Settings, opts importer.Options) (int, importer.Summary, error) {
	job := importer.NewJob(opts)
	if !s.Quiet {
		job.Subscribe(progress.New(io.Err, io.ErrIsTTY && s.LogFormat != "json", opts.Logger).Lang(s.Lang).Handle)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-abort.Done():
			job.Abort()
		case <-done:
		}
	}()
	sum, err := job.Run(ctx)
	exit := exitCode(sum, err)
	var readErr *importer.ReadError
	var tooMany *importer.TooManyInvalidError
	// A read error part way, or too many INVALID rows: every row read is
	// in the results, and the summary says what they are.
	partial := errors.As(err, &readErr) || errors.As(err, &tooMany)
	if err != nil && !partial {
		failOn(io, s.Lang, opts.Input, err)
	} else if s.LogFormat != "json" {
		printSummary(io.Out, sum, s)
	}
	if s.LogFormat == "json" {
		// One record per run, always (--quiet quiets only the human summary).
		writeRunRecord(raw(io.Out), opts, sum, exit, err)
	}
	switch {
	case readErr != nil:
		failOn(io, s.Lang, opts.Input, readErr.Err)
		fmt.Fprintf(io.Err, "  rows before it were processed; their results are in %s\n", sum.Output)
	case tooMany != nil:
		failErr(io, s.Lang, err)
	}
	writeSummaryJSON(io, s.Lang, s.SummaryJSON, opts, sum, exit, err)
	return exit, sum, err
}

// exitCode is the run's exit code: the importer's (the one the ledger
// records for the run).
func exitCode(sum importer.Summary, err error) int { return importer.ExitCode(sum, err) }

// printSummary writes the human summary of a run.
func printSummary(w stdio.Writer, sum importer.Summary, s settings.Settings) {
	lang := s.Lang
	label := func(code string, args ...any) string { return printer(lang).Sprint("cli.summary."+code, args...) }
	mode := label("import")
	if sum.DryRun {
		mode = label("check_nothing_sent")
	}
	fmt.Fprintf(w, "%s: %s\n", label("mode"), mode)
	fmt.Fprintf(w, "%s: %s", label("input"), shown(sum.Input))
	if sum.Sheet != "" {
		fmt.Fprintf(w, " [%s]", sum.Sheet)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s: %d", label("rows"), sum.Rows)
	for _, st := range importer.Statuses {
		if n := sum.Counts[st]; n > 0 {
			fmt.Fprintf(w, "  %s %d", st, n)
		}
	}
	fmt.Fprintln(w)
	for i, k := range sum.ErrorRanking() {
		if i == 10 {
			fmt.Fprintf(w, "  … %d %s\n", len(sum.Errors)-10, label("more_kinds_of_error"))
			break
		}
		fmt.Fprintf(w, "  %5d  %s\n", sum.Errors[k], k)
	}
	if len(sum.Examples) > 0 {
		fmt.Fprintln(w, label("rows_that_need_attention_the"))
		for _, r := range sum.Examples {
			text := r.Message
			if r.ErrorCode != "" {
				text = r.ErrorCode + " " + text
			}
			where := label("row_d", r.Line)
			fmt.Fprintf(w, "  %-9s %-8s %s\n", where, r.Status, msg.Clip(text, 160))
		}
	}
	if sum.Existing != nil {
		fmt.Fprintln(w, importer.ExistingLine(*sum.Existing, lang))
	}
	fmt.Fprintln(w, importer.WillCreateLine(sum.WillCreate, lang))
	if sum.MayCreate > 0 {
		fmt.Fprintf(w, "%s %d\n", label("rows_with_a_code_tms"), sum.MayCreate)
	}
	if n := sum.Errors["INVALID "+importer.ErrorExists]; n > 0 {
		hint := label("rows_matched_by_can_be")
		if s.UpdateExisting {
			hint = label("rows_matched_by_name_or")
		}
		fmt.Fprintf(w, "%s\n", label("exists_rows", n, hint))
	}
	for _, warn := range sum.Warnings {
		fmt.Fprintf(w, "%s: %s\n", label("warning"), warn)
	}
	if sum.DryRun {
		fmt.Fprintf(w, "%s: %s (%.0f %s)\n", label("duration"), sum.Duration.Round(10*time.Millisecond), sum.RowsPerSecond(), label("rows_s"))
	} else {
		fmt.Fprintf(w, "%s: %s (%s %d %s, %.1f %s)\n", label("duration"), sum.Duration.Round(10*time.Millisecond),
			label("sent"), sum.Sent, label("rows_2"), sum.RowsPerSecond(), label("rows_s"))
	}
	if sum.Requests >= 10 && sum.Duration >= time.Second {
		// Over fewer requests or less time, an average says nothing.
		fmt.Fprintf(w, "%s: %.1f req/s (%s %.1f req/s)\n", label("send_rate_reached"),
			float64(sum.Requests)/sum.Duration.Seconds(), label("the_limit_ended_at"), sum.RateSettled)
	}
	if n := sum.Previously - sum.Unchanged; n > 0 {
		fmt.Fprintf(w, "%s %d\n", label("rows_imported_by_an_earlier"), n)
	}
	if sum.Unchanged > 0 {
		fmt.Fprintf(w, "%s %d\n", label("rows_unchanged_since_tms_accepted"), sum.Unchanged)
	}
	if sum.Stopped != "" {
		fmt.Fprintf(w, "%s: %s\n", label("stopped_sending"), importer.StopMessage(sum.StopErr, printer(lang)))
		if hint := explanation(sum.StopErr, lang); hint != "" {
			fmt.Fprintf(w, "  → %s\n", hint)
		}
		if sum.BusyWait > 0 {
			fmt.Fprintf(w, "  %s %s\n", label("tms_kept_answering_busy_and"), importer.WaitText(sum.BusyWait, lang))
		}
	}
	switch {
	case !sum.Interrupted:
	case sum.DryRun:
		fmt.Fprintln(w, label("interrupted_the_check_did_not"))
	case sum.Counts[importer.StatusNotSent] > 0:
		fmt.Fprintln(w, label("interrupted_rows_not_sent_are"))
	}
	if sum.Counts[importer.StatusUnknown] > 0 {
		fmt.Fprintln(w, label("note_unknown_rows_may_have"))
	}
	if sum.Output != "" {
		fmt.Fprintf(w, "%s: %s\n", label("results"), shown(sum.Output))
	}
}

// summaryJSON is the machine-readable summary (--summary-json).
type summaryJSON struct {
	Input       string         `json:"input"`
	InputSHA256 string         `json:"input_sha256,omitempty"`
	Results     string         `json:"results"`
	DryRun      bool           `json:"dry_run"`
	Rows        int            `json:"rows"`
	Counts      map[string]int `json:"counts"`
	Errors      map[string]int `json:"errors"`
	Warnings    []string       `json:"warnings"`
	// Suggestions: unknown columns whose data looks like a field's.
	Suggestions []suggestionJSON `json:"suggestions,omitempty"`
	DurationSec float64          `json:"duration_seconds"`
	RowsPerSec  float64          `json:"rows_per_second"`
	Requests    int              `json:"requests"`
	RateSettled float64          `json:"rate_settled,omitempty"`
	Interrupted bool             `json:"interrupted"`
	Stopped     string           `json:"stopped,omitempty"`
	BusyWaitSec float64          `json:"busy_wait_seconds,omitempty"`
	SharedCodes int              `json:"shared_code_rows,omitempty"`
	Previously  int              `json:"previously_imported"`
	Unchanged   int              `json:"unchanged"`
	WillCreate  int              `json:"will_create"`
	MayCreate   int              `json:"may_create"`
	Existing    *existingJSON    `json:"existing_customers,omitempty"`
	ExitCode    int              `json:"exit_code"`
	Error       string           `json:"error,omitempty"`
}

// suggestionJSON is an unknown column whose data looks like a field's.
type suggestionJSON struct {
	Column  string `json:"column"` // A, B, …
	Header  string `json:"header"`
	Field   string `json:"field"`
	Example string `json:"example"`
}

// existingJSON describes the list of existing customers a run matched with.
type existingJSON struct {
	Source string `json:"source"`
	Count  int    `json:"count"`
	AsOf   string `json:"as_of"`
	Stale  bool   `json:"stale"`
}

func writeSummaryJSON(io IO, lang, path string, opts importer.Options, sum importer.Summary, exit int, runErr error) {
	if path == "" {
		return
	}
	data, _ := json.MarshalIndent(newSummaryJSON(opts, sum, exit, runErr), "", "  ")
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		failErr(io, lang, &textError{code: "summary_unwritable", args: []any{path}, err: err})
	}
}

// writeRunRecord writes the run's JSON log record (--log-format json): the
// summary's fields with the log's time, level and msg.
func writeRunRecord(w stdio.Writer, opts importer.Options, sum importer.Summary, exit int, runErr error) {
	writeRecord(w, time.Now(), exit, "run finished", newSummaryJSON(opts, sum, exit, runErr))
}

func newSummaryJSON(opts importer.Options, sum importer.Summary, exit int, runErr error) summaryJSON {
	out := summaryJSON{
		Input: opts.Input, Results: writtenResults(sum.Output), DryRun: opts.DryRun, Rows: sum.Rows,
		Counts: map[string]int{}, Errors: sum.Errors, Warnings: sum.Warnings,
		DurationSec: sum.Duration.Seconds(), RowsPerSec: sum.RowsPerSecond(), Requests: sum.Requests,
		RateSettled: sum.RateSettled, Interrupted: sum.Interrupted, ExitCode: exit,
		Stopped: sum.Stopped, Previously: sum.Previously, Unchanged: sum.Unchanged,
		BusyWaitSec: sum.BusyWait.Seconds(), SharedCodes: sum.SharedCodes,
	}
	out.WillCreate, out.MayCreate = sum.WillCreate, sum.MayCreate
	if e := sum.Existing; e != nil {
		out.Existing = &existingJSON{Source: e.Source, Count: e.Count, AsOf: e.AsOf.Format("2006-01-02"), Stale: sum.ExistingStale}
	}
	for _, sg := range sum.Suggestions {
		out.Suggestions = append(out.Suggestions, suggestionJSON{Column: mapping.ColumnName(sg.Column), Header: sg.Header, Field: sg.Field, Example: sg.Example})
	}
	out.InputSHA256 = sum.InputSHA256
	if out.InputSHA256 == "" {
		out.InputSHA256, _ = importer.HashFile(opts.Input)
	}
	for st, n := range sum.Counts {
		out.Counts[string(st)] = n
	}
	if out.Errors == nil {
		out.Errors = map[string]int{}
	}
	if runErr != nil {
		out.Error = runErr.Error()
	}
	return out
}

// checkEach checks several files, one after the other, each with its
// own results beside it; the exit code is the worst of theirs.
func checkEach(ctx context.Context, io IO, fs *flag.FlagSet, files []string) int {
	set := flagsSet(fs)
	for _, one := range []string{"out", "summary-json"} {
		if set[one] {
			return fail(io, "check: --%s names one file: with several files use --results-dir, or check their folder (check DIR --summary-json PATH)", one)
		}
	}
	// The flags given, as parsed, for each file's own check.
	var flags []string
	fs.Visit(func(f *flag.Flag) { flags = append(flags, "--"+f.Name+"="+f.Value.String()) })
	worst := ExitOK
	for _, f := range files {
		fmt.Fprintf(io.Out, "== %s\n", shown(f))
		worst = max(worst, runCheck(ctx, io, append(slices.Clip(flags), f)))
	}
	return worst
}

// writtenResults is out when a results file is there, else "": a run that
// could not start names no results.
func writtenResults(out string) string {
	if _, err := os.Stat(out); err != nil {
		return ""
	}
	return out
}

// The summary's words are registered in the one catalog (namespace "cli.summary").
var _ = msg.Register("cli.summary", msg.Table{
	"exists_rows":                       {"%d 列是 TMS 已有的客戶 (EXISTS),未送出:把代號填入客戶代號欄;%s", "%d rows are customers TMS already has (EXISTS), not sent: put their codes in; %s"},
	"check_nothing_sent":                {"檢查 (未送出任何資料)", "check (nothing sent)"},
	"duration":                          {"耗時", "Duration"},
	"import":                            {"匯入", "import"},
	"input":                             {"輸入", "Input"},
	"interrupted_rows_not_sent_are":     {"已中斷: 未送出的列標為 NOT_SENT,重新執行同一指令即可續傳", "Interrupted: rows not sent are marked NOT_SENT; run the same command again to resume"},
	"interrupted_the_check_did_not":     {"已中斷: 檢查未完成,請重新執行", "Interrupted: the check did not finish; run it again"},
	"mode":                              {"模式", "Mode"},
	"more_kinds_of_error":               {"種其他錯誤", "more kinds of error"},
	"note_unknown_rows_may_have":        {"注意: UNKNOWN 的列可能已在 TMS 建立,請先查詢 TMS 再重新匯入", "Note: UNKNOWN rows may have been created in TMS: check TMS before re-running them"},
	"results":                           {"結果檔", "Results"},
	"row_d":                             {"第 %d 列", "row %d"},
	"rows":                              {"資料列", "Rows"},
	"rows_2":                            {"列", "rows"},
	"rows_imported_by_an_earlier":       {"先前已匯入、本次未再送出的列:", "Rows imported by an earlier run, not sent again:"},
	"rows_matched_by_can_be":            {"依統編相符的列,也可加上 --update-existing 改為更新", "rows matched by 統編 can be sent as updates with --update-existing"},
	"rows_matched_by_name_or":           {"依名稱相符、或統編有多位客戶的列,須自行填入代號", "rows matched by name, or by a 統編 of several customers, need their codes filled in"},
	"rows_s":                            {"列/秒", "rows/s"},
	"rows_that_need_attention_the":      {"需處理的列 (前幾筆,完整內容見結果檔):", "Rows that need attention (the first few; all are in the results):"},
	"rows_unchanged_since_tms_accepted": {"內容與 TMS 上次接受的相同、未再送出的列:", "Rows unchanged since TMS accepted them, not sent again:"},
	"rows_with_a_code_tms":              {"有代號、TMS 可能還沒有的列 (沒有既有客戶清單,無法確定;見 custimport ledger load-existing):", "Rows with a code TMS may not have yet (no list of existing customers to tell; see custimport ledger load-existing):"},
	"send_rate_reached":                 {"實際送出速率", "Send rate reached"},
	"sent":                              {"送出", "sent"},
	"stopped_sending":                   {"已停止送出", "Stopped sending"},
	"the_limit_ended_at":                {"速率上限最終為", "the limit ended at"},
	"tms_kept_answering_busy_and":       {"TMS 一直回覆「忙碌」,要求等待", "TMS kept answering busy and asked to wait"},
	"warning":                           {"警告", "Warning"},
})
