package ledger

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanCreate(s scanner) (Create, error) {
	var c Create
	var created, updated string
	err := s.Scan(&c.ID, &c.Fingerprint, &c.Payload, &c.TaxID, &c.Name, &c.ShortName, &c.Source, &c.Sheet,
		&c.Row, &c.ResultRow, &c.InputSHA256, &c.Lineage, &c.RunID, &c.State, &c.CCODE, &c.ErrorCode, &c.Message,
		&created, &updated)
	c.Created, c.Updated = parseTime(created), parseTime(updated)
	return c, err
}

func (d *DB) creates(ctx context.Context, where string, args ...any) ([]Create, error) {
	var out []Create
	err := d.eachCreate(ctx, createCols, func(c Create) { out = append(out, c) }, where, args...)
	return out, err
}

// eachCreate calls fn for each create that where selects, as the rows
// come from the database: reading cols (createCols, or
// candidateCols without the payload).
func (d *DB) eachCreate(ctx context.Context, cols string, fn func(Create), where string, args ...any) error {
	rows, err := d.queryPrepared(ctx, "SELECT "+cols+" FROM creates "+where, args...)
	if err != nil {
		return d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCreate(rows)
		if err != nil {
			return d.wrap(err)
		}
		fn(c)
	}
	return d.wrap(rows.Err())
}

// candidateCols are createCols without the payload: the request sent,
// the largest column by far, which matching never reads.
var candidateCols = strings.Replace(createCols, "payload", "''", 1)

// Candidates returns the creates whose customer exists or may exist
// (Sending, Created or Unknown), oldest first, without their payloads
// (Payload is ""): what a run matches its rows with. The rows are read
// as they come (nothing else of the ledger is held meanwhile), and the
// texts many creates repeat (the input file, sheet, lineage, state,
// error code) are held once.
func (d *DB) Candidates(ctx context.Context) ([]Create, error) {
	var out []Create
	in := interner{}
	err := d.eachCreate(ctx, candidateCols, func(c Create) {
		c.Source, c.Sheet, c.Lineage, c.InputSHA256 = in.of(c.Source), in.of(c.Sheet), in.of(c.Lineage), in.of(c.InputSHA256)
		c.State, c.ErrorCode = in.of(c.State), in.of(c.ErrorCode)
		out = append(out, c)
	}, "WHERE state IN (?, ?, ?) ORDER BY id", Sending, Created, Unknown)
	return out, err
}

// interner holds one copy of each text.
type interner map[string]string

func (in interner) of(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

// CreatedWithCode returns the creates TMS answered with customer code
// ccode (exactly as written), oldest first: more than one means TMS gave
// one code to several new customers.
func (d *DB) CreatedWithCode(ctx context.Context, ccode string) ([]Create, error) {
	return d.creates(ctx, "WHERE ccode = ? AND state = ? ORDER BY id", ccode, Created)
}

// Find returns the creates (newest first, at most 200) whose code is
// text (in any case), whose tax ID is text, or whose name or short name
// contains it.
func (d *DB) Find(ctx context.Context, text string) ([]Create, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	return d.creates(ctx, "WHERE "+d.text().findWhere(false, true)+" ORDER BY id DESC LIMIT 200", text)
}

// maxCodesQuery bounds the codes one query of Codes asks for.
const maxCodesQuery = 500

// Codes returns what the ledger knows of each of ccodes that it knows: a
// batch of rows looked up in one query (or a few) instead of one each.
func (d *DB) Codes(ctx context.Context, ccodes []string) (map[string]Code, error) {
	out := make(map[string]Code, len(ccodes))
	for len(ccodes) > 0 {
		n := min(len(ccodes), maxCodesQuery)
		if err := d.codesIn(ctx, ccodes[:n], out); err != nil {
			return nil, err
		}
		ccodes = ccodes[n:]
	}
	return out, nil
}

func (d *DB) codesIn(ctx context.Context, ccodes []string, out map[string]Code) error {
	args := make([]any, len(ccodes))
	for i, c := range ccodes {
		args[i] = c
	}
	marks := strings.Repeat(",?", len(ccodes))[1:]
	return d.scanCodes(ctx, func(c Code) { out[c.CCODE] = c }, "WHERE ccode IN ("+marks+")", args...)
}

// codeColumns are the columns of codes to read: a version 1 ledger
// (read-only, not migrated) has no names.
func (d *DB) codeColumns() string {
	if d.version < 2 {
		return codeColsV1
	}
	return codeCols
}

// scanCodes calls fn for each code that where selects.
func (d *DB) scanCodes(ctx context.Context, fn func(Code), where string, args ...any) error {
	rows, err := d.query(ctx, "SELECT "+d.codeColumns()+" FROM codes "+where, args...)
	if err != nil {
		return d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Code
		var updated string
		if err := rows.Scan(&c.CCODE, &c.Fingerprint, &c.Pending, &c.RunID, &updated, &c.Name, &c.ShortName, &c.TaxID); err != nil {
			return d.wrap(err)
		}
		c.Updated = parseTime(updated)
		fn(c)
	}
	return d.wrap(rows.Err())
}

// Padded returns, for each of digits (all-digit codes without leading
// zeros), the codes the ledger knows that are digits with leading zeros
// put before them (and digits itself, if known): a code Excel shortened
// ("456" for "0456") finds the code it was. Codes TMS refused and
// never accepted are left out (see Code.Known).
func (d *DB) Padded(ctx context.Context, digits []string) (map[string][]Code, error) {
	out := map[string][]Code{}
	for len(digits) > 0 {
		n := min(len(digits), maxCodesQuery)
		args := make([]any, n)
		for i, s := range digits[:n] {
			args[i] = s
		}
		marks := strings.Repeat(",?", n)[1:]
		err := d.scanCodes(ctx, func(c Code) {
			if c.Known() {
				k := strings.TrimLeft(c.CCODE, "0")
				out[k] = append(out[k], c)
			}
		}, "WHERE ltrim(ccode, '0') IN ("+marks+")", args...)
		if err != nil {
			return nil, err
		}
		digits = digits[n:]
	}
	return out, nil
}

// FindCodes returns the codes custimport sent (newest first, at most
// 200) that are text (in any case, or once leading zeros are put back:
// "456" finds "0456"), whose tax ID is text, or whose name or short
// name contains it.
func (d *DB) FindCodes(ctx context.Context, text string) ([]Code, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	var out []Code
	where := "WHERE " + d.text().findWhere(true, d.version >= 2)
	err := d.scanCodes(ctx, func(c Code) { out = append(out, c) }, where+" ORDER BY updated DESC LIMIT 200", text)
	return out, err
}

// Code returns what the ledger knows of a customer code: Codes for one.
func (d *DB) Code(ctx context.Context, ccode string) (Code, bool, error) {
	known, err := d.Codes(ctx, []string{ccode})
	if err != nil {
		return Code{}, false, err
	}
	c, ok := known[ccode]
	return c, ok, nil
}

// LineageOf returns the lineage of the latest run whose output was path
// (absolute): a results file fed back as input continues its lineage.
// Otherwise path is a lineage of its own.
func (d *DB) LineageOf(ctx context.Context, path string) (string, error) {
	var lineage string
	err := d.queryRow(ctx, "SELECT lineage FROM runs WHERE output = ? ORDER BY id DESC LIMIT 1", path).Scan(&lineage)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && lineage == "") {
		return path, nil
	}
	if err != nil {
		return "", d.wrap(err)
	}
	return lineage, nil
}

// HasRun reports whether any run had lineage.
func (d *DB) HasRun(ctx context.Context, lineage string) (bool, error) {
	var ok bool
	err := d.queryRow(ctx, "SELECT EXISTS (SELECT 1 FROM runs WHERE lineage = ?)", lineage).Scan(&ok)
	return ok, d.wrap(err)
}

// Runs returns the latest runs, newest first; limit <= 0: all.
func (d *DB) Runs(ctx context.Context, limit int) ([]Run, error) {
	tail := ""
	if limit > 0 {
		tail = " LIMIT " + strconv.Itoa(limit)
	}
	exit := "-1" // a ledger before version 3, opened read-only
	if d.version >= 3 {
		exit = "exit_code"
	}
	rows, err := d.query(ctx, "SELECT "+runCols+", "+exit+" FROM runs ORDER BY id DESC"+tail)
	if err != nil {
		return nil, d.wrap(err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var started, ended, counts string
		if err := rows.Scan(&r.ID, &r.Input, &r.InputSHA256, &r.Sheet, &r.Output, &r.Lineage, &r.PID, &started, &ended, &counts, &r.ExitCode); err != nil {
			return nil, d.wrap(err)
		}
		r.Started, r.Ended = parseTime(started), parseTime(ended)
		if counts != "" {
			if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
				return nil, fmt.Errorf("ledger %s: run %d: counts: %w", d.path, r.ID, err)
			}
		}
		out = append(out, r)
	}
	return out, d.wrap(rows.Err())
}

// exportHeader names the columns Export writes.
var exportHeader = []string{"id", "state", "ccode", "name", "short_name", "tax_id", "source", "sheet", "row",
	"input_sha256", "run_id", "created", "updated", "error_code", "message", "fingerprint", "payload"}

// Export writes every create as CSV, UTF-8 with a byte order mark (so
// Excel reads it as UTF-8), oldest first.
func (d *DB) Export(ctx context.Context, w io.Writer) error {
	rows, err := d.query(ctx, "SELECT "+createCols+" FROM creates ORDER BY id")
	if err != nil {
		return d.wrap(err)
	}
	defer rows.Close()
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportHeader); err != nil {
		return err
	}
	for rows.Next() {
		c, err := scanCreate(rows)
		if err != nil {
			return d.wrap(err)
		}
		rec := []string{strconv.FormatInt(c.ID, 10), c.State, c.CCODE, c.Name, c.ShortName, c.TaxID, c.Source, c.Sheet,
			strconv.Itoa(c.Row), c.InputSHA256, strconv.FormatInt(c.RunID, 10), formatTime(c.Created), formatTime(c.Updated),
			c.ErrorCode, c.Message, c.Fingerprint, c.Payload}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return d.wrap(err)
	}
	cw.Flush()
	return cw.Error()
}
