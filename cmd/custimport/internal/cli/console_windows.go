//go:build windows

package cli

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

const codePageUTF8 = 65001

// systemConsole returns the Windows console hooks.
func systemConsole() Console {
	return Console{UTF8: consoleUTF8, Alone: consoleAlone}
}

// isConsole reports whether f is a console (not a pipe, file or mintty).
func isConsole(f *os.File) bool {
	var mode uint32
	return windows.GetConsoleMode(windows.Handle(f.Fd()), &mode) == nil
}

// consoleUTF8 switches the console output code page to UTF-8 when stdout
// or stderr is a console. Go already writes to a console in UTF-16; the
// code page matters for what shares the console (`| more`, `| findstr`)
// and for programs started from this one. The previous code page comes
// back when custimport ends, so the shell it ran in is left as it was.
func consoleUTF8() (restore func()) {
	if !isConsole(os.Stdout) && !isConsole(os.Stderr) {
		return func() {}
	}
	old, err := windows.GetConsoleOutputCP()
	if err != nil || old == codePageUTF8 {
		return func() {}
	}
	if windows.SetConsoleOutputCP(codePageUTF8) != nil {
		return func() {}
	}
	return func() { _ = windows.SetConsoleOutputCP(old) }
}

var procGetConsoleProcessList = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetConsoleProcessList")

// consoleAlone reports whether custimport is the only process attached to
// its console: Windows made a new console for it, as it does for a
// double-click in Explorer. Started from cmd.exe or PowerShell, the shell
// shares the console and the count is at least 2.
func consoleAlone() bool {
	if !isConsole(os.Stdin) || !isConsole(os.Stdout) {
		return false
	}
	if procGetConsoleProcessList.Find() != nil {
		return false
	}
	var pids [2]uint32
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&pids[0])), uintptr(len(pids)))
	return n == 1
}
