package process

import (
	"bytes"
	"strconv"
)

// parseStat reads the start time out of a Linux /proc/<pid>/stat.
func parseStat(data []byte) (uint64, bool) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	// After ")": state (field 3) ... starttime (field 22).
	fields := bytes.Fields(data[i+1:])
	if len(fields) < 20 {
		return 0, false
	}
	start, err := strconv.ParseUint(string(fields[19]), 10, 64)
	return start, err == nil && start > 0
}
