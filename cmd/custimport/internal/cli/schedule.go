package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/schedule"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/ledger"
)

const scheduleAbout = `Run the import every night with the system's own scheduler: a Task
Scheduler task on Windows, a systemd user timer on Linux (a crontab line
where there is no systemd), a launchd agent on macOS. The task runs
custimport import INBOX --config FILE as you, in the folder you run this
in, at --at (local time); a night missed while the computer was off runs
when it is back (not with cron, nor on a Mac that was off), and two runs
never overlap.

  custimport schedule install --at 02:30 --config FILE [INBOX]   (INBOX: default this folder)
  custimport schedule install --print [--os windows|linux|darwin] ...   prints it, installs nothing
  custimport schedule status    the next run, the last run's time, exit code and counts
  custimport schedule remove`

// scheduleFlags are the schedule command's flags.
type scheduleFlags struct {
	at, config, goos, stateDir, lang string
	print                            bool
}

func runSchedule(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "schedule", "install|status|remove [INBOX]")
	var f scheduleFlags
	fs.StringVar(&f.at, "at", "", "install: the time of day, `HH:MM` (24-hour, local time)")
	fs.StringVar(&f.config, "config", "", "install: the config `FILE.yaml` the nightly import reads (url, pno, key_file, …)")
	fs.BoolVar(&f.print, "print", false, "install: print what would be installed, install nothing")
	fs.StringVar(&f.goos, "os", runtime.GOOS, "install --print: the system to print it for: windows, linux or darwin")
	fs.StringVar(&f.stateDir, "state-dir", "", "the ledgers' folder, when not the config's or the default (env CUSTIMPORT_STATE_DIR)")
	fs.StringVar(&f.lang, "lang", "", "message language: zh or en (default: the locale's)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if f.lang == "" {
		f.lang = localeLang(io.Getenv)
	}
	if len(pos) == 0 {
		fs.Usage()
		return fail(io, "schedule: want install, status or remove")
	}
	switch f.goos {
	case schedule.Windows, schedule.Linux, schedule.Darwin:
	default:
		return fail(io, "--os %q: want windows, linux or darwin", f.goos)
	}
	if f.goos != runtime.GOOS && !(pos[0] == "install" && f.print) {
		return fail(io, "--os %s: only with install --print (this computer runs %s)", f.goos, runtime.GOOS)
	}
	switch {
	case pos[0] == "install" && len(pos) <= 2:
		return scheduleInstall(ctx, io, fs, f, pos[1:])
	case pos[0] == "status" && len(pos) == 1:
		return scheduleStatus(ctx, io, f)
	case pos[0] == "remove" && len(pos) == 1:
		return scheduleRemove(ctx, io, f)
	}
	fs.Usage()
	return fail(io, "schedule: unknown or incomplete command %q", strings.Join(pos, " "))
}

// runCommand is io's command runner, or the system's.
func (io IO) runCommand(ctx context.Context, args []string) ([]byte, error) {
	if io.RunCommand != nil {
		return io.RunCommand(ctx, args)
	}
	return schedule.System(ctx, args)
}

// schedulePaths are where this user's schedule files are on goos.
func schedulePaths(io IO, goos string) schedule.Paths {
	home := io.Getenv("HOME")
	if goos == schedule.Windows && io.Getenv("USERPROFILE") != "" {
		home = io.Getenv("USERPROFILE")
	}
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return schedule.DefaultPaths(goos, io.Getenv, home, strconv.Itoa(os.Getuid()))
}

func scheduleInstall(ctx context.Context, io IO, fs *flag.FlagSet, f scheduleFlags, pos []string) int {
	at, err := schedule.ParseClock(f.at)
	if err != nil {
		return fail(io, "--at: %v", err)
	}
	job, notes, err := nightlyJob(io, f, pos)
	if err != nil {
		return fail(io, "%v", err)
	}
	job.At = at
	paths := schedulePaths(io, f.goos)
	if f.goos == schedule.Darwin {
		job.Log = paths.LaunchdLog
	}
	plan, err := schedule.Install(f.goos, job, paths)
	if err != nil {
		return fail(io, "%v", err)
	}
	if f.print {
		if f.goos != runtime.GOOS {
			notes = append([]schedule.Note{{Code: schedule.NoteOtherOS, Args: []any{runtime.GOOS, f.goos}}}, notes...)
		}
		printPlan(io, f, plan, job, notes)
		return ExitOK
	}
	if f.goos == schedule.Linux && !hasSystemdUser(ctx, io) {
		fmt.Fprintln(io.Err, schedule.Text(schedule.NoteNoSystemd, f.lang))
		fmt.Fprintln(io.Out, schedule.CronLine(job))
		for _, n := range append(notes, schedule.Note{Code: schedule.NoteCronCaveat}) {
			fmt.Fprintln(io.Err, n.Text(f.lang))
		}
		return ExitCantRun
	}
	if err := plan.Apply(ctx, io.runCommand); err != nil {
		return fail(io, "schedule install: %v", err)
	}
	tellInstalled(ctx, io, f, plan, job, notes)
	return ExitOK
}

// tellInstalled says what was installed, when it runs, and how to try it.
func tellInstalled(ctx context.Context, io IO, f scheduleFlags, plan schedule.Plan, job schedule.Job, notes []schedule.Note) {
	fmt.Fprintln(io.Out, schedule.Text(schedule.MsgInstalled, f.lang, job.At))
	fmt.Fprintf(io.Out, "  %s: %s\n", schedule.Text(schedule.LabelNext, f.lang), job.At.Next(io.Now()).Format("2006-01-02 15:04"))
	for _, file := range plan.Files {
		fmt.Fprintf(io.Out, "  %s: %s\n", schedule.Text(schedule.LabelDefinition, f.lang), file.Path)
	}
	fmt.Fprintf(io.Out, "  %s: %s\n", schedule.Text(schedule.LabelDir, f.lang), job.Dir)
	fmt.Fprintf(io.Out, "%s\n  %s\n", schedule.Text(schedule.MsgByHand, f.lang), schedule.DisplayCommand(f.goos, append([]string{job.Program}, job.Args...)))
	if f.goos == schedule.Linux {
		if u := io.Getenv("USER"); u != "" && lingerOff(ctx, io, u) {
			notes = append(notes, schedule.Note{Code: schedule.NoteLinger, Args: []any{u}})
		}
	}
	notes = append(notes, plan.Notes...)
	if f.goos == schedule.Windows {
		notes = append(notes, schedule.Note{Code: schedule.NoteReadResult})
	}
	for _, n := range notes {
		fmt.Fprintln(io.Out, n.Text(f.lang))
	}
}

// printPlan prints what install would write and run, for review.
func printPlan(io IO, f scheduleFlags, plan schedule.Plan, job schedule.Job, notes []schedule.Note) {
	for _, n := range notes {
		fmt.Fprintf(io.Out, "# %s\n", n.Text(f.lang))
	}
	for _, file := range plan.Files {
		fmt.Fprintf(io.Out, "# %s: %s", schedule.Text(schedule.MsgFile, f.lang), file.Path)
		if f.goos == schedule.Windows {
			fmt.Fprintf(io.Out, " %s", schedule.Text(schedule.MsgUTF16, f.lang))
		}
		fmt.Fprintf(io.Out, "\n%s", file.Text)
	}
	fmt.Fprintf(io.Out, "# %s:\n", schedule.Text(schedule.MsgThenRun, f.lang))
	for _, c := range plan.Commands {
		fmt.Fprintln(io.Out, schedule.DisplayCommand(f.goos, c.Args))
	}
	if f.goos == schedule.Linux {
		fmt.Fprintf(io.Out, "# %s\n%s\n", schedule.Text(schedule.MsgCronInstead, f.lang), schedule.CronLine(job))
	}
}

// hasSystemdUser reports whether this user has a systemd user manager to
// talk to.
func hasSystemdUser(ctx context.Context, io IO) bool {
	_, err := io.runCommand(ctx, []string{"systemctl", "--user", "show-environment"})
	return err == nil
}

// lingerOff reports whether systemd stops u's timers when u logs out.
func lingerOff(ctx context.Context, io IO, u string) bool {
	out, err := io.runCommand(ctx, []string{"loginctl", "show-user", u, "--property=Linger"})
	return err == nil && strings.TrimSpace(string(out)) == "Linger=no"
}

// userAccount is the account a Windows task runs as: DOMAIN\name.
func userAccount(io IO) string {
	if name := io.Getenv("USERNAME"); name != "" {
		if domain := io.Getenv("USERDOMAIN"); domain != "" {
			return domain + `\` + name
		}
		return name
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// executable is the running custimport, with links resolved: the
// scheduled run starts that file.
func executable(io IO) (string, error) {
	get := io.Executable
	if get == nil {
		get = os.Executable
	}
	exe, err := get()
	if err != nil {
		return "", fmt.Errorf("where is custimport? %w", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	if strings.Contains(filepath.ToSlash(exe), "/go-build") {
		return "", fmt.Errorf("custimport runs from a temporary build (%s, go run): build or install it first (go build -o custimport ./cmd/custimport), then run schedule install with it", exe)
	}
	return exe, nil
}

// errNoSchedule says nothing is installed.
var errNoSchedule = errors.New("no schedule installed")

// keys of the arguments a nightly job's command line carries.
func argValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

func localTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// ledgerOfJob opens, read-only, the ledger the job's import uses: the
// one of its config's TMS: the shared one of its --ledger-url (else the
// config's ledger_url), else the file in its --state-dir (else the
// config's, else the default). nil when there is none yet.
func ledgerOfJob(ctx context.Context, io IO, job schedule.Job) (*ledger.DB, error) {
	cfg := argValue(job.Args, "--config")
	if cfg == "" {
		return nil, errors.New("the task's command line has no --config")
	}
	s, err := configOnly(cfg)
	if err != nil {
		return nil, err
	}
	if u := argValue(job.Args, "--ledger-url"); u != "" {
		s.LedgerURL = u
	}
	if s.LedgerURL != "" {
		t, err := connection(s, io, nil, nil).Tenant()
		if err != nil {
			return nil, err
		}
		db, err := ledger.OpenURL(ctx, s.LedgerURL, t, ledger.Options{ReadOnly: true})
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return db, err
	}
	dir := argValue(job.Args, "--state-dir")
	if dir == "" {
		dir = s.StateDir
	}
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(job.Dir, dir)
	}
	if dir == "" {
		if dir, err = connect.DefaultStateDir(io.Getenv); err != nil {
			return nil, err
		}
	}
	t, err := connection(s, io, nil, nil).Tenant()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(ledger.FilePath(dir, t)); err != nil {
		return nil, nil
	}
	return ledger.Open(ctx, dir, t, ledger.Options{ReadOnly: true})
}

// configOnly is what the scheduled run's settings are: the defaults and
// the config file, without this terminal's environment.
func configOnly(cfg string) (settings.Settings, error) {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	return loadSettings(fs, cfg, func(string) string { return "" })
}

// nightlyJob is the job install schedules: custimport import INBOX
// --config FILE in this folder, as the user who runs install, with the
// ledger folder fixed when the config does not name one. notes are for
// the user; what would make the scheduled run fail is an error (a note
// with --print).
func nightlyJob(io IO, f scheduleFlags, pos []string) (schedule.Job, []schedule.Note, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return schedule.Job{}, nil, err
	}
	inbox := cwd
	if len(pos) == 1 {
		if inbox, err = filepath.Abs(pos[0]); err != nil {
			return schedule.Job{}, nil, err
		}
	}
	if _, err := os.Stat(inbox); err != nil {
		return schedule.Job{}, nil, errors.New(schedule.Text(schedule.MsgNoInbox, f.lang, inbox, err))
	}
	exe, err := executable(io)
	if err != nil {
		return schedule.Job{}, nil, err
	}
	job := schedule.Job{Program: exe, Args: []string{"import", inbox}, Dir: cwd, Since: io.Now()}
	if f.goos == schedule.Windows {
		job.User = userAccount(io)
	}
	s, cfg := settings.Default(), ""
	if f.config != "" {
		if cfg, err = filepath.Abs(f.config); err != nil {
			return job, nil, err
		}
		if s, err = configOnly(cfg); err != nil {
			return job, nil, err
		}
		job.Args = append(job.Args, "--config", cfg)
	}
	problems, notes := configGaps(s, cfg, f.goos, io.Getenv)
	stateDir, err := scheduledStateDir(io, f, s, cwd)
	if err != nil {
		return job, nil, err
	}
	if s.StateDir == "" {
		job.Args = append(job.Args, "--state-dir", stateDir)
		notes = append(notes, schedule.Note{Code: schedule.NoteStateDir, Args: []any{stateDir}})
	}
	if f.goos == schedule.Linux {
		job.Log = filepath.Join(stateDir, "nightly.log") // the crontab line's
	}
	if len(problems) > 0 && !f.print {
		var texts []string
		for _, p := range problems {
			texts = append(texts, p.Text(f.lang))
		}
		return job, nil, errors.New(strings.Join(texts, "\n  "))
	}
	return job, append(problems, notes...), nil
}

// scheduledStateDir is the ledgers' folder the scheduled run must use:
// the config's (relative to the working folder), else the one runs by
// hand use here (--state-dir, CUSTIMPORT_STATE_DIR or the default).
func scheduledStateDir(io IO, f scheduleFlags, s settings.Settings, cwd string) (string, error) {
	dir := s.StateDir
	if dir == "" {
		dir = f.stateDir
	}
	if dir == "" {
		dir = io.Getenv("CUSTIMPORT_STATE_DIR")
	}
	if dir == "" {
		var err error
		if dir, err = connect.DefaultStateDir(io.Getenv); err != nil {
			return "", err
		}
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cwd, dir)
	}
	return dir, nil
}

// configGaps compares what the scheduled run will have (the config
// file's settings s, cfg "" none; not this terminal) with this terminal:
// a setting the run cannot do without is a problem; one this terminal
// sets otherwise is a note. On Windows a setting only this terminal's
// environment has is a note: a user environment variable (setx) reaches
// the task.
func configGaps(s settings.Settings, cfg, goos string, getenv func(string) string) (problems, notes []schedule.Note) {
	lacks := func(key string) schedule.Note {
		if cfg == "" {
			return schedule.Note{Code: schedule.MsgNoConfig}
		}
		return schedule.Note{Code: schedule.MsgConfigLacks, Args: []any{cfg, key}}
	}
	needs := []struct{ key, env, value string }{{"url", "TMS_URL", s.URL}, {"pno", "TMS_PNO", s.PNO}, {"key_file", "TMS_API_KEY", s.KeyFile}}
	for _, need := range needs {
		switch {
		case need.value != "":
		case goos == schedule.Windows && strings.TrimSpace(getenv(need.env)) != "":
			notes = append(notes, schedule.Note{Code: schedule.NoteKeyEnv, Args: []any{need.env}})
		case need.key == "key_file" && cfg != "":
			problems = append(problems, schedule.Note{Code: schedule.MsgNoKey, Args: []any{cfg}})
		default:
			problems = append(problems, lacks(need.key))
		}
	}
	if s.KeyFile != "" {
		if _, err := (settings.Connection{KeyFile: s.KeyFile, KeyFileFromFlag: true}).ReadKey(func(string) string { return "" }); err != nil {
			problems = append(problems, schedule.Note{Code: schedule.MsgNoKey, Args: []any{cfg + " (" + err.Error() + ")"}})
		}
	}
	for _, env := range []struct{ name, config string }{
		{"TMS_URL", s.URL}, {"TMS_PNO", s.PNO}, {"TMS_PRONUM", s.ProNum}, {"TMS_SIGN_RECIPE", s.SignRecipe},
	} {
		if v := strings.TrimSpace(getenv(env.name)); v != "" && env.config != "" && v != env.config {
			notes = append(notes, schedule.Note{Code: schedule.NoteEnvUnseen, Args: []any{env.name, env.config}})
		}
	}
	// (No config file lacks everything once.)
	return slices.CompactFunc(problems, func(a, b schedule.Note) bool { return a.Code == schedule.MsgNoConfig && b.Code == a.Code }), notes
}

func scheduleStatus(ctx context.Context, io IO, f scheduleFlags) int {
	goos := runtime.GOOS
	paths := schedulePaths(io, goos)
	job, err := installedJob(goos, paths)
	if errors.Is(err, errNoSchedule) {
		fmt.Fprintln(io.Out, schedule.Text(schedule.MsgNotInstalled, f.lang))
		return ExitRows
	}
	if err != nil {
		return fail(io, "schedule status: %v", err)
	}
	label := func(code schedule.Code, value string) {
		fmt.Fprintf(io.Out, "%s %s\n", padWide(schedule.Text(code, f.lang)+":", 16), value)
	}
	label(schedule.LabelAt, job.At.String())
	label(schedule.LabelCommand, schedule.DisplayCommand(goos, append([]string{job.Program}, job.Args...)))
	label(schedule.LabelDir, job.Dir)
	live, liveErr := liveStatus(ctx, io, goos, paths)
	next := live.Next
	if next == "" {
		next = job.At.Next(io.Now()).Format("2006-01-02 15:04")
	}
	label(schedule.LabelNext, next)
	if liveErr != nil {
		fmt.Fprintln(io.Out, schedule.Text(schedule.MsgSystemSilent, f.lang, liveErr))
	} else {
		label(schedule.LabelState, orDash(live.State))
		label(schedule.LabelLastStart, orDash(live.LastStart))
		label(schedule.LabelLastResult, orDash(live.LastResult))
	}
	fmt.Fprintln(io.Out, schedule.Text(schedule.LabelLastImport, f.lang)+":")
	lastRuns(ctx, io, f.lang, job)
	return ExitOK
}

// installedJob reads the installed job back from its files.
func installedJob(goos string, paths schedule.Paths) (schedule.Job, error) {
	var files [][]byte
	for _, def := range schedule.Definitions(goos, paths) {
		data, err := os.ReadFile(def)
		if errors.Is(err, os.ErrNotExist) {
			return schedule.Job{}, errNoSchedule
		}
		if err != nil {
			return schedule.Job{}, err
		}
		files = append(files, data)
	}
	return schedule.ReadJob(goos, files)
}

// liveStatus asks the system's scheduler how the schedule is.
func liveStatus(ctx context.Context, io IO, goos string, paths schedule.Paths) (schedule.Live, error) {
	var outputs []string
	for _, c := range schedule.StatusCommands(goos, paths) {
		out, err := io.runCommand(ctx, c.Args)
		if err != nil {
			return schedule.Live{}, fmt.Errorf("%s: %w: %s", schedule.DisplayCommand(goos, c.Args), err, strings.TrimSpace(string(out)))
		}
		outputs = append(outputs, string(out))
	}
	return schedule.ParseStatus(goos, outputs)
}

// lastRuns prints the ledger's last import: its runs (one per file of a
// folder) with their time, exit code and counts.
func lastRuns(ctx context.Context, io IO, lang string, job schedule.Job) {
	db, err := ledgerOfJob(ctx, io, job)
	if err != nil {
		fmt.Fprintln(io.Out, "  "+schedule.Text(schedule.MsgLedgerAway, lang, err))
		return
	}
	if db == nil {
		fmt.Fprintln(io.Out, "  "+schedule.Text(schedule.MsgNoRuns, lang))
		return
	}
	defer db.Close()
	runs, err := db.Runs(ctx, 200)
	if err != nil {
		fmt.Fprintln(io.Out, "  "+schedule.Text(schedule.MsgLedgerAway, lang, err))
		return
	}
	if len(runs) == 0 {
		fmt.Fprintln(io.Out, "  "+schedule.Text(schedule.MsgNoRuns, lang))
		return
	}
	for _, r := range lastInvocation(runs) {
		exit := schedule.Text(schedule.LabelExitUnknown, lang)
		if r.ExitCode >= 0 {
			exit = strconv.Itoa(r.ExitCode)
		}
		fmt.Fprintf(io.Out, "  %s – %s  %s  %s %s  %s\n", localTime(r.Started), localTime(r.Ended), shown(r.Input),
			schedule.Text(schedule.LabelExit, lang), exit, countsText(r.Counts))
	}
}

// lastInvocation is the last run of runs (newest first) and the runs the
// same process made just before it: one folder's files, each started
// within minutes of the end of the one before (a process id comes back,
// on Windows soon, but not within minutes of a night's run). Oldest
// first.
func lastInvocation(runs []ledger.Run) []ledger.Run {
	n := 1
	for n < len(runs) && runs[n].PID == runs[0].PID && !runs[n].Ended.IsZero() &&
		runs[n-1].Started.Sub(runs[n].Ended) < 10*time.Minute && !runs[n-1].Started.Before(runs[n].Started) {
		n++
	}
	out := slices.Clone(runs[:n])
	slices.Reverse(out)
	return out
}

func scheduleRemove(ctx context.Context, io IO, f scheduleFlags) int {
	goos := runtime.GOOS
	paths := schedulePaths(io, goos)
	plan := schedule.Remove(goos, paths)
	installed := false
	for _, def := range schedule.Definitions(goos, paths) {
		if _, err := os.Stat(def); err == nil {
			installed = true
		}
	}
	if goos == schedule.Windows {
		// The task may be there without custimport's copy of it, or gone
		// with the copy left: schtasks /Query's exit status says which.
		if _, err := io.runCommand(ctx, schedule.StatusCommands(goos, paths)[0].Args); err == nil {
			installed = true
		} else {
			plan.Commands = nil
		}
	}
	if !installed {
		fmt.Fprintln(io.Out, schedule.Text(schedule.MsgNothingToDo, f.lang))
		return ExitOK
	}
	if err := plan.Undo(ctx, io.runCommand); err != nil {
		return fail(io, "schedule remove: %v", err)
	}
	fmt.Fprintln(io.Out, schedule.Text(schedule.MsgRemoved, f.lang))
	return ExitOK
}

// padWide pads s with spaces to n columns of a terminal, where a Chinese
// character takes two.
func padWide(s string, n int) string {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6) {
			w++
		}
	}
	if w >= n {
		return s
	}
	return s + strings.Repeat(" ", n-w)
}
