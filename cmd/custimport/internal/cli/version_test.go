package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveVersion(t *testing.T) {
	vcs := func(mainVersion string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/custimport/custimport", Version: mainVersion}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "85bb263c0d2e4f5a6b7c8d9e0f1a2b3c4d5e6f70"
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  buildVersion
	}{
		{
			name:    "release stamps win over the toolchain's",
			version: "0.3.0", commit: rev, date: "2026-03-01T10:00:00Z",
			bi:   vcs("(devel)", "vcs.revision", "ffff", "vcs.time", "2000-01-01T00:00:00Z", "vcs.modified", "true"),
			want: buildVersion{Version: "0.3.0", Commit: rev, Date: "2026-03-01T10:00:00Z", Go: "go1.26.8"},
		},
		{
			name:    "a v prefix on the stamped version is dropped",
			version: "v0.3.0", commit: rev,
			want: buildVersion{Version: "0.3.0", Commit: rev},
		},
		{
			name: "go build in a checkout: pseudo-version and VCS stamp",
			bi:   vcs("v0.0.0-20260301100000-85bb263c0d2e+dirty", "vcs", "git", "vcs.revision", rev, "vcs.time", "2026-03-01T10:00:00Z", "vcs.modified", "true"),
			want: buildVersion{Version: "0.0.0-20260301100000-85bb263c0d2e+dirty", Commit: rev, Date: "2026-03-01T10:00:00Z", Modified: true, Go: "go1.26.8"},
		},
		{
			name: "go install @v0.3.0: the module version",
			bi:   vcs("v0.3.0"),
			want: buildVersion{Version: "0.3.0", Go: "go1.26.8"},
		},
		{
			name: "no module version and no VCS stamp (go test, -buildvcs=false)",
			bi:   vcs("(devel)"),
			want: buildVersion{Version: "dev", Go: "go1.26.8"},
		},
		{
			name: "no build information at all",
			want: buildVersion{Version: "dev"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := resolveVersion(tc.version, tc.commit, tc.date, tc.bi)
			if tc.want.Go == "" {
				tc.want.Go = got.Go // the running toolchain's
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestBuildVersionWrite(t *testing.T) {
	tests := []struct {
		name string
		v    buildVersion
		want string
	}{
		{
			name: "release",
			v:    buildVersion{Version: "0.3.0", Commit: "abc123", Date: "2026-03-01T10:00:00Z", Go: "go1.26.8", Platform: "windows/amd64"},
			want: "custimport 0.3.0\ncommit: abc123\ndate:   2026-03-01T10:00:00Z\ngo:     go1.26.8 windows/amd64\n",
		},
		{
			name: "checkout with changes",
			v:    buildVersion{Version: "dev", Commit: "abc123", Date: "2026-03-01T10:00:00Z", Modified: true, Go: "go1.26.8", Platform: "linux/arm64"},
			want: "custimport dev\ncommit: abc123 (with uncommitted changes)\ndate:   2026-03-01T10:00:00Z\ngo:     go1.26.8 linux/arm64\n",
		},
		{
			name: "unknown commit",
			v:    buildVersion{Version: "dev", Go: "go1.26.8", Platform: "darwin/arm64"},
			want: "custimport dev\ncommit: unknown (built without version control information)\ngo:     go1.26.8 darwin/arm64\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			tc.v.write(&b)
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

// The version reaches the command line through the command and the flags,
// and the -ldflags variables are the ones printed.
func TestVersionCommand(t *testing.T) {
	old := [3]string{Version, Commit, CommitDate}
	Version, Commit, CommitDate = "9.8.7", "0123456789abcdef", "2026-03-01T10:00:00Z"
	t.Cleanup(func() { Version, Commit, CommitDate = old[0], old[1], old[2] })
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}, {"-V"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := run(t, nil, args...)
			if r.code != ExitOK {
				t.Fatalf("%v", r)
			}
			for _, want := range []string{"custimport 9.8.7\n", "commit: 0123456789abcdef\n", "date:   2026-03-01T10:00:00Z\n"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%v", want, r)
				}
			}
		})
	}
	t.Run("an argument is refused", func(t *testing.T) {
		r := run(t, nil, "version", "extra")
		if r.code != ExitCantRun || !strings.Contains(r.stderr, `"extra"`) || r.stdout != "" {
			t.Errorf("%v", r)
		}
	})
}
