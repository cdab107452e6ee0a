package process

import "golang.org/x/sys/unix"

// startTime reads when process pid started, in microseconds since 1970.
func startTime(pid int) (uint64, bool) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || kp.Proc.P_pid != int32(pid) {
		return 0, false
	}
	tv := kp.Proc.P_starttime
	us := uint64(tv.Sec)*1_000_000 + uint64(tv.Usec)
	return us, us > 0
}
