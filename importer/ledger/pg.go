package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// A ledger on PostgreSQL (OpenURL) is the same ledger as an SQLite file,
// for a team: each tenant's tables live in a schema of their own
// (custimport_<tenant ID>) in the database the URL names, with the same
// statements (dialect.go). The tenant's lock is a PostgreSQL advisory lock
// held by the session every write goes through: one import at a time per
// tenant across every PC, and a session that lost its connection (and
// with it the lock) can write nothing more — a create claimed is claimed
// by the one run that holds the tenant.

// pgLockClass is the first key of the tenant locks ("CIMP"): the second
// is the tenant's.
const pgLockClass = 0x43494d50

// ErrUnreachable is returned when the ledger's PostgreSQL server cannot
// be reached, or the session with it was lost (the server restarted, the
// network failed).
var ErrUnreachable = errors.New("the shared ledger's database server cannot be reached")

// UnreachableError is ErrUnreachable naming the ledger: its server could
// not be reached, or the session with it was lost. A timeout is a
// *TimeoutError instead.
type UnreachableError struct {
	Ledger string // the ledger (Path: server, database, schema)
	Err    error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("ledger %s: %v: %v", e.Ledger, ErrUnreachable, e.Err)
}

func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// pgSide is what a ledger on PostgreSQL has that an SQLite one has not.
type pgSide struct {
	schema   string
	timeouts pgTimeouts
	key      int32     // the tenant's lock key
	wpool    *sql.DB   // the writer's pool (one session); nil read-only
	conn     *sql.Conn // the session that holds the tenant's lock and writes
	locked   bool      // conn took the lock (a refused open must not clear the holder's name)
}

// begin starts a write transaction on the session that holds the lock.
// A session that broke is not replaced (the lock went with it): every
// later write fails.
func (p *pgSide) begin(ctx context.Context) (*sql.Tx, error) {
	return p.conn.BeginTx(ctx, nil)
}

// close clears the holder and releases the lock (closing the session
// would too).
func (p *pgSide) close() error {
	if p.conn == nil {
		if p.wpool != nil {
			return p.wpool.Close()
		}
		return nil
	}
	if p.locked {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.conn.ExecContext(ctx, "DELETE FROM lock_holder")
		p.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, $2)", pgLockClass, p.key)
	}
	p.conn.Close()
	err := p.wpool.Close()
	p.conn = nil
	return err
}

// IsURL reports whether a ledger setting is a PostgreSQL URL rather than
// a folder.
func IsURL(s string) bool {
	for _, p := range []string{"postgres://", "postgresql://"} {
		if len(s) >= len(p) && equalFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// URLHasPassword reports whether a PostgreSQL URL carries a password
// (user:password@, or a password parameter): a URL kept in a config
// file must not.
func URLHasPassword(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	_, set := u.User.Password()
	return set || u.Query().Has("password")
}

// pgConfig parses a ledger URL for tenant t: its connection settings with
// the tenant's schema first on the search path (and the timeouts of
// pgtimeout.go: setTimeouts).
func pgConfig(rawURL string, t Tenant) (*pgx.ConnConfig, string, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("ledger URL: %w", err)
	}
	schema := "custimport_" + t.ID()
	cfg.RuntimeParams["search_path"] = schema
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "custimport"
	}
	return cfg, schema, nil
}

// pgName names a ledger on PostgreSQL in messages: server, database and
// schema, never the password.
func pgName(cfg *pgx.ConnConfig, schema string) string {
	return fmt.Sprintf("postgres://%s@%s:%d/%s (schema %s)", cfg.User, cfg.Host, cfg.Port, cfg.Database, schema)
}

// lockKey is the second key of tenant t's lock.
func lockKey(t Tenant) int32 {
	h := fnv.New32a()
	h.Write([]byte(t.ID()))
	return int32(h.Sum32())
}

// OpenURL opens the ledger of tenant t in the PostgreSQL database at
// rawURL (postgres://…; the password from the URL's passfile, PGPASSFILE
// or PGPASSWORD), creating the tenant's schema when it was never made
// there (unless opts.ReadOnly: then a missing ledger is an error wrapping
// os.ErrNotExist). A writable OpenURL takes the tenant's lock first: while
// another run (on any PC) holds it, it tries again every 100 ms for up to
// opts.Wait, then returns a *LockedError naming the holder. The schema is
// migrated forward on a writable open; a newer one is ErrNewerSchema. A
// server that cannot be reached is ErrUnreachable.
//
// t is normalised first (NewTenant): every spelling of one TMS URL is one
// tenant, one schema and one lock. A writable OpenURL that would make the
// schema of a company (PNO and ProNum) that has one under another URL is
// ErrOtherURL, unless opts.StartOver.
func OpenURL(ctx context.Context, rawURL string, t Tenant, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	t, err := canonicalTenant(t)
	if err != nil {
		return nil, err
	}
	cfg, schema, err := pgConfig(rawURL, t)
	if err != nil {
		return nil, err
	}
	p := &pgSide{schema: schema, key: lockKey(t), timeouts: setTimeouts(cfg)}
	d := &DB{path: pgName(cfg, schema), tenant: t, opts: opts, pg: p}
	d.rdb = stdlib.OpenDB(*cfg)
	d.rdb.SetMaxOpenConns(4)
	if err := d.pgOpen(ctx, cfg); err != nil {
		d.closeDBs()
		return nil, err
	}
	return d, nil
}

func (d *DB) pgOpen(ctx context.Context, cfg *pgx.ConnConfig) error {
	p := d.pg
	if d.opts.ReadOnly {
		var ok bool
		if err := d.rdb.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", p.schema+".meta").Scan(&ok); err != nil {
			return d.pgWrap(err)
		}
		if !ok {
			return fmt.Errorf("no ledger of %s in %s: %w", d.tenant, d.path, os.ErrNotExist)
		}
		tx, err := d.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return d.pgWrap(err)
		}
		defer tx.Rollback()
		return d.checkSchema(ctx, tx)
	}
	p.wpool = stdlib.OpenDB(*cfg)
	p.wpool.SetMaxOpenConns(1)
	conn, err := p.wpool.Conn(ctx)
	if err != nil {
		return d.pgWrap(err)
	}
	p.conn = conn
	if err := d.pgLock(ctx); err != nil {
		return err
	}
	if err := d.pgInitSchema(ctx); err != nil {
		return err
	}
	h := d.opts.Holder
	if h.PID == 0 {
		h.PID = os.Getpid()
	}
	if h.Host == "" {
		h.Host, _ = os.Hostname()
	}
	if h.Started.IsZero() {
		h.Started = d.opts.Now()
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO lock_holder(one, pid, host, input, started) VALUES(1, $1, $2, $3, $4)
		ON CONFLICT(one) DO UPDATE SET pid = excluded.pid, host = excluded.host, input = excluded.input, started = excluded.started`,
		h.PID, h.Host, h.Input, formatTime(h.Started)); err != nil {
		return d.pgWrap(err)
	}
	d.w = newWriter(d)
	return nil
}

// pgWrap names the ledger in err and marks a session that could not be
// made, or was lost, ErrUnreachable (wrap does).
func (d *DB) pgWrap(err error) error {
	if err == nil {
		return nil
	}
	return d.wrap(err)
}

// lostConnection reports whether err says the session with the server
// is gone: it could not be made, broke, or the server ended it (a
// restart, an administrator).
func lostConnection(err error) bool {
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") // connection exception, operator intervention
	}
	return false
}

// pgLock takes the tenant's lock on the writer's session, waiting up to
// opts.Wait.
func (d *DB) pgLock(ctx context.Context) error {
	deadline := time.Now().Add(d.opts.Wait)
	for {
		var ok bool
		if err := d.pg.conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", pgLockClass, d.pg.key).Scan(&ok); err != nil {
			return d.pgWrap(err)
		}
		if ok {
			d.pg.locked = true
			return nil
		}
		if time.Until(deadline) <= 0 {
			return &LockedError{Holder: d.pgHolder(ctx), Tenant: d.tenant, Path: d.path}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(lockRetry, time.Until(deadline))):
		}
	}
}

// pgHolder reads who holds the tenant's lock; zero when it cannot.
func (d *DB) pgHolder(ctx context.Context) Holder {
	var h Holder
	var pid int64
	var started string
	err := d.rdb.QueryRowContext(ctx, "SELECT pid, host, input, started FROM lock_holder").Scan(&pid, &h.Host, &h.Input, &started)
	if err != nil {
		return Holder{}
	}
	h.PID, h.Started = int(pid), parseTime(started)
	return h
}

// pgInitSchema makes the tenant's schema when there is none, migrates it
// forward and checks it, in one transaction on the locked session.
func (d *DB) pgInitSchema(ctx context.Context) error {
	tx, err := d.pg.begin(ctx)
	if err != nil {
		return d.pgWrap(err)
	}
	defer tx.Rollback()
	var exists bool
	if err := tx.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", d.pg.schema+".meta").Scan(&exists); err != nil {
		return d.wrap(err)
	}
	version := 0
	if !exists {
		if !d.opts.StartOver {
			others, err := pgSiblings(ctx, tx, d.tenant)
			if err != nil {
				return d.wrap(err)
			}
			if len(others) > 0 {
				return otherURLError(d.path, d.tenant, others)
			}
		}
		if _, err := tx.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{d.pg.schema}.Sanitize()); err != nil {
			return d.wrap(err)
		}
		for v := 1; v <= SchemaVersion; v++ {
			if _, err := tx.ExecContext(ctx, pgSteps[v-1]); err != nil {
				return fmt.Errorf("ledger %s: making schema version %d: %w", d.path, v, err)
			}
		}
		for _, kv := range [][2]string{{"url", d.tenant.URL}, {"pno", d.tenant.PNO}, {"pronum", d.tenant.ProNum}, {"created", d.now()},
			{"schema_version", strconv.Itoa(SchemaVersion)}} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES($1, $2)", kv[0], kv[1]); err != nil {
				return d.wrap(err)
			}
		}
	}
	if err := d.checkSchema(ctx, tx); err != nil {
		return err
	}
	version = d.version
	for v := version; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, pgSteps[v]); err != nil {
			return fmt.Errorf("ledger %s: updating the schema from version %d to %d: %w", d.path, v, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = $1 WHERE key = 'schema_version'", strconv.Itoa(v+1)); err != nil {
			return d.wrap(err)
		}
	}
	if err := d.checkSchema(ctx, tx); err != nil {
		return err
	}
	return d.pgWrap(tx.Commit())
}

// pgVersion reads the schema version of a ledger on PostgreSQL; 0 when
// its meta has none.
func pgVersion(ctx context.Context, q querier) (int, error) {
	var s string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'schema_version'").Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(s)
}

// pgSteps[i] makes (from nothing) or migrates a ledger on PostgreSQL to
// schema version i+1: the same tables and columns as SQLite's schemaV1
// and migrations, in PostgreSQL's types, and the table of who holds the
// tenant's lock. A new version adds a step here and one to migrations.
var pgSteps = []string{
	// 1
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL DEFAULT ''
);
CREATE TABLE runs (
	id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	input        TEXT NOT NULL DEFAULT '',
	input_sha256 TEXT NOT NULL DEFAULT '',
	sheet        TEXT NOT NULL DEFAULT '',
	output       TEXT NOT NULL DEFAULT '',
	lineage      TEXT NOT NULL DEFAULT '',
	pid          BIGINT NOT NULL DEFAULT 0,
	started      TEXT NOT NULL DEFAULT '',
	ended        TEXT NOT NULL DEFAULT '',
	counts       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_output ON runs(output);
CREATE INDEX runs_lineage ON runs(lineage);
CREATE TABLE creates (
	id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	fingerprint  TEXT NOT NULL DEFAULT '',
	payload      TEXT NOT NULL DEFAULT '',
	tax_id       TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL DEFAULT '',
	short_name   TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL DEFAULT '',
	sheet        TEXT NOT NULL DEFAULT '',
	row          BIGINT NOT NULL DEFAULT 0,
	result_row   BIGINT NOT NULL DEFAULT 0,
	input_sha256 TEXT NOT NULL DEFAULT '',
	lineage      TEXT NOT NULL DEFAULT '',
	run_id       BIGINT NOT NULL DEFAULT 0,
	state        TEXT NOT NULL,
	ccode        TEXT NOT NULL DEFAULT '',
	error_code   TEXT NOT NULL DEFAULT '',
	message      TEXT NOT NULL DEFAULT '',
	created      TEXT NOT NULL DEFAULT '',
	updated      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX creates_fingerprint ON creates(fingerprint);
CREATE INDEX creates_ccode ON creates(ccode);
CREATE INDEX creates_tax_id ON creates(tax_id);
CREATE INDEX creates_name ON creates(name);
CREATE INDEX creates_short_name ON creates(short_name);
CREATE TABLE codes (
	ccode       TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL DEFAULT '',
	pending     TEXT NOT NULL DEFAULT '',
	run_id      BIGINT NOT NULL DEFAULT 0,
	updated     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE lock_holder (
	one     INTEGER PRIMARY KEY CHECK (one = 1),
	pid     BIGINT NOT NULL DEFAULT 0,
	host    TEXT NOT NULL DEFAULT '',
	input   TEXT NOT NULL DEFAULT '',
	started TEXT NOT NULL DEFAULT ''
);
`,
	// 2 (see migrations)
	`
ALTER TABLE codes ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN tax_id TEXT NOT NULL DEFAULT '';
UPDATE codes SET (name, short_name, tax_id) = (
	SELECT c.name, c.short_name, c.tax_id FROM creates c WHERE c.ccode = codes.ccode AND c.state = 'created' ORDER BY c.id DESC LIMIT 1)
	WHERE EXISTS (SELECT 1 FROM creates c WHERE c.ccode = codes.ccode AND c.state = 'created');
CREATE INDEX codes_digits ON codes((ltrim(ccode, '0')));
CREATE TABLE existing (
	ccode      TEXT PRIMARY KEY,
	name       TEXT NOT NULL DEFAULT '',
	short_name TEXT NOT NULL DEFAULT '',
	tax_id     TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	mobile     TEXT NOT NULL DEFAULT '',
	row        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX existing_digits ON existing((ltrim(ccode, '0')));
CREATE INDEX existing_tax_id ON existing(tax_id);
`,
	// 3 (see migrations)
	`
ALTER TABLE runs ADD COLUMN exit_code BIGINT NOT NULL DEFAULT -1;
`,
}
