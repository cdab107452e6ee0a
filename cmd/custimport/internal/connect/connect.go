// Package connect owns the wiring from connection settings to the parts
// of a run that talk to one TMS: the signed, retrying, rate-limited
// sender, and the tenant's ledger (locked for a run that sends, read-only
// for a check). The CLI and the local web page both build their runs with
// it, so both validate the same way and share one ledger per TMS.
//
// It knows nothing of flags, config files or how settings are shown; the
// key is a value here, read by the caller (ReadKey helps).
package connect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/tms/probe"
)

// Settings are a view of the settings model's connection
// (settings.Connection: how to reach one TMS, how hard to push it, where
// its ledger is) with what a run holds beside it: the key, read by the
// caller, and the run's HTTP client, logger and tracer. Validation and
// defaults are the model's.
type Settings struct {
	settings.Connection

	Key        string       // the API key; never printed
	HTTPClient *http.Client // nil: built from the settings
	Logger     *slog.Logger // nil: no log
	Trace      *tms.Tracer  // nil: requests are not traced
}

// Check validates the settings as the run that sends would, without a
// key when none is set yet (settings.Connection.Check): one validation
// for `config check`, the web page's form and the import.
func (s Settings) Check() error { return s.Connection.Check() }

// client builds the TMS client with key.
func (s Settings) client(key string) (*tms.Client, error) {
	cfg, err := s.TMSConfig(key)
	if err != nil {
		return nil, err
	}
	cfg.HTTPClient, cfg.Logger, cfg.Trace = s.HTTPClient, s.Logger, s.Trace
	return settings.NewClient(cfg)
}

// Client builds the signed TMS client of the settings and their key: the
// sender's (NewSending), or a connection test's.
func (s Settings) Client() (*tms.Client, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if s.Key == "" {
		return nil, &settings.Error{Code: settings.MsgNoKey}
	}
	return s.client(s.Key)
}

// CheckOptions are a connection test's options for the settings: their
// URL and recipe, and, for a test before a run, a send's retries
// (attempts 0 means one request).
func (s Settings) CheckOptions(attempts int) probe.Options {
	recipe, _ := tms.ParseRecipe(s.SignRecipe) // Check has refused a bad one
	return probe.Options{URL: s.URL, Recipe: recipe, Attempts: attempts, MaxRetryWait: s.MaxRetryWait}
}

// Precheck is the connection test before a run sends its first row (the
// page's import, folder mode, a single file, every sheet of a workbook):
// one signed read-only request with client, retried as a send is up to
// attempts (0: one request). Its verdict's Action says whether the run
// may send (probe.Proceed), should warn and send (probe.Warn), or must
// stop with nothing sent (probe.Stop: TMS refused the settings or could
// not be reached).
func (s Settings) Precheck(ctx context.Context, client *tms.Client, attempts int) probe.Verdict {
	return probe.Check(ctx, client, s.CheckOptions(attempts))
}

// Sending is what a run that sends needs: the sender and its limiter.
type Sending struct {
	Sender  *tms.Sender
	Limiter *tms.AdaptiveLimiter
}

// NewSending builds the TMS client, its retrying sender and the shared
// adaptive rate limiter.
func (s Settings) NewSending() (Sending, error) {
	if err := s.Check(); err != nil {
		return Sending{}, err
	}
	c, err := s.Client()
	if err != nil {
		return Sending{}, err
	}
	limiter := tms.NewAdaptiveLimiter(s.Rate)
	sender := &tms.Sender{Client: c, Throttle: limiter, Policy: tms.Policy{MaxAttempts: s.MaxAttempts, MaxRetryWait: s.MaxRetryWait}, Logger: s.Logger}
	return Sending{Sender: sender, Limiter: limiter}, nil
}

// Apply puts the sending parts into a job's options, with the limits of
// the connection s they were built from (settings.Connection.SendLimits).
func (sd Sending) Apply(s Settings, opts *importer.Options) {
	opts.Sender = sd.Sender
	opts.RateReport = sd.Limiter.Rate
	s.SendLimits(opts)
}

// Tenant is the TMS the settings send to.
func (s Settings) Tenant() (ledger.Tenant, error) {
	if s.URL == "" || s.PNO == "" {
		return ledger.Tenant{}, errors.New("no TMS URL and pno: set TMS_URL and TMS_PNO (or --url and --pno)")
	}
	return ledger.NewTenant(s.URL, s.PNO, s.ProNum)
}

// DefaultStateDir is the folder of the ledgers when none is set: the
// local state folder of the user custimport runs as (ledger.DefaultDir).
// It is refused (ErrStateDir) when that is not certain: custimport runs
// through sudo or doas as another user, or the folder (or the nearest one
// above it that exists) belongs to another user.
func DefaultStateDir(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if runtime.GOOS == "windows" && home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" && getenv("LocalAppData") == "" {
		return "", errors.New("cannot tell where to keep the ledger (no HOME): set CUSTIMPORT_STATE_DIR or --state-dir")
	}
	dir, err := ledger.DefaultDir(runtime.GOOS, getenv, home)
	if err != nil {
		return "", err
	}
	owner, at := ownerOf(dir)
	if err := checkDefaultDir(dir, currentRunAs(getenv), owner, at); err != nil {
		return "", err
	}
	return dir, nil
}

// checkElsewhere refuses to start a ledger for t in the default folder dir
// when t's ledger is in the folder earlier versions used while
// XDG_STATE_HOME was set: it would be a second ledger for one TMS.
func (s Settings) checkElsewhere(dir string, t ledger.Tenant, getenv func(string) string) error {
	if s.StateDir != "" || s.NewLedger {
		return nil
	}
	old := ledger.XDGStateDir(getenv)
	if old == "" || old == dir {
		return nil
	}
	if _, err := os.Stat(ledger.FilePath(dir, t)); err == nil {
		return nil
	}
	if _, err := os.Stat(ledger.FilePath(old, t)); err != nil {
		return nil
	}
	return fmt.Errorf("%w: %s (where earlier versions kept ledgers when XDG_STATE_HOME was set); the default folder is now %s "+
		"for every session, scheduled tasks included: move that folder's files there, or set CUSTIMPORT_STATE_DIR=%s",
		ErrLedgerElsewhere, old, dir, old)
}

// stateDir is s.StateDir or the default.
func (s Settings) stateDir(getenv func(string) string) (string, error) {
	if s.StateDir != "" {
		return s.StateDir, nil
	}
	return DefaultStateDir(getenv)
}

// OpenLedger opens the tenant's ledger for a run that sends and takes
// the tenant's lock: a second run against the same TMS waits up to
// s.Wait, then gives up naming the run that holds it. input names the
// run's input in the lock. close releases both.
func (s Settings) OpenLedger(ctx context.Context, getenv func(string) string, input string) (db *ledger.DB, close func(), err error) {
	t, err := s.Tenant()
	if err != nil {
		return nil, nil, err
	}
	// Ctrl-C ends a wait for the lock; with no wait, a run stopped at
	// once still opens the ledger and writes every row's result.
	lockCtx := ctx
	if s.Wait == 0 {
		lockCtx = context.WithoutCancel(ctx)
	}
	if s.LedgerURL != "" {
		// The tenant's lock is the shared ledger's own (one import at a
		// time per TMS across every PC); a new ledger for a company kept
		// under another URL is refused there (ledger.ErrOtherURL) unless
		// NewLedger.
		db, err := ledger.OpenURL(lockCtx, s.LedgerURL, t, ledger.Options{Holder: ledger.Holder{Input: input}, Wait: s.Wait, StartOver: s.NewLedger})
		var other *ledger.OtherURLError
		if errors.As(err, &other) && len(other.Others) > 0 {
			return nil, nil, &OtherURLError{PNO: t.PNO, Old: other.Others[0].URL, New: t.URL}
		}
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	dir, err := s.stateDir(getenv)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkLocalFolder(dir); err != nil {
		return nil, nil, err
	}
	if err := s.checkElsewhere(dir, t, getenv); err != nil {
		return nil, nil, err // before anything is made in dir
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("the ledger's folder: %w", err)
	}
	if err := adoptOldSpelling(ctx, dir, t); err != nil {
		return nil, nil, err
	}
	unlock, err := ledger.Lock(lockCtx, dir, t, ledger.Holder{PID: os.Getpid(), Input: input, Started: time.Now()}, s.Wait)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkNewLedger(ctx, dir, t); err != nil {
		unlock()
		return nil, nil, err
	}
	db, err = ledger.Open(context.WithoutCancel(ctx), dir, t, ledger.Options{StartOver: s.NewLedger})
	if errors.Is(err, ledger.ErrLost) {
		unlock()
		return nil, nil, err // the caller says what to do (start over on purpose)
	}
	if err != nil {
		unlock()
		return nil, nil, fmt.Errorf("%w\n  the ledger remembers which customers were created; custimport will not send without it. Move the file aside only if you are sure (then rows already imported are UNKNOWN or created again)", err)
	}
	return db, func() { db.Close(); unlock() }, nil
}

// adoptOldSpelling gives t the ledger an older custimport kept for it
// under another spelling of its URL, one that NormalizeURL now reads as
// t's (a port written 031401, which is 31401): the same TMS, whose
// ledger must not be forgotten. Two such ledgers cannot be merged, so
// they stop the run.
func adoptOldSpelling(ctx context.Context, dir string, t ledger.Tenant) error {
	if _, err := os.Stat(ledger.FilePath(dir, t)); err == nil {
		return nil
	}
	others, err := ledger.Siblings(ctx, dir, t)
	if err != nil {
		return err
	}
	var old []ledger.Tenant
	for _, o := range others {
		if u, err := ledger.NormalizeURL(o.URL); err == nil && u == t.URL {
			old = append(old, o)
		}
	}
	switch {
	case len(old) > 1:
		return fmt.Errorf("%w: pno %s has ledgers for %s and %s, both %s: they cannot be merged; keep the one with the latest runs (custimport ledger runs) and move the other aside",
			ErrOtherURL, t.PNO, old[0].URL, old[1].URL, t.URL)
	case len(old) == 0:
		return nil
	}
	if err := ledger.Move(ctx, dir, old[0], t); err != nil {
		if _, serr := os.Stat(ledger.FilePath(dir, t)); serr == nil {
			return nil // another run moved it first
		}
		return fmt.Errorf("taking over the ledger of %s for %s: %w", old[0].URL, t.URL, err)
	}
	return nil
}

// ErrOtherURL is returned when a run would start a new ledger for a
// company whose ledger exists under another URL.
var ErrOtherURL = errors.New("this company's ledger is kept under another TMS URL")

// checkNewLedger refuses to start a ledger for t when the same company
// (PNO and ProNum) has one under another URL: most likely the same TMS
// written another way (a name for an address), whose ledger would be
// forgotten — every customer it created could be created again.
func (s Settings) checkNewLedger(ctx context.Context, dir string, t ledger.Tenant) error {
	if s.NewLedger {
		return nil
	}
	if _, err := os.Stat(ledger.FilePath(dir, t)); err == nil {
		return nil
	}
	others, err := ledger.Siblings(ctx, dir, t)
	if err != nil || len(others) == 0 {
		return err
	}
	return &OtherURLError{PNO: t.PNO, Old: others[0].URL, New: t.URL}
}

// OtherURLError is the ErrOtherURL of a company (PNO) whose ledger is
// kept under the TMS URL Old, none under New: the front end says what
// to do about it in its words.
type OtherURLError struct {
	PNO, Old, New string
}

func (e *OtherURLError) Error() string {
	return fmt.Sprintf("%v: pno %s has a ledger for %s, none for %s. If it is the same TMS, use that URL "+
		"(or, if TMS moved, carry the ledger over: custimport ledger move --url %s --to-url %s); "+
		"if it is another TMS, pass --new-ledger", ErrOtherURL, e.PNO, e.Old, e.New, e.Old, e.New)
}

func (e *OtherURLError) Unwrap() error { return ErrOtherURL }

// PeekLedger opens the tenant's ledger read-only for a check, when the
// connection settings are known and a ledger exists; otherwise the check
// goes on without one (nil, no error). A lost ledger (ledger.ErrLost) is
// an error, as for the run the check stands for, unless NewLedger says
// the run will start over. close is never nil.
func (s Settings) PeekLedger(ctx context.Context, getenv func(string) string) (db *ledger.DB, close func(), err error) {
	nothing := func() {}
	t, err := s.Tenant()
	if err != nil {
		return nil, nothing, nil
	}
	if s.LedgerURL != "" {
		db, err = ledger.OpenURL(ctx, s.LedgerURL, t, ledger.Options{ReadOnly: true})
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, nothing, nil
		case err != nil:
			return nil, nothing, err
		}
		return db, func() { db.Close() }, nil
	}
	dir, err := s.stateDir(getenv)
	if errors.Is(err, ErrStateDir) {
		return nil, nothing, err // the run it stands for would stop
	}
	if err != nil {
		return nil, nothing, nil
	}
	if err := s.checkElsewhere(dir, t, getenv); err != nil {
		return nil, nothing, err
	}
	db, err = ledger.Open(ctx, dir, t, ledger.Options{ReadOnly: true})
	switch {
	case errors.Is(err, os.ErrNotExist), errors.Is(err, ledger.ErrLost) && s.NewLedger:
		return nil, nothing, nil
	case err != nil:
		return nil, nothing, err
	}
	return db, func() { db.Close() }, nil
}
