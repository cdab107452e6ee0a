package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/custimport/custimport/importer"
)

// runFolder imports every *.csv and *.xlsx file of a folder in name
// order. Each file is moved afterwards to done/ (every row OK) or failed/
// (anything else, to be fixed and put back) beside it, under a new name if
// one of that name is already there; the TMS's ledger remembers what was
// sent, whatever the files are called. A file stays where it is in a
// dry-run, or when the run was stopped before its end (to resume).
// Results go to the results folder (default <folder>/results). The exit
// code is the worst of the files'. --summary-json PATH gets the folder's
// summary (every file's outcome), each file's own summary goes beside its
// results.
func runFolder(ctx context.Context, io IO, s settings, dir string, base importer.Options) int {
	fs := folderSummary{Folder: dir, Files: []folderFile{}}
	exit := runFolderFiles(ctx, io, s, dir, base, &fs)
	fs.ExitCode = exit
	if s.SummaryJSON != "" {
		data, _ := json.MarshalIndent(fs, "", "  ")
		if err := os.WriteFile(s.SummaryJSON, append(data, '\n'), 0o644); err != nil {
			fmt.Fprintf(io.Err, "custimport: --summary-json: %v\n", err)
			exit = max(exit, ExitCantRun)
		}
	}
	return exit
}

// folderSummary is the --summary-json of a folder run.
type folderSummary struct {
	Folder   string       `json:"folder"`
	Files    []folderFile `json:"files"`
	Skipped  []string     `json:"skipped,omitempty"` // results files found in the folder
	ExitCode int          `json:"exit_code"`
	Error    string       `json:"error,omitempty"`
}

// folderFile is one file of a folder run.
type folderFile struct {
	Input    string         `json:"input"`
	MovedTo  string         `json:"moved_to,omitempty"` // "" when it stayed
	Results  string         `json:"results,omitempty"`
	Summary  string         `json:"summary,omitempty"` // its own summary JSON
	Rows     int            `json:"rows"`
	Counts   map[string]int `json:"counts"`
	ExitCode int            `json:"exit_code"`
}

func runFolderFiles(ctx context.Context, io IO, s settings, dir string, base importer.Options, fs *folderSummary) int {
	failRun := func(format string, args ...any) int {
		fs.Error = fmt.Sprintf(format, args...)
		return fail(io, format, args...)
	}
	release, err := importer.Lock(dir)
	if err != nil {
		return failRun("%v", err)
	}
	defer release()
	if s.Out != "" {
		return failRun("--out names one file: with a folder use --results-dir")
	}
	resultsDir := s.ResultsDir
	if resultsDir == "" {
		resultsDir = filepath.Join(dir, "results")
	}
	for _, d := range []string{resultsDir, filepath.Join(dir, "done"), filepath.Join(dir, "failed")} {
		if base.DryRun && d != resultsDir {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return failRun("%v", err)
		}
	}
	files, skipped, err := inputFiles(dir)
	if err != nil {
		return failRun("%v", err)
	}
	fs.Skipped = skipped
	for _, name := range skipped {
		fmt.Fprintf(io.Err, "custimport: %s: skipped: a results file (to send its rows again, import it by name: custimport import %s)\n",
			filepath.Join(dir, name), filepath.Join(dir, name))
	}
	if len(files) == 0 {
		fmt.Fprintf(io.Out, "%s: no .csv or .xlsx files to import\n", dir)
		return ExitOK
	}
	worst := ExitOK
	for _, name := range files {
		if ctx.Err() != nil {
			fmt.Fprintf(io.Out, "interrupted: %s and the files after it are left to the next run\n", name)
			worst = max(worst, ExitRows)
			break
		}
		path := filepath.Join(dir, name)
		opts := base
		opts.Input = path
		opts.Out = filepath.Join(resultsDir, filepath.Base(importer.DefaultOut(path, s.Sheet)))
		fmt.Fprintf(io.Out, "== %s\n", path)
		if !opts.DryRun {
			if kept, err := keepFinishedResults(opts.Out); err != nil {
				fmt.Fprintf(io.Err, "custimport: %v\n", err)
				worst = ExitCantRun
				continue
			} else if kept != "" {
				fmt.Fprintf(io.Out, "the results of an earlier %s are kept as %s\n", name, kept)
			}
		}
		one := s
		one.SummaryJSON = ""
		if s.SummaryJSON != "" {
			one.SummaryJSON = filepath.Join(resultsDir, strings.TrimSuffix(name, filepath.Ext(name))+".summary.json")
		}
		code, sum, runErr := runOne(ctx, io, one, opts)
		worst = max(worst, code)
		ff := folderFile{Input: path, Summary: one.SummaryJSON, Rows: sum.Rows, Counts: map[string]int{}, ExitCode: code}
		if runErr == nil || sum.Rows > 0 {
			ff.Results = sum.Output
		}
		for st, n := range sum.Counts {
			ff.Counts[string(st)] = n
		}
		fs.Files = append(fs.Files, ff)
		last := &fs.Files[len(fs.Files)-1]
		switch {
		case opts.DryRun:
			continue // a check leaves the folder as it is
		case sum.Interrupted || errors.Is(ctx.Err(), context.Canceled):
			// Stopped (Ctrl-C, TMS not answering): the file stays, so the
			// next run resumes it (the ledger knows what was sent).
			fmt.Fprintf(io.Out, "left in %s to resume\n\n", dir)
			continue
		}
		to := "done"
		if code != ExitOK {
			to = "failed"
		}
		dst, err := moveAside(path, filepath.Join(dir, to), time.Now())
		if err != nil {
			fmt.Fprintf(io.Err, "custimport: moving %s: %v\n", path, err)
			worst = ExitCantRun
			continue
		}
		last.MovedTo = dst
		fmt.Fprintf(io.Out, "moved to %s\n", dst)
		fmt.Fprintln(io.Out)
	}
	return worst
}

// keepFinishedResults renames the results file of an earlier file of
// the same name, so that importing a new file of that name does not
// overwrite them: name.results.csv becomes name.results.<time>.csv, the
// time being when it was written. It returns the new name, or "" when
// there was nothing to keep. (What was sent is in the TMS's ledger; the
// results are the user's record, and each run's is kept.)
func keepFinishedResults(out string) (string, error) {
	fi, err := os.Stat(out)
	if err != nil {
		return "", nil
	}
	dst, err := stampedName(out, fi.ModTime())
	if err != nil {
		return "", err
	}
	if err := os.Rename(out, dst); err != nil {
		return "", fmt.Errorf("keeping the earlier results %s: %w", out, err)
	}
	return dst, nil
}

// moveAside moves path into folder, keeping its name unless a file of that
// name is there already (an earlier file of the same name): then the name
// gets the time, name.20261125-023000.csv, so no earlier file is replaced.
func moveAside(path, folder string, now time.Time) (string, error) {
	dst := filepath.Join(folder, filepath.Base(path))
	if _, err := os.Lstat(dst); err == nil {
		if dst, err = stampedName(dst, now); err != nil {
			return "", err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	return dst, nil
}

// stampedName returns the first free name of path with the time t before
// its extension: name.20261125-023000.csv, else name.20261125-023000-1.csv
// and so on.
func stampedName(path string, t time.Time) (string, error) {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext) + "." + t.Format("20060102-150405")
	for i := 0; ; i++ {
		dst := base + ext
		if i > 0 {
			dst = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			return dst, nil
		} else if err != nil {
			return "", err
		}
	}
}

// inputFiles lists the importable files of dir in name order, leaving
// out hidden files and Excel's lock files (~$name.xlsx). Results files
// (name.results.csv) are not imported but returned as skipped, to be
// reported.
func inputFiles(dir string) (names, skipped []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if e.IsDir() || (ext != ".csv" && ext != ".xlsx") || strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") {
			continue
		}
		if strings.Contains(strings.ToLower(name), ".results.") {
			skipped = append(skipped, name)
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	sort.Strings(skipped)
	return names, skipped, nil
}
