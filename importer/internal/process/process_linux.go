package process

import (
	"os"
	"strconv"
)

// startTime reads when process pid started, in clock ticks after boot:
// field 22 of /proc/<pid>/stat, counted after the command name (which
// may hold spaces and parentheses, so after its last ')').
func startTime(pid int) (uint64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseStat(data)
}
