//go:build unix

package inbox

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned when another run is importing the same folder.
var ErrLocked = errors.New("another custimport run is importing this folder")

// Lock takes an exclusive advisory lock on the folder itself, so
// two runs cannot import it at once. The lock goes with the process: a
// crashed run leaves none behind.
func Lock(path string) (release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w (wait for it to finish)", path, ErrLocked)
		}
		return nil, fmt.Errorf("%s: lock: %w", path, err)
	}
	return func() { f.Close() }, nil
}
