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
	// lang is --lang as given on the command line ("" none): the
	// language of --help (helpLang).
	lang string
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

// command is one command: its name (its words are the catalog's
// cli.help.cmd.<name>) and what runs it.
type command struct {
	name string
	run  func(ctx context.Context, io IO, args []string) int
}

func commands() []command {
	return []command{
		{"import", runImport},
		{"check", runCheck},
		{"demo", runDemo},
		{"sim", runSim},
		{"ui", runUI},
		{"fields", runFields},
		{"template", runTemplate},
		{"ledger", runLedger},
		{"config", runConfig},
		{"schedule", runSchedule},
		{"notify", runNotify},
		{"version", runVersion},
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
	io.lang = argLang(args)
	if startedAlone(args, io) {
		return runAlone(io)
	}
	if len(args) > 0 && isVersionFlag(args[0]) {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			return Main([]string{args[1], "--help"}, io)
		}
		usage(io.Out, helpLang(io))
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
	fmt.Fprintf(io.Err, "custimport: %s\n\n", printer(helpLang(io)).Sprint("cli.help.unknown_command", args[0]))
	if _, json := io.Err.(*jsonLines); !json {
		usage(io.Err, helpLang(io))
	}
	return ExitCantRun
}

// usage writes the commands and what each does, in lang.
func usage(w io.Writer, lang string) {
	p := printer(lang)
	fmt.Fprintln(w, p.Sprint("cli.help.title"))
	fmt.Fprintf(w, "\n%s\n\n%s\n", p.Sprint("cli.help.usage"), p.Sprint("cli.help.commands"))
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, p.Sprint("cli.help.cmd."+c.name))
	}
	fmt.Fprintf(w, "\n%s\n%s\n", p.Sprint("cli.help.more"), p.Sprint("cli.help.exit"))
}

// newFlags makes a flag set whose usage names the command and its
// arguments (args), with what it does and its flags from the catalog
// (printUsage) in the run's language. In JSON mode (--log-format json) a
// flag error is one line, one JSON record, not the usage: parseFlags
// writes it (quietFlags).
func newFlags(io IO, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	usage := func() { printUsage(io.Err, helpLang(io), fs, name, args) }
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
