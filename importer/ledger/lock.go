package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/custimport/custimport/internal/filelock"
)

// ErrLocked is what a *LockedError is: another run holds the tenant's lock.
var ErrLocked = errors.New("the ledger is in use by another run")

// Holder is who holds a tenant's lock, as written in its lock file.
type Holder struct {
	PID     int       `json:"pid,omitzero"`
	Host    string    `json:"host,omitzero"` // the computer (a ledger on PostgreSQL: another PC's run)
	Input   string    `json:"input,omitzero"`
	Started time.Time `json:"started,omitzero"`
}

// lockRecord is what a tenant's lock file holds: the run that holds the
// lock (zero once it is released) and, kept from run to run, when the
// tenant's ledger was made in this folder. A folder whose lock file
// records a ledger that is not there has lost it (Open: ErrLost).
type lockRecord struct {
	Holder
	Ledger time.Time `json:"ledger,omitzero"`
}

// LockedError is returned by Lock while another run holds the lock.
type LockedError struct {
	Holder Holder // zero when the lock file could not be read
	Tenant Tenant
	Path   string // the lock file
}

func (e *LockedError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("another custimport run is using the ledger of %s (lock %s)", e.Tenant, e.Path)
	}
	host := ""
	if e.Holder.Host != "" {
		host = " on " + e.Holder.Host
	}
	return fmt.Sprintf("another custimport run (pid %d%s, importing %s since %s) is using the ledger of %s",
		e.Holder.PID, host, e.Holder.Input, e.Holder.Started.Local().Format(time.DateTime), e.Tenant)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// lockRetry is how often Lock tries again while it waits.
const lockRetry = 100 * time.Millisecond

// Lock takes the tenant's lock, an advisory lock on <dir>/<id>.lock that
// the OS releases with the process (a killed run leaves none behind), and
// writes h into the file for a run that finds it taken (keeping what the
// file records of the ledger; release clears h and keeps that too). While another
// process (or another Lock in this one) holds it, Lock tries again every
// 100 ms for up to wait (0: once), then returns a *LockedError naming
// the holder.
func Lock(ctx context.Context, dir string, t Tenant, h Holder, wait time.Duration) (release func() error, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ledger directory: %w", err)
	}
	path := LockPath(dir, t)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := filelock.TryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("ledger lock %s: %w", path, err)
		}
		if ok {
			break
		}
		if left := time.Until(deadline); left <= 0 {
			f.Close()
			return nil, &LockedError{Holder: readHolder(path), Tenant: t, Path: path}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(lockRetry, time.Until(deadline))):
		}
	}
	rec := readRecordFrom(f)
	rec.Holder = h
	if err := writeRecord(f, rec); err != nil {
		filelock.Unlock(f)
		f.Close()
		return nil, fmt.Errorf("ledger lock %s: %w", path, err)
	}
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			// While still held: what Open recorded meanwhile stays, the
			// holder goes (the next one writes its own).
			rec := readRecordFrom(f)
			rec.Holder = Holder{}
			writeRecord(f, rec)
			filelock.Unlock(f)
			err = f.Close()
		})
		return err
	}, nil
}

// writeRecord writes rec at the start of f, then cuts what is left of
// a longer earlier record: a crash in between leaves the new record
// followed by a tail that readRecord does not read.
func writeRecord(f *os.File, rec lockRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if _, err := f.WriteAt(data, 0); err != nil {
		return err
	}
	return f.Truncate(int64(len(data)))
}

// readRecordFrom reads the record at the start of f; zero when there is
// none (a new lock file) or it cannot be read (say, the holder is writing
// it right now).
func readRecordFrom(f *os.File) lockRecord {
	var rec lockRecord
	data := make([]byte, 64*1024)
	n, _ := f.ReadAt(data, 0)
	// The first JSON value only: writeRecord may have left a tail.
	json.NewDecoder(bytes.NewReader(data[:n])).Decode(&rec)
	return rec
}

// readRecord reads the record of the lock file at path.
func readRecord(path string) lockRecord {
	f, err := os.Open(path)
	if err != nil {
		return lockRecord{}
	}
	defer f.Close()
	return readRecordFrom(f)
}

// readHolder reads the holder a lock file names; zero when it cannot.
func readHolder(path string) Holder { return readRecord(path).Holder }

// recordLedger writes into the tenant's lock file when its ledger was
// made in dir (at; zero: it was moved away), unless it says so already.
// Its caller holds the lock or, at least, is the only one writing.
func recordLedger(dir string, t Tenant, at time.Time) error {
	path := LockPath(dir, t)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("ledger lock %s: %w", path, err)
	}
	defer f.Close()
	rec := readRecordFrom(f)
	if rec.Ledger.IsZero() == at.IsZero() {
		return nil
	}
	rec.Ledger = at.UTC()
	if err := writeRecord(f, rec); err != nil {
		return fmt.Errorf("ledger lock %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("ledger lock %s: %w", path, err)
	}
	return nil
}
