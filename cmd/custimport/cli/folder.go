package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/custimport/custimport/importer"
)

// runFolder imports every *.csv and *.xlsx file of a folder in name
// order. Each file is moved afterwards to done/ (every row OK) or failed/
// (anything else) beside it, except in a dry-run, or when the run was
// stopped before its end (it stays, to resume); results go to the results folder (default
// <folder>/results). The exit code is the worst of the files'.
func runFolder(ctx context.Context, io IO, s settings, dir string, base importer.Options) int {
	release, err := importer.Lock(dir)
	if err != nil {
		return fail(io, "%v", err)
	}
	defer release()
	if s.Out != "" {
		return fail(io, "--out names one file: with a folder use --results-dir")
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
			return fail(io, "%v", err)
		}
	}
	files, err := inputFiles(dir)
	if err != nil {
		return fail(io, "%v", err)
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
		opts.Out = filepath.Join(resultsDir, filepath.Base(importer.DefaultOut(path, importer.ResultsSheet(path, opts.Source))))
		fmt.Fprintf(io.Out, "== %s\n", path)
		one := s
		one.SummaryJSON = ""
		if s.SummaryJSON != "" {
			one.SummaryJSON = filepath.Join(resultsDir, strings.TrimSuffix(name, filepath.Ext(name))+".summary.json")
		}
		code, sum := runOne(ctx, io, one, opts)
		worst = max(worst, code)
		if opts.DryRun {
			continue // a check leaves the folder as it is
		}
		if sum.Interrupted || errors.Is(ctx.Err(), context.Canceled) {
			// Stopped (Ctrl-C, TMS not answering): the file stays, so the
			// next run resumes it from its journal.
			fmt.Fprintf(io.Out, "left in %s to resume\n\n", dir)
			continue
		}
		to := "done"
		if code != ExitOK {
			to = "failed"
		}
		dst := filepath.Join(dir, to, name)
		if err := os.Rename(path, dst); err != nil {
			fmt.Fprintf(io.Err, "custimport: moving %s: %v\n", path, err)
			worst = ExitCantRun
			continue
		}
		// The journal follows its results; the input's new place changes
		// nothing since it is keyed by content.
		fmt.Fprintf(io.Out, "moved to %s\n\n", dst)
	}
	return worst
}

// inputFiles lists the importable files of dir in name order, leaving
// out Excel's lock files (~$name.xlsx) and results files.
func inputFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if e.IsDir() || (ext != ".csv" && ext != ".xlsx") || strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") {
			continue
		}
		if strings.Contains(strings.ToLower(name), ".results.") {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}
