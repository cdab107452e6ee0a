package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

func (d *DB) writer() (*writer, error) {
	if d.w == nil {
		return nil, fmt.Errorf("ledger %s: opened read-only", d.path)
	}
	return d.w, nil
}

// wait queues apply and returns once it is committed (on disk).
func (d *DB) wait(ctx context.Context, apply func(context.Context, *txn) error) error {
	w, err := d.writer()
	if err != nil {
		return err
	}
	return w.do(ctx, &op{apply: apply})
}

// queue queues apply, to be committed with the next batch.
func (d *DB) queue(apply func(context.Context, *txn) error) error {
	w, err := d.writer()
	if err != nil {
		return err
	}
	return w.enqueue(&op{apply: apply})
}

// exec runs one statement that must change exactly one row.
func exec1(ctx context.Context, tx *txn, what string, query string, args ...any) error {
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%s: not in the ledger", what)
	}
	return nil
}

// BeginRun records the start of a run and returns its id, once on disk.
// A zero Started is now; a zero PID this process's.
func (d *DB) BeginRun(ctx context.Context, r Run) (int64, error) {
	if r.Started.IsZero() {
		r.Started = d.opts.Now()
	}
	if r.PID == 0 {
		r.PID = os.Getpid()
	}
	counts, err := encodeCounts(r.Counts)
	if err != nil {
		return 0, err
	}
	var id int64
	err = d.wait(ctx, func(ctx context.Context, tx *txn) error {
		var err error
		id, err = tx.insert(ctx, "INSERT INTO runs(input, input_sha256, sheet, output, lineage, pid, started, ended, counts) VALUES("+placeholders(9)+")",
			r.Input, r.InputSHA256, r.Sheet, r.Output, r.Lineage, r.PID, formatTime(r.Started), formatTime(r.Ended), counts)
		if err != nil {
			return fmt.Errorf("recording a run: %w", err)
		}
		return nil
	})
	return id, err
}

// EndRun records the end of run id, its counts and the exit code it ends
// with, once on disk.
func (d *DB) EndRun(ctx context.Context, id int64, counts map[string]int, exitCode int) error {
	c, err := encodeCounts(counts)
	if err != nil {
		return err
	}
	now := d.now()
	err = d.wait(ctx, func(ctx context.Context, tx *txn) error {
		return exec1(ctx, tx, fmt.Sprintf("ending run %d", id), "UPDATE runs SET ended = ?, counts = ?, exit_code = ? WHERE id = ?", now, c, exitCode, id)
	})
	return err
}

func encodeCounts(counts map[string]int) (string, error) {
	if counts == nil {
		return "", nil
	}
	data, err := json.Marshal(counts)
	return string(data), err
}

// Claim records a create about to be sent, in state Sending, and returns
// its id once it is on disk: a create that reaches TMS is never missing
// from the ledger. Concurrent claims share one commit. When ctx ends
// before the claim is written, it is not written and ctx's error is
// returned. c's ID, State and times are ignored.
func (d *DB) Claim(ctx context.Context, c Create) (int64, error) {
	ids, err := d.ClaimAll(ctx, []Create{c})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// ClaimAll claims creates as Claim does, all in one write (and one
// commit): it returns their ids, in order, once they are all on disk, or
// an error and none of them written. A caller that claims the creates it
// is about to send a few at a time, ahead of sending them, keeps the
// commit off each request's path; one it then does not send is
// withdrawn (Withdraw).
func (d *DB) ClaimAll(ctx context.Context, cs []Create) ([]int64, error) {
	if len(cs) == 0 {
		return nil, ctx.Err()
	}
	now := d.now()
	ids := make([]int64, len(cs))
	err := d.wait(ctx, func(ctx context.Context, tx *txn) error {
		for i, c := range cs {
			id, err := tx.insert(ctx, "INSERT INTO creates(fingerprint, payload, tax_id, name, short_name, source, sheet, row, result_row, input_sha256, lineage, run_id, state, ccode, error_code, message, created, updated) VALUES("+placeholders(18)+")",
				c.Fingerprint, c.Payload, c.TaxID, c.Name, c.ShortName, c.Source, c.Sheet, c.Row, c.ResultRow, c.InputSHA256, c.Lineage, c.RunID,
				Sending, c.CCODE, c.ErrorCode, c.Message, now, now)
			if err != nil {
				return fmt.Errorf("claiming a create: %w", err)
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// Withdraw removes the claims ids of creates that were never sent
// (claimed ahead, then the run stopped before their requests): the
// ledger forgets them, as if they had not been claimed. It returns once
// that is on disk; until then (or if the process ends first) the claims
// stay Sending, so the creates are held as UNKNOWN rather than sent
// twice. It fails, withdrawing none, when one of them is not Sending any
// more (its outcome was recorded: it was sent).
func (d *DB) Withdraw(ctx context.Context, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	return d.wait(ctx, func(ctx context.Context, tx *txn) error {
		for _, id := range ids {
			if err := exec1(ctx, tx, fmt.Sprintf("withdrawing the claim of create %d", id), "DELETE FROM creates WHERE id = ? AND state = ?", id, Sending); err != nil {
				return err
			}
		}
		return nil
	})
}

// Settle records the outcome of create id: Created (with the code TMS
// gave it), Refused or Unknown. A Created one with a code also records
// that code's content as the create's fingerprint, in the same
// transaction. It is queued: committed with the next batch.
func (d *DB) Settle(id int64, state, ccode, errorCode, message string) error {
	if state != Created && state != Refused && state != Unknown {
		return fmt.Errorf("ledger %s: settling create %d: bad state %q", d.path, id, state)
	}
	now := d.now()
	return d.queue(func(ctx context.Context, tx *txn) error {
		what := fmt.Sprintf("settling create %d", id)
		if err := exec1(ctx, tx, what, "UPDATE creates SET state = ?, ccode = coalesce(nullif(?, ''), ccode), error_code = ?, message = ?, updated = ? WHERE id = ?",
			state, ccode, errorCode, message, now, id); err != nil {
			return err
		}
		if state != Created || ccode == "" {
			return nil
		}
		_, err := tx.exec(ctx, `INSERT INTO codes(ccode, fingerprint, pending, run_id, updated, name, short_name, tax_id)
			SELECT ?, fingerprint, '', run_id, ?, name, short_name, tax_id FROM creates WHERE id = ?
			ON CONFLICT(ccode) DO UPDATE SET fingerprint = excluded.fingerprint, run_id = excluded.run_id, updated = excluded.updated,
				name = excluded.name, short_name = excluded.short_name, tax_id = excluded.tax_id`,
			ccode, now, id)
		if err != nil {
			return fmt.Errorf("%s: code %s: %w", what, ccode, err)
		}
		return nil
	})
}

// Release marks create id Released: an Unknown the user chose to send
// again. It is queued.
func (d *DB) Release(id int64) error {
	now := d.now()
	return d.queue(func(ctx context.Context, tx *txn) error {
		return exec1(ctx, tx, fmt.Sprintf("releasing create %d", id), "UPDATE creates SET state = ?, updated = ? WHERE id = ?", Released, now, id)
	})
}

var errNoCode = errors.New("no customer code")

// SendingCode records that content (fingerprint) is about to be sent for
// a code, its answer not known yet, with the names it is sent with (a
// blank one keeps the name recorded before: fields left blank are not
// sent, so TMS keeps them too). It is queued.
func (d *DB) SendingCode(ccode, fingerprint string, names Names, runID int64) error {
	if ccode == "" {
		return fmt.Errorf("ledger %s: %w", d.path, errNoCode)
	}
	now := d.now()
	return d.queue(func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO codes(ccode, fingerprint, pending, run_id, updated, name, short_name, tax_id) VALUES(?, '', ?, ?, ?, ?, ?, ?)
			ON CONFLICT(ccode) DO UPDATE SET pending = excluded.pending, run_id = excluded.run_id, updated = excluded.updated,
				name = coalesce(nullif(excluded.name, ''), codes.name), short_name = coalesce(nullif(excluded.short_name, ''), codes.short_name),
				tax_id = coalesce(nullif(excluded.tax_id, ''), codes.tax_id)`,
			ccode, fingerprint, runID, now, names.Name, names.ShortName, names.TaxID)
		if err != nil {
			return fmt.Errorf("code %s: %w", ccode, err)
		}
		return nil
	})
}

// Accepted records that TMS accepted content (fingerprint) for a code:
// it is the code's content now, nothing is pending. It is queued.
func (d *DB) Accepted(ccode, fingerprint string, runID int64) error {
	if ccode == "" {
		return fmt.Errorf("ledger %s: %w", d.path, errNoCode)
	}
	now := d.now()
	return d.queue(func(ctx context.Context, tx *txn) error {
		_, err := tx.exec(ctx, `INSERT INTO codes(ccode, fingerprint, pending, run_id, updated) VALUES(?, ?, '', ?, ?)
			ON CONFLICT(ccode) DO UPDATE SET fingerprint = excluded.fingerprint, pending = '', run_id = excluded.run_id, updated = excluded.updated`,
			ccode, fingerprint, runID, now)
		if err != nil {
			return fmt.Errorf("code %s: %w", ccode, err)
		}
		return nil
	})
}

// Failed records that TMS refused what was sent for a code: nothing was
// applied, nothing is pending. It is queued.
func (d *DB) Failed(ccode string) error {
	if ccode == "" {
		return fmt.Errorf("ledger %s: %w", d.path, errNoCode)
	}
	now := d.now()
	return d.queue(func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, "UPDATE codes SET pending = '', updated = ? WHERE ccode = ?", now, ccode); err != nil {
			return fmt.Errorf("code %s: %w", ccode, err)
		}
		return nil
	})
}

// Flush returns once every write queued before it is committed.
func (d *DB) Flush(ctx context.Context) error {
	return d.wait(ctx, nil)
}
