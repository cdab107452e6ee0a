//go:build !windows

package schedule

// consoleCodePage: other systems write UTF-8.
func consoleCodePage() uint32 { return 65001 }
