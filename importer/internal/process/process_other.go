//go:build unix && !linux && !darwin

package process

// startTime is not known here: marks carry the id alone.
func startTime(int) (uint64, bool) { return 0, false }
