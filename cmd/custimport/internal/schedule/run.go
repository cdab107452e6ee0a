package schedule

import (
	"context"
	"os/exec"
)

// System runs commands on this computer: the Runner of the real process.
// A Windows program's output is decoded from the console's code page.
func System(ctx context.Context, args []string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	return []byte(DecodeOutput(out, consoleCodePage())), err
}
