package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// One TMS is one tenant on PostgreSQL as in a folder: its schema and its
// lock are named after the tenant's ID, which hashes the normalised URL
// (NormalizeURL), so https://TMS.example.com:443/ and
// https://tms.example.com, typed on two PCs, are one schema and one lock.
// OpenURL normalises the tenant it is given itself, whoever built it.
// Spellings that normalising cannot tell apart (a host name for an
// address) are caught as in a folder: a new schema for a company (PNO and
// ProNum) that has one under another URL is refused (ErrOtherURL).

// ErrOtherURL is returned by a writable OpenURL that would start a ledger
// for a company (PNO and ProNum) whose ledger in the same database is
// kept under another TMS URL: most likely the same TMS written another
// way (a name for an address), whose ledger would be forgotten and its
// customers created again. Options.StartOver starts one all the same (it
// is another TMS).
var ErrOtherURL = errors.New("this company's ledger is kept under another TMS URL")

// canonicalTenant returns t with its URL normalised, its PNO and ProNum
// trimmed and an empty ProNum the PNO (as NewTenant makes it).
func canonicalTenant(t Tenant) (Tenant, error) {
	return NewTenant(t.URL, t.PNO, t.ProNum)
}

// pgSiblings returns the tenants of the other ledgers in the database
// that have t's PNO and ProNum but another URL. Schemas it may not read
// are passed over.
func pgSiblings(ctx context.Context, q querier, t Tenant) ([]Tenant, error) {
	rows, err := q.QueryContext(ctx, `SELECT nspname FROM pg_namespace
		WHERE nspname LIKE 'custimport\_%' AND to_regclass(quote_ident(nspname) || '.meta') IS NOT NULL ORDER BY nspname`)
	if err != nil {
		return nil, err
	}
	var schemas []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		if s != "custimport_"+t.ID() {
			schemas = append(schemas, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Tenant
	for _, s := range schemas {
		other, ok, err := pgTenantOf(ctx, q, s)
		if err != nil {
			return nil, err
		}
		if ok && other.PNO == t.PNO && other.ProNum == t.ProNum && other.URL != t.URL {
			out = append(out, other)
		}
	}
	return out, nil
}

// pgTenantOf reads the tenant whose ledger schema is; ok is false when
// its meta cannot be read (no privilege) or names none. q is a
// transaction: the read runs inside a savepoint, so that a refused one
// does not end it.
func pgTenantOf(ctx context.Context, q querier, schema string) (t Tenant, ok bool, err error) {
	if _, err := q.ExecContext(ctx, "SAVEPOINT tenant_of"); err != nil {
		return t, false, err
	}
	rows, err := q.QueryContext(ctx, "SELECT key, value FROM "+pgx.Identifier{schema, "meta"}.Sanitize()+" WHERE key IN ('url', 'pno', 'pronum')")
	if err != nil {
		if _, rerr := q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT tenant_of"); rerr != nil {
			return t, false, rerr
		}
		if lostConnection(err) {
			return t, false, err
		}
		return t, false, nil
	}
	n := 0
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return t, false, err
		}
		switch k {
		case "url":
			t.URL = v
		case "pno":
			t.PNO = v
		case "pronum":
			t.ProNum = v
		}
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, false, err
	}
	if _, err := q.ExecContext(ctx, "RELEASE SAVEPOINT tenant_of"); err != nil {
		return t, false, err
	}
	return t, n == 3, nil
}

// OtherURLError is the ErrOtherURL of tenant Tenant, whose company has
// ledgers in the database at Ledger under the URLs of Others.
type OtherURLError struct {
	Ledger string // the database (Path: server, database, schema)
	Tenant Tenant
	Others []Tenant
}

func (e *OtherURLError) Error() string {
	return fmt.Sprintf("ledger %s: %v: pno %s has a ledger for %s, none for %s", e.Ledger, ErrOtherURL, e.Tenant.PNO, e.OtherURLs(), e.Tenant.URL)
}

// OtherURLs lists the URLs the company has ledgers under, comma-separated.
func (e *OtherURLError) OtherURLs() string {
	urls := make([]string, len(e.Others))
	for i, o := range e.Others {
		urls[i] = o.URL
	}
	return strings.Join(urls, ", ")
}

// Is makes errors.Is(err, ErrOtherURL) true.
func (e *OtherURLError) Is(target error) bool { return target == ErrOtherURL }

// otherURLError says which ledgers of t's company are kept under another
// URL.
func otherURLError(where string, t Tenant, others []Tenant) error {
	return &OtherURLError{Ledger: where, Tenant: t, Others: others}
}
