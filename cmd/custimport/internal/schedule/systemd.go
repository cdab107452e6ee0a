package schedule

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// SystemdUnits returns the systemd user service that runs job once, and
// the timer that starts it every day at job.At. Persistent=true starts a
// run missed while the computer was off as soon as it is back; a timer
// does not start its service while the service still runs (no overlap).
// Exit 1 (some rows not OK) and 2 (could not run) leave the service
// "failed", so `systemctl --user --failed` shows them.
func SystemdUnits(job Job) (service, timer string) {
	exec := make([]string, 0, 1+len(job.Args))
	for _, a := range append([]string{job.Program}, job.Args...) {
		exec = append(exec, systemdQuote(a))
	}
	service = "# Written by `custimport schedule install`; `custimport schedule remove` removes it.\n" +
		"[Unit]\n" +
		"Description=custimport nightly import into TMS\n" +
		"\n" +
		"[Service]\n" +
		"Type=oneshot\n" +
		"WorkingDirectory=" + systemdEscapePath(job.Dir) + "\n" +
		"ExecStart=" + strings.Join(exec, " ") + "\n"
	timer = "# Written by `custimport schedule install`; `custimport schedule remove` removes it.\n" +
		"[Unit]\n" +
		"Description=custimport nightly import at " + job.At.String() + "\n" +
		"\n" +
		"[Timer]\n" +
		"OnCalendar=*-*-* " + job.At.String() + ":00\n" +
		"Persistent=true\n" +
		"AccuracySec=1min\n" +
		"Unit=" + Name + ".service\n" +
		"\n" +
		"[Install]\n" +
		"WantedBy=timers.target\n"
	return service, timer
}

// systemdQuote quotes one ExecStart argument: in double quotes, with \
// and " escaped by a backslash, % (a specifier) doubled and $ (a
// variable) doubled.
func systemdQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%", "$", "$$")
	return `"` + r.Replace(s) + `"`
}

// systemdEscapePath escapes a path setting's value: its specifiers.
func systemdEscapePath(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// Unit is a unit file read back: each section's settings, in order.
type Unit map[string]map[string][]string

// ParseUnit reads a systemd unit file: [Section] lines, Key=Value
// settings, # and ; comments, lines continued by a trailing backslash.
func ParseUnit(text string) (Unit, error) {
	u := Unit{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	pending := ""
	for sc.Scan() {
		line := strings.TrimSpace(pending + sc.Text())
		pending = ""
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSuffix(line, `\`) + " "
			continue
		}
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && line[len(line)-1] == ']':
			section = line[1 : len(line)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				return nil, fmt.Errorf("unit file: %q is not a setting of a section", line)
			}
			k = strings.TrimSpace(k)
			u[section][k] = append(u[section][k], strings.TrimSpace(v))
		}
	}
	return u, sc.Err()
}

// Get returns the last value of a setting ("" when it is not set).
func (u Unit) Get(section, key string) string {
	vals := u[section][key]
	if len(vals) == 0 {
		return ""
	}
	return vals[len(vals)-1]
}

// SystemdJob reads the job back from its service and timer.
func SystemdJob(service, timer string) (Job, error) {
	s, err := ParseUnit(service)
	if err != nil {
		return Job{}, err
	}
	t, err := ParseUnit(timer)
	if err != nil {
		return Job{}, err
	}
	args, err := SplitExecStart(s.Get("Service", "ExecStart"))
	if err != nil {
		return Job{}, err
	}
	if len(args) == 0 {
		return Job{}, errors.New("unit file: no ExecStart")
	}
	at, err := ParseOnCalendar(t.Get("Timer", "OnCalendar"))
	if err != nil {
		return Job{}, err
	}
	return Job{At: at, Program: args[0], Args: args[1:], Dir: strings.ReplaceAll(s.Get("Service", "WorkingDirectory"), "%%", "%")}, nil
}

// ParseOnCalendar reads the daily OnCalendar= SystemdUnits writes:
// "*-*-* HH:MM:00".
func ParseOnCalendar(v string) (Clock, error) {
	day, clock, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || day != "*-*-*" || !strings.HasSuffix(clock, ":00") {
		return Clock{}, fmt.Errorf("OnCalendar=%s: not a daily time", v)
	}
	return ParseClock(strings.TrimSuffix(clock, ":00"))
}

// SplitExecStart splits an ExecStart= value into arguments as systemd
// does: words separated by spaces, "…" and '…' quoting, C escapes (\\ \"
// \' \n \t \xHH), %% for % and $$ for $.
func SplitExecStart(v string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	var quote byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case quote == 0 && (c == ' ' || c == '\t'):
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case quote == 0 && (c == '"' || c == '\''):
			quote, inArg = c, true
		case quote != 0 && c == quote:
			quote = 0
		case c == '\\':
			if i+1 >= len(v) {
				return nil, fmt.Errorf("ExecStart=%s: a backslash at the end", v)
			}
			i++
			switch e := v[i]; e {
			case 'n':
				cur.WriteByte('\n')
			case 't':
				cur.WriteByte('\t')
			case 'x':
				if i+2 >= len(v) {
					return nil, fmt.Errorf("ExecStart=%s: a short \\x escape", v)
				}
				var b byte
				if _, err := fmt.Sscanf(v[i+1:i+3], "%02x", &b); err != nil {
					return nil, fmt.Errorf("ExecStart=%s: \\x%s", v, v[i+1:i+3])
				}
				cur.WriteByte(b)
				i += 2
			default:
				cur.WriteByte(e)
			}
			inArg = true
		case (c == '%' || c == '$') && i+1 < len(v) && v[i+1] == c:
			cur.WriteByte(c)
			i++
			inArg = true
		case c == '%' || c == '$':
			return nil, fmt.Errorf("ExecStart=%s: a specifier or variable (%c) custimport does not write", v, c)
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("ExecStart=%s: a quote is not closed", v)
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// CronLine is the crontab line that runs job every day at job.At, for a
// computer without systemd: it changes to the working folder and appends
// the output to job.Log. cron neither catches up a missed run nor keeps
// runs from overlapping: custimport's own lock on the folder and the
// ledger makes a second run wait (exit 2) instead.
func CronLine(job Job) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d * * * cd %s && %s", job.At.Minute, job.At.Hour, ShellQuote(job.Dir), ShellQuote(job.Program))
	for _, a := range job.Args {
		b.WriteString(" " + ShellQuote(a))
	}
	if job.Log != "" {
		fmt.Fprintf(&b, " >>%s 2>&1", ShellQuote(job.Log))
	}
	// cron reads a % as a line break unless a backslash escapes it.
	return strings.ReplaceAll(b.String(), "%", `\%`)
}

// ShellQuote quotes s for a POSIX shell: as it is when it holds only
// characters the shell takes literally, else in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@,+-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
