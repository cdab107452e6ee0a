package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by release.sh with -ldflags "-X <this package>.Version=0.3.0 ...".
// A release stamps the commit's own time, not the build time, so two
// builds of one commit are byte for byte the same. A plain `go build` from a
// checkout leaves them empty and the version comes from the Go toolchain's
// VCS stamp (debug.ReadBuildInfo).
var (
	Version    = ""
	Commit     = ""
	CommitDate = ""
)

// buildVersion is what `custimport version` prints.
type buildVersion struct {
	Version  string // "0.3.0", a pseudo-version, or "dev"
	Commit   string // full revision, or "" when unknown
	Date     string // the commit's time, RFC 3339 UTC, or ""
	Modified bool   // built from a checkout with uncommitted changes
	Go       string // toolchain, e.g. go1.26.8
	Platform string // GOOS/GOARCH
}

// currentVersion reads the stamps of the running binary.
func currentVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	v := resolveVersion(Version, Commit, CommitDate, bi)
	v.Platform = runtime.GOOS + "/" + runtime.GOARCH
	return v
}

// resolveVersion prefers the release stamps (-ldflags) and falls back to
// the module version and VCS settings the toolchain records (bi may be nil).
func resolveVersion(version, commit, date string, bi *debug.BuildInfo) buildVersion {
	v := buildVersion{Go: runtime.Version()}
	if bi != nil && bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	if version != "" {
		v.Version, v.Commit, v.Date = strings.TrimPrefix(version, "v"), commit, date
		return v
	}
	v.Version = "dev"
	if bi == nil {
		return v
	}
	// `go install …@v0.3.0` records v0.3.0; a build in a checkout records a
	// pseudo-version (Go 1.24+) or "(devel)".
	if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
		v.Version = strings.TrimPrefix(mv, "v")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Date = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// write prints the version: the first line is `custimport VERSION` alone,
// for scripts.
func (v buildVersion) write(w io.Writer) {
	fmt.Fprintf(w, "custimport %s\n", v.Version)
	switch {
	case v.Commit == "":
		fmt.Fprintln(w, "commit: unknown (built without version control information)")
	case v.Modified:
		fmt.Fprintf(w, "commit: %s (with uncommitted changes)\n", v.Commit)
	default:
		fmt.Fprintf(w, "commit: %s\n", v.Commit)
	}
	if v.Date != "" {
		fmt.Fprintf(w, "date:   %s\n", v.Date)
	}
	fmt.Fprintf(w, "go:     %s %s\n", v.Go, v.Platform)
}

// isVersionFlag reports whether a first argument asks for the version.
func isVersionFlag(arg string) bool {
	return arg == "--version" || arg == "-version" || arg == "-V"
}

func runVersion(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "version", "")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fail(io, "version takes no arguments (got %q)", pos[0])
	}
	currentVersion().write(io.Out)
	return ExitOK
}
