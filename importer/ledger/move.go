package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Move gives the ledger of tenant from to tenant to (TMS moved to a new
// URL, say): it writes a copy for to, then renames from's file to
// <name>.moved-<UTC time> so that nothing uses it by mistake. It refuses
// when to already has a ledger, and holds both tenants' locks meanwhile.
func Move(ctx context.Context, dir string, from, to Tenant) error {
	if from.ID() == to.ID() {
		return fmt.Errorf("moving a ledger: %s and %s are the same tenant", from, to)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("ledger directory: %w", err)
	}
	h := Holder{PID: os.Getpid(), Input: "(moving the ledger to " + to.URL + ")", Started: time.Now()}
	for _, t := range []Tenant{from, to} {
		release, err := Lock(ctx, dir, t, h, 0)
		if err != nil {
			return err
		}
		defer release()
	}
	if _, err := os.Stat(FilePath(dir, from)); err != nil {
		return fmt.Errorf("moving the ledger of %s: %w", from, err)
	}
	dst := FilePath(dir, to)
	for _, p := range []string{dst, dst + "-wal"} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("moving the ledger of %s: %s already exists", from, p)
		}
	}
	src, err := Open(ctx, dir, from, Options{})
	if err != nil {
		return err
	}
	tmp := dst + ".moving"
	err = copyLedger(ctx, src, tmp, to)
	if cerr := src.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("moving the ledger of %s to %s: %w", from, to, err)
	}
	syncDir(dir)
	if err := recordLedger(dir, to, time.Now()); err != nil {
		return err
	}
	moved := fmt.Sprintf("%s.moved-%s", src.Path(), time.Now().UTC().Format("20060102T150405Z"))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Rename(src.Path()+suffix, moved+suffix)
		if err != nil && (suffix == "" || !errors.Is(err, os.ErrNotExist)) {
			return fmt.Errorf("moved the ledger of %s to %s, but could not rename the old one: %w", from, to, err)
		}
	}
	syncDir(dir)
	// Moved away on purpose: from has no ledger here any more, and is not
	// missing one.
	return recordLedger(dir, from, time.Time{})
}

// copyLedger writes a copy of src at path (which must not exist) whose
// meta names tenant t, on disk when it returns.
func copyLedger(ctx context.Context, src *DB, path string, t Tenant) error {
	os.Remove(path + "-journal")                                         // a leftover of an earlier attempt
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600) // VACUUM INTO accepts an empty file
	if err != nil {
		return err
	}
	f.Close()
	if err := src.Flush(ctx); err != nil {
		return err
	}
	if _, err := src.wdb.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return src.wrap(err)
	}
	db, err := sql.Open("sqlite", dsn(path, "_pragma=synchronous(FULL)"))
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, kv := range [][2]string{{"url", t.URL}, {"pno", t.PNO}, {"pronum", t.ProNum}} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", kv[0], kv[1]); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	return syncFile(path)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
