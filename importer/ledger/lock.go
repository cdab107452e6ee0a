package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// ErrLocked is what a *LockedError is: another run holds the tenant's lock.
var ErrLocked = errors.New("the ledger is in use by another run")

// Holder is who holds a tenant's lock, as written in its lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Input   string    `json:"input"`
	Started time.Time `json:"started"`
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
	return fmt.Sprintf("another custimport run (pid %d, importing %s since %s) is using the ledger of %s",
		e.Holder.PID, e.Holder.Input, e.Holder.Started.Local().Format(time.DateTime), e.Tenant)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// lockRetry is how often Lock tries again while it waits.
const lockRetry = 100 * time.Millisecond

// Lock takes the tenant's lock, an advisory lock on <dir>/<id>.lock that
// the OS releases with the process (a killed run leaves none behind), and
// writes h into the file for a run that finds it taken. While another
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
		ok, err := tryLock(f)
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
	if err := writeHolder(f, h); err != nil {
		unlock(f)
		f.Close()
		return nil, fmt.Errorf("ledger lock %s: %w", path, err)
	}
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			f.Truncate(0) // while still held: the next holder writes its own
			unlock(f)
			err = f.Close()
		})
		return err
	}, nil
}

func writeHolder(f *os.File, h Holder) error {
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.WriteAt(append(data, '\n'), 0)
	return err
}

// readHolder reads the holder a lock file names; zero when it cannot
// (say, the holder is writing it right now).
func readHolder(path string) Holder {
	var h Holder
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64*1024))
	if err == nil {
		json.Unmarshal(data, &h)
	}
	return h
}
