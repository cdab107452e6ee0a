//go:build windows

package schedule

import "golang.org/x/sys/windows"

var procGetOEMCP = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetOEMCP")

// consoleCodePage is the code page Windows programs write to a pipe in:
// the console's output code page when there is a console, else the OEM
// code page.
func consoleCodePage() uint32 {
	if cp, err := windows.GetConsoleOutputCP(); err == nil && cp != 0 {
		return cp
	}
	cp, _, _ := procGetOEMCP.Call()
	return uint32(cp)
}
