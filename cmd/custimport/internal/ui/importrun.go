package ui

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/tms/probe"
)

// importRun is one import started from the page. Its fields change from
// the job's goroutines: read them with snapshot.
type importRun struct {
	checkOf  int // the check whose rows it sends
	cancel   context.CancelFunc
	finished chan struct{}

	mu sync.Mutex
	// job is the job running: the shown sheet's, then each other sheet
	// ticked (sheets), one after another.
	job *importer.Job
	// sheets are the sheets of a run over several ("" when one); sheetAt
	// is the one running, from 0. base is what the sheets before it did.
	sheets   []string
	sheetAt  int
	base     runTotals
	stopped  bool // 停止 was pressed: the sheets after it are not sent
	paused   bool
	done     bool
	total    int
	rows     int
	sent     int // rows sent (a request left for them)
	counts   map[importer.Status]int
	elapsed  time.Duration
	results  map[int]importer.Result
	stopErr  error
	warnings []string // the summary's warnings, once finished
	errMsg   string   // the import could not run: why
	out      string   // the results workbook
	outName  string   // its name for the download
	watchers map[chan struct{}]struct{}
}

// importSnap is a copy of an importRun's state for rendering.
type importSnap struct {
	Paused, Done  bool
	Total, Rows   int
	Sent          int
	Counts        map[importer.Status]int
	Elapsed       time.Duration
	StopErr       error
	Warnings      []string
	ErrMsg        string
	OutName       string
	HasResultFile bool
	Sheet         string // the sheet running, of a run over several
	SheetAt       int    // its number, from 1
	Sheets        int    // how many sheets the run imports (0: one)
}

// runTotals is what the finished sheets of a run over several did.
type runTotals struct {
	rows, sent int
	counts     map[importer.Status]int
	elapsed    time.Duration
	warnings   []string
}

func (ir *importRun) snapshot() importSnap {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	c := make(map[importer.Status]int, len(ir.counts))
	for k, v := range ir.counts {
		c[k] = v
	}
	s := importSnap{Paused: ir.paused, Done: ir.done, Total: ir.total, Rows: ir.rows, Sent: ir.sent, Counts: c, Elapsed: ir.elapsed,
		StopErr: ir.stopErr, Warnings: ir.warnings, ErrMsg: ir.errMsg, OutName: ir.outName}
	if len(ir.sheets) > 0 {
		s.Sheet, s.SheetAt, s.Sheets = ir.sheets[ir.sheetAt], ir.sheetAt+1, len(ir.sheets)
	}
	if ir.done && ir.out != "" {
		if _, err := os.Stat(ir.out); err == nil {
			s.HasResultFile = true
		}
	}
	return s
}

// result is a row's final result, if the import finished it.
func (ir *importRun) result(line int) (importer.Result, bool) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	r, ok := ir.results[line]
	return r, ok
}

// watch returns a channel told of every change, and its release.
func (ir *importRun) watch() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	ir.mu.Lock()
	ir.watchers[ch] = struct{}{}
	ir.mu.Unlock()
	return ch, func() {
		ir.mu.Lock()
		delete(ir.watchers, ch)
		ir.mu.Unlock()
	}
}

// notify tells the watchers; ir.mu is held.
func (ir *importRun) notify() {
	for ch := range ir.watchers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// stop stops the run: the job running, and the sheets after it.
func (ir *importRun) stop() {
	ir.mu.Lock()
	ir.stopped = true
	j := ir.job
	ir.mu.Unlock()
	j.Resume() // a paused job stops at once
	j.Stop()
}

// currentJob is the job running.
func (ir *importRun) currentJob() *importer.Job {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	return ir.job
}

// on is the job's subscriber. Of a run over several sheets, the grid
// shows the first (the sheet on the page): only its rows' results are
// kept; the counts are of every sheet.
func (ir *importRun) on(ev importer.Event) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	b := ir.base
	switch e := ev.(type) {
	case importer.Started:
		ir.total = e.Total
	case importer.RowFinished:
		if ir.sheetAt == 0 {
			ir.results[e.Result.Line] = e.Result
		}
		if e.Result.Attempts > 0 {
			ir.sent++
		}
		return
	case importer.Progress:
		ir.rows, ir.elapsed = b.rows+e.Done, b.elapsed+e.Elapsed
		if e.Total >= 0 {
			ir.total = b.rows + e.Total
		}
		for k, v := range e.Counts {
			ir.counts[k] = b.counts[k] + v
		}
	case importer.Paused:
		ir.paused = true
	case importer.Resumed:
		ir.paused = false
	case importer.Stopped:
		ir.stopErr = e.Err
	case importer.Finished:
		ir.done = len(ir.sheets) == 0 // a run over several is done when its workbook is
		ir.rows = b.rows + e.Summary.Rows
		ir.sent = b.sent + e.Summary.Sent
		ir.elapsed = b.elapsed + e.Summary.Duration
		ir.warnings = append(slices.Clone(b.warnings), e.Summary.Warnings...)
		ir.counts = map[importer.Status]int{}
		for k, v := range b.counts {
			ir.counts[k] = v
		}
		for k, v := range e.Summary.Counts {
			ir.counts[k] += v
		}
		if e.Summary.Interrupted && ir.stopErr == nil {
			ir.stopErr = e.Summary.StopErr
		}
		counts := maps.Clone(ir.counts)
		ir.base = runTotals{rows: ir.rows, sent: ir.sent, counts: counts, elapsed: ir.elapsed, warnings: ir.warnings}
	default:
		return
	}
	ir.notify()
}

// leftOver is how many rows a finished import left to send again:
// NOT_SENT (stopped before them) and FAILED (TMS refused them, or they
// could not be sent), and UNKNOWN with resendUnknown. A run of the same
// check sends only those: the ledger settles the rows TMS took and holds
// the UNKNOWN ones unless told to send them again. 0 while it runs, and
// when it could not run at all.
func (ir *importRun) leftOver(resendUnknown bool) int {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if !ir.done {
		return 0
	}
	n := ir.counts[importer.StatusNotSent] + ir.counts[importer.StatusFailed]
	if resendUnknown {
		n += ir.counts[importer.StatusUnknown]
	}
	return n
}

// startImport starts the import of the checked file; ss.mu is held. It
// returns a message for the page when the import cannot start.
func (ss *session) startImport() string {
	u := ss.file
	switch {
	case u == nil || !u.check.done || u.check.counts[importer.StatusValid] == 0:
		return ss.t("needRows")
	case ss.importing():
		return ss.t("busy")
	case ss.imp != nil && ss.imp.checkOf == u.check.id && ss.imp.snapshot().Done && ss.imp.leftOver(ss.resendUnknown) == 0:
		return ss.t("imported") // every row has its answer: a run would send nothing
	}
	if msg := ss.connProblem(); msg != "" {
		return msg
	}
	mf, err := ss.mappingFile()
	if err != nil {
		return ss.t("badMapping")
	}
	data, sheet, err := u.content()
	if err != nil {
		return fileMessage(ss.lang, err)
	}
	dir, err := os.MkdirTemp(ss.srv.tmp, "import-")
	if err != nil {
		return ss.t("tempFailed")
	}
	also := ss.alsoSheets(u)
	outName := resultsName(u.name, u.sheet, u.sheets)
	if len(also) > 0 {
		outName = resultsName(u.name, "", nil) // one workbook, a sheet each
	}
	opts := ss.jobOptions(u, data, sheet, mf, filepath.Join(dir, outName))
	sending, err := ss.conn.NewSending()
	if err != nil {
		return ss.t("connBad", err.Error())
	}
	sending.Apply(ss.conn, &opts)
	// The other sheets ticked: read from the upload as it came (the
	// page's edits are of the sheet shown), the same columns chosen.
	var more []importer.Options
	for _, name := range also {
		o := ss.jobOptions(u, u.data, name, mf, opts.Out)
		sending.Apply(ss.conn, &o)
		more = append(more, o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, closeDB, err := ss.conn.OpenLedger(ctx, ss.srv.cfg.Getenv, "upload:"+u.name)
	if err != nil {
		cancel()
		if errors.Is(err, ledger.ErrLocked) {
			return ss.t("ledgerBusy")
		}
		ss.srv.log.Error("opening the ledger", "err", err)
		if errors.Is(err, ledger.ErrLost) {
			return ss.t("ledgerLost")
		}
		if errors.Is(err, ledger.ErrUnreachable) {
			return ss.t("ledgerUnreachable")
		}
		return ss.t("ledgerBad")
	}
	opts.Ledger = db
	if err := ss.syncConfiguredList(ctx, db); err != nil {
		closeDB()
		cancel()
		return ss.t("existingBad", existingMessage(ss.lang, err))
	}
	var book *results.XLSXBook
	if len(more) > 0 {
		if book, err = results.NewXLSXBook(opts.Out, results.Options{Private: u.password != ""}); err != nil {
			closeDB()
			cancel()
			ss.srv.log.Error("the results workbook", "err", err)
			return ss.t("tempFailed")
		}
		opts.ResultsSheet = bookSheet(book, u.sheet)
		for i := range more {
			more[i].Ledger, more[i].ResultsSheet = db, bookSheet(book, also[i])
		}
	}
	ir := &importRun{job: importer.NewJob(opts), cancel: cancel, finished: make(chan struct{}),
		counts: map[importer.Status]int{}, results: map[int]importer.Result{}, total: -1,
		out: opts.Out, outName: outName, watchers: map[chan struct{}]struct{}{}}
	if len(more) > 0 {
		ir.sheets = append([]string{u.sheet}, also...)
	}
	ir.checkOf = u.check.id
	ir.job.Subscribe(ir.on)
	ss.imp = ir
	lang := ss.lang
	go func() {
		defer cancel()
		_, err := ir.job.Run(ctx)
		err = ir.runMore(ctx, more, book, err)
		closeDB() // the CLI may run now
		// The results writer leaves the file readable by others; the
		// folder is private (700), and so is the file from now on.
		os.Chmod(ir.out, 0o600)
		ir.mu.Lock()
		if err != nil {
			ss.srv.log.Error("import", "err", err)
			ir.errMsg = importMessage(lang, err)
		}
		close(ir.finished)
		ir.notify()
		ir.mu.Unlock()
	}()
	return ""
}

// testedOK reports whether the last connection test, of the settings
// set now, found them accepted; ss.mu is held.
func (ss *session) testedOK() bool {
	ct := ss.connTest
	return ct != nil && sameConn(ct.conn, ss.conn) && ct.verdict.Action() == probe.Proceed
}

// preflight is the connection test before an import's first row, as the
// nightly run's, unless the settings passed one already; ss.mu is held
// and released meanwhile (the test waits for TMS). Its verdict shows
// beside the settings. When TMS refuses the settings (a wrong key or
// signing recipe, pno, ProNum) or cannot be reached, it reports false
// and keeps the verdict for the import box: nothing is sent, no ledger
// is opened, and no row is refused one by one. It reports false too when
// the page changed meanwhile (the answer is then the page as it is).
func (ss *session) preflight(ctx context.Context) bool {
	ss.refusedRun = nil
	if ss.testedOK() || ss.importing() || ss.connProblem() != "" || ss.file == nil || !ss.file.check.done {
		return true // startImport says what is missing
	}
	conn, current := ss.conn, ss.current
	ss.mu.Unlock()
	// One request: the search of the known recipes (a few seconds) is
	// 「測試連線」's, which the verdict points at.
	v := checkConn(ctx, conn)
	ss.mu.Lock()
	if ss.current != current || !sameConn(ss.conn, conn) || ss.importing() {
		return false
	}
	if v.Code == probe.Cancelled {
		return false
	}
	ct := &connTest{verdict: v, conn: conn}
	ss.connTest = ct
	if v.Action() == probe.Stop {
		ss.refusedRun = ct
		ss.srv.log.Info("the connection test before the import refused the settings: nothing sent", "code", string(v.Code))
		return false
	}
	return true
}

// runMore runs the jobs of the other sheets ticked, one after another
// into book, once the first sheet's ended with err; a stop leaves their
// rows NOT_SENT (the jobs run stopped, so the results list them), a
// failure of the run ends it. It returns the run's error.
func (ir *importRun) runMore(ctx context.Context, more []importer.Options, book *results.XLSXBook, err error) error {
	if book == nil {
		return err
	}
	for _, o := range more {
		if err != nil {
			break
		}
		j := importer.NewJob(o)
		j.Subscribe(ir.on)
		ir.mu.Lock()
		ir.job, ir.sheetAt = j, ir.sheetAt+1
		stopped, paused := ir.stopped, ir.paused
		ir.mu.Unlock()
		switch { // as the sheet before was left (its events take ir.mu)
		case stopped:
			j.Stop()
		case paused:
			j.Pause()
		}
		_, err = j.Run(ctx)
	}
	if err != nil {
		book.Abort()
	} else {
		err = book.Close()
	}
	ir.mu.Lock()
	ir.done = true
	ir.notify()
	ir.mu.Unlock()
	return err
}

// bookSheet makes the results sheet of an input sheet in book (the
// Summary's name is the workbook's own).
func bookSheet(book *results.XLSXBook, name string) func(results.Options) (results.Writer, error) {
	return func(ro results.Options) (results.Writer, error) {
		if strings.EqualFold(name, results.SummarySheetName) {
			name += " (1)"
		}
		return book.Sheet(name, ro)
	}
}

// importing reports whether an import runs; ss.mu is held.
func (ss *session) importing() bool {
	if ss.imp == nil {
		return false
	}
	select {
	case <-ss.imp.finished:
		return false
	default:
		return true
	}
}

// stopImport stops a running import gracefully and waits for its end.
func (ss *session) stopImport() {
	ss.mu.Lock()
	ir := ss.imp
	ss.mu.Unlock()
	if ir == nil {
		return
	}
	ir.stop()
	<-ir.finished
}

// connProblem says what the connection settings lack ("" when complete).
func (ss *session) connProblem() string {
	c := ss.conn
	switch {
	case strings.TrimSpace(c.URL) == "":
		return ss.t("noURL")
	case strings.TrimSpace(c.PNO) == "":
		return ss.t("noPNO")
	case c.Key == "":
		return ss.t("noKey")
	}
	if err := c.Check(); err != nil {
		return ss.t("connBad", err.Error())
	}
	return ""
}

// resultsName is the results workbook's name: the upload's name, the
// sheet when the workbook has several, and .results.xlsx.
func resultsName(name, sheet string, sheets []string) string {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	if sheet != "" && len(sheets) > 1 {
		base += "." + sheet
	}
	base = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, base)
	return base + ".results.xlsx"
}
