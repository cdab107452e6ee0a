package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/cmd/custimport/internal/schedule"
	"github.com/custimport/custimport/importer/ledger"
)

// testProgram is where the tests' custimport "is": a test binary lives in
// a temporary build folder, which install refuses.
const testProgram = "/opt/custimport/custimport"

// fakeSystem stands for systemctl, loginctl, schtasks and launchctl: it
// records the commands and answers from a table (a missing answer is a
// success that prints nothing).
type fakeSystem struct {
	mu      sync.Mutex
	ran     []string
	answers map[string]fakeAnswer // by the command line's start
}

type fakeAnswer struct {
	out  string
	fail bool
}

func (f *fakeSystem) run(_ context.Context, args []string) ([]byte, error) {
	line := strings.Join(args, " ")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, line)
	for prefix, a := range f.answers {
		if strings.HasPrefix(line, prefix) {
			if a.fail {
				return []byte(a.out), errors.New("exit status 1")
			}
			return []byte(a.out), nil
		}
	}
	return nil, nil
}

func (f *fakeSystem) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ran)
}

// scheduleRun runs a schedule command line with env and the fake system.
func scheduleRun(t *testing.T, env map[string]string, sys *fakeSystem, args ...string) runResult {
	t.Helper()
	io := IO{Getenv: func(k string) string { return env[k] }, Executable: func() (string, error) { return testProgram, nil }}
	if sys != nil {
		io.RunCommand = sys.run
	}
	return runIO(t, io, args...)
}

// nightlySetup makes a working folder with a config, a key and an inbox
// (with Chinese and spaces in its name), and changes to it.
func nightlySetup(t *testing.T, url string) (dir, cfg, inbox string) {
	dir = t.TempDir()
	t.Chdir(dir)
	cfg = nightlyConfig(t, dir, url, "")
	inbox = filepath.Join(dir, "收件 匣")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, cfg, inbox
}

// printedFile cuts one printed file out of install --print's output: from
// the line that starts with first to the line that starts with last.
func printedFile(t *testing.T, out, first, last string) string {
	t.Helper()
	i := strings.Index(out, first)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", first, out)
	}
	j := strings.Index(out[i:], last)
	if j < 0 {
		t.Fatalf("no %q after %q in:\n%s", last, first, out)
	}
	end := i + j + len(last)
	if k := strings.IndexByte(out[end:], '\n'); k >= 0 {
		end += k + 1
	}
	return out[i:end]
}

// TestScheduleInstallPrint: --print prints, for each system, a task, units
// or an agent that read back as the job: the time, the catch-up, no
// overlap, the working folder and the command line with the config.
func TestScheduleInstallPrint(t *testing.T) {
	for _, goos := range []string{schedule.Windows, schedule.Linux, schedule.Darwin} {
		t.Run(goos, func(t *testing.T) {
			dir, cfg, inbox := nightlySetup(t, "https://tms.example.com.tw/api")
			state := filepath.Join(dir, "狀態")
			env := map[string]string{"HOME": dir, "CUSTIMPORT_STATE_DIR": state, "USERNAME": "wang", "USERDOMAIN": "OFFICE"}
			res := scheduleRun(t, env, nil, "schedule", "install", "--print", "--os", goos, "--at", "02:30", "--config", "custimport.yaml", "收件 匣")
			if res.code != ExitOK {
				t.Fatalf("%s", res)
			}
			wantArgs := []string{"import", inbox, "--config", cfg, "--state-dir", state}
			var job schedule.Job
			var err error
			switch goos {
			case schedule.Windows:
				text := printedFile(t, res.stdout, "<?xml", "</Task>")
				task, perr := schedule.ParseTaskXML(text)
				if perr != nil {
					t.Fatal(perr)
				}
				if !task.StartWhenAvailable || task.MultipleInstances != "IgnoreNew" || task.DaysInterval != 1 || task.User != `OFFICE\wang` || task.LogonType != "InteractiveToken" {
					t.Errorf("task settings %+v", task)
				}
				job = task.Job()
				if !strings.Contains(res.stdout, "schtasks /Create /TN custimport /XML ") {
					t.Errorf("no schtasks command:\n%s", res.stdout)
				}
			case schedule.Linux:
				service := printedFile(t, res.stdout, "# Written by", "ExecStart=")
				timer := printedFile(t, res.stdout, "# Written by `custimport schedule install`; `custimport schedule remove` removes it.\n[Unit]\nDescription=custimport nightly import at", "WantedBy=timers.target")
				if !strings.Contains(timer, "Persistent=true") || !strings.Contains(service, "Type=oneshot") {
					t.Errorf("no catch-up or not one run at a time:\n%s\n%s", service, timer)
				}
				job, err = schedule.SystemdJob(service, timer)
				if !strings.Contains(res.stdout, "systemctl --user enable --now custimport.timer") || !strings.Contains(res.stdout, "30 2 * * * cd ") {
					t.Errorf("no systemctl command or crontab line:\n%s", res.stdout)
				}
			case schedule.Darwin:
				p, perr := schedule.ParsePlist(printedFile(t, res.stdout, "<?xml", "</plist>"))
				if perr != nil {
					t.Fatal(perr)
				}
				job, err = p.Job()
				if job.Log == "" {
					t.Error("the agent keeps no log")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if job.At != (schedule.Clock{Hour: 2, Minute: 30}) || job.Program != testProgram || job.Dir != dir || !slices.Equal(job.Args, wantArgs) {
				t.Errorf("the printed job: %+v\nwant at 02:30, %s %q in %s", job, testProgram, wantArgs, dir)
			}
			if _, err := os.Stat(filepath.Join(dir, ".config")); err == nil {
				t.Error("--print wrote files")
			}
		})
	}
}

// TestScheduleLinuxLifecycle installs, shows and removes the systemd user
// timer with systemctl faked: the files are written and read back, the
// commands run in order, and status shows the ledger's last import.
func TestScheduleLinuxLifecycle(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the systemd schedule is installed on Linux")
	}
	_, srv, simEnv := startSim(t)
	dir, cfg, inbox := nightlySetup(t, srv.URL)
	env := map[string]string{"HOME": dir, "USER": "wang"}
	sys := &fakeSystem{answers: map[string]fakeAnswer{
		"loginctl show-user wang":                  {out: "Linger=no\n"},
		"systemctl --user show custimport.timer":   {out: "NextElapseUSecRealtime=Thu 2026-05-07 02:30:00 CST\nLastTriggerUSec=Wed 2026-05-06 02:30:00 CST\nActiveState=active\nUnitFileState=enabled\n"},
		"systemctl --user show custimport.service": {out: "Result=exit-code\nExecMainStatus=1\nExecMainStartTimestamp=Wed 2026-05-06 02:30:01 CST\nActiveState=failed\n"},
	}}
	res := scheduleRun(t, env, sys, "schedule", "install", "--at", "02:30", "--config", cfg, inbox, "--lang", "en")
	if res.code != ExitOK {
		t.Fatalf("install: %s", res)
	}
	units := filepath.Join(dir, ".config", "systemd", "user")
	service, err1 := os.ReadFile(filepath.Join(units, "custimport.service"))
	timer, err2 := os.ReadFile(filepath.Join(units, "custimport.timer"))
	if err1 != nil || err2 != nil {
		t.Fatalf("unit files: %v %v", err1, err2)
	}
	job, err := schedule.SystemdJob(string(service), string(timer))
	if err != nil || job.Dir != dir || job.Args[1] != inbox || job.Args[3] != cfg {
		t.Errorf("installed job %+v, %v", job, err)
	}
	want := []string{"systemctl --user show-environment", "systemctl --user daemon-reload", "systemctl --user enable --now custimport.timer", "loginctl show-user wang --property=Linger"}
	if got := sys.commands(); !slices.Equal(got, want) {
		t.Errorf("install ran %q, want %q", got, want)
	}
	for _, w := range []string{"Installed: it runs every day at 02:30.", "sudo loginctl enable-linger wang", "To try it by hand"} {
		if !strings.Contains(res.stdout, w) {
			t.Errorf("install's output lacks %q:\n%s", w, res.stdout)
		}
	}

	// A night's run: the folder's two files, one with INVALID rows.
	writeFile(t, inbox, "a.csv", mixedCSV("A", 10, 2))
	writeFile(t, inbox, "b.csv", mixedCSV("B", 3, 0))
	clitest.Backdate(t, inbox)
	night := run(t, envWithout(simEnv), job.Args...)
	if night.code != ExitRows {
		t.Fatalf("the night's run: %s", night)
	}

	res = scheduleRun(t, env, sys, "schedule", "status", "--lang", "en")
	if res.code != ExitOK {
		t.Fatalf("status: %s", res)
	}
	for _, w := range []string{"02:30", "Thu 2026-05-07 02:30:00 CST", "1 (exit-code)", "a.csv  exit code 1  OK 8 INVALID 2", "b.csv  exit code 0  OK 3", "Working folder:  " + dir + "\n"} {
		if !strings.Contains(res.stdout, w) {
			t.Errorf("status lacks %q:\n%s", w, res.stdout)
		}
	}

	res = scheduleRun(t, env, sys, "schedule", "remove", "--lang", "en")
	if res.code != ExitOK || !strings.Contains(res.stdout, "Removed") {
		t.Fatalf("remove: %s", res)
	}
	for _, f := range []string{"custimport.service", "custimport.timer"} {
		if _, err := os.Stat(filepath.Join(units, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", f)
		}
	}
	if got := sys.commands(); !slices.Contains(got, "systemctl --user disable --now custimport.timer") {
		t.Errorf("remove ran %q", got)
	}
	if res := scheduleRun(t, env, sys, "schedule", "status", "--lang", "en"); res.code != ExitRows || !strings.Contains(res.stdout, "No schedule is installed") {
		t.Errorf("status after remove: %s", res)
	}
	if res := scheduleRun(t, env, sys, "schedule", "remove", "--lang", "en"); res.code != ExitOK || !strings.Contains(res.stdout, "no schedule to remove") {
		t.Errorf("remove twice: %s", res)
	}
}

// TestScheduleWithoutSystemd: no systemd user session (a container):
// nothing is installed, the crontab line is printed, exit 2.
func TestScheduleWithoutSystemd(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	dir, cfg, inbox := nightlySetup(t, "https://tms.example.com.tw/api")
	sys := &fakeSystem{answers: map[string]fakeAnswer{"systemctl --user show-environment": {out: "System has not been booted with systemd as init system (PID 1). Can't operate.", fail: true}}}
	res := scheduleRun(t, map[string]string{"HOME": dir}, sys, "schedule", "install", "--at", "23:05", "--config", cfg, inbox)
	if res.code != ExitCantRun || !strings.HasPrefix(res.stdout, "5 23 * * * cd ") || !strings.Contains(res.stdout, "'"+inbox+"'") || !strings.Contains(res.stderr, "crontab -e") {
		t.Errorf("%s", res)
	}
	if _, err := os.Stat(filepath.Join(dir, ".config")); err == nil {
		t.Error("unit files were written")
	}
}

// TestScheduleInstallRefuses: what would fail every night is refused at
// install, naming what to fix.
func TestScheduleInstallRefuses(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) []string // the arguments after install
		exe    string
		want   string
		goos   string
		status int
	}{
		{"no config", func(t *testing.T, dir string) []string { return []string{"--at", "02:30"} }, "", "--config", "", ExitCantRun},
		{"a config without url", func(t *testing.T, dir string) []string {
			return []string{"--at", "02:30", "--config", writeFile(t, dir, "c.yaml", []byte("pno: P\nkey_file: tms.key\n"))}
		}, "", "沒有 url", "", ExitCantRun},
		{"a key others can read", func(t *testing.T, dir string) []string {
			k := writeFile(t, dir, "open.key", []byte("k"))
			os.Chmod(k, 0o644)
			return []string{"--at", "02:30", "--config", writeFile(t, dir, "c.yaml", []byte("url: https://t.example/api\npno: P\nkey_file: "+k+"\n"))}
		}, "", "readable by others", "linux", ExitCantRun},
		{"the key only in this terminal", func(t *testing.T, dir string) []string {
			return []string{"--at", "02:30", "--config", writeFile(t, dir, "c.yaml", []byte("url: https://t.example/api\npno: P\n"))}
		}, "", "key_file", "", ExitCantRun},
		{"go run", func(t *testing.T, dir string) []string {
			return []string{"--at", "02:30", "--config", "custimport.yaml"}
		}, "/tmp/go-build123/b001/exe/custimport", "go run", "", ExitCantRun},
		{"no such inbox", func(t *testing.T, dir string) []string {
			return []string{"--at", "02:30", "--config", "custimport.yaml", "nowhere"}
		}, "", "nowhere", "", ExitCantRun},
		{"a bad time", func(t *testing.T, dir string) []string {
			return []string{"--at", "25:00", "--config", "custimport.yaml"}
		}, "", "--at", "", ExitCantRun},
		{"no time", func(t *testing.T, dir string) []string { return []string{"--config", "custimport.yaml"} }, "", "--at", "", ExitCantRun},
		{"another system without --print", func(t *testing.T, dir string) []string {
			return []string{"--at", "02:30", "--config", "custimport.yaml", "--os", otherOS()}
		}, "", "--print", "", ExitCantRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.goos != "" && tt.goos != runtime.GOOS {
				t.Skip("mode bits")
			}
			dir, _, _ := nightlySetup(t, "https://tms.example.com.tw/api")
			args := append([]string{"schedule", "install"}, tt.setup(t, dir)...)
			io := IO{Getenv: func(k string) string { return map[string]string{"HOME": dir, "TMS_API_KEY": "k"}[k] },
				Executable: func() (string, error) { return testProgram, nil }, RunCommand: (&fakeSystem{}).run}
			if tt.exe != "" {
				io.Executable = func() (string, error) { return tt.exe, nil }
			}
			res := runIO(t, io, args...)
			if res.code != tt.status || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("want exit %d and %q:\n%s", tt.status, tt.want, res)
			}
			if _, err := os.Stat(filepath.Join(dir, ".config")); err == nil {
				t.Error("files were written")
			}
		})
	}
}

func otherOS() string {
	if runtime.GOOS == "windows" {
		return "linux"
	}
	return "windows"
}

// TestScheduleNotes: a setting this terminal has and the config lacks
// is told; on Windows a key from the environment is a warning.
func TestScheduleNotes(t *testing.T) {
	dir, cfg, inbox := nightlySetup(t, "https://tms.example.com.tw/api")
	env := map[string]string{"HOME": dir, "TMS_URL": "http://127.0.0.1:9/test", "TMS_API_KEY": "k"}
	res := scheduleRun(t, env, nil, "schedule", "install", "--print", "--os", "linux", "--at", "02:30", "--config", cfg, inbox, "--lang", "en")
	if res.code != ExitOK || !strings.Contains(res.stdout, "does not see this terminal's TMS_URL; it uses the config file's (https://tms.example.com.tw/api)") {
		t.Errorf("%s", res)
	}
	noKey := writeFile(t, dir, "nokey.yaml", []byte("url: https://t.example/api\npno: P\n"))
	res = scheduleRun(t, env, nil, "schedule", "install", "--print", "--os", "windows", "--at", "02:30", "--config", noKey, inbox, "--lang", "en")
	if res.code != ExitOK || !strings.Contains(res.stdout, "sees it only if it is a Windows user environment variable") {
		t.Errorf("%s", res)
	}
}

// TestScheduleWindowsEnvironment: on Windows, settings only in this
// terminal's environment are notes (a user environment variable reaches
// the task), not refusals.
func TestScheduleWindowsEnvironment(t *testing.T) {
	dir, _, inbox := nightlySetup(t, "https://tms.example.com.tw/api")
	env := map[string]string{"HOME": dir, "TMS_URL": "https://t.example/api", "TMS_PNO": "P", "TMS_API_KEY": "k"}
	res := scheduleRun(t, env, nil, "schedule", "install", "--print", "--os", "windows", "--at", "02:30", inbox, "--lang", "en")
	if res.code != ExitOK || strings.Count(res.stdout, "comes from this terminal's environment") != 3 || strings.Contains(res.stdout, "needs a config file") {
		t.Errorf("%s", res)
	}
	delete(env, "TMS_PNO")
	res = scheduleRun(t, env, nil, "schedule", "install", "--print", "--os", "windows", "--at", "02:30", inbox, "--lang", "en")
	if res.code != ExitOK || strings.Count(res.stdout, "A schedule needs a config file") != 1 {
		t.Errorf("without TMS_PNO: %s", res)
	}
	res = scheduleRun(t, map[string]string{"HOME": dir}, nil, "schedule", "install", "--print", "--os", "linux", "--at", "02:30", inbox, "--lang", "en")
	if res.code != ExitOK || strings.Count(res.stdout, "A schedule needs a config file") != 1 {
		t.Errorf("no config on Linux, printed: %s", res)
	}
}

func TestLastInvocation(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 5, 6, h, m, 0, 0, time.UTC) }
	run := func(id int64, pid int, start, end time.Time) ledger.Run {
		return ledger.Run{ID: id, PID: pid, Started: start, Ended: end}
	}
	tests := []struct {
		name string
		runs []ledger.Run // newest first
		want []int64
	}{
		{"one", []ledger.Run{run(3, 10, at(2, 30), at(2, 31))}, []int64{3}},
		{"a folder's three files", []ledger.Run{run(3, 10, at(2, 35), at(2, 36)), run(2, 10, at(2, 32), at(2, 35)), run(1, 10, at(2, 30), at(2, 32))}, []int64{1, 2, 3}},
		{"another process", []ledger.Run{run(3, 11, at(2, 35), at(2, 36)), run(2, 10, at(2, 32), at(2, 35))}, []int64{3}},
		{"the same pid the night before", []ledger.Run{run(3, 10, at(2, 30), at(2, 31)), run(2, 10, at(2, 30).Add(-24*time.Hour), at(2, 31).Add(-24*time.Hour))}, []int64{3}},
		{"an earlier run that never ended", []ledger.Run{run(3, 10, at(2, 35), at(2, 36)), run(2, 10, at(2, 32), time.Time{})}, []int64{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, r := range lastInvocation(tt.runs) {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestScheduleSystemdForReal installs, shows and removes the timer with
// the real systemd, where this computer has a user session (a container
// usually has none: then the tests above, with systemctl faked, are what
// runs). It leaves an existing custimport schedule alone.
func TestScheduleSystemdForReal(t *testing.T) {
	clitest.RequireProcessTests(t)
	if runtime.GOOS != "linux" || exec.Command("systemctl", "--user", "show-environment").Run() != nil {
		t.Skip("no systemd user session here")
	}
	if out, _ := exec.Command("systemctl", "--user", "cat", "custimport.timer").CombinedOutput(); strings.Contains(string(out), "OnCalendar") {
		t.Skip("a custimport schedule is installed: left alone")
	}
	bin, err := clitest.Build(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	dir, cfg, inbox := nightlySetup(t, "https://tms.example.com.tw/api")
	runBin := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	t.Cleanup(func() { runBin("schedule", "remove") })
	if out, code := runBin("schedule", "install", "--at", "03:17", "--config", cfg, inbox, "--lang", "en"); code != 0 {
		t.Fatalf("install: %d\n%s", code, out)
	}
	out, _ := exec.Command("systemctl", "--user", "show", "custimport.timer", "--property=NextElapseUSecRealtime,ActiveState").CombinedOutput()
	if !strings.Contains(string(out), "ActiveState=active") || !strings.Contains(string(out), "03:17:00") {
		t.Errorf("the timer: %s", out)
	}
	if out, code := runBin("schedule", "status", "--lang", "en"); code != 0 || !strings.Contains(out, "03:17") {
		t.Errorf("status: %d\n%s", code, out)
	}
	if out, code := runBin("schedule", "remove", "--lang", "en"); code != 0 {
		t.Errorf("remove: %d\n%s", code, out)
	}
	if out, _ := exec.Command("systemctl", "--user", "cat", "custimport.timer").CombinedOutput(); strings.Contains(string(out), "OnCalendar") {
		t.Errorf("the timer is still there: %s", out)
	}
}
