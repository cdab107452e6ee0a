package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/notify"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
)

// runReport gathers what an import did, for its notification.
type runReport struct {
	input   string
	started time.Time
	files   []notify.File
	err     error // why the run could not run or finish
}

func newRunReport(io IO, s settings.Settings, input string) *runReport {
	if abs, err := filepath.Abs(input); err == nil {
		input = abs
	}
	return &runReport{input: input, started: io.Now()}
}

// fail reports an error that stopped the run (failErr) and remembers it.
// rep may be nil (a check).
// subject is the file the run was on, or "" (failOn).
func (rep *runReport) fail(io IO, lang, subject string, err error) int {
	if rep != nil {
		rep.err = err
	}
	return failOn(io, lang, subject, err)
}

// file records the run of one file.
func (rep *runReport) file(opts importer.Options, sum importer.Summary, exit int, err error) {
	if rep == nil {
		return
	}
	rep.err = err
	input := opts.Input
	if opts.Source.Sheet != "" {
		input += " [" + opts.Source.Sheet + "]"
	}
	rep.files = append(rep.files, notify.File{Input: input, Results: writtenResults(sum.Output), Rows: sum.Rows,
		Counts: statusCounts(sum.Counts), ExitCode: exit, Problems: problemsOf(sum.Examples)})
}

// folder records a folder's run: its files, and the files it did not
// import.
func (rep *runReport) folder(fs folderSummary) {
	if rep == nil {
		return
	}
	rep.err = fs.err
	if fs.err == nil && fs.Error != "" {
		rep.err = errors.New(fs.Error)
	}
	for _, f := range fs.Files {
		rep.files = append(rep.files, notify.File{Input: f.Input, Results: f.Results, MovedTo: f.MovedTo, Stayed: f.Stayed, Rows: f.Rows,
			Counts: f.Counts, ExitCode: f.ExitCode, Error: f.Error, Problems: problemsOf(f.examples)})
	}
	for _, ig := range fs.Ignored {
		rep.files = append(rep.files, notify.File{Input: filepath.Join(fs.Folder, ig.Name), Error: ig.Reason, ExitCode: ExitRows})
	}
}

// report is the notification's Report of the run that ended with exit.
func (rep *runReport) report(io IO, lang string, exit int) notify.Report {
	host, _ := os.Hostname()
	r := notify.Report{Lang: lang, Command: "import", Input: rep.input, Host: host, Started: rep.started, Finished: io.Now(),
		ExitCode: exit, Files: rep.files}
	if rep.err != nil {
		r.Error = rep.err.Error()
		r.Hint = explanation(rep.err, lang)
	}
	return r
}

func statusCounts(counts map[importer.Status]int) map[string]int {
	out := map[string]int{}
	for st, n := range counts {
		out[string(st)] = n
	}
	return out
}

func problemsOf(rows []importer.Result) []notify.Problem {
	var out []notify.Problem
	for _, r := range rows {
		out = append(out, notify.Problem{Line: r.Line, Status: string(r.Status), Code: r.ErrorCode, Message: r.Message})
	}
	return out
}

// sendNotification sends r over the config's channels when the run is
// worth it (notify.on). A channel that fails is told on stderr: it never
// changes the run's outcome.
func sendNotification(ctx context.Context, io IO, s settings.Settings, r notify.Report) {
	if !s.Notify.Enabled() || !s.Notify.Wanted(r) {
		return
	}
	tellChannels(io, s, sendReport(ctx, io, s, r), s.Quiet)
}

// sendReport sends r over every channel of s.Notify, even after a
// Ctrl-C (each attempt has its own time limit).
func sendReport(ctx context.Context, io IO, s settings.Settings, r notify.Report) []notify.Channel {
	cfg := s.Notify
	var out []notify.Channel
	pw, err := notify.ReadPassword(cfg.SMTP, io.Getenv)
	if err != nil {
		out = append(out, notify.Channel{Name: "smtp", To: fmt.Sprint(cfg.SMTP.To), Err: err})
		cfg.SMTP = nil // the webhook still goes
	}
	sender := notify.Sender{Config: cfg, Password: pw}
	return append(out, sender.Send(context.WithoutCancel(ctx), r)...)
}

// tellChannels prints how each channel went: a failure always (on
// stderr), a success unless quiet.
func tellChannels(io IO, s settings.Settings, channels []notify.Channel, quiet bool) (failed int) {
	for _, ch := range channels {
		switch {
		case ch.Err != nil:
			failed++
			fmt.Fprintln(io.Err, notify.T(s.Lang, notify.NotSent, ch.Name+" "+ch.To, ch.Err))
		case quiet:
		case ch.Name == "smtp":
			fmt.Fprintln(io.Out, notify.T(s.Lang, notify.SentMail, ch.To, s.Notify.SMTP.Host))
		default:
			fmt.Fprintln(io.Out, notify.T(s.Lang, notify.SentWebhook, ch.Name, ch.To))
		}
	}
	return failed
}

const notifyAbout = `Send a test message over the notify: channels of the config file (a
webhook, e-mail or both), whatever notify.on says. Exit 0 when every
channel took it, 2 otherwise.`

// runNotify is `custimport notify test`.
func runNotify(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "notify", "test")
	flagged := settings.Default()
	settings.Register(fs, &flagged, false)
	cfgPath := fs.String("config", "", "config `FILE.yaml` with a notify: section")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] != "test" {
		fs.Usage()
		return fail(io, "usage: custimport notify test --config FILE.yaml")
	}
	s, err := loadSettings(fs, *cfgPath, io.Getenv)
	if err != nil {
		return fail(io, "%v", err)
	}
	if !s.Notify.Enabled() {
		return fail(io, "%s", notify.T(s.Lang, notify.NothingSet))
	}
	host, _ := os.Hostname()
	r := notify.Report{Lang: s.Lang, Command: "notify test", Host: host, Started: io.Now(), Finished: io.Now(), Test: true}
	if tellChannels(io, s, sendReport(ctx, io, s, r), false) > 0 {
		return ExitCantRun
	}
	return ExitOK
}
