package connect

import (
	"errors"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
)

func TestNetworkFolder(t *testing.T) {
	for _, tc := range []struct {
		name, goos, path string
		f                fsFacts
		kind             string // "" local
	}{
		{"linux ext4", "linux", "/home/a/.local/state/custimport", fsFacts{Magic: 0xef53}, ""},
		{"linux tmpfs", "linux", "/tmp/x", fsFacts{Magic: 0x01021994}, ""},
		{"linux nfs", "linux", "/mnt/share", fsFacts{Magic: 0x6969}, "NFS"},
		{"linux cifs", "linux", "/mnt/office", fsFacts{Magic: 0xff534d42}, "CIFS"},
		{"linux smb2", "linux", "/mnt/office", fsFacts{Magic: 0xfe534d42}, "SMB2"},
		{"linux smb", "linux", "/mnt/old", fsFacts{Magic: 0x517b}, "SMB"},
		{"linux: a backslash path is just a name", "linux", `\\server\share`, fsFacts{Magic: 0xef53}, ""},
		{"mac apfs", "darwin", "/Users/a/Library", fsFacts{TypeName: "apfs"}, ""},
		{"mac smb", "darwin", "/Volumes/office", fsFacts{TypeName: "smbfs"}, "SMB"},
		{"mac nfs", "darwin", "/Volumes/nfs", fsFacts{TypeName: "nfs"}, "NFS"},
		{"mac afp", "darwin", "/Volumes/old", fsFacts{TypeName: "afpfs"}, "AFP"},
		{"windows local", "windows", `C:\Users\a\AppData\Local\custimport`, fsFacts{}, ""},
		{"windows UNC", "windows", `\\fileserver\shared\custimport`, fsFacts{}, "UNC path"},
		{"windows UNC slashes", "windows", `//fileserver/shared`, fsFacts{}, "UNC path"},
		{"windows long UNC", "windows", `\\?\UNC\fileserver\shared`, fsFacts{}, "UNC path"},
		{"windows long local", "windows", `\\?\C:\data`, fsFacts{}, ""},
		{"windows mapped drive", "windows", `Z:\custimport`, fsFacts{Remote: true}, "network drive"},
		{"windows long mapped drive", "windows", `\\?\Z:\custimport`, fsFacts{Remote: true}, "network drive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, network := networkFolder(tc.goos, tc.path, tc.f)
			if kind != tc.kind || network != (tc.kind != "") {
				t.Errorf("networkFolder(%s, %q, %+v) = %q %v, want %q", tc.goos, tc.path, tc.f, kind, network, tc.kind)
			}
		})
	}
}

// TestCheckLocalFolder: a local folder (and one not made yet) passes;
// AllowNetworkLedger passes whatever the folder.
func TestCheckLocalFolder(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{dir, dir + "/not/yet"} {
		if err := (Settings{}).checkLocalFolder(d); errors.Is(err, ErrNetworkLedger) {
			t.Errorf("%s: %v", d, err)
		}
	}
	if err := (Settings{Connection: settings.Connection{AllowNetworkLedger: true}}).checkLocalFolder(`\\server\share`); err != nil {
		t.Errorf("allowed: %v", err)
	}
}
