package process

import (
	"errors"

	"golang.org/x/sys/windows"
)

// alive reports whether a process with this id may exist: one that
// cannot be opened is taken to be alive, so that a file is only ever
// removed when its process is surely gone.
func alive(pid int) bool {
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

// startTime reads when process pid was created, in 100 ns units since
// 1601 (a FILETIME).
func startTime(pid int) (uint64, bool) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return 0, false
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(h, &created, &exited, &kernel, &user) != nil {
		return 0, false
	}
	t := uint64(created.HighDateTime)<<32 | uint64(created.LowDateTime)
	return t, t > 0
}
