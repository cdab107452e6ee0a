package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The columns of each table, in the order the code reads them.
const (
	runCols      = "id, input, input_sha256, sheet, output, lineage, pid, started, ended, counts"
	createCols   = "id, fingerprint, payload, tax_id, name, short_name, source, sheet, row, result_row, input_sha256, lineage, run_id, state, ccode, error_code, message, created, updated"
	codeCols     = "ccode, fingerprint, pending, run_id, updated, name, short_name, tax_id"
	existingCols = "ccode, name, short_name, tax_id, phone, mobile, row"
	// codeColsV1 reads a version 1 ledger (opened read-only, so not
	// migrated): its codes have no names.
	codeColsV1 = "ccode, fingerprint, pending, run_id, updated, '', '', ''"
)

// tableCols are the columns each table of a schema version has.
func tableCols(version int) map[string]string {
	cols := map[string]string{
		"meta":    "key, value",
		"runs":    runCols,
		"creates": createCols,
		"codes":   codeCols,
	}
	if version >= 2 {
		cols["existing"] = existingCols
	} else {
		cols["codes"] = "ccode, fingerprint, pending, run_id, updated"
	}
	if version >= 3 {
		cols["runs"] = runCols + ", exit_code"
	}
	return cols
}

// schemaV1 creates the version 1 tables. Times are RFC 3339 UTC text.
const schemaV1 = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL DEFAULT ''
);
CREATE TABLE runs (
	id           INTEGER PRIMARY KEY,
	input        TEXT NOT NULL DEFAULT '',
	input_sha256 TEXT NOT NULL DEFAULT '',
	sheet        TEXT NOT NULL DEFAULT '',
	output       TEXT NOT NULL DEFAULT '',
	lineage      TEXT NOT NULL DEFAULT '',
	pid          INTEGER NOT NULL DEFAULT 0,
	started      TEXT NOT NULL DEFAULT '',
	ended        TEXT NOT NULL DEFAULT '',
	counts       TEXT NOT NULL DEFAULT '' -- JSON object
);
CREATE INDEX runs_output ON runs(output);
CREATE INDEX runs_lineage ON runs(lineage);
CREATE TABLE creates (
	id           INTEGER PRIMARY KEY,
	fingerprint  TEXT NOT NULL DEFAULT '',
	payload      TEXT NOT NULL DEFAULT '', -- JSON
	tax_id       TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL DEFAULT '',
	short_name   TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL DEFAULT '',
	sheet        TEXT NOT NULL DEFAULT '',
	row          INTEGER NOT NULL DEFAULT 0,
	result_row   INTEGER NOT NULL DEFAULT 0,
	input_sha256 TEXT NOT NULL DEFAULT '',
	lineage      TEXT NOT NULL DEFAULT '',
	run_id       INTEGER NOT NULL DEFAULT 0,
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
	fingerprint TEXT NOT NULL DEFAULT '', -- the last content TMS accepted
	pending     TEXT NOT NULL DEFAULT '', -- content sent, answer not known yet
	run_id      INTEGER NOT NULL DEFAULT 0,
	updated     TEXT NOT NULL DEFAULT ''
);
`

// migrations[i] takes a ledger from schema version i+1 to i+2, in the
// transaction that opens it for writing. A new ledger is version 1 made
// and migrated, so every ledger went through the same steps.
var migrations = []string{
	// 2: the names of each code sent (ledger find searches them), the list
	// of the customers TMS already has (loaded from its own export), and
	// codes looked up with their leading zeros taken off (a code Excel
	// shortened is found by what is left).
	`
ALTER TABLE codes ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN tax_id TEXT NOT NULL DEFAULT '';
UPDATE codes SET (name, short_name, tax_id) = (
	SELECT c.name, c.short_name, c.tax_id FROM creates c WHERE c.ccode = codes.ccode AND c.state = 'created' ORDER BY c.id DESC LIMIT 1)
	WHERE EXISTS (SELECT 1 FROM creates c WHERE c.ccode = codes.ccode AND c.state = 'created');
CREATE INDEX codes_digits ON codes(ltrim(ccode, '0'));
CREATE TABLE existing (
	ccode      TEXT PRIMARY KEY,
	name       TEXT NOT NULL DEFAULT '',
	short_name TEXT NOT NULL DEFAULT '',
	tax_id     TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	mobile     TEXT NOT NULL DEFAULT '',
	row        INTEGER NOT NULL DEFAULT 0 -- its row in the file it was loaded from
);
CREATE INDEX existing_digits ON existing(ltrim(ccode, '0'));
CREATE INDEX existing_tax_id ON existing(tax_id);
`,
	// 3: the exit code each run ended with (schedule status shows it);
	// -1, "not known", for the runs before and for a run that has not
	// ended.
	`
ALTER TABLE runs ADD COLUMN exit_code INTEGER NOT NULL DEFAULT -1;
`,
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// initSchema creates the schema of a new ledger (create: a new file that
// create puts in place) and checks an existing one, in one write
// transaction. An existing file with no tables is a lost ledger: a ledger
// is never made in place.
func (d *DB) initSchema(ctx context.Context, create bool) error {
	tx, err := d.wdb.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see _txlock)
	if err != nil {
		return d.wrap(err)
	}
	defer tx.Rollback()
	var version, tables int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return d.wrap(err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return d.wrap(err)
	}
	if version == 0 && tables == 0 && !create {
		return fmt.Errorf("ledger %s holds no tables: %w", d.path, ErrLost)
	}
	if version == 0 && tables == 0 {
		if _, err := tx.ExecContext(ctx, schemaV1); err != nil {
			return d.wrap(err)
		}
		for _, kv := range [][2]string{{"url", d.tenant.URL}, {"pno", d.tenant.PNO}, {"pronum", d.tenant.ProNum}, {"created", d.now()}} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES(?, ?)", kv[0], kv[1]); err != nil {
				return d.wrap(err)
			}
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = 1"); err != nil {
			return d.wrap(err)
		}
		version = 1
	}
	// What is there must be a whole ledger of its version before it is
	// migrated: a damaged one is refused, not half updated.
	if err := d.checkSchema(ctx, tx); err != nil {
		return err
	}
	if err := d.migrate(ctx, tx, version); err != nil {
		return err
	}
	if err := d.checkSchema(ctx, tx); err != nil {
		return err
	}
	return d.wrap(tx.Commit())
}

// migrate brings a ledger of schema version from up to SchemaVersion,
// one step at a time, in tx. A version it does not know is left for
// checkSchema to refuse.
func (d *DB) migrate(ctx context.Context, tx *sql.Tx, from int) error {
	if from < 1 || from > SchemaVersion {
		return nil
	}
	for v := from; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("ledger %s: updating the schema from version %d to %d: %w", d.path, v, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			return d.wrap(err)
		}
	}
	return nil
}

// checkSchema checks that the ledger is one this package can read, and
// the tenant's, and notes its version (a read-only ledger may be older).
func (d *DB) checkSchema(ctx context.Context, q querier) error {
	var version int
	var err error
	if d.pg != nil {
		version, err = pgVersion(ctx, q)
	} else {
		err = q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	}
	if err != nil {
		return d.wrap(err)
	}
	switch {
	case version > SchemaVersion:
		return fmt.Errorf("ledger %s: %w (schema %d; this custimport reads up to %d)", d.path, ErrNewerSchema, version, SchemaVersion)
	case version < 1 && d.pg != nil:
		return fmt.Errorf("ledger %s: %w (its meta table has no schema version)", d.path, ErrCorrupt)
	case version < 1 && !hasTables(ctx, q):
		return fmt.Errorf("ledger %s holds no tables: %w", d.path, ErrLost)
	case version < 1:
		return fmt.Errorf("ledger %s: %w (an SQLite database of something else)", d.path, ErrCorrupt)
	}
	d.version = version
	for table, cols := range tableCols(version) {
		rows, err := q.QueryContext(ctx, "SELECT "+cols+" FROM "+table+" LIMIT 0")
		if err != nil {
			return fmt.Errorf("ledger %s: %w (table %s: %w)", d.path, ErrCorrupt, table, err)
		}
		rows.Close()
	}
	meta := map[string]string{}
	rows, err := q.QueryContext(ctx, "SELECT key, value FROM meta")
	if err != nil {
		return d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return d.wrap(err)
		}
		meta[k] = v
	}
	if err := rows.Err(); err != nil {
		return d.wrap(err)
	}
	got := Tenant{URL: meta["url"], PNO: meta["pno"], ProNum: meta["pronum"]}
	if got != d.tenant {
		return fmt.Errorf("ledger %s: %w: it is the ledger of %s, not of %s", d.path, ErrOtherTenant, got, d.tenant)
	}
	return nil
}

// hasTables reports whether the database holds anything (true when that
// cannot be read: then it is not taken for an empty one).
func hasTables(ctx context.Context, q querier) bool {
	var n int
	return q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n) != nil || n > 0
}

// quickCheck runs SQLite's quick integrity check: damage (a bad index,
// say, that would hide a create from a look-up) is found on opening, not
// half way through a run. About 300 ms for 100,000 creates.
func (d *DB) quickCheck(ctx context.Context) error {
	var res string
	if err := d.wdb.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&res); err != nil {
		return d.wrap(err)
	}
	if res != "ok" {
		return fmt.Errorf("ledger %s: %w: %s", d.path, ErrCorrupt, strings.ReplaceAll(res, "\n", "; "))
	}
	return nil
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
