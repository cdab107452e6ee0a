package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
)

// The ledger's SQL is written once, for SQLite: ? and ?N parameters. On
// PostgreSQL (pg.go) the same statements run with $N parameters (bind),
// and the few expressions the two spell differently come from sqlText.

// sqlText are the expressions whose spelling differs between SQLite and
// PostgreSQL.
type sqlText struct {
	// sameCode is a code compared with ?1 in any case.
	sameCode string
	// digits is true when ?1 starts with a digit.
	digits string
	// contains is the template of "column contains ?1, in any case"
	// (%s is the column).
	contains string
}

var (
	sqliteText = sqlText{
		sameCode: "ccode = ?1 COLLATE NOCASE",
		digits:   "?1 GLOB '[0-9]*'",
		contains: "instr(lower(%s), lower(?1)) > 0",
	}
	postgresText = sqlText{
		sameCode: "lower(ccode) = lower(?1)",
		digits:   "?1 ~ '^[0-9]'",
		contains: "strpos(lower(%s), lower(?1)) > 0",
	}
)

// findWhere is the condition of Find, FindCodes and FindExisting: the code
// is ?1 (in any case, or once leading zeros are put back, when withDigits),
// or the tax ID is, or a name contains it.
func (s sqlText) findWhere(withDigits, withNames bool) string {
	w := s.sameCode
	if withDigits {
		w += " OR (" + s.digits + " AND ltrim(ccode, '0') = ltrim(?1, '0') AND length(ccode) >= length(?1))"
	}
	if withNames {
		w += " OR tax_id = ?1 OR " + strings.ReplaceAll(s.contains, "%s", "name") + " OR " + strings.ReplaceAll(s.contains, "%s", "short_name")
	}
	return w
}

// text returns the ledger's spelling of the expressions.
func (d *DB) text() sqlText {
	if d.pg != nil {
		return postgresText
	}
	return sqliteText
}

// bound caches bind's results: the ledger has a few dozen statements.
var bound sync.Map

// bind rewrites an SQLite statement's parameters for PostgreSQL: ?N is $N
// and each bare ? the next number. Quoted text is left alone.
func bind(query string) string {
	if v, ok := bound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
			b.WriteByte(c)
		case c != '?' || quoted:
			b.WriteByte(c)
		case i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			b.WriteByte('$')
		default:
			n++
			b.WriteString("$" + strconv.Itoa(n))
		}
	}
	out := b.String()
	bound.Store(query, out)
	return out
}

// sql returns query as the ledger's database takes it.
func (d *DB) sql(query string) string {
	if d.pg != nil {
		return bind(query)
	}
	return query
}

// query runs a read.
func (d *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := d.cutOff(); err != nil {
		return nil, err
	}
	return d.rdb.QueryContext(ctx, d.sql(query), args...)
}

// queryRow runs a read of one row.
func (d *DB) queryRow(ctx context.Context, query string, args ...any) scanner {
	if err := d.cutOff(); err != nil {
		return failed{err}
	}
	return d.rdb.QueryRowContext(ctx, d.sql(query), args...)
}

// failed is a read that was not made.
type failed struct{ err error }

func (f failed) Scan(...any) error { return f.err }

// cutOff returns why a ledger on PostgreSQL whose writer gave up on the
// server (it did not answer in time, or the session was lost) reads
// nothing more: its run is stopping, and each read would wait out the
// same timeout again before it can. nil otherwise, and for SQLite.
func (d *DB) cutOff() error {
	if d.pg == nil || d.w == nil {
		return nil
	}
	d.w.mu.Lock()
	err := d.w.err
	d.w.mu.Unlock()
	if errors.Is(err, ErrUnreachable) {
		return err
	}
	return nil
}
