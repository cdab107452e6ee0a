package schedule

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Runner runs a command and returns what it printed (stdout and stderr).
type Runner func(ctx context.Context, args []string) ([]byte, error)

// CommandError is a command of a plan that failed, with what it printed.
type CommandError struct {
	Args   []string
	Output string
	Err    error
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("%s: %v: %s", DisplayCommand("", e.Args), e.Err, e.Output)
}

func (e *CommandError) Unwrap() error { return e.Err }

// Apply installs p: it makes its folders, writes its files (mode 644:
// schedulers read them), then runs its commands in order. A command that
// fails stops it, unless it may fail.
func (p Plan) Apply(ctx context.Context, run Runner) error {
	for _, d := range p.Dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	for _, f := range p.Files {
		if err := writeAtomic(f.Path, f.Content); err != nil {
			return err
		}
	}
	return p.runCommands(ctx, run)
}

// Undo removes what p installed: it runs p's commands (the Remove plan's),
// then deletes its files. A file already gone is not an error.
func (p Plan) Undo(ctx context.Context, run Runner) error {
	err := p.runCommands(ctx, run)
	for _, f := range p.Files {
		if rerr := os.Remove(f.Path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
	}
	return err
}

func (p Plan) runCommands(ctx context.Context, run Runner) error {
	for _, c := range p.Commands {
		out, err := run(ctx, c.Args)
		if err != nil && !c.MayFail {
			return &CommandError{Args: c.Args, Output: string(out), Err: err}
		}
	}
	return nil
}

// writeAtomic writes data to path through a temporary file renamed into
// place: a scheduler never reads half a file.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
