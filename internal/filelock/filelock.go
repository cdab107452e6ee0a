// Package filelock owns the one OS file lock custimport takes: an
// exclusive, non-waiting advisory lock on an open regular file, which the
// OS releases with the process (a killed run leaves none behind). The
// ledger locks a tenant's lock file with it and the folder mode a lock
// file inside the folder.
//
// It locks files, never folders: Windows refuses LockFileEx on a
// directory handle. It knows nothing of what a lock protects or of what
// the file holds.
package filelock

import "os"

// TryLock takes the exclusive lock on f without waiting: false, nil when
// another open file (in this process or another) holds it.
func TryLock(f *os.File) (bool, error) { return tryLock(f) }

// Unlock releases the lock on f; closing f releases it too.
func Unlock(f *os.File) { unlock(f) }
