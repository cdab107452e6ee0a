// Package schedule owns custimport's nightly schedule on each operating
// system: the Windows Task Scheduler task (its XML), the systemd user
// service and timer (and the crontab line where there is no systemd), and
// the launchd agent (its property list). It writes each of them, and
// reads each back, as pure functions, so every system's files are made
// and tested on any system; it says which files and commands install,
// inspect and remove them (a Plan), and reads what those commands print.
// Running the commands is done at the edge (Apply), through a Runner the
// caller gives.
//
// It knows nothing of imports, config files or ledgers: a Job is a
// program, its arguments, a working folder and a time of day.
package schedule

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// The systems a schedule is made for (runtime.GOOS values).
const (
	Windows = "windows"
	Linux   = "linux"
	Darwin  = "darwin"
)

// Name is the schedule's name: the task's name in Task Scheduler and the
// systemd units' names.
const Name = "custimport"

// Label is the launchd agent's label.
const Label = "com.github.custimport.nightly"

// Clock is a time of day, local time.
type Clock struct{ Hour, Minute int }

// ErrBadClock is returned by ParseClock for text that is not a time of day.
var ErrBadClock = errors.New("not a time of day")

// ParseClock reads "02:30" or "2:30" (24-hour clock, local time).
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(h) < 1 || len(h) > 2 || len(m) != 2 ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || strings.ContainsAny(h+m, "+-") {
		return Clock{}, fmt.Errorf("%w: %q: want HH:MM, 00:00 to 23:59 (e.g. 02:30)", ErrBadClock, s)
	}
	return Clock{hour, minute}, nil
}

// String is the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Next returns the first time at c strictly after now, in now's location.
func (c Clock) Next(now time.Time) time.Time {
	t := time.Date(now.Year(), now.Month(), now.Day(), c.Hour, c.Minute, 0, 0, now.Location())
	if !t.After(now) {
		t = time.Date(now.Year(), now.Month(), now.Day()+1, c.Hour, c.Minute, 0, 0, now.Location())
	}
	return t
}

// Job is what the schedule runs, every day at At.
type Job struct {
	At      Clock
	Program string   // the executable, an absolute path
	Args    []string // its arguments
	Dir     string   // the working folder
	// User is the account a Windows task runs as (DOMAIN\name): the one
	// who installs it.
	User string
	// Since is when the schedule was made: a Windows task's start date.
	Since time.Time
	// Log is the file a launchd agent or a crontab line appends the
	// job's output to ("" none). systemd keeps it in the journal, Task
	// Scheduler nowhere.
	Log string
}

// Check reports what makes the job unusable by a scheduler: the program,
// the working folder and the log must be absolute paths (a scheduler
// starts in no folder of the user's), nothing may hold a line break or a
// NUL (no format keeps them), and nothing of a Windows task a % (Task
// Scheduler expands %NAME%).
func (j Job) Check(goos string) error {
	abs := func(p string) bool {
		// (A Windows task printed on another system has that system's
		// paths: rooted ones are taken too.)
		return path.IsAbs(p) || goos == Windows && windowsAbs(p)
	}
	switch {
	case !abs(j.Program):
		return fmt.Errorf("schedule: the program %q is not an absolute path", j.Program)
	case !abs(j.Dir):
		return fmt.Errorf("schedule: the working folder %q is not an absolute path", j.Dir)
	case j.Log != "" && !abs(j.Log):
		return fmt.Errorf("schedule: the log %q is not an absolute path", j.Log)
	}
	for _, s := range append([]string{j.Program, j.Dir, j.Log, j.User}, j.Args...) {
		if strings.ContainsAny(s, "\x00\r\n") {
			return fmt.Errorf("schedule: %q holds a line break or NUL, which no scheduler keeps", s)
		}
		if goos == Windows && strings.Contains(s, "%") {
			return fmt.Errorf("schedule: %q holds a %%, which Task Scheduler would read as an environment variable (%%NAME%%)", s)
		}
	}
	return nil
}

// windowsAbs reports whether p is an absolute Windows path: C:\… or \\server\….
func windowsAbs(p string) bool {
	if strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// Paths are where a system keeps the schedule's files.
type Paths struct {
	// Windows: the copy of the task's XML that schtasks reads (and
	// `schedule status` reads back).
	TaskXML string
	// Linux: the systemd user unit folder.
	UnitDir string
	// macOS: the agent's property list, and the log of its runs.
	Plist, LaunchdLog string
	// macOS: the user's id (launchctl's gui/UID domain).
	UID string
}

// DefaultPaths returns the schedule's files for goos under the user's
// folders, read from getenv: %AppData% on Windows, $XDG_CONFIG_HOME or
// ~/.config on Linux, ~/Library on macOS. home is the user's home folder.
func DefaultPaths(goos string, getenv func(string) string, home, uid string) Paths {
	switch goos {
	case Windows:
		appData := getenv("APPDATA")
		if appData == "" {
			appData = windowsJoin(home, `AppData\Roaming`)
		}
		return Paths{TaskXML: windowsJoin(appData, `custimport\schedule\`+Name+".xml")}
	case Darwin:
		return Paths{
			Plist:      path.Join(home, "Library/LaunchAgents", Label+".plist"),
			LaunchdLog: path.Join(home, "Library/Logs/custimport/nightly.log"),
			UID:        uid,
		}
	}
	config := getenv("XDG_CONFIG_HOME")
	if config == "" || !path.IsAbs(config) {
		config = path.Join(home, ".config")
	}
	return Paths{UnitDir: path.Join(config, "systemd/user")}
}

// windowsJoin joins Windows path elements with backslashes (on any
// system: the paths are the Windows computer's).
func windowsJoin(dir, name string) string {
	return strings.TrimRight(dir, `\/`) + `\` + name
}

// File is one file of a schedule.
type File struct {
	Path    string
	Content []byte
	// Text is the content as printed (Content may be UTF-16).
	Text string
}

// Command is one command line a plan runs.
type Command struct {
	Args []string
	// MayFail: a failure is expected and harmless (unloading an agent
	// that is not loaded).
	MayFail bool
}

// Plan is what installing, inspecting or removing the schedule does on
// one system: folders to make, files to write (or remove), then commands
// to run, in order.
type Plan struct {
	OS       string
	Dirs     []string // made before the files are written
	Files    []File
	Commands []Command
	// Notes are for the user: codes of this package's messages.
	Notes []Note
}

// Install returns the plan that installs job on goos. For Linux it is
// the systemd user units; CronLine is the fallback where there is no
// systemd.
func Install(goos string, job Job, p Paths) (Plan, error) {
	if err := job.Check(goos); err != nil {
		return Plan{}, err
	}
	switch goos {
	case Windows:
		xml := TaskXML(job)
		return Plan{OS: goos,
			Dirs:     []string{windowsDir(p.TaskXML)},
			Files:    []File{{Path: p.TaskXML, Content: UTF16File(xml), Text: xml}},
			Commands: []Command{{Args: []string{"schtasks", "/Create", "/TN", Name, "/XML", p.TaskXML, "/F"}}},
			Notes:    []Note{{Code: NoteWindowsLogon}},
		}, nil
	case Linux:
		service, timer := SystemdUnits(job)
		return Plan{OS: goos,
			Dirs: []string{p.UnitDir},
			Files: []File{
				{Path: path.Join(p.UnitDir, Name+".service"), Content: []byte(service), Text: service},
				{Path: path.Join(p.UnitDir, Name+".timer"), Content: []byte(timer), Text: timer},
			},
			Commands: []Command{
				{Args: []string{"systemctl", "--user", "daemon-reload"}},
				{Args: []string{"systemctl", "--user", "enable", "--now", Name + ".timer"}},
			},
		}, nil
	case Darwin:
		plist := LaunchdPlist(job)
		return Plan{OS: goos,
			Dirs:  []string{path.Dir(p.Plist), path.Dir(job.Log)},
			Files: []File{{Path: p.Plist, Content: []byte(plist), Text: plist}},
			Commands: []Command{
				{Args: []string{"launchctl", "bootout", "gui/" + p.UID + "/" + Label}, MayFail: true},
				{Args: []string{"launchctl", "bootstrap", "gui/" + p.UID, p.Plist}},
			},
		}, nil
	}
	return Plan{}, fmt.Errorf("schedule: %q: want windows, linux or darwin", goos)
}

// Remove returns the plan that removes the schedule from goos: its
// commands first, then its files are deleted.
func Remove(goos string, p Paths) Plan {
	switch goos {
	case Windows:
		return Plan{OS: goos, Files: []File{{Path: p.TaskXML}},
			Commands: []Command{{Args: []string{"schtasks", "/Delete", "/TN", Name, "/F"}}}}
	case Darwin:
		return Plan{OS: goos, Files: []File{{Path: p.Plist}},
			Commands: []Command{{Args: []string{"launchctl", "bootout", "gui/" + p.UID + "/" + Label}, MayFail: true}}}
	}
	return Plan{OS: goos,
		Files: []File{{Path: path.Join(p.UnitDir, Name+".service")}, {Path: path.Join(p.UnitDir, Name+".timer")}},
		Commands: []Command{
			{Args: []string{"systemctl", "--user", "disable", "--now", Name + ".timer"}, MayFail: true},
			{Args: []string{"systemctl", "--user", "daemon-reload"}, MayFail: true},
		}}
}

// Definitions are the files that hold the installed job on goos, the
// ones ReadJob reads back, in its order.
func Definitions(goos string, p Paths) []string {
	switch goos {
	case Windows:
		return []string{p.TaskXML}
	case Darwin:
		return []string{p.Plist}
	}
	return []string{path.Join(p.UnitDir, Name+".service"), path.Join(p.UnitDir, Name+".timer")}
}

// ReadJob reads the job back from the contents of the Definitions files.
func ReadJob(goos string, files [][]byte) (Job, error) {
	if want := len(Definitions(goos, Paths{})); len(files) != want {
		return Job{}, fmt.Errorf("schedule: %d files, want %d", len(files), want)
	}
	switch goos {
	case Windows:
		text, err := FromUTF16File(files[0])
		if err != nil {
			return Job{}, err
		}
		t, err := ParseTaskXML(text)
		if err != nil {
			return Job{}, err
		}
		return t.Job(), nil
	case Darwin:
		a, err := ParsePlist(string(files[0]))
		if err != nil {
			return Job{}, err
		}
		return a.Job()
	}
	return SystemdJob(string(files[0]), string(files[1]))
}

// windowsDir is the folder of a Windows path.
func windowsDir(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i > 0 {
		return p[:i]
	}
	return p
}

// DisplayCommand is a command line as a user would type it on goos.
func DisplayCommand(goos string, args []string) string {
	if goos == Windows {
		return WindowsCommandLine(args)
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = ShellQuote(a)
	}
	return strings.Join(quoted, " ")
}
