package connect

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// An SQLite ledger on a network folder is refused: SQLite's locking is
// unreliable on network file systems and its write-ahead log does not
// work across computers, so two PCs sharing the folder could both
// create one customer. The decision (networkFolder) is a pure function
// of what the OS says of the folder (fsProbe, per OS).

// ErrNetworkLedger is returned when the ledger's folder is on a network
// share and AllowNetworkLedger does not allow it.
var ErrNetworkLedger = errors.New("the ledger's folder is on a network share")

// fsFacts is what the OS says of the file system a folder is on.
type fsFacts struct {
	Magic    int64  // Linux: statfs f_type
	TypeName string // macOS: statfs f_fstypename
	Remote   bool   // Windows: GetDriveType says DRIVE_REMOTE (a mapped drive)
}

// linuxNetworkMagic are the statfs magic numbers of Linux's network file
// systems.
var linuxNetworkMagic = map[int64]string{
	0x6969:     "NFS",
	0x517b:     "SMB",
	0xff534d42: "CIFS",
	0xfe534d42: "SMB2",
	0x5346414f: "AFS",
	0x73757245: "Coda",
	0x564c:     "NCP",
	0x00c36400: "Ceph",
}

// macNetworkTypes are the file system names of macOS's network shares.
var macNetworkTypes = map[string]string{"smbfs": "SMB", "nfs": "NFS", "afpfs": "AFP", "webdav": "WebDAV", "cifs": "CIFS"}

// networkFolder decides whether a folder (path, as given) is on a network
// share, for an OS (a GOOS value) and what its probe found; kind names
// the share's kind.
func networkFolder(goos, path string, f fsFacts) (kind string, network bool) {
	switch goos {
	case "windows":
		p := strings.ReplaceAll(path, "/", `\`)
		switch {
		case strings.HasPrefix(strings.ToUpper(p), `\\?\UNC\`):
			return "UNC path", true
		case strings.HasPrefix(p, `\\?\`), strings.HasPrefix(p, `\\.\`):
			// a local path in its long form (\\?\C:\...), or a device
		case strings.HasPrefix(p, `\\`):
			return "UNC path", true
		}
		if f.Remote {
			return "network drive", true
		}
	case "darwin", "ios":
		if k, ok := macNetworkTypes[strings.ToLower(f.TypeName)]; ok {
			return k, true
		}
	default:
		if k, ok := linuxNetworkMagic[f.Magic]; ok {
			return k, true
		}
	}
	return "", false
}

// checkLocalFolder refuses an SQLite ledger folder on a network share,
// unless s.AllowNetworkLedger. The folder need not exist yet: the
// nearest folder above it that does is probed.
func (s Settings) checkLocalFolder(dir string) error {
	if s.AllowNetworkLedger {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	probe := abs
	for {
		if _, err := os.Stat(probe); err == nil {
			break
		}
		up := filepath.Dir(probe)
		if up == probe {
			break
		}
		probe = up
	}
	f, err := fsProbe(probe)
	if err != nil {
		f = fsFacts{} // cannot tell: the path alone decides
	}
	if kind, ok := networkFolder(goos, abs, f); ok {
		return fmt.Errorf("%w (%s): %s. SQLite's locking is unreliable on network shares, and two PCs sharing one ledger file could create "+
			"one customer twice: keep the ledger on this PC's own disk, or share one ledger through PostgreSQL (ledger_url); "+
			"--allow-network-ledger (allow_network_ledger) opens it anyway", ErrNetworkLedger, kind, abs)
	}
	return nil
}
