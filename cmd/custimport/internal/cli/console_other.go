//go:build !windows

package cli

// systemConsole: terminals outside Windows take UTF-8 as they are, and a
// double-clicked binary has no console window to keep open.
func systemConsole() Console { return Console{} }
