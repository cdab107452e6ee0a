// Package cli owns custimport's command line: commands, flags, environment,
// exit codes and the wiring of the importer's parts. Business rules live in
// the importer and mapping packages; this package only connects them.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Exit codes.
const (
	ExitOK      = 0 // every row OK (or VALID in a dry-run)
	ExitRows    = 1 // some rows not OK
	ExitCantRun = 2 // could not run: usage, unreadable file, mapping conflict, config
)

// IO is everything a command touches outside itself, so tests can inject
// buffers, an environment and a transport.
type IO struct {
	In       io.Reader
	Out      io.Writer
	Err      io.Writer
	Getenv   func(string) string
	ErrIsTTY bool // stderr is a terminal: show a progress bar
	// HTTPClient, when set, is used for requests to TMS (tests inject
	// transports); nil builds one from the flags.
	HTTPClient func() *http.Client
	// Signals, when set, returns a context cancelled at the first
	// interrupt and an abort context cancelled at the second.
	Signals func(parent context.Context) (ctx, abort context.Context, stop func())
	Now     func() time.Time
	// ReadPassword, when set (stdin is a terminal), asks for a password
	// without echoing it; nil means nobody can be asked.
	ReadPassword func(prompt string) (string, error)
	// Console holds the Windows console hooks (console.go); empty in tests.
	Console Console
	// RunCommand, when set, runs a system command (schtasks, systemctl,
	// launchctl) and returns what it printed; nil runs it on this
	// computer (schedule.System).
	RunCommand func(ctx context.Context, args []string) ([]byte, error)
	// Executable, when set, is the path of the running custimport (tests
	// run in a test binary); nil: os.Executable.
	Executable func() (string, error)

	// verbose is --verbose: a fatal line shows the error underneath.
	verbose bool
}

// System returns the IO of the real process.
func System() IO {
	return IO{
		In:       os.Stdin,
		Out:      os.Stdout,
		Err:      os.Stderr,
		Getenv:   os.Getenv,
		ErrIsTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Signals:  notifySignals,
		Now:      time.Now,
		ReadPassword: func() func(string) (string, error) {
			if !term.IsTerminal(int(os.Stdin.Fd())) {
				return nil // never a prompt that blocks a nightly run
			}
			return func(prompt string) (string, error) {
				return promptPassword(os.Stdin, os.Stderr, prompt)
			}
		}(),
		Console: systemConsole(),
	}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, io IO, args []string) int
}

func commands() []command {
	return []command{
		{"import", "import a CSV/XLSX file (or a folder of them) into TMS", runImport},
		{"check", "validate a file without sending anything (same as import --dry-run)", runCheck},
		{"demo", "import the sample file into the built-in simulator and show the results", runDemo},
		{"sim", "run the TMS /Cust/Add simulator", runSim},
		{"ui", "serve the local web page: choose a file, fix it on screen, import, download the results", runUI},
		{"fields", "list every Main field: code, label, type, allowed values, defaults", runFields},
		{"template", "write an empty input sheet with dropdowns and length limits", runTemplate},
		{"ledger", "look into the ledger: find a customer, export, runs, move to a new TMS URL", runLedger},
		{"config", "check a config file and print the effective settings (config check)", runConfig},
		{"schedule", "run the import every night: install, status or remove the system's scheduled task", runSchedule},
		{"notify", "send a test message over the config's notify: channels (notify test)", runNotify},
		{"version", "print the version", runVersion},
	}
}

// Main runs one command line and returns the exit code.
func Main(args []string, io IO) int {
	if io.Getenv == nil {
		io.Getenv = func(string) string { return "" }
	}
	if io.Now == nil {
		io.Now = time.Now
	}
	if wantsJSON(args) {
		io = jsonIO(io)
		defer flushJSON(io)
	}
	if io.Console.UTF8 != nil {
		defer io.Console.UTF8()()
		io.Console.UTF8 = nil // once, also when help calls Main again
	}
	if startedAlone(args, io) {
		return runAlone(io)
	}
	if len(args) > 0 && isVersionFlag(args[0]) {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return Main([]string{args[1], "--help"}, io)
		}
		usage(io.Out)
		if len(args) == 0 {
			return ExitCantRun
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(context.Background(), io, args[1:])
		}
	}
	if droppedFile(args) {
		return runDropped(io, args[0])
	}
	fmt.Fprintf(io.Err, "custimport: unknown command %q\n\n", args[0])
	if _, json := io.Err.(*jsonLines); !json {
		usage(io.Err)
	}
	return ExitCantRun
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "custimport — bulk-import customers into TMS 獲利王 (/Cust/Add)")
	fmt.Fprintln(w, "\nUsage: custimport <command> [flags] [arguments]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `custimport <command> --help` for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 every row OK/VALID, 1 some rows not OK, 2 could not run.")
}

// newFlags makes a flag set whose usage names the command. In JSON mode
// (--log-format json) a flag error is one line, one JSON record, not the
// usage: parseFlags writes it (quietFlags).
func newFlags(io IO, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	usage := func() {
		fmt.Fprintf(io.Err, "Usage: custimport %s [flags] %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.PrintDefaults()
	}
	fs.Usage = usage
	if _, json := io.Err.(*jsonLines); json {
		fs.SetOutput(quietFlags{w: io.Err, usage: usage})
		fs.Usage = func() {}
	}
	return fs
}

// quietFlags is a JSON-mode flag set's output: the flag package's own
// messages are dropped, parseFlags writes one line instead.
type quietFlags struct {
	w     io.Writer
	usage func()
}

func (quietFlags) Write(p []byte) (int, error) { return len(p), nil }

// parseFlags parses flags given before, between or after the positional
// arguments (`custimport import a.xlsx --workers 4`). It returns the
// positional arguments, or an exit code when parsing ended the command.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			q, quiet := fs.Output().(quietFlags)
			if errors.Is(err, flag.ErrHelp) {
				if quiet { // asked for: the usage, line by line
					fs.SetOutput(q.w)
					q.usage()
				}
				return nil, ExitOK, false
			}
			if quiet {
				fmt.Fprintf(q.w, "custimport: %v (custimport %s --help lists the flags)\n", err, fs.Name())
			}
			return nil, ExitCantRun, false
		}
		if fs.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// newLogger builds the slog logger for --log-format and --quiet. In text
// mode the log is for people: lines in lang from the console catalog,
// without Go or network error text, unless verbose asks for every
// record as logged (with its errors), or lang is "" (the simulator's own
// log, for developers).
func newLogger(w io.Writer, format, lang string, quiet, verbose bool) (*slog.Logger, error) {
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelWarn
	}
	if verbose {
		level = slog.LevelDebug
	}
	o := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(format) {
	case "", "text":
		if lang != "" && !verbose {
			return slog.New(newConsoleHandler(w, lang, level)), nil
		}
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

func fail(io IO, format string, args ...any) int {
	fmt.Fprintf(io.Err, "custimport: "+format+"\n", args...)
	return ExitCantRun
}
