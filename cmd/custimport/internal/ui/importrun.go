package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms/probe"
)

// importRun is one import started from the page. Its fields change from
// the job's goroutines: read them with snapshot.
type importRun struct {
	job      *importer.Job
	checkOf  int // the check whose rows it sends
	cancel   context.CancelFunc
	finished chan struct{}

	mu       sync.Mutex
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

// on is the job's subscriber.
func (ir *importRun) on(ev importer.Event) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	switch e := ev.(type) {
	case importer.Started:
		ir.total = e.Total
	case importer.RowFinished:
		ir.results[e.Result.Line] = e.Result
		if e.Result.Attempts > 0 {
			ir.sent++
		}
		return
	case importer.Progress:
		ir.rows, ir.elapsed = e.Done, e.Elapsed
		if e.Total >= 0 {
			ir.total = e.Total
		}
		for k, v := range e.Counts {
			ir.counts[k] = v
		}
	case importer.Paused:
		ir.paused = true
	case importer.Resumed:
		ir.paused = false
	case importer.Stopped:
		ir.stopErr = e.Err
	case importer.Finished:
		ir.done = true
		ir.rows = e.Summary.Rows
		ir.sent = e.Summary.Sent
		ir.elapsed = e.Summary.Duration
		ir.warnings = e.Summary.Warnings
		ir.counts = map[importer.Status]int{}
		for k, v := range e.Summary.Counts {
			ir.counts[k] = v
		}
		if e.Summary.Interrupted && ir.stopErr == nil {
			ir.stopErr = e.Summary.StopErr
		}
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
	outName := resultsName(u.name, u.sheet, u.sheets)
	opts := ss.jobOptions(u, data, sheet, mf, filepath.Join(dir, outName))
	sending, err := ss.conn.NewSending()
	if err != nil {
		return ss.t("connBad", err.Error())
	}
	sending.Apply(ss.conn, &opts)
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
		return ss.t("ledgerBad")
	}
	opts.Ledger = db
	if err := ss.syncConfiguredList(ctx, db); err != nil {
		closeDB()
		cancel()
		return ss.t("existingBad", existingMessage(ss.lang, err))
	}
	ir := &importRun{job: importer.NewJob(opts), cancel: cancel, finished: make(chan struct{}),
		counts: map[importer.Status]int{}, results: map[int]importer.Result{}, total: -1,
		out: opts.Out, outName: outName, watchers: map[chan struct{}]struct{}{}}
	ir.checkOf = u.check.id
	ir.job.Subscribe(ir.on)
	ss.imp = ir
	lang := ss.lang
	go func() {
		defer cancel()
		_, err := ir.job.Run(ctx)
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
	ir.job.Stop()
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
