//go:build windows

package importer

import (
	"errors"

	"golang.org/x/sys/windows"
)

// processAlive reports whether a process with this id may exist: on
// Windows a process that cannot be opened is taken to be alive, so a temp
// file is only ever removed when its process is surely gone.
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if windows.GetExitCodeProcess(h, &code) != nil {
		return true
	}
	return code == 259 // STILL_ACTIVE
}
