//go:build unix

package connect

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// currentRunAs reads who this process runs as, and for whom it was
// started through sudo or doas.
func currentRunAs(getenv func(string) string) runAs {
	who := runAs{UID: os.Geteuid(), ByUID: -1}
	if u, err := user.LookupId(strconv.Itoa(who.UID)); err == nil {
		who.Name = u.Username
	}
	if v := getenv("SUDO_UID"); v != "" {
		if uid, err := strconv.Atoi(v); err == nil {
			who.ByUID, who.By = uid, getenv("SUDO_USER")
		}
	} else if name := getenv("DOAS_USER"); name != "" {
		who.By = name
		who.ByUID = -2 // not this user unless the lookup says so
		if u, err := user.Lookup(name); err == nil {
			if uid, err := strconv.Atoi(u.Uid); err == nil {
				who.ByUID = uid
			}
		}
	}
	return who
}

// ownerOf returns the owner of path or, when it does not exist yet, of
// the nearest folder above it that does; -1 when none can be read.
func ownerOf(path string) (uid int, at string) {
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				return int(st.Uid), p
			}
			return -1, p
		}
		if !errors.Is(err, os.ErrNotExist) || filepath.Dir(p) == p {
			return -1, p
		}
	}
}
