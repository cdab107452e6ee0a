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
const SchemaVersion = 2

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
}

// Options for Open.
type Options struct {
	Now      func() time.Time // nil: time.Now
	ReadOnly bool             // no writes; a missing ledger is an error
	// BeforeCommit, when set, runs before each write transaction commits;
	// an error it returns fails the transaction. For tests.
	BeforeCommit func() error
}

// DB is an open ledger. Its methods are safe for concurrent use.
type DB struct {
	path   string
	tenant Tenant
	opts   Options
	rdb    *sql.DB // reads
	wdb    *sql.DB // the writer's; nil when read-only
	w      *writer
	// version is the schema version of the file: SchemaVersion once
	// opened for writing, maybe older when opened read-only.
	version int
	close   sync.Once
	cerr    error
}

// Open opens the ledger of tenant t in dir, creating the directory, the
// file and its schema when missing (unless opts.ReadOnly: then a missing
// ledger is an error wrapping os.ErrNotExist). A file that is not a
// ledger, or a damaged one, is ErrCorrupt (a writable Open runs SQLite's
// quick_check); a newer one ErrNewerSchema; another tenant's
// ErrOtherTenant.
func Open(ctx context.Context, dir string, t Tenant, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ledger directory: %w", err)
	}
	path := FilePath(dir, t)
	if err := prepareFile(dir, path, t, opts.ReadOnly); err != nil {
		return nil, err
	}
	d := &DB{path: path, tenant: t, opts: opts}
	if err := d.open(ctx); err != nil {
		d.closeDBs()
		return nil, err
	}
	return d, nil
}

const sqliteMagic = "SQLite format 3\x00"

// prepareFile makes sure path is an SQLite file or empty (a new ledger),
// creating dir and the file with private permissions before SQLite opens
// it.
func prepareFile(dir, path string, t Tenant, readOnly bool) error {
	var f *os.File
	var err error
	if readOnly {
		f, err = os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no ledger of %s in %s: %w", t, dir, err)
		}
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("ledger directory: %w", err)
		}
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	}
	if err != nil {
		return fmt.Errorf("ledger %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && err == io.EOF && readOnly:
		return fmt.Errorf("ledger %s is empty: %w", path, os.ErrNotExist)
	case n == 0 && err == io.EOF:
		return nil // new
	case err != nil && err != io.ErrUnexpectedEOF:
		return fmt.Errorf("ledger %s: %w", path, err)
	case string(head[:n]) != sqliteMagic:
		return fmt.Errorf("ledger %s: %w (not an SQLite database)", path, ErrCorrupt)
	}
	return nil
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

func (d *DB) open(ctx context.Context) error {
	var err error
	if !d.opts.ReadOnly {
		d.wdb, err = sql.Open("sqlite", dsn(d.path, "_txlock=immediate",
			"_pragma=journal_mode(WAL)", "_pragma=synchronous(FULL)"))
		if err != nil {
			return d.wrap(err)
		}
		d.wdb.SetMaxOpenConns(1)
		if err := d.initSchema(ctx); err != nil {
			return err
		}
		if err := d.quickCheck(ctx); err != nil {
			return err
		}
	}
	d.rdb, err = sql.Open("sqlite", dsn(d.path, "_pragma=query_only(1)"))
	if err != nil {
		return d.wrap(err)
	}
	d.rdb.SetMaxOpenConns(4)
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
	var se *sqlite.Error
	if errors.As(err, &se) {
		if c := se.Code() & 0xff; c == sqlite3.SQLITE_CORRUPT || c == sqlite3.SQLITE_NOTADB {
			return fmt.Errorf("ledger %s: %w: %w", d.path, ErrCorrupt, err)
		}
	}
	return fmt.Errorf("ledger %s: %w", d.path, err)
}

// Path returns the ledger's file name.
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

func (d *DB) closeDBs() error {
	var err error
	if d.rdb != nil {
		err = d.rdb.Close()
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
