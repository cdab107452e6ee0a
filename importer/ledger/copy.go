package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Copy merges the ledger src into dst (the same tenant's: another PC's
// SQLite file into the team's PostgreSQL ledger, or that back into a file
// for a backup), row by row, a batch per transaction, without holding
// either ledger in memory. Into an empty dst the rows keep their ids, so
// the copy's Export is the source's. Into a dst that has rows (a second
// PC's ledger merged), each row new to dst gets a new id; a create dst
// already has (the same claim: its time, content, file and row) is kept,
// unless dst still has it in flight and src knows how it ended; a code
// keeps its latest record; the list of existing customers is the one
// loaded last. Runs come along, a create pointing at its run's copy.
//
// The copy is then verified: every table's rows are counted and summed
// (Sums); into an empty dst, dst's sums must be src's, and into a
// non-empty one every row of src must be found in dst.
func Copy(ctx context.Context, src, dst *DB) (CopyReport, error) {
	var rep CopyReport
	if src.tenant != dst.tenant {
		return rep, fmt.Errorf("copying the ledger %s into %s: %w: it is the ledger of %s, not of %s", src.path, dst.path, ErrOtherTenant, src.tenant, dst.tenant)
	}
	if _, err := dst.writer(); err != nil {
		return rep, err
	}
	if src.version < SchemaVersion {
		return rep, fmt.Errorf("copying the ledger %s: schema %d: open it once with this custimport (it is brought up to date) and copy again", src.path, src.version)
	}
	var err error
	if rep.Source, err = Sums(ctx, src); err != nil {
		return rep, err
	}
	if rep.Before, err = Sums(ctx, dst); err != nil {
		return rep, err
	}
	c := &copier{src: src, dst: dst, empty: rep.Before.empty(), runs: map[int64]int64{}, added: map[string]int{}, present: map[string]int{}}
	for _, step := range []func(context.Context) error{c.copyRuns, c.copyCreates, c.copyCodes, c.copyExisting, c.fixIDs} {
		if err := step(ctx); err != nil {
			return rep, fmt.Errorf("copying the ledger %s into %s: %w", src.path, dst.path, err)
		}
	}
	if err := dst.Flush(ctx); err != nil {
		return rep, err
	}
	rep.Added, rep.Present, rep.Twice, rep.TwiceCount = c.added, c.present, c.twice, c.twiceCount
	if rep.After, err = Sums(ctx, dst); err != nil {
		return rep, err
	}
	return rep, rep.verify(c.empty)
}

// CopyReport says what Copy did and found.
type CopyReport struct {
	Source, Before, After TableSums
	// Added and Present count, per table, the source's rows dst did not
	// have (copied) and had already.
	Added, Present map[string]int
	// Twice are the customers both ledgers had created, each on its own
	// (the same content under two codes: what a shared ledger prevents):
	// the customer may exist twice in TMS. At most maxTwice are listed;
	// TwiceCount counts them all.
	Twice      []Twice
	TwiceCount int
}

// Twice is a customer created under two codes by two ledgers.
type Twice struct {
	Name        string
	Code, Other string // the copied create's code, and the code dst had
}

// maxTwice bounds the customers created twice a CopyReport lists.
const maxTwice = 50

// ErrCopyMismatch is returned when a copy's verification fails.
var ErrCopyMismatch = errors.New("the copy does not match its source")

func (r CopyReport) verify(intoEmpty bool) error {
	for _, table := range copyTables {
		s, a := r.Source[table], r.After[table]
		if intoEmpty && s != a {
			return fmt.Errorf("%w: table %s: source %d rows (sum %016x), copy %d rows (sum %016x)", ErrCopyMismatch, table, s.Rows, s.Sum, a.Rows, a.Sum)
		}
		if !intoEmpty && r.Added[table]+r.Present[table] != s.Rows {
			return fmt.Errorf("%w: table %s: %d source rows, %d copied and %d found", ErrCopyMismatch, table, s.Rows, r.Added[table], r.Present[table])
		}
		if !intoEmpty && a.Rows != r.Before[table].Rows+r.Added[table] && table != "existing" {
			return fmt.Errorf("%w: table %s: %d rows before, %d added, %d after", ErrCopyMismatch, table, r.Before[table].Rows, r.Added[table], a.Rows)
		}
	}
	return nil
}

// copyTables are the tables Copy copies and Sums sums.
var copyTables = []string{"runs", "creates", "codes", "existing"}

// TableSum is a table's row count and an order-free checksum of its rows
// (the sum of each row's SHA-256, first 8 bytes).
type TableSum struct {
	Rows int
	Sum  uint64
}

// TableSums are the sums of a ledger's tables.
type TableSums map[string]TableSum

func (s TableSums) empty() bool {
	for _, v := range s {
		if v.Rows > 0 {
			return false
		}
	}
	return true
}

// Sums counts and sums the rows of each table of d: runs, creates, codes
// and the list of existing customers. A create's run is summed by the
// run's id.
func Sums(ctx context.Context, d *DB) (TableSums, error) {
	out := TableSums{}
	for table, cols := range map[string]string{
		"runs": runCols + ", exit_code", "creates": createCols, "codes": codeCols, "existing": existingCols,
	} {
		rows, err := d.query(ctx, "SELECT "+cols+" FROM "+table)
		if err != nil {
			return nil, d.wrap(err)
		}
		n := strings.Count(cols, ",") + 1
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var ts TableSum
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, d.wrap(err)
			}
			h := sha256.New()
			for _, v := range vals {
				h.Write([]byte(strconv.Itoa(len(v.String))))
				h.Write([]byte{':'})
				h.Write([]byte(v.String))
			}
			ts.Rows++
			ts.Sum += binary.BigEndian.Uint64(h.Sum(nil))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, d.wrap(err)
		}
		out[table] = ts
	}
	return out, nil
}

// copier is one Copy.
type copier struct {
	src, dst   *DB
	empty      bool            // dst had no rows: ids are kept
	runs       map[int64]int64 // src run id → dst run id
	added      map[string]int
	present    map[string]int
	twice      []Twice
	twiceCount int
}

// copyBatch is how many rows one transaction of a copy writes.
const copyBatch = 500

// each streams the rows of query from src in batches to fn.
func each[T any](ctx context.Context, d *DB, query string, scan func(scanner) (T, error), fn func([]T) error) error {
	rows, err := d.query(ctx, query)
	if err != nil {
		return d.wrap(err)
	}
	defer rows.Close()
	batch := make([]T, 0, copyBatch)
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return d.wrap(err)
		}
		if batch = append(batch, v); len(batch) == copyBatch {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return d.wrap(err)
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

func (c *copier) count(table string, added bool) {
	if added {
		c.added[table]++
	} else {
		c.present[table]++
	}
}

type runRow struct {
	Run
	counts string
}

func scanRun(s scanner) (runRow, error) {
	var r runRow
	var started, ended string
	err := s.Scan(&r.ID, &r.Input, &r.InputSHA256, &r.Sheet, &r.Output, &r.Lineage, &r.PID, &started, &ended, &r.counts, &r.ExitCode)
	r.Started, r.Ended = parseTime(started), parseTime(ended)
	return r, err
}

// copyRuns copies the runs; a run dst has (the same input, process and
// start) is found, not copied.
func (c *copier) copyRuns(ctx context.Context) error {
	return each(ctx, c.src, "SELECT "+runCols+", exit_code FROM runs ORDER BY id", scanRun, func(batch []runRow) error {
		return c.dst.wait(ctx, func(ctx context.Context, tx *txn) error {
			for _, r := range batch {
				if !c.empty {
					var id int64
					err := tx.Tx.QueryRowContext(ctx, c.dst.sql("SELECT id FROM runs WHERE output = ? AND started = ? AND pid = ? AND input = ? ORDER BY id LIMIT 1"),
						r.Output, formatTime(r.Started), r.PID, r.Input).Scan(&id)
					if err == nil {
						c.runs[r.ID] = id
						c.count("runs", false)
						continue
					}
					if !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
				cols, args := "input, input_sha256, sheet, output, lineage, pid, started, ended, counts, exit_code",
					[]any{r.Input, r.InputSHA256, r.Sheet, r.Output, r.Lineage, r.PID, formatTime(r.Started), formatTime(r.Ended), r.counts, r.ExitCode}
				if c.empty {
					cols, args = "id, "+cols, append([]any{r.ID}, args...)
				}
				id, err := tx.insert(ctx, "INSERT INTO runs("+cols+") VALUES("+placeholders(len(args))+")", args...)
				if err != nil {
					return err
				}
				c.runs[r.ID] = id
				c.count("runs", true)
			}
			return nil
		})
	})
}

// copyCreates copies the creates, each pointing at its run's copy.
func (c *copier) copyCreates(ctx context.Context) error {
	return each(ctx, c.src, "SELECT "+createCols+" FROM creates ORDER BY id", scanCreate, func(batch []Create) error {
		return c.dst.wait(ctx, func(ctx context.Context, tx *txn) error {
			for _, cr := range batch {
				run, ok := c.runs[cr.RunID]
				if !ok {
					run = cr.RunID // a create of a run not in the ledger: as it is
				}
				if !c.empty {
					var id int64
					var state, updated string
					err := tx.Tx.QueryRowContext(ctx, c.dst.sql("SELECT id, state, updated FROM creates WHERE fingerprint = ? AND created = ? AND source = ? AND row = ? ORDER BY id LIMIT 1"),
						cr.Fingerprint, formatTime(cr.Created), cr.Source, cr.Row).Scan(&id, &state, &updated)
					if err == nil {
						c.count("creates", false)
						if state == Sending && cr.State != Sending && cr.Updated.After(parseTime(updated)) {
							if _, err := tx.exec(ctx, "UPDATE creates SET state = ?, ccode = ?, error_code = ?, message = ?, updated = ? WHERE id = ?",
								cr.State, cr.CCODE, cr.ErrorCode, cr.Message, formatTime(cr.Updated), id); err != nil {
								return err
							}
						}
						continue
					}
					if !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
				if !c.empty && cr.State == Created && cr.CCODE != "" {
					var other string
					err := tx.Tx.QueryRowContext(ctx, c.dst.sql("SELECT ccode FROM creates WHERE fingerprint = ? AND state = ? AND ccode <> ? ORDER BY id LIMIT 1"),
						cr.Fingerprint, Created, cr.CCODE).Scan(&other)
					switch {
					case err == nil:
						if c.twiceCount++; len(c.twice) < maxTwice {
							c.twice = append(c.twice, Twice{Name: cr.Name, Code: cr.CCODE, Other: other})
						}
					case !errors.Is(err, sql.ErrNoRows):
						return err
					}
				}
				cols := "fingerprint, payload, tax_id, name, short_name, source, sheet, row, result_row, input_sha256, lineage, run_id, state, ccode, error_code, message, created, updated"
				args := []any{cr.Fingerprint, cr.Payload, cr.TaxID, cr.Name, cr.ShortName, cr.Source, cr.Sheet, cr.Row, cr.ResultRow, cr.InputSHA256, cr.Lineage, run,
					cr.State, cr.CCODE, cr.ErrorCode, cr.Message, formatTime(cr.Created), formatTime(cr.Updated)}
				if c.empty {
					cols, args = "id, "+cols, append([]any{cr.ID}, args...)
				}
				if _, err := tx.insert(ctx, "INSERT INTO creates("+cols+") VALUES("+placeholders(len(args))+")", args...); err != nil {
					return err
				}
				c.count("creates", true)
			}
			return nil
		})
	})
}

func scanCode(s scanner) (Code, error) {
	var c Code
	var updated string
	err := s.Scan(&c.CCODE, &c.Fingerprint, &c.Pending, &c.RunID, &updated, &c.Name, &c.ShortName, &c.TaxID)
	c.Updated = parseTime(updated)
	return c, err
}

// copyCodes copies the codes; a code both have keeps the later record.
func (c *copier) copyCodes(ctx context.Context) error {
	return each(ctx, c.src, "SELECT "+codeCols+" FROM codes ORDER BY ccode", scanCode, func(batch []Code) error {
		return c.dst.wait(ctx, func(ctx context.Context, tx *txn) error {
			for _, cd := range batch {
				run, ok := c.runs[cd.RunID]
				if !ok {
					run = cd.RunID
				}
				if !c.empty {
					var updated string
					err := tx.Tx.QueryRowContext(ctx, c.dst.sql("SELECT updated FROM codes WHERE ccode = ?"), cd.CCODE).Scan(&updated)
					if err == nil {
						c.count("codes", false)
						if !cd.Updated.After(parseTime(updated)) {
							continue
						}
						_, err := tx.exec(ctx, "UPDATE codes SET fingerprint = ?, pending = ?, run_id = ?, updated = ?, name = ?, short_name = ?, tax_id = ? WHERE ccode = ?",
							cd.Fingerprint, cd.Pending, run, formatTime(cd.Updated), cd.Name, cd.ShortName, cd.TaxID, cd.CCODE)
						if err != nil {
							return err
						}
						continue
					}
					if !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
				if _, err := tx.exec(ctx, "INSERT INTO codes("+codeCols+") VALUES("+placeholders(8)+")",
					cd.CCODE, cd.Fingerprint, cd.Pending, run, formatTime(cd.Updated), cd.Name, cd.ShortName, cd.TaxID); err != nil {
					return err
				}
				c.count("codes", true)
			}
			return nil
		})
	})
}

// copyExisting copies the list of existing customers when dst has none,
// or an older one.
func (c *copier) copyExisting(ctx context.Context) error {
	info, ok, err := c.src.ExistingInfo(ctx)
	if err != nil || !ok {
		return err
	}
	if have, ok, err := c.dst.ExistingInfo(ctx); err != nil {
		return err
	} else if ok && !info.Loaded.After(have.Loaded) {
		c.present["existing"] += info.Count
		return nil
	}
	list, _, err := c.src.Existing(ctx)
	if err != nil {
		return err
	}
	if err := c.dst.wait(ctx, func(ctx context.Context, tx *txn) error { return replaceExisting(ctx, tx, list.Info, list.Customers) }); err != nil {
		return err
	}
	c.added["existing"] += len(list.Customers)
	return nil
}

// fixIDs moves PostgreSQL's id sequences past ids a copy wrote itself.
func (c *copier) fixIDs(ctx context.Context) error {
	if c.dst.pg == nil || !c.empty {
		return nil
	}
	return c.dst.wait(ctx, func(ctx context.Context, tx *txn) error {
		for _, table := range []string{"runs", "creates"} {
			if _, err := tx.Tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+table+"', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "+table+"), false)"); err != nil {
				return err
			}
		}
		return nil
	})
}
