//go:build windows

package inbox

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// ErrLocked is returned when another run is importing the same folder.
var ErrLocked = errors.New("another custimport run is importing this folder")

// Lock takes an exclusive lock on the folder, so two runs cannot
// import it at once. The lock goes with the process.
func Lock(path string) (release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, fmt.Errorf("%s: %w (wait for it to finish)", path, ErrLocked)
		}
		return nil, fmt.Errorf("%s: lock: %w", path, err)
	}
	return func() { f.Close() }, nil
}
