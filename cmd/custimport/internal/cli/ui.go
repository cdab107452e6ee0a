package cli

import (
	"context"
	"fmt"
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
key from TMS_API_KEY or --key-file, or typed on the page (kept in memory).`

// runUI is `custimport ui`.
func runUI(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "ui", "", uiAbout)
	flagged := settings.Default()
	settings.Register(fs, &flagged, true)
	addr := fs.String("addr", "127.0.0.1:0", "listen `ADDRESS` (loopback only; port 0 picks a free one)")
	noBrowser := fs.Bool("no-browser", false, "do not open the browser; just print the address")
	cfgPath := fs.String("config", "", "config `FILE.yaml` (everything but the key)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		fs.Usage()
		return fail(io, "ui: takes no arguments, got %q", pos)
	}
	s, err := loadSettings(fs, *cfgPath, io.Getenv)
	if err != nil {
		return fail(io, "%v", err)
	}
	log, err := newLogger(io.Err, s.LogFormat, s.Lang, s.Quiet, false)
	if err != nil {
		return fail(io, "%v", err)
	}
	base, err := s.Job("upload")
	if err != nil {
		return fail(io, "%v", err)
	}
	conn := connection(s, io, log, nil)
	if s.KeyFile != "" || io.Getenv("TMS_API_KEY") != "" {
		if conn.Key, err = readKey(s, io.Getenv); err != nil {
			return fail(io, "%v", err)
		}
	}
	srv, err := ui.New(ui.Config{Conn: conn, Getenv: io.Getenv, Job: base, Lang: s.Lang,
		MaxUploadBytes: min(s.MaxInputBytes(), ui.DefaultMaxUploadBytes), Logger: log,
		UpdateExisting: s.UpdateExisting, ExistingFile: s.ExistingCustomers})
	if err != nil {
		return fail(io, "%v", err)
	}
	defer srv.Close()
	ln, err := ui.Listen(*addr)
	if err != nil {
		return fail(io, "%v", err)
	}
	url := srv.URL(ln.Addr())
	fmt.Fprintf(io.Out, "custimport ui: open %s\n(press Ctrl-C to stop)\n", url)
	if !*noBrowser {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(io.Err, "custimport ui: could not open the browser (%v): open the address above yourself\n", err)
		}
	}
	ctx, _, release := withSignals(ctx, io)
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
