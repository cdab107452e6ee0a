// Package process tells whether the process that left a file behind is
// still running. A process id alone cannot tell: ids are reused (on
// Windows within moments), so a later run can get the id of a dead one
// and take the dead run's file for its own. A Mark is the id with the
// process's start time; a process is the one marked only when both match.
//
// It knows nothing of the files marked, nor of how a mark is written
// into a name beyond String and Parse.
package process

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// Mark names one process: its id and when it started (an OS-specific
// count, compared for equality only; 0 when the OS cannot tell).
type Mark struct {
	PID   int
	Start uint64
}

var self = sync.OnceValue(func() Mark {
	pid := os.Getpid()
	start, _ := startTime(pid)
	return Mark{PID: pid, Start: start}
})

// Self returns the mark of this process.
func Self() Mark { return self() }

// String writes m for a file name: "<pid>_<start>", or "<pid>" when the
// start time is not known. Only digits and "_".
func (m Mark) String() string {
	if m.Start == 0 {
		return strconv.Itoa(m.PID)
	}
	return strconv.Itoa(m.PID) + "_" + strconv.FormatUint(m.Start, 10)
}

// Parse reads what String wrote; false for anything else.
func Parse(s string) (Mark, bool) {
	pidText, startText, hasStart := strings.Cut(s, "_")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || strings.HasPrefix(pidText, "+") {
		return Mark{}, false
	}
	m := Mark{PID: pid}
	if hasStart {
		start, err := strconv.ParseUint(startText, 10, 64)
		if err != nil || start == 0 {
			return Mark{}, false
		}
		m.Start = start
	}
	return m, true
}

// Running reports whether the process m names may still run. It is false
// only when that is sure: no process has the id, or the one that has it
// started at another time. A mark without a start time (written by an
// older custimport) is judged by its id alone; a process whose start time
// cannot be read is taken to run.
func (m Mark) Running() bool {
	if !alive(m.PID) {
		return false
	}
	if m.Start == 0 {
		return true
	}
	start, ok := startTime(m.PID)
	return !ok || start == m.Start
}
