package connect

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

const goos = "windows"

// fsProbe asks Windows whether path's drive is a network drive (a
// mapped drive letter is one; SQLite cannot tell).
func fsProbe(path string) (fsFacts, error) {
	root := filepath.VolumeName(path) + `\`
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return fsFacts{}, err
	}
	return fsFacts{Remote: windows.GetDriveType(p) == windows.DRIVE_REMOTE}, nil
}
