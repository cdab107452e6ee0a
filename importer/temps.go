package importer

import (
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// removeStaleTemps deletes the temporary results files that killed runs
// of this output left behind (results are written to a hidden temp file,
// .<name>.<pid>-<random>.tmp, and renamed at the end). A temp file whose
// process still runs belongs to another run and is left alone, and so is
// one whose name carries no process id.
func removeStaleTemps(out string, log *slog.Logger) {
	dir, base := filepath.Split(out)
	if dir == "" {
		dir = "."
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".*.tmp"))
	prefix := "." + base + "."
	for _, p := range stale {
		rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), prefix), ".tmp")
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || processAlive(pid) {
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
