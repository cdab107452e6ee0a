package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os/exec"
	"runtime"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/cmd/custimport/internal/ui"
)

// The page keeps uploads in memory: at most ui.DefaultMaxUploadBytes, or
// less with --max-input-mb.
const uiAbout = `Serve the local web page for office staff: choose a CSV/XLSX file, fix
its rows on screen, import them and download the results. The page is on
127.0.0.1 only; open the printed address (it holds a one-time token). The
connection settings come from the config file and the environment; the
key from TMS_API_KEY or --key-file, or typed on the page (kept in memory).
With FILE (or a file dragged onto custimport.exe), the page opens with it
loaded and checked.`

// uiOptions are what `custimport ui` runs with.
type uiOptions struct {
	addr      string // --addr
	noBrowser bool   // --no-browser
	config    string // --config
	preload   string // FILE: the page opens with it loaded and checked
	// settings are the effective settings (set after the flags).
	settings settings.Settings
}

// runUI is `custimport ui`.
func runUI(ctx context.Context, io IO, args []string) int {
	return uiCmd(io, runUIOptions)(ctx, args)
}

// uiCmd returns `custimport ui` as three steps: its flags (uiFlags), the
// settings they resolve to (loadSettings), and runF.
func uiCmd(io IO, runF func(context.Context, IO, *uiOptions) int) func(context.Context, []string) int {
	return func(ctx context.Context, args []string) int {
		o, fs, code, ok := uiFlags(io, args)
		if !ok {
			return code
		}
		var err error
		if o.settings, err = loadSettings(fs, o.config, io.Getenv); err != nil {
			return settingsFail(io, fs, "", err)
		}
		return runF(ctx, io, o)
	}
}

// uiFlags parses the ui command line; ok false ends the command with
// code (--help, a usage error).
func uiFlags(io IO, args []string) (o *uiOptions, fs *flag.FlagSet, code int, ok bool) {
	fs = newFlags(io, "ui", "[FILE]")
	o = &uiOptions{}
	flagged := settings.Default()
	settings.Register(fs, &flagged, true)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen `ADDRESS` (loopback only; port 0 picks a free one)")
	fs.BoolVar(&o.noBrowser, "no-browser", false, "do not open the browser; just print the address")
	fs.StringVar(&o.config, "config", "", "config `FILE.yaml` (everything but the key)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return nil, nil, code, false
	}
	if len(pos) > 1 {
		fs.Usage()
		return nil, nil, fail(io, "ui: takes at most one file, got %q", pos), false
	}
	if len(pos) == 1 {
		o.preload = pos[0]
	}
	return o, fs, 0, true
}

// pageConfig is the page's configuration of the settings: the job
// options every check and import starts from (settings.Job, the same
// validation as import's), the connection, and the key when the
// environment or a key file has one (else it is typed on the page).
func pageConfig(io IO, s settings.Settings, log *slog.Logger) (ui.Config, error) {
	base, err := s.Job("upload")
	if err != nil {
		return ui.Config{}, err
	}
	conn := connection(s, io, log, nil)
	if s.KeyFile != "" || io.Getenv(settings.KeyEnv) != "" {
		if conn.Key, err = readKey(s, io.Getenv); err != nil {
			return ui.Config{}, err
		}
	}
	return ui.Config{Conn: conn, Getenv: io.Getenv, Job: base, Lang: s.Lang,
		MaxUploadBytes: min(s.MaxInputBytes(), ui.DefaultMaxUploadBytes), Logger: log,
		UpdateExisting: s.UpdateExisting, ExistingFile: s.ExistingCustomers}, nil
}

// runUIOptions serves the page until ctx ends (Ctrl-C).
func runUIOptions(ctx context.Context, io IO, o *uiOptions) int {
	s := o.settings
	log, err := newLogger(io.Err, s.LogFormat, s.Lang, s.Quiet, false)
	if err != nil {
		return fail(io, "%v", err)
	}
	cfg, err := pageConfig(io, s, log)
	if err != nil {
		return failErr(io, s.Lang, err)
	}
	cfg.Preload = o.preload
	srv, err := ui.New(cfg)
	if err != nil {
		return failErr(io, s.Lang, err)
	}
	defer srv.Close()
	ln, err := ui.Listen(o.addr)
	if err != nil {
		return failErr(io, s.Lang, &textError{code: "listen", args: []any{o.addr}, err: err})
	}
	url := srv.URL(ln.Addr())
	fmt.Fprintf(io.Out, "custimport ui: %s\n", printer(s.Lang).Sprint("cli.fatal.ui_open", url))
	if !o.noBrowser {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(io.Err, "custimport ui: %s\n", printer(s.Lang).Sprint("cli.fatal.no_browser"))
			log.Debug("opening the browser", "err", err.Error())
		}
	}
	ctx, _, release := withSignals(ctx, io, s.Lang)
	defer release()
	if err := srv.Serve(ctx, ln); err != nil {
		return fail(io, "ui: %v", err)
	}
	return ExitOK
}

// openBrowser opens url in the default browser without waiting for it
// (a variable: tests put a fake in).
var openBrowser = openDefaultBrowser

func openDefaultBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
