package schedule

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
)

// Live is what the system says of the installed schedule, in its own
// words ("" when it does not say).
type Live struct {
	Next       string // when it runs next
	LastStart  string // when it last started
	LastResult string // how the last run ended: its exit code, or the system's word for it
	State      string // enabled, running, ready, failed, …
	// Labels are the system's own names for the four fields above, when
	// it gives them (schtasks prints them in the PC's language).
	Labels [4]string
}

// StatusCommands are the commands whose output says how the installed
// schedule is (ParseStatus reads it).
func StatusCommands(goos string, p Paths) []Command {
	switch goos {
	case Windows:
		return []Command{{Args: []string{"schtasks", "/Query", "/TN", Name, "/V", "/FO", "CSV"}}}
	case Darwin:
		return []Command{{Args: []string{"launchctl", "print", "gui/" + p.UID + "/" + Label}}}
	}
	return []Command{
		{Args: []string{"systemctl", "--user", "show", Name + ".timer", "--property=NextElapseUSecRealtime,LastTriggerUSec,ActiveState,UnitFileState"}},
		{Args: []string{"systemctl", "--user", "show", Name + ".service", "--property=Result,ExecMainStatus,ExecMainStartTimestamp,ActiveState"}},
	}
}

// ParseStatus reads what the StatusCommands printed, in their order.
func ParseStatus(goos string, outputs []string) (Live, error) {
	if len(outputs) != len(StatusCommands(goos, Paths{})) {
		return Live{}, fmt.Errorf("schedule: %d outputs, want %d", len(outputs), len(StatusCommands(goos, Paths{})))
	}
	switch goos {
	case Windows:
		return parseSchtasksCSV(outputs[0])
	case Darwin:
		return parseLaunchctlPrint(outputs[0]), nil
	}
	timer, service := keyValues(outputs[0]), keyValues(outputs[1])
	l := Live{Next: timer["NextElapseUSecRealtime"], LastStart: service["ExecMainStartTimestamp"], State: timer["ActiveState"]}
	if timer["UnitFileState"] != "" && timer["UnitFileState"] != "enabled" {
		l.State += " (" + timer["UnitFileState"] + ")"
	}
	if l.LastStart == "" {
		l.LastStart = timer["LastTriggerUSec"]
	}
	if l.LastStart != "" && l.LastStart != "n/a" {
		l.LastResult = service["ExecMainStatus"]
		if r := service["Result"]; r != "" && r != "success" {
			l.LastResult += " (" + r + ")"
		}
	}
	return l, nil
}

// keyValues reads Key=Value lines (systemctl show).
func keyValues(out string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// The columns of `schtasks /Query /V /FO CSV` custimport reads. Their
// names are in the PC's language; their places are not.
const (
	colNext       = 2 // Next Run Time
	colStatus     = 3 // Status
	colLastRun    = 5 // Last Run Time
	colLastResult = 6 // Last Result
)

// parseSchtasksCSV reads `schtasks /Query /V /FO CSV`: a header row and
// one row per trigger.
func parseSchtasksCSV(out string) (Live, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return Live{}, fmt.Errorf("schtasks: %w", err)
	}
	if len(rows) < 2 || len(rows[0]) <= colLastResult || len(rows[1]) <= colLastResult {
		return Live{}, errors.New("schtasks: no task row")
	}
	h, v := rows[0], rows[1]
	return Live{
		Next: v[colNext], State: v[colStatus], LastStart: v[colLastRun], LastResult: v[colLastResult],
		Labels: [4]string{h[colNext], h[colLastRun], h[colLastResult], h[colStatus]},
	}, nil
}

// parseLaunchctlPrint reads `launchctl print gui/UID/LABEL`: "key = value"
// lines one tab in.
func parseLaunchctlPrint(out string) Live {
	var l Live
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "\t\t") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(line), " = ")
		if !ok {
			continue
		}
		switch k {
		case "state":
			l.State = v
		case "last exit code":
			l.LastResult = v
		}
	}
	return l
}
