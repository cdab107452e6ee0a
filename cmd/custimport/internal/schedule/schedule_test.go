package schedule

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// jobs are the jobs every format is tried with: plain paths, paths with
// Chinese and spaces, and arguments that need quoting in every syntax.
func jobs(goos string) map[string]Job {
	since := time.Date(2026, 5, 6, 15, 4, 5, 0, time.Local)
	if goos == Windows {
		return map[string]Job{
			"plain": {At: Clock{2, 30}, Program: `C:\custimport\custimport.exe`, Dir: `C:\custimport`, User: `OFFICE\wang`, Since: since,
				Args: []string{"import", `D:\inbox`, "--config", `C:\custimport\custimport.yaml`}},
			"chinese and spaces": {At: Clock{23, 5}, Program: `C:\Program Files\客戶 匯入\custimport.exe`, Dir: `C:\Users\王小明\客戶 資料`, User: `王小明`, Since: since,
				Args: []string{"import", `C:\Users\王小明\客戶 資料\收件匣`, "--config", `C:\Users\王小明\客戶 資料\設定 檔.yaml`}},
			"quotes and backslashes": {At: Clock{0, 0}, Program: `C:\a\custimport.exe`, Dir: `C:\a b\`, User: "u", Since: since,
				Args: []string{"import", `C:\in box\`, "--config", `C:\say "hi"\c.yaml`, "", `\\server\share\x\\`, `a\\"b`, "\t"}},
		}
	}
	return map[string]Job{
		"plain": {At: Clock{2, 30}, Program: "/usr/local/bin/custimport", Dir: "/home/tms", Log: "/home/tms/.local/state/custimport/nightly.log",
			Args: []string{"import", "/srv/tms-inbox", "--config", "/etc/custimport.yaml"}},
		"chinese and spaces": {At: Clock{23, 5}, Program: "/opt/客戶 匯入/custimport", Dir: "/home/王小明/客戶 資料", Log: "/home/王小明/日誌 檔.log",
			Args: []string{"import", "/home/王小明/客戶 資料/收件匣", "--config", "/home/王小明/設定 檔.yaml"}},
		"shell and unit syntax": {At: Clock{0, 0}, Program: "/a/custimport", Dir: "/x/100% $HOME 'q' \"d\"", Log: "/tmp/l%og",
			Args: []string{"import", "/in/it's a \"box\"", "--config", `/c/back\slash $PATH %h %%`, "", "; rm -rf /", "`x`", "$(id)", "\t"}},
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want Clock
		bad  bool
	}{
		{"02:30", Clock{2, 30}, false},
		{"2:30", Clock{2, 30}, false},
		{" 23:59 ", Clock{23, 59}, false},
		{"00:00", Clock{0, 0}, false},
		{"24:00", Clock{}, true},
		{"12:60", Clock{}, true},
		{"2:3", Clock{}, true},
		{"0230", Clock{}, true},
		{"02:30:00", Clock{}, true},
		{"-1:30", Clock{}, true},
		{"+2:30", Clock{}, true},
		{"2:+3", Clock{}, true},
		{"", Clock{}, true},
		{"２:30", Clock{}, true},
		{"002:30", Clock{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseClock(tt.in)
			if (err != nil) != tt.bad || got != tt.want {
				t.Fatalf("ParseClock(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.bad)
			}
			if err != nil && !errors.Is(err, ErrBadClock) {
				t.Errorf("error %v is not ErrBadClock", err)
			}
		})
	}
}

func TestClockNext(t *testing.T) {
	taipei := time.FixedZone("CST", 8*3600)
	at := Clock{2, 30}
	tests := []struct {
		now, want time.Time
	}{
		{time.Date(2026, 5, 6, 1, 0, 0, 0, taipei), time.Date(2026, 5, 6, 2, 30, 0, 0, taipei)},
		{time.Date(2026, 5, 6, 2, 30, 0, 0, taipei), time.Date(2026, 5, 7, 2, 30, 0, 0, taipei)}, // at the minute: the next day
		{time.Date(2026, 5, 6, 15, 0, 0, 0, taipei), time.Date(2026, 5, 7, 2, 30, 0, 0, taipei)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, taipei), time.Date(2027, 1, 1, 2, 30, 0, 0, taipei)},
	}
	for _, tt := range tests {
		if got := at.Next(tt.now); !got.Equal(tt.want) {
			t.Errorf("Next(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

// taskDoc is the task XML as a test reads it: by element path, with no
// code of the package's.
type taskDoc struct {
	XMLName xml.Name `xml:"Task"`
	NS      string   `xml:"xmlns,attr"`
	Trigger []struct {
		StartBoundary string `xml:"StartBoundary"`
		Enabled       string `xml:"Enabled"`
		DaysInterval  string `xml:"ScheduleByDay>DaysInterval"`
	} `xml:"Triggers>CalendarTrigger"`
	OtherTriggers []xml.Name `xml:"Triggers>TimeTrigger"`
	Principal     struct {
		UserID    string `xml:"UserId"`
		LogonType string `xml:"LogonType"`
	} `xml:"Principals>Principal"`
	Settings struct {
		MultipleInstancesPolicy    string `xml:"MultipleInstancesPolicy"`
		StartWhenAvailable         string `xml:"StartWhenAvailable"`
		DisallowStartIfOnBatteries string `xml:"DisallowStartIfOnBatteries"`
		StopIfGoingOnBatteries     string `xml:"StopIfGoingOnBatteries"`
		Enabled                    string `xml:"Enabled"`
		ExecutionTimeLimit         string `xml:"ExecutionTimeLimit"`
	} `xml:"Settings"`
	Exec []struct {
		Command          string `xml:"Command"`
		Arguments        string `xml:"Arguments"`
		WorkingDirectory string `xml:"WorkingDirectory"`
	} `xml:"Actions>Exec"`
}

func TestTaskXML(t *testing.T) {
	for name, job := range jobs(Windows) {
		t.Run(name, func(t *testing.T) {
			text := TaskXML(job)
			if !strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-16"?>`) {
				t.Errorf("declaration: %q", strings.SplitN(text, "\n", 2)[0])
			}
			// The file schtasks reads: UTF-16LE with a BOM, CRLF lines.
			file := UTF16File(text)
			back, err := FromUTF16File(file)
			if err != nil || back != text || file[0] != 0xff || file[1] != 0xfe || !strings.Contains(string(file), "\r\x00\n\x00") {
				t.Fatalf("UTF-16 file does not read back (%v)", err)
			}
			var doc taskDoc
			dec := xml.NewDecoder(strings.NewReader(text))
			dec.CharsetReader = func(_ string, r io_Reader) (io_Reader, error) { return r, nil }
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if doc.NS != "" && doc.NS != "http://schemas.microsoft.com/windows/2004/02/mit/task" {
				t.Errorf("namespace %q", doc.NS)
			}
			if len(doc.Trigger) != 1 || len(doc.Exec) != 1 {
				t.Fatalf("%d triggers, %d actions; want one each:\n%s", len(doc.Trigger), len(doc.Exec), text)
			}
			tr, ex, st := doc.Trigger[0], doc.Exec[0], doc.Settings
			checks := []struct{ what, got, want string }{
				{"the time", tr.StartBoundary, job.Since.Format("2006-01-02") + "T" + job.At.String() + ":00"},
				{"every day", tr.DaysInterval, "1"},
				{"trigger enabled", tr.Enabled, "true"},
				{"catch-up", st.StartWhenAvailable, "true"},
				{"no overlap", st.MultipleInstancesPolicy, "IgnoreNew"},
				{"on battery", st.DisallowStartIfOnBatteries, "false"},
				{"stays on battery", st.StopIfGoingOnBatteries, "false"},
				{"task enabled", st.Enabled, "true"},
				{"time limit", st.ExecutionTimeLimit, "PT23H"},
				{"working folder", ex.WorkingDirectory, job.Dir},
				{"program", ex.Command, job.Program},
				{"user", doc.Principal.UserID, job.User},
				{"logon", doc.Principal.LogonType, "InteractiveToken"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
				}
			}
			// The arguments, as the Go program Task Scheduler starts reads them.
			if got := goWindowsArgv(ex.Arguments); !slices.Equal(got, job.Args) {
				t.Errorf("arguments %q read back as %q, want %q", ex.Arguments, got, job.Args)
			}
			// And the package reads its own task back.
			task, err := ParseTaskXML(back)
			if err != nil {
				t.Fatal(err)
			}
			got := task.Job()
			if got.At != job.At || got.Program != job.Program || got.Dir != job.Dir || got.User != job.User || !slices.Equal(got.Args, job.Args) {
				t.Errorf("ParseTaskXML(...).Job() = %+v; want %+v", got, job)
			}
			if !task.StartWhenAvailable || task.MultipleInstances != "IgnoreNew" || !task.OnBatteries || task.DaysInterval != 1 {
				t.Errorf("ParseTaskXML settings = %+v", task)
			}
		})
	}
}

// goWindowsArgv splits a command line's arguments as Go's runtime does
// on Windows (os.Args; src/os/exec_windows.go readNextArg, "prior to
// 2008" rule), written here from that code, independently of the
// package's splitter.
func goWindowsArgv(cmd string) []string {
	var args []string
	for len(cmd) > 0 {
		if cmd[0] == ' ' || cmd[0] == '\t' {
			cmd = cmd[1:]
			continue
		}
		var b []byte
		inquote, nslash := false, 0
		bs := func(n int) {
			for ; n > 0; n-- {
				b = append(b, '\\')
			}
		}
	arg:
		for ; len(cmd) > 0; cmd = cmd[1:] {
			c := cmd[0]
			switch c {
			case ' ', '\t':
				if !inquote {
					break arg
				}
			case '"':
				bs(nslash / 2)
				if nslash%2 == 0 {
					if inquote && len(cmd) > 1 && cmd[1] == '"' {
						b = append(b, c)
						cmd = cmd[1:]
					}
					inquote = !inquote
				} else {
					b = append(b, c)
				}
				nslash = 0
				continue
			case '\\':
				nslash++
				continue
			}
			bs(nslash)
			nslash = 0
			b = append(b, c)
		}
		bs(nslash)
		args = append(args, string(b))
	}
	return args
}

func TestSplitWindowsCommandLine(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`a b  c`, []string{"a", "b", "c"}},
		{`"a b" c`, []string{"a b", "c"}},
		{`""`, []string{""}},
		{`a\b c\\`, []string{`a\b`, `c\\`}},
		{`"a\\" b`, []string{`a\`, "b"}},
		{`a\"b`, []string{`a"b`}},
		{`a\\\"b`, []string{`a\"b`}},
		{`"a""b" c`, []string{`a"b c`}}, // "" ends the quoted part; the next " opens one
		{`"a""b" c"`, []string{`a"b c`}},
		{`"open`, []string{"open"}},
		{`"C:\客戶 資料\x.yaml"`, []string{`C:\客戶 資料\x.yaml`}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := SplitWindowsCommandLine(tt.line); !slices.Equal(got, tt.want) {
				t.Errorf("SplitWindowsCommandLine(%q) = %q; want %q", tt.line, got, tt.want)
			}
			if ref := goWindowsArgv(tt.line); !slices.Equal(ref, tt.want) {
				t.Errorf("the reference splits %q as %q", tt.line, ref)
			}
		})
	}
}

// FuzzQuoting: arguments joined into a Windows command line, or quoted
// for a systemd ExecStart=, split back into themselves.
func FuzzQuoting(f *testing.F) {
	f.Add("a", `C:\x y\`, `say "hi"`)
	f.Add("", `\\`, `\"`)
	f.Add(`a\\"b`, "\t", `"`)
	f.Add("/a b", `x"y\z`, "100% $HOME")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		args := []string{a, b, c}
		var quoted []string
		for _, s := range args {
			quoted = append(quoted, systemdQuote(s))
		}
		if got, err := SplitExecStart(strings.Join(quoted, " ")); err != nil || !slices.Equal(got, args) {
			t.Fatalf("%q quoted for systemd as %q splits back as %q, %v", args, quoted, got, err)
		}
		line := WindowsCommandLine(args)
		if got := goWindowsArgv(line); !slices.Equal(got, args) {
			t.Fatalf("%q joined as %q reads back as %q", args, line, got)
		}
		if got := SplitWindowsCommandLine(line); !slices.Equal(got, args) {
			t.Fatalf("%q joined as %q splits back as %q", args, line, got)
		}
		// Any line: the package's splitter agrees with Go's runtime.
		if got := SplitWindowsCommandLine(a); !slices.Equal(got, goWindowsArgv(a)) {
			t.Fatalf("%q: split %q, Go reads %q", a, got, goWindowsArgv(a))
		}
	})
}

// FuzzParseDefinitions: the readers of a task's XML, a plist and a
// unit file take any text without panicking.
func FuzzParseDefinitions(f *testing.F) {
	for _, job := range jobs(Windows) {
		f.Add(TaskXML(job))
	}
	for _, job := range jobs(Darwin) {
		f.Add(LaunchdPlist(job))
	}
	for _, job := range jobs(Linux) {
		service, timer := SystemdUnits(job)
		f.Add(service + timer)
	}
	f.Add("<Task/>")
	f.Fuzz(func(t *testing.T, text string) {
		if task, err := ParseTaskXML(text); err == nil {
			task.Job()
		}
		if p, err := ParsePlist(text); err == nil {
			p.Job()
		}
		SystemdJob(text, text)
	})
}

func TestSystemdUnits(t *testing.T) {
	for name, job := range jobs(Linux) {
		t.Run(name, func(t *testing.T) {
			service, timer := SystemdUnits(job)
			s, err := ParseUnit(service)
			if err != nil {
				t.Fatal(err)
			}
			tm, err := ParseUnit(timer)
			if err != nil {
				t.Fatal(err)
			}
			checks := []struct{ what, got, want string }{
				{"the time", tm.Get("Timer", "OnCalendar"), "*-*-* " + job.At.String() + ":00"},
				{"catch-up", tm.Get("Timer", "Persistent"), "true"},
				{"the service", tm.Get("Timer", "Unit"), "custimport.service"},
				{"enabled by timers.target", tm.Get("Install", "WantedBy"), "timers.target"},
				{"one run at a time", s.Get("Service", "Type"), "oneshot"},
				{"working folder", strings.ReplaceAll(s.Get("Service", "WorkingDirectory"), "%%", "%"), job.Dir},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
				}
			}
			if len(s["Service"]["Restart"]) > 0 || len(s["Service"]["SuccessExitStatus"]) > 0 {
				t.Error("a failed run must stay failed: no Restart=, no SuccessExitStatus=")
			}
			exec := s.Get("Service", "ExecStart")
			args, err := SplitExecStart(exec)
			if err != nil || !slices.Equal(args, append([]string{job.Program}, job.Args...)) {
				t.Errorf("ExecStart=%s splits as %q, %v; want the program and %q", exec, args, err, job.Args)
			}
			// No specifier (any setting) or variable (ExecStart) is left
			// for systemd to expand.
			for _, line := range strings.Split(service, "\n") {
				if strings.HasPrefix(line, "#") {
					continue
				}
				lone := "%"
				if strings.HasPrefix(line, "ExecStart=") {
					lone = "%$"
				}
				if strings.ContainsAny(strings.NewReplacer("%%", "", "$$", "").Replace(line), lone) {
					t.Errorf("a lone %s in %q", lone, line)
				}
			}
			got, err := SystemdJob(service, timer)
			if err != nil || got.At != job.At || got.Program != job.Program || got.Dir != job.Dir || !slices.Equal(got.Args, job.Args) {
				t.Errorf("SystemdJob = %+v, %v; want %+v", got, err, job)
			}
		})
	}
}

// TestSystemdAnalyzeVerify has systemd itself read the units, where
// systemd-analyze is installed.
func TestSystemdAnalyzeVerify(t *testing.T) {
	bin, err := lookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze")
	}
	dir := t.TempDir()
	job := jobs(Linux)["chinese and spaces"]
	job.Program = bin // a program that exists, as verify checks
	job.Dir = dir
	service, timer := SystemdUnits(job)
	os.WriteFile(filepath.Join(dir, "custimport.service"), []byte(service), 0o644)
	os.WriteFile(filepath.Join(dir, "custimport.timer"), []byte(timer), 0o644)
	out, err := runOut(bin, "verify", "--man=no", filepath.Join(dir, "custimport.service"), filepath.Join(dir, "custimport.timer"))
	if err != nil {
		if strings.Contains(out, "Failed to") && (strings.Contains(out, "bus") || strings.Contains(out, "initialize")) {
			t.Skipf("systemd-analyze cannot run here: %s", out)
		}
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	if strings.Contains(out, "Unknown") || strings.Contains(out, "nvalid") {
		t.Errorf("systemd-analyze verify complains:\n%s", out)
	}
}

func TestSplitExecStart(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		bad  bool
	}{
		{`/bin/x a b`, []string{"/bin/x", "a", "b"}, false},
		{`"/opt/a b/x" "c d"`, []string{"/opt/a b/x", "c d"}, false},
		{`'/a b' 'it''s'`, []string{"/a b", "its"}, false},
		{`"a\"b" "c\\d"`, []string{`a"b`, `c\d`}, false},
		{`"a\x41b"`, []string{"aAb"}, false},
		{`"100%%" "$$HOME"`, []string{"100%", "$HOME"}, false},
		{`"%h"`, nil, true},
		{`"$HOME"`, nil, true},
		{`"open`, nil, true},
		{`a\`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := SplitExecStart(tt.in)
			if (err != nil) != tt.bad || (!tt.bad && !slices.Equal(got, tt.want)) {
				t.Errorf("SplitExecStart(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.bad)
			}
		})
	}
}

func TestLaunchdPlist(t *testing.T) {
	var texts []string
	var want []any
	for name, job := range jobs(Darwin) {
		t.Run(name, func(t *testing.T) {
			text := LaunchdPlist(job)
			p, err := ParsePlist(text)
			if err != nil {
				t.Fatal(err)
			}
			if p["Label"] != Label {
				t.Errorf("Label = %v", p["Label"])
			}
			got, err := p.Job()
			if err != nil || got.At != job.At || got.Program != job.Program || got.Dir != job.Dir || got.Log != job.Log || !slices.Equal(got.Args, job.Args) {
				t.Errorf("plist job = %+v, %v; want %+v", got, err, job)
			}
			if p["StandardErrorPath"] != job.Log {
				t.Errorf("StandardErrorPath = %v, want the log", p["StandardErrorPath"])
			}
			for _, key := range []string{"RunAtLoad", "KeepAlive", "StartInterval"} {
				if _, ok := p[key]; ok {
					t.Errorf("%s is set: the job runs at its time only", key)
				}
			}
			texts = append(texts, text)
			want = append(want, []any{append([]string{job.Program}, job.Args...), job.Dir, job.At.Hour, job.At.Minute})
		})
	}
	pythonPlist(t, texts, want)
}

// pythonPlist reads the plists with Python's plistlib (an independent
// reader of Apple's format), where Python is installed: each must give
// its program and arguments, folder, hour and minute.
func pythonPlist(t *testing.T, texts []string, want []any) {
	py, err := lookPath("python3")
	if err != nil {
		t.Log("no python3: the plists are not read by plistlib")
		return
	}
	dir := t.TempDir()
	args := []string{"-c", `import plistlib,sys,json
out=[]
for f in sys.argv[1:]:
    p=plistlib.load(open(f,'rb'))
    out.append([p['ProgramArguments'],p['WorkingDirectory'],p['StartCalendarInterval']['Hour'],p['StartCalendarInterval']['Minute']])
print(json.dumps(out,ensure_ascii=False,separators=(',',':')))`}
	for i, text := range texts {
		f := filepath.Join(dir, itoa(i)+".plist")
		os.WriteFile(f, []byte(text), 0o644)
		args = append(args, f)
	}
	out, err := runOut(py, args...)
	if err != nil {
		t.Fatalf("plistlib: %v\n%s", err, out)
	}
	if got, w := strings.TrimSpace(out), jsonOf(t, want); got != w {
		t.Errorf("plistlib reads\n%s\nwant\n%s", got, w)
	}
}

// TestCronLine runs the crontab line's command as cron would (its % and
// \% undone, then sh -c), with a program that records its working folder
// and arguments into the log.
func TestCronLine(t *testing.T) {
	sh, err := lookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for name, job := range jobs(Linux) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			job.Dir = filepath.Join(root, strings.TrimPrefix(job.Dir, "/"))
			job.Program = filepath.Join(root, strings.TrimPrefix(job.Program, "/"))
			job.Log = filepath.Join(root, filepath.Base(job.Log))
			os.MkdirAll(job.Dir, 0o755)
			os.MkdirAll(filepath.Dir(job.Program), 0o755)
			os.WriteFile(job.Program, []byte("#!/bin/sh\npwd\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n"), 0o755)
			line := CronLine(job)
			fields := strings.SplitN(line, " ", 6)
			if fields[0] != itoa(job.At.Minute) || fields[1] != itoa(job.At.Hour) || strings.Join(fields[2:5], " ") != "* * *" {
				t.Fatalf("schedule fields %q", fields[:5])
			}
			cmd := cronUnescape(t, fields[5])
			if out, err := runOut(sh, "-c", cmd); err != nil {
				t.Fatalf("sh -c %q: %v\n%s", cmd, err, out)
			}
			logged, err := os.ReadFile(job.Log)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			want.WriteString(job.Dir + "\n")
			for _, a := range job.Args {
				want.WriteString("[" + a + "]\n")
			}
			if string(logged) != want.String() {
				t.Errorf("the job saw\n%s\nwant\n%s", logged, want.String())
			}
		})
	}
}

// cronUnescape does what cron does to a command: \% is %, and a lone %
// ends the command (the test fails on one).
func cronUnescape(t *testing.T, cmd string) string {
	var b strings.Builder
	for i := 0; i < len(cmd); i++ {
		switch {
		case cmd[i] == '\\' && i+1 < len(cmd) && cmd[i+1] == '%':
			b.WriteByte('%')
			i++
		case cmd[i] == '%':
			t.Fatalf("a lone %% in %q", cmd)
		default:
			b.WriteByte(cmd[i])
		}
	}
	return b.String()
}

func TestJobCheck(t *testing.T) {
	ok := jobs(Linux)["plain"]
	win := jobs(Windows)["plain"]
	tests := []struct {
		name string
		goos string
		edit func(*Job)
		bad  bool
	}{
		{"fine", Linux, func(*Job) {}, false},
		{"fine on Windows", Windows, func(*Job) {}, false},
		{"relative program", Linux, func(j *Job) { j.Program = "custimport" }, true},
		{"relative folder", Linux, func(j *Job) { j.Dir = "." }, true},
		{"a newline in an argument", Linux, func(j *Job) { j.Args = append(j.Args, "a\nb") }, true},
		{"a NUL", Linux, func(j *Job) { j.Dir = "/a\x00" }, true},
		{"a rooted path on Windows (printed elsewhere)", Windows, func(j *Job) { j.Dir = "/home/x" }, false},
		{"a relative path on Windows", Windows, func(j *Job) { j.Dir = `x\y` }, true},
		{"UNC folder on Windows", Windows, func(j *Job) { j.Dir = `\\server\share` }, false},
		{"drive-relative on Windows", Windows, func(j *Job) { j.Program = `C:custimport.exe` }, true},
		{"a % on Windows", Windows, func(j *Job) { j.Args = append(j.Args, `C:\100%\x`) }, true},
		{"a % elsewhere", Linux, func(j *Job) { j.Args = append(j.Args, "/100%/x") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := ok
			if tt.goos == Windows {
				j = win
			}
			j.Args = slices.Clone(j.Args)
			tt.edit(&j)
			if err := j.Check(tt.goos); (err != nil) != tt.bad {
				t.Errorf("Check = %v, want error %v", err, tt.bad)
			}
			if _, err := Install(tt.goos, j, DefaultPaths(tt.goos, func(string) string { return "" }, "/home/u", "501")); (err != nil) != tt.bad {
				t.Errorf("Install error = %v, want error %v", err, tt.bad)
			}
		})
	}
}

func TestPlans(t *testing.T) {
	env := map[string]string{"APPDATA": `C:\Users\wang\AppData\Roaming`}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		goos              string
		files             []string
		install, remove   []string
		status            []string
		definitionsLength int
	}{
		{Windows, []string{`C:\Users\wang\AppData\Roaming\custimport\schedule\custimport.xml`},
			[]string{`schtasks /Create /TN custimport /XML C:\Users\wang\AppData\Roaming\custimport\schedule\custimport.xml /F`},
			[]string{"schtasks /Delete /TN custimport /F"},
			[]string{"schtasks /Query /TN custimport /V /FO CSV"}, 1},
		{Linux, []string{"/home/wang/.config/systemd/user/custimport.service", "/home/wang/.config/systemd/user/custimport.timer"},
			[]string{"systemctl --user daemon-reload", "systemctl --user enable --now custimport.timer"},
			[]string{"systemctl --user disable --now custimport.timer", "systemctl --user daemon-reload"},
			[]string{"systemctl --user show custimport.timer --property=NextElapseUSecRealtime,LastTriggerUSec,ActiveState,UnitFileState",
				"systemctl --user show custimport.service --property=Result,ExecMainStatus,ExecMainStartTimestamp,ActiveState"}, 2},
		{Darwin, []string{"/home/wang/Library/LaunchAgents/com.github.custimport.nightly.plist"},
			[]string{"launchctl bootout gui/501/com.github.custimport.nightly", "launchctl bootstrap gui/501 /home/wang/Library/LaunchAgents/com.github.custimport.nightly.plist"},
			[]string{"launchctl bootout gui/501/com.github.custimport.nightly"},
			[]string{"launchctl print gui/501/com.github.custimport.nightly"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			p := DefaultPaths(tt.goos, getenv, "/home/wang", "501")
			job := jobs(tt.goos)["plain"]
			plan, err := Install(tt.goos, job, p)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, f := range plan.Files {
				files = append(files, f.Path)
			}
			if !slices.Equal(files, tt.files) {
				t.Errorf("files %q, want %q", files, tt.files)
			}
			if got := lines(plan.Commands); !slices.Equal(got, tt.install) {
				t.Errorf("install runs %q, want %q", got, tt.install)
			}
			rm := Remove(tt.goos, p)
			if got := lines(rm.Commands); !slices.Equal(got, tt.remove) {
				t.Errorf("remove runs %q, want %q", got, tt.remove)
			}
			var rmFiles []string
			for _, f := range rm.Files {
				rmFiles = append(rmFiles, f.Path)
			}
			if !slices.Equal(rmFiles, tt.files) {
				t.Errorf("remove deletes %q, want %q", rmFiles, tt.files)
			}
			if got := lines(StatusCommands(tt.goos, p)); !slices.Equal(got, tt.status) {
				t.Errorf("status runs %q, want %q", got, tt.status)
			}
			// The installed files read back as the job.
			defs := Definitions(tt.goos, p)
			if len(defs) != tt.definitionsLength {
				t.Fatalf("definitions %q", defs)
			}
			var contents [][]byte
			for _, d := range defs {
				for _, f := range plan.Files {
					if f.Path == d {
						contents = append(contents, f.Content)
					}
				}
			}
			got, err := ReadJob(tt.goos, contents)
			if err != nil || got.At != job.At || got.Program != job.Program || !slices.Equal(got.Args, job.Args) || got.Dir != job.Dir {
				t.Errorf("ReadJob = %+v, %v; want %+v", got, err, job)
			}
		})
	}
}

func lines(cmds []Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, strings.Join(c.Args, " "))
	}
	return out
}

func TestDefaultPaths(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want Paths
	}{
		{Linux, nil, Paths{UnitDir: "/home/u/.config/systemd/user"}},
		{Linux, map[string]string{"XDG_CONFIG_HOME": "/cfg"}, Paths{UnitDir: "/cfg/systemd/user"}},
		{Linux, map[string]string{"XDG_CONFIG_HOME": "relative"}, Paths{UnitDir: "/home/u/.config/systemd/user"}},
		{Windows, map[string]string{"APPDATA": `D:\Roam\`}, Paths{TaskXML: `D:\Roam\custimport\schedule\custimport.xml`}},
		{Windows, nil, Paths{TaskXML: `/home/u\AppData\Roaming\custimport\schedule\custimport.xml`}},
		{Darwin, nil, Paths{Plist: "/home/u/Library/LaunchAgents/com.github.custimport.nightly.plist", LaunchdLog: "/home/u/Library/Logs/custimport/nightly.log", UID: "501"}},
	}
	for _, tt := range tests {
		got := DefaultPaths(tt.goos, func(k string) string { return tt.env[k] }, "/home/u", "501")
		if got != tt.want {
			t.Errorf("DefaultPaths(%s, %v) = %+v, want %+v", tt.goos, tt.env, got, tt.want)
		}
	}
}

func TestApplyAndUndo(t *testing.T) {
	dir := t.TempDir()
	p := Paths{UnitDir: filepath.Join(dir, "systemd", "user")}
	plan, err := Install(Linux, jobs(Linux)["plain"], p)
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	fail := ""
	runner := func(_ context.Context, args []string) ([]byte, error) {
		line := strings.Join(args, " ")
		ran = append(ran, line)
		if line == fail {
			return []byte("Failed to connect to bus"), errors.New("exit status 1")
		}
		return nil, nil
	}
	if err := plan.Apply(context.Background(), runner); err != nil {
		t.Fatal(err)
	}
	for _, f := range plan.Files {
		data, err := os.ReadFile(f.Path)
		if err != nil || string(data) != string(f.Content) {
			t.Errorf("%s: %v", f.Path, err)
		}
	}
	if !slices.Equal(ran, lines(plan.Commands)) {
		t.Errorf("ran %q", ran)
	}
	// A command that fails stops the plan and says what it printed.
	ran, fail = nil, "systemctl --user daemon-reload"
	err = plan.Apply(context.Background(), runner)
	var ce *CommandError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "Failed to connect to bus") || len(ran) != 1 {
		t.Errorf("Apply with a failing command = %v after %q", err, ran)
	}
	// Removing: its commands may fail (nothing loaded); the files go.
	ran, fail = nil, "systemctl --user disable --now custimport.timer"
	if err := Remove(Linux, p).Undo(context.Background(), runner); err != nil {
		t.Fatal(err)
	}
	for _, f := range plan.Files {
		if _, err := os.Stat(f.Path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", f.Path)
		}
	}
	if err := Remove(Linux, p).Undo(context.Background(), runner); err != nil {
		t.Errorf("removing twice: %v", err)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		goos    string
		outputs []string
		want    Live
	}{
		{"systemd after a failed run", Linux, []string{
			"NextElapseUSecRealtime=Thu 2026-05-07 02:30:00 CST\nLastTriggerUSec=Wed 2026-05-06 02:30:00 CST\nActiveState=active\nUnitFileState=enabled\n",
			"Result=exit-code\nExecMainStatus=1\nExecMainStartTimestamp=Wed 2026-05-06 02:30:01 CST\nActiveState=failed\n"},
			Live{Next: "Thu 2026-05-07 02:30:00 CST", LastStart: "Wed 2026-05-06 02:30:01 CST", LastResult: "1 (exit-code)", State: "active"}},
		{"systemd, never ran", Linux, []string{
			"NextElapseUSecRealtime=Thu 2026-05-07 02:30:00 CST\nLastTriggerUSec=n/a\nActiveState=active\nUnitFileState=disabled\n",
			"Result=success\nExecMainStatus=0\nExecMainStartTimestamp=\nActiveState=inactive\n"},
			Live{Next: "Thu 2026-05-07 02:30:00 CST", LastStart: "n/a", State: "active (disabled)"}},
		{"schtasks in English", Windows, []string{
			"\"HostName\",\"TaskName\",\"Next Run Time\",\"Status\",\"Logon Mode\",\"Last Run Time\",\"Last Result\",\"Author\"\r\n" +
				"\"PC1\",\"\\custimport\",\"5/7/2026 2:30:00 AM\",\"Ready\",\"Interactive only\",\"5/6/2026 2:30:01 AM\",\"1\",\"wang\"\r\n"},
			Live{Next: "5/7/2026 2:30:00 AM", State: "Ready", LastStart: "5/6/2026 2:30:01 AM", LastResult: "1",
				Labels: [4]string{"Next Run Time", "Last Run Time", "Last Result", "Status"}}},
		{"schtasks in Chinese", Windows, []string{
			"\"主機名稱\",\"工作名稱\",\"下次執行時間\",\"狀態\",\"登入模式\",\"上次執行時間\",\"上次的結果\",\"作者\"\r\n" +
				"\"PC1\",\"\\custimport\",\"2026/5/7 上午 02:30:00\",\"就緒\",\"僅互動式\",\"2026/5/6 上午 02:30:01\",\"0\",\"王小明\"\r\n"},
			Live{Next: "2026/5/7 上午 02:30:00", State: "就緒", LastStart: "2026/5/6 上午 02:30:01", LastResult: "0",
				Labels: [4]string{"下次執行時間", "上次執行時間", "上次的結果", "狀態"}}},
		{"launchctl", Darwin, []string{"gui/501/com.github.custimport.nightly = {\n\tactive count = 0\n\tpath = /Users/u/Library/LaunchAgents/x.plist\n\tstate = not running\n\n\truns = 2\n\tlast exit code = 1\n\n\tevent triggers = {\n\t\tstate = x\n\t}\n}\n"},
			Live{State: "not running", LastResult: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus(tt.goos, tt.outputs)
			if err != nil || got != tt.want {
				t.Errorf("ParseStatus = %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
	if _, err := ParseStatus(Windows, []string{"ERROR: The system cannot find the file specified.\r\n"}); err == nil {
		t.Error("schtasks' error text read as a status")
	}
}

func TestDecodeOutput(t *testing.T) {
	big5 := []byte{0xa4, 0x55, 0xa6, 0xb8, 0xb0, 0xf5, 0xa6, 0xe6, 0xae, 0xc9, 0xb6, 0xa1} // 下次執行時間
	tests := []struct {
		in   []byte
		cp   uint32
		want string
	}{
		{[]byte("Next Run Time"), 950, "Next Run Time"},
		{[]byte("下次執行時間"), 950, "下次執行時間"}, // UTF-8 stays
		{big5, 950, "下次執行時間"},
		{big5, 0, string(big5)},
		{[]byte("caf\xe9"), 1252, "café"},
	}
	for _, tt := range tests {
		if got := DecodeOutput(tt.in, tt.cp); got != tt.want {
			t.Errorf("DecodeOutput(% x, %d) = %q, want %q", tt.in, tt.cp, got, tt.want)
		}
	}
}

func TestTextHasEveryCode(t *testing.T) {
	for code, m := range messages {
		if m.ZH() == "" || m.EN() == "" || m.ZH() == m.EN() {
			t.Errorf("%s: zh %q en %q", code, m.ZH(), m.EN())
		}
		if strings.Count(m.ZH(), "%") != strings.Count(m.EN(), "%") {
			t.Errorf("%s: zh and en take different arguments", code)
		}
	}
	if got := Text(MsgInstalled, "en", "02:30"); got != "Installed: it runs every day at 02:30." {
		t.Errorf("Text = %q", got)
	}
}
