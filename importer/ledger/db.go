package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SchemaVersion is the ledger schema this package writes, kept in
// PRAGMA user_version. A newer ledger is refused rather than misread.
const SchemaVersion = 3

// Create states.
const (
	Sending  = "sending"  // claimed: the create is about to be sent, or was sent with no answer recorded
	Created  = "created"  // TMS created the customer (CCODE is its code)
	Refused  = "refused"  // TMS refused it: nothing was created
	Unknown  = "unknown"  // the outcome cannot be known: the customer may exist
	Released = "released" // an Unknown the user chose to send again
)

var (
	// ErrCorrupt is returned for a file that is not a custimport ledger,
	// cannot be read, or is damaged.
	ErrCorrupt = errors.New("not a custimport ledger, or a damaged one")
	// ErrNewerSchema is returned for a ledger written by a newer custimport.
	ErrNewerSchema = errors.New("the ledger was written by a newer custimport")
	// ErrOtherTenant is returned when a ledger file belongs to another tenant
	// than the one asked for.
	ErrOtherTenant = errors.New("the ledger belongs to another TMS tenant")
	// ErrLost is returned for a ledger that was made and is not there any
	// more: its file is empty (0 bytes) or holds no tables, or it is gone
	// while the tenant's lock file records that it was made in this
	// folder. A new one would forget every customer created; only
	// Options.StartOver starts one.
	ErrLost = errors.New("the ledger is missing or empty")
)

// Create is one customer create custimport claimed.
type Create struct {
	ID          int64
	Fingerprint string // what identifies the customer's content
	Payload     string // the request sent (JSON)
	TaxID       string
	Name        string
	ShortName   string
	Source      string // the input file
	Sheet       string
	Row         int // the row in the input
	ResultRow   int // the row in the results file
	InputSHA256 string
	Lineage     string
	RunID       int64
	State       string
	CCODE       string
	ErrorCode   string
	Message     string
	Created     time.Time
	Updated     time.Time
}

// Names returns the create's names.
func (c Create) Names() Names { return Names{Name: c.Name, ShortName: c.ShortName, TaxID: c.TaxID} }

// Code is what the ledger knows of one customer code.
type Code struct {
	CCODE       string
	Fingerprint string // the last content TMS accepted
	Pending     string // content sent whose answer is not known yet; "" none
	RunID       int64
	Updated     time.Time
	Names       // as last sent (blank ones keep the earlier)
}

// Known reports whether TMS has (or may have) the code: it accepted
// content for it, or content for it is pending. A code sent only to be
// refused is not known.
func (c Code) Known() bool { return c.Fingerprint != "" || c.Pending != "" }

// Names are what people find a customer by: 客戶名稱, 客戶簡稱 and
// 統一編號, as written.
type Names struct {
	Name      string
	ShortName string
	TaxID     string
}

// Run is one import run.
type Run struct {
	ID          int64
	Input       string
	InputSHA256 string
	Sheet       string
	Output      string
	Lineage     string
	PID         int
	Started     time.Time
	Ended       time.Time
	Counts      map[string]int
	// ExitCode is the exit code the run ended with (0 every row OK, 1
	// some rows not, 2 it could not finish: see the README); -1 when not
	// known: the run has not ended (it runs, or it crashed), or an
	// earlier custimport recorded it.
	ExitCode int
}

// Options for Open.
type Options struct {
	Now      func() time.Time // nil: time.Now
	ReadOnly bool             // no writes; a missing ledger is an error
	// BeforeCommit, when set, runs before each write transaction commits;
	// an error it returns fails the transaction. For tests.
	BeforeCommit func() error
	// StartOver starts a new ledger where the old one is lost (ErrLost):
	// an empty or table-less file is renamed to <name>.lost-<UTC time>
	// first. Not for a damaged ledger (ErrCorrupt): that stays refused.
	// On PostgreSQL (OpenURL): make the tenant's schema although the same
	// company has one under another URL (ErrOtherURL: it is another TMS).
	StartOver bool
	// Holder and Wait are for a ledger on PostgreSQL (OpenURL), whose
	// writable open takes the tenant's lock itself: who takes it (zero
	// fields are filled: this process, this host, now), and how long to
	// wait while another run holds it (0: try once).
	Holder Holder
	Wait   time.Duration
}

// DB is an open ledger. Its methods are safe for concurrent use.
type DB struct {
	path   string
	tenant Tenant
	opts   Options
	rdb    *sql.DB // reads
	wdb    *sql.DB // the writer's (SQLite); nil when read-only
	pg     *pgSide // nil for SQLite
	w      *writer
	reads  *stmtCache // SQLite's reads prepared once (hot ones only); nil on PostgreSQL
	// version is the schema version of the file: SchemaVersion once
	// opened for writing, maybe older when opened read-only.
	version int
	close   sync.Once
	cerr    error
}

// Open opens the ledger of tenant t in dir, creating the directory and
// the ledger when it was never made here (unless opts.ReadOnly: then a
// missing ledger is an error wrapping os.ErrNotExist). A new ledger
// appears whole or not at all (create). A ledger that was made and is
// lost (an empty or table-less file, or none where the tenant's lock file
// records one) is ErrLost, unless opts.StartOver. A file that is not a
// ledger, or a damaged one, is ErrCorrupt (a writable Open runs SQLite's
// quick_check); a newer one ErrNewerSchema; another tenant's
// ErrOtherTenant. A writable Open records in the tenant's lock file that
// the ledger is here; its caller holds the tenant's lock (Lock).
func Open(ctx context.Context, dir string, t Tenant, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ledger directory: %w", err)
	}
	d, err := openIn(ctx, dir, t, opts)
	if errors.Is(err, ErrLost) && opts.StartOver && !opts.ReadOnly {
		if err := startOver(dir, t, opts.Now()); err != nil {
			return nil, err
		}
		d, err = openIn(ctx, dir, t, opts)
	}
	return d, err
}

func openIn(ctx context.Context, dir string, t Tenant, opts Options) (*DB, error) {
	path := FilePath(dir, t)
	exists, err := prepareFile(dir, path, t, opts.ReadOnly)
	switch {
	case err != nil:
		return nil, err
	case !exists && opts.ReadOnly:
		return nil, fmt.Errorf("no ledger of %s in %s: %w", t, dir, os.ErrNotExist)
	case !exists:
		if err := create(ctx, dir, path, t, opts); err != nil {
			return nil, err
		}
	}
	d := &DB{path: path, tenant: t, opts: opts}
	if err := d.open(ctx); err != nil {
		d.closeDBs()
		return nil, err
	}
	if !opts.ReadOnly {
		if err := recordLedger(dir, t, opts.Now()); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

const sqliteMagic = "SQLite format 3\x00"

// prepareFile tells whether the ledger file is there, and makes sure it
// is an SQLite file when it is (creating dir for a writable Open). A
// missing file whose lock file records a ledger, and an empty file, are
// ErrLost.
func prepareFile(dir, path string, t Tenant, readOnly bool) (exists bool, err error) {
	if !readOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, fmt.Errorf("ledger directory: %w", err)
		}
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if made := readRecord(LockPath(dir, t)).Ledger; !made.IsZero() {
			return false, fmt.Errorf("ledger %s is not there, but its lock file %s records that it was made on %s: %w",
				path, LockPath(dir, t), made.Local().Format(time.DateTime), ErrLost)
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ledger %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && err == io.EOF:
		return true, fmt.Errorf("ledger %s is empty (0 bytes): %w", path, ErrLost)
	case err != nil && err != io.ErrUnexpectedEOF:
		return true, fmt.Errorf("ledger %s: %w", path, err)
	case string(head[:n]) != sqliteMagic:
		return true, fmt.Errorf("ledger %s: %w (not an SQLite database)", path, ErrCorrupt)
	}
	return true, nil
}

// create makes the ledger of t at path whole or not at all: the schema is
// written into a new file beside it, which is then put in place. A run
// killed meanwhile leaves no file at path (an empty one would read as a
// lost ledger), only its temporary file, removed by a later create.
func create(ctx context.Context, dir, path string, t Tenant, opts Options) (err error) {
	removeStaleNew(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("ledger %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		os.Remove(tmp)
		os.Remove(tmp + "-journal")
	}()
	n := &DB{path: tmp, tenant: t, opts: opts}
	if n.wdb, err = sql.Open("sqlite", dsn(tmp, "_txlock=immediate", "_pragma=synchronous(FULL)")); err != nil {
		return n.wrap(err)
	}
	n.wdb.SetMaxOpenConns(1)
	err = n.initSchema(ctx, true)
	if cerr := n.wdb.Close(); err == nil && cerr != nil {
		err = n.wrap(cerr)
	}
	if err == nil {
		err = syncFile(tmp)
	}
	if err != nil {
		return fmt.Errorf("making the ledger %s: %w", path, err)
	}
	// Put it in place unless one is there by now: a link fails on an
	// existing name; where links are not supported (FAT, some shares), a
	// rename after a last look.
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		if _, serr := os.Lstat(path); errors.Is(serr, os.ErrNotExist) {
			if err := os.Rename(tmp, path); err != nil {
				return fmt.Errorf("making the ledger %s: %w", path, err)
			}
		}
	}
	syncDir(dir)
	return nil
}

// newLeftover is how old a temporary file of create must be to be taken
// for the leftover of a killed run (making a ledger takes milliseconds).
const newLeftover = 10 * time.Minute

// removeStaleNew removes the temporary files that killed creates of the
// ledger at path left behind.
func removeStaleNew(path string) {
	stale, _ := filepath.Glob(path + ".new-*")
	for _, p := range stale {
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() && time.Since(st.ModTime()) > newLeftover {
			os.Remove(p)
		}
	}
}

// startOver sets a lost ledger of t aside (an empty or table-less file
// and its -wal and -shm, renamed <name>.lost-<UTC time>) and clears the
// lock file's record of it, so that a new one can be made.
func startOver(dir string, t Tenant, now time.Time) error {
	path := FilePath(dir, t)
	aside := path + ".lost-" + now.UTC().Format("20060102T150405Z")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(path+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("setting the lost ledger %s aside: %w", path, err)
		}
	}
	syncDir(dir)
	return recordLedger(dir, t, time.Time{})
}

// dsn returns the SQLite data source name of path (absolute) with
// params: a file: URI, so that no character of the path can be read as a
// parameter.
func dsn(path string, params ...string) string {
	q := url.Values{"_pragma": {"busy_timeout(10000)"}}
	for _, kv := range params {
		k, v, _ := strings.Cut(kv, "=")
		q.Add(k, v)
	}
	return fileURI(path, runtime.GOOS == "windows") + "?" + q.Encode()
}

// fileURI returns the file: URI of an absolute path, escaped.
func fileURI(path string, windows bool) string {
	p := path
	if windows {
		p = strings.ReplaceAll(p, `\`, "/")
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a drive letter: file:///C:/...
		}
	}
	var b strings.Builder
	b.WriteString("file://")
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == ':' || c == '.' || c == '-' || c == '_' || c == '~' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// cacheSize is the page cache of each of a ledger's two connections:
// 512 KB, not SQLite's 2 MB (a million-row import's ledger holds about
// 2.5 MB less).
const cacheSize = "_pragma=cache_size(-512)"

func (d *DB) open(ctx context.Context) error {
	var err error
	if !d.opts.ReadOnly {
		d.wdb, err = sql.Open("sqlite", dsn(d.path, "_txlock=immediate",
			"_pragma=journal_mode(WAL)", "_pragma=synchronous(FULL)", cacheSize))
		if err != nil {
			return d.wrap(err)
		}
		d.wdb.SetMaxOpenConns(1)
		if err := d.initSchema(ctx, false); err != nil {
			return err
		}
		if err := d.quickCheck(ctx); err != nil {
			return err
		}
	}
	d.rdb, err = sql.Open("sqlite", dsn(d.path, "_pragma=query_only(1)", cacheSize))
	if err != nil {
		return d.wrap(err)
	}
	d.rdb.SetMaxOpenConns(4)
	d.reads = &stmtCache{db: d.rdb}
	if d.opts.ReadOnly {
		tx, err := d.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return d.wrap(err)
		}
		defer tx.Rollback()
		if err := d.checkSchema(ctx, tx); err != nil {
			return err
		}
	} else {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Chmod(d.path+suffix, 0o600) // SQLite gives -wal and -shm the file's mode; make sure
		}
		d.w = newWriter(d)
	}
	return nil
}

// wrap names the ledger in err, and marks errors that say the file is
// damaged or not a database with ErrCorrupt.
func (d *DB) wrap(err error) error {
	if err == nil {
		return nil
	}
	if d.pg != nil {
		if errors.Is(err, ErrUnreachable) {
			return err // wrapped here already: it names the ledger
		}
		if te := timeoutOf(d.path, d.pg.timeouts, err); te != nil {
			return te
		}
		if lostConnection(err) {
			return &UnreachableError{Ledger: d.path, Err: err}
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if c := se.Code() & 0xff; c == sqlite3.SQLITE_CORRUPT || c == sqlite3.SQLITE_NOTADB {
			return fmt.Errorf("ledger %s: %w: %w", d.path, ErrCorrupt, err)
		}
	}
	return fmt.Errorf("ledger %s: %w", d.path, err)
}

// Path returns the ledger's file name; for a ledger on PostgreSQL, its
// server, database and schema (never a password).
func (d *DB) Path() string { return d.path }

// Tenant returns the ledger's tenant.
func (d *DB) Tenant() Tenant { return d.tenant }

// Close commits what is queued, stops the writer and closes the ledger. It
// returns the first write error the ledger met.
func (d *DB) Close() error {
	d.close.Do(func() {
		if d.w != nil {
			d.cerr = d.w.stop()
		}
		if err := d.closeDBs(); err != nil && d.cerr == nil {
			d.cerr = d.wrap(err)
		}
	})
	return d.cerr
}

// begin starts a write transaction: on SQLite's writer connection, or
// on the PostgreSQL session that holds the tenant's lock.
func (d *DB) begin(ctx context.Context) (*sql.Tx, error) {
	if d.pg != nil {
		return d.pg.begin(ctx)
	}
	return d.wdb.BeginTx(ctx, nil)
}

func (d *DB) closeDBs() error {
	var err error
	if d.pg != nil {
		err = d.pg.close()
	}
	if d.rdb != nil {
		if rerr := d.rdb.Close(); err == nil {
			err = rerr
		}
	}
	if d.wdb != nil {
		if werr := d.wdb.Close(); err == nil {
			err = werr
		}
	}
	return err
}

func (d *DB) now() string { return formatTime(d.opts.Now()) }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
