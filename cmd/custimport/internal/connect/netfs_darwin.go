package connect

import "golang.org/x/sys/unix"

const goos = "darwin"

// fsProbe asks macOS which file system path is on.
func fsProbe(path string) (fsFacts, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return fsFacts{}, err
	}
	return fsFacts{TypeName: unix.ByteSliceToString(st.Fstypename[:])}, nil
}
