package inbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/custimport/custimport/internal/filelock"
)

// ErrLocked is returned when another run is importing the same folder.
var ErrLocked = errors.New("another custimport run is importing this folder")

// LockName is the file in a folder whose lock marks the folder as in use.
// Hidden (a dot name, and the hidden attribute on Windows): List passes
// it over.
const LockName = ".custimport.lock"

// Lock marks the folder at path as in use, so two runs cannot import it
// at once: it takes an exclusive lock on the file LockName inside it
// (created when missing; a folder's own handle cannot be locked on
// Windows). The lock goes with the process: a crashed run leaves none
// behind. The file stays: removing it would let a run that just opened it
// lock a file nobody else finds.
func Lock(path string) (release func(), err error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a folder", path)
	}
	name := filepath.Join(path, LockName)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: lock: %w", path, err)
	}
	hide(name)
	ok, err := filelock.TryLock(f)
	if err != nil || !ok {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: lock: %w", path, err)
		}
		return nil, fmt.Errorf("%s: %w (wait for it to finish)", path, ErrLocked)
	}
	return func() { f.Close() }, nil
}
