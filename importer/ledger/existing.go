package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Customer is one customer TMS already has, as its own customer list
// (exported from TMS's screens) gives it.
type Customer struct {
	CCODE string
	Names
	Phone  string // 客戶電話
	Mobile string // 手機
	Row    int    // its row in the file it was loaded from
}

// ExistingInfo describes the list of existing customers a ledger holds.
type ExistingInfo struct {
	Source string    // the file it was loaded from
	Sheet  string    // the sheet of a workbook
	SHA256 string    // the file's SHA-256
	AsOf   time.Time // when TMS's list was taken (the file's time unless told)
	Loaded time.Time // when it was loaded into the ledger
	Count  int       // customers in it
}

// ExistingList is a list of existing customers with what describes it.
type ExistingList struct {
	Info      ExistingInfo
	Customers []Customer
}

// existingMeta are the meta keys of ExistingInfo.
var existingMeta = []string{"existing_source", "existing_sheet", "existing_sha256", "existing_as_of", "existing_loaded", "existing_count"}

// LoadExisting replaces the ledger's list of existing customers with
// list, in one transaction, once on disk. Its Loaded time is now; a
// customer without a code is refused (the caller leaves such rows out),
// and a code given twice is refused too.
func (d *DB) LoadExisting(ctx context.Context, list ExistingList) error {
	info := list.Info
	info.Loaded, info.Count = d.opts.Now(), len(list.Customers)
	seen := make(map[string]bool, len(list.Customers))
	for i, c := range list.Customers {
		if c.CCODE == "" {
			return fmt.Errorf("ledger %s: existing customer %d has no code", d.path, i+1)
		}
		if seen[c.CCODE] {
			return fmt.Errorf("ledger %s: existing customer code %s given twice", d.path, c.CCODE)
		}
		seen[c.CCODE] = true
	}
	return d.wait(ctx, func(ctx context.Context, tx *txn) error { return replaceExisting(ctx, tx, info, list.Customers) })
}

// replaceExisting replaces the list of existing customers in tx.
func replaceExisting(ctx context.Context, tx *txn, info ExistingInfo, customers []Customer) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM existing"); err != nil {
		return fmt.Errorf("replacing the existing customers: %w", err)
	}
	ins, err := tx.PrepareContext(ctx, "INSERT INTO existing("+existingCols+") VALUES("+placeholders(7)+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, c := range customers {
		if _, err := ins.ExecContext(ctx, c.CCODE, c.Name, c.ShortName, c.TaxID, c.Phone, c.Mobile, c.Row); err != nil {
			return fmt.Errorf("existing customer %s: %w", c.CCODE, err)
		}
	}
	values := []string{info.Source, info.Sheet, info.SHA256, formatTime(info.AsOf), formatTime(info.Loaded), strconv.Itoa(info.Count)}
	for i, k := range existingMeta {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", k, values[i]); err != nil {
			return err
		}
	}
	return nil
}

// ExistingInfo describes the ledger's list of existing customers; ok is
// false when none was ever loaded.
func (d *DB) ExistingInfo(ctx context.Context) (info ExistingInfo, ok bool, err error) {
	if d.version < 2 {
		return info, false, nil // a version 1 ledger, opened read-only: none
	}
	meta := map[string]string{}
	rows, err := d.query(ctx, "SELECT key, value FROM meta WHERE key LIKE 'existing_%'")
	if err != nil {
		return info, false, d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return info, false, d.wrap(err)
		}
		meta[k] = v
	}
	if err := rows.Err(); err != nil {
		return info, false, d.wrap(err)
	}
	if _, ok := meta["existing_loaded"]; !ok {
		return info, false, nil
	}
	info = ExistingInfo{Source: meta["existing_source"], Sheet: meta["existing_sheet"], SHA256: meta["existing_sha256"],
		AsOf: parseTime(meta["existing_as_of"]), Loaded: parseTime(meta["existing_loaded"])}
	info.Count, _ = strconv.Atoi(meta["existing_count"])
	return info, true, nil
}

// Existing returns the ledger's list of existing customers in file
// order; ok is false when none was ever loaded.
func (d *DB) Existing(ctx context.Context) (list ExistingList, ok bool, err error) {
	info, ok, err := d.ExistingInfo(ctx)
	if err != nil || !ok {
		return list, ok, err
	}
	list.Info = info
	list.Customers = make([]Customer, 0, info.Count)
	err = d.scanExisting(ctx, func(c Customer) { list.Customers = append(list.Customers, c) }, "ORDER BY row, ccode")
	return list, true, err
}

// FindExisting returns the existing customers (at most 200) whose code is
// text (in any case, or once leading zeros are put back), whose tax ID is
// text, or whose name or short name contains it.
func (d *DB) FindExisting(ctx context.Context, text string) ([]Customer, error) {
	text = strings.TrimSpace(text)
	if text == "" || d.version < 2 {
		return nil, nil
	}
	var out []Customer
	err := d.scanExisting(ctx, func(c Customer) { out = append(out, c) },
		"WHERE "+d.text().findWhere(true, true)+" ORDER BY row, ccode LIMIT 200", text)
	return out, err
}

func (d *DB) scanExisting(ctx context.Context, fn func(Customer), tail string, args ...any) error {
	rows, err := d.query(ctx, "SELECT "+existingCols+" FROM existing "+tail, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Customer
		if err := rows.Scan(&c.CCODE, &c.Name, &c.ShortName, &c.TaxID, &c.Phone, &c.Mobile, &c.Row); err != nil {
			return d.wrap(err)
		}
		fn(c)
	}
	return d.wrap(rows.Err())
}
