package connect

import (
	"errors"
	"fmt"
)

// ErrStateDir is returned when the default folder of the ledgers is not
// certainly the one of the user custimport runs as: custimport runs
// through sudo or doas as another user, or HOME names another user's
// folder. A guess could start a second ledger for a TMS (every customer
// created again) or leave files its user cannot open; a folder named on
// purpose (Settings.StateDir) is used as it is.
var ErrStateDir = errors.New("the default ledger folder is not certainly this user's")

// ErrLedgerElsewhere is returned when the TMS's ledger is not in the
// default folder but in the one earlier versions used while
// XDG_STATE_HOME was set.
var ErrLedgerElsewhere = errors.New("this TMS's ledger is in another folder")

// runAs is who custimport runs as, and for whom.
type runAs struct {
	UID  int    // the effective user id; -1 where the OS has none (Windows)
	Name string // its user name ("" unknown)
	// ByUID and By are the user who called custimport through sudo or
	// doas (SUDO_UID, DOAS_USER); ByUID -1 when it was not, -2 when that
	// user's id is not known.
	ByUID int
	By    string
}

// checkDefaultDir decides whether the default ledger folder dir may be
// used by who, given the owner (a user id, -1 unknown) of dir or of the
// nearest folder above it that exists (ownerPath). The rule: the default
// folder is its user's own, found from that user alone.
func checkDefaultDir(dir string, who runAs, owner int, ownerPath string) error {
	switch {
	case who.UID < 0:
		return nil
	case who.ByUID != -1 && who.ByUID != who.UID:
		return &StateDirError{Runs: userName(who.Name, who.UID), By: userName(who.By, who.ByUID), Dir: dir}
	case owner >= 0 && owner != who.UID:
		return &StateDirError{Runs: userName(who.Name, who.UID), Dir: dir, OwnerPath: ownerPath, Owner: owner}
	}
	return nil
}

// StateDirError is the ErrStateDir of a run whose default ledger folder
// Dir is not certainly its user's: custimport runs as Runs through sudo
// by By, or (By "") Dir is in OwnerPath, which belongs to the user id
// Owner. The front end says what to do in its words.
type StateDirError struct {
	Runs, By, Dir, OwnerPath string
	Owner                    int
}

func (e *StateDirError) Error() string {
	if e.By != "" {
		return fmt.Sprintf("%v: custimport runs as %s through sudo by %s, whose settings (HOME, XDG_*) may be either's; the default ledger folder would be %s: "+
			"run it as %s without sudo (it needs no administrator rights), or name the ledger folder with --state-dir or CUSTIMPORT_STATE_DIR",
			ErrStateDir, e.Runs, e.By, e.Dir, e.By)
	}
	return fmt.Sprintf("%v: the default ledger folder %s is in %s, which belongs to user %d, not to %s, the user custimport runs as "+
		"(HOME is another user's: su without -, sudo -E?): run it as that user, or name the ledger folder with --state-dir or CUSTIMPORT_STATE_DIR",
		ErrStateDir, e.Dir, e.OwnerPath, e.Owner, e.Runs)
}

func (e *StateDirError) Unwrap() error { return ErrStateDir }

func userName(name string, uid int) string {
	if name == "" {
		return fmt.Sprintf("user %d", uid)
	}
	return name
}
