package importer

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/custimport/custimport/importer/internal/process"
)

// removeStaleTemps deletes the temporary results files that killed runs
// of this output left behind (results are written to a hidden temp file,
// .<name>.<process mark>-<random>.tmp, and renamed at the end). A temp
// file whose process still runs belongs to another run and is left alone,
// and so is one whose name carries no process mark. The mark is the
// writer's process id and start time (results.createTemp), so a run that
// got a dead run's id (Windows reuses them at once) still removes the
// dead run's file.
func removeStaleTemps(out string, log *slog.Logger) {
	dir, base := filepath.Split(out)
	if dir == "" {
		dir = "."
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".*.tmp"))
	prefix := "." + base + "."
	for _, p := range stale {
		rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), prefix), ".tmp")
		markText, _, ok := strings.Cut(rest, "-")
		mark, valid := process.Parse(markText)
		if !ok || !valid || mark.Running() {
			continue
		}
		if os.Remove(p) == nil {
			log.Info("removed the temporary results file of an interrupted run", "file", p)
		}
	}
}

func globEscape(s string) string {
	return strings.NewReplacer("*", `\*`, "?", `\?`, "[", `\[`, `\`, `\\`).Replace(s)
}
