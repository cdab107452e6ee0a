package connect

import (
	"errors"
	"strings"
	"testing"
)

// The rule for the default ledger folder: its user's own, found from that
// user alone. Through sudo or doas as another user, or when the folder
// belongs to another user, custimport does not guess.
func TestCheckDefaultDir(t *testing.T) {
	const dir = "/home/alice/.local/state/custimport"
	alice := runAs{UID: 1000, Name: "alice", ByUID: -1}
	root := runAs{UID: 0, Name: "root", ByUID: -1}
	sudo := func(who runAs, byUID int, by string) runAs { who.ByUID, who.By = byUID, by; return who }
	tests := []struct {
		name  string
		who   runAs
		owner int
		want  []string // in the error; nil: allowed
	}{
		{name: "alice, her folder", who: alice, owner: 1000},
		{name: "alice, folder not made yet, nothing above readable", who: alice, owner: -1},
		{name: "root, its own folder (a root cron job)", who: root, owner: 0},
		{name: "sudo by alice: root with HOME=/root", who: sudo(root, 1000, "alice"), owner: 0, want: []string{"runs as root through sudo by alice", "run it as alice without sudo", "--state-dir"}},
		{name: "sudo -E by alice: root with alice's HOME", who: sudo(root, 1000, "alice"), owner: 1000, want: []string{"through sudo by alice"}},
		{name: "sudo -u alice by alice", who: sudo(alice, 1000, "alice"), owner: 1000},
		{name: "sudo -u bob by alice, bob's HOME", who: sudo(runAs{UID: 1001, Name: "bob"}, 1000, "alice"), owner: 1001, want: []string{"runs as bob through sudo by alice"}},
		{name: "doas by an unknown user", who: sudo(root, -2, "ghost"), owner: 0, want: []string{"by ghost"}},
		{name: "root with alice's HOME (su without -)", who: root, owner: 1000, want: []string{"belongs to user 1000, not to root", "/home/alice"}},
		{name: "bob with alice's HOME", who: runAs{UID: 1001, Name: "bob", ByUID: -1}, owner: 1000, want: []string{"not to bob"}},
		{name: "an unknown name", who: runAs{UID: 1001, ByUID: -1}, owner: 1000, want: []string{"not to user 1001"}},
		{name: "Windows: no user ids", who: runAs{UID: -1, ByUID: -1}, owner: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDefaultDir(dir, tt.who, tt.owner, "/home/alice")
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrStateDir) {
				t.Fatalf("got %v, want ErrStateDir", err)
			}
			for _, w := range append(tt.want, dir) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}
