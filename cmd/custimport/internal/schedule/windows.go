package schedule

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The Task Scheduler task (schema 1.2, Windows 7 and later), as XML.
// Only the elements custimport sets are here; Task Scheduler gives the
// others their defaults.
type taskXML struct {
	XMLName          xml.Name `xml:"http://schemas.microsoft.com/windows/2004/02/mit/task Task"`
	Version          string   `xml:"version,attr"`
	RegistrationInfo struct {
		Description string `xml:"Description"`
		URI         string `xml:"URI"`
	} `xml:"RegistrationInfo"`
	Triggers struct {
		Calendar []calendarTrigger `xml:"CalendarTrigger"`
	} `xml:"Triggers"`
	Principals struct {
		Principal []principalXML `xml:"Principal"`
	} `xml:"Principals"`
	Settings settingsXML `xml:"Settings"`
	Actions  struct {
		Context string    `xml:"Context,attr"`
		Exec    []execXML `xml:"Exec"`
	} `xml:"Actions"`
}

type calendarTrigger struct {
	StartBoundary string `xml:"StartBoundary"`
	Enabled       bool   `xml:"Enabled"`
	DaysInterval  int    `xml:"ScheduleByDay>DaysInterval"`
}

type principalXML struct {
	ID        string `xml:"id,attr"`
	UserID    string `xml:"UserId"`
	LogonType string `xml:"LogonType"`
	RunLevel  string `xml:"RunLevel"`
}

type settingsXML struct {
	MultipleInstancesPolicy    string `xml:"MultipleInstancesPolicy"`
	DisallowStartIfOnBatteries bool   `xml:"DisallowStartIfOnBatteries"`
	StopIfGoingOnBatteries     bool   `xml:"StopIfGoingOnBatteries"`
	StartWhenAvailable         bool   `xml:"StartWhenAvailable"`
	RunOnlyIfNetworkAvailable  bool   `xml:"RunOnlyIfNetworkAvailable"`
	AllowStartOnDemand         bool   `xml:"AllowStartOnDemand"`
	Enabled                    bool   `xml:"Enabled"`
	WakeToRun                  bool   `xml:"WakeToRun"`
	ExecutionTimeLimit         string `xml:"ExecutionTimeLimit"`
}

type execXML struct {
	Command          string `xml:"Command"`
	Arguments        string `xml:"Arguments"`
	WorkingDirectory string `xml:"WorkingDirectory"`
}

// TaskTimeLimit is how long Task Scheduler lets a run go on: a run still
// going after a day would keep the next night's from starting (another
// run is not started while one runs).
const TaskTimeLimit = "PT23H"

// TaskXML returns the Task Scheduler task of job: every day at job.At;
// a run missed while the computer was off or asleep starts as soon as it
// can (StartWhenAvailable); a run is not started while the last one
// still runs (MultipleInstancesPolicy IgnoreNew); it starts in job.Dir;
// it runs as job.User while that user is logged on (the screen may be
// locked), on battery too. schtasks reads it as UTF-16 (UTF16File).
func TaskXML(job Job) string {
	var t taskXML
	t.Version = "1.2"
	t.RegistrationInfo.Description = "custimport: nightly import (custimport schedule install; custimport schedule status)"
	t.RegistrationInfo.URI = `\` + Name
	since := job.Since
	t.Triggers.Calendar = []calendarTrigger{{
		StartBoundary: fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:00", since.Year(), since.Month(), since.Day(), job.At.Hour, job.At.Minute),
		Enabled:       true,
		DaysInterval:  1,
	}}
	t.Principals.Principal = []principalXML{{ID: "Author", UserID: job.User, LogonType: "InteractiveToken", RunLevel: "LeastPrivilege"}}
	t.Settings = settingsXML{
		MultipleInstancesPolicy: "IgnoreNew",
		StartWhenAvailable:      true,
		AllowStartOnDemand:      true,
		Enabled:                 true,
		ExecutionTimeLimit:      TaskTimeLimit,
	}
	t.Actions.Context = "Author"
	t.Actions.Exec = []execXML{{Command: job.Program, Arguments: WindowsCommandLine(job.Args), WorkingDirectory: job.Dir}}
	out, err := xml.MarshalIndent(t, "", "  ")
	if err != nil {
		panic(err) // a struct of strings, bools and ints always marshals
	}
	// encoding/xml writes quotes in text as &#34; and &#39;: valid, but a
	// reviewer reads "C:\a b" better. Only text holds them (every
	// attribute is a fixed word).
	text := strings.NewReplacer("&#34;", `"`, "&#39;", "'").Replace(string(out))
	return `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + text + "\n"
}

// Task is a Task Scheduler task read back: what custimport sets.
type Task struct {
	At                 Clock
	StartDate          string // the trigger's start day, YYYY-MM-DD
	DaysInterval       int
	StartWhenAvailable bool
	MultipleInstances  string // IgnoreNew, Parallel, Queue, StopExisting
	OnBatteries        bool   // it starts and goes on on battery
	TimeLimit          string
	User               string
	LogonType          string
	Command            string
	Arguments          string
	Dir                string
}

// ParseTaskXML reads a task's XML (text, as TaskXML returns it).
func ParseTaskXML(text string) (Task, error) {
	var t taskXML
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-16") {
			return r, nil // decoded already (FromUTF16File)
		}
		return nil, fmt.Errorf("task XML: encoding %q", label)
	}
	if err := dec.Decode(&t); err != nil {
		return Task{}, fmt.Errorf("task XML: %w", err)
	}
	if len(t.Triggers.Calendar) != 1 || len(t.Actions.Exec) != 1 || len(t.Principals.Principal) != 1 {
		return Task{}, errors.New("task XML: want one calendar trigger, one action and one principal")
	}
	trig, exec, who := t.Triggers.Calendar[0], t.Actions.Exec[0], t.Principals.Principal[0]
	day, clock, ok := strings.Cut(trig.StartBoundary, "T")
	if !ok || len(clock) < 5 {
		return Task{}, fmt.Errorf("task XML: StartBoundary %q", trig.StartBoundary)
	}
	at, err := ParseClock(clock[:5])
	if err != nil {
		return Task{}, fmt.Errorf("task XML: StartBoundary %q: %w", trig.StartBoundary, err)
	}
	return Task{
		At: at, StartDate: day, DaysInterval: trig.DaysInterval,
		StartWhenAvailable: t.Settings.StartWhenAvailable, MultipleInstances: t.Settings.MultipleInstancesPolicy,
		OnBatteries: !t.Settings.DisallowStartIfOnBatteries && !t.Settings.StopIfGoingOnBatteries,
		TimeLimit:   t.Settings.ExecutionTimeLimit,
		User:        who.UserID, LogonType: who.LogonType,
		Command: exec.Command, Arguments: exec.Arguments, Dir: exec.WorkingDirectory,
	}, nil
}

// Job is the job the task runs.
func (t Task) Job() Job {
	return Job{At: t.At, Program: strings.Trim(t.Command, `"`), Args: SplitWindowsCommandLine(t.Arguments), Dir: t.Dir, User: t.User}
}

// WindowsCommandLine joins args into one command line that a Windows
// program (the C runtime's and Go's rules, CommandLineToArgvW) splits
// back into args: an argument with a space, a tab or a quote, or an
// empty one, is quoted; quotes and the backslashes before them are
// escaped with backslashes. (Task Scheduler reads %NAME% in it as an
// environment variable: Job.Check refuses a %.)
func WindowsCommandLine(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(windowsQuote(a))
	}
	return b.String()
}

func windowsQuote(s string) string {
	if s == "" {
		return `""`
	}
	if !strings.ContainsAny(s, " \t\"") {
		return s // backslashes not before a quote are taken as they are
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1)) // double them, and escape the quote
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(c)
	}
	b.WriteString(strings.Repeat(`\`, slashes)) // before the closing quote: doubled
	b.WriteByte('"')
	return b.String()
}

// SplitWindowsCommandLine splits a command line's arguments (not the
// program name) the way a Windows C or Go program does: whitespace
// separates arguments outside quotes; 2n backslashes before a quote are
// n backslashes and the quote opens or closes a quoted part, 2n+1 are n
// and a literal quote; "" inside quotes is a literal quote that ends the
// quoted part; a quote left open ends with the line.
func SplitWindowsCommandLine(line string) []string {
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case (c == ' ' || c == '\t') && !quoted:
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
			i++
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			inArg = true
			if i < len(line) && line[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					i++
				}
				continue // an even count: the quote is read next, as a quote
			}
			cur.WriteString(strings.Repeat(`\`, n))
		case c == '"':
			inArg = true
			if quoted && i+1 < len(line) && line[i+1] == '"' {
				// As Go's (and the C runtime's before 2008): a literal
				// quote, which also ends the quoted part.
				cur.WriteByte('"')
				i += 2
				quoted = false
				continue
			}
			quoted = !quoted
			i++
		default:
			inArg = true
			cur.WriteByte(c)
			i++
		}
	}
	if inArg {
		args = append(args, cur.String()) // an open quote ends with the line, as Go reads it
	}
	return args
}

// UTF16File is text as schtasks reads a task's XML: UTF-16 little-endian
// with a byte order mark and CRLF line ends.
func UTF16File(text string) []byte {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\n", "\r\n")
	units := utf16.Encode([]rune(text))
	out := make([]byte, 2, 2+2*len(units))
	out[0], out[1] = 0xff, 0xfe
	for _, u := range units {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// FromUTF16File reads text written by UTF16File (or UTF-8 with or
// without a byte order mark, as an editor may save it).
func FromUTF16File(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		data = data[2:]
		if len(data)%2 != 0 {
			return "", errors.New("UTF-16 text of an odd length")
		}
		units := make([]uint16, len(data)/2)
		for i := range units {
			units[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
		}
		return strings.ReplaceAll(string(utf16.Decode(units)), "\r\n", "\n"), nil
	case utf8.Valid(data):
		return strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n"), nil
	}
	return "", errors.New("text neither UTF-16 nor UTF-8")
}
