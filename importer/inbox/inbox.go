// Package inbox owns the folder mode of the nightly import: it imports
// every *.csv and *.xlsx file of a folder in name order, one Job each,
// writes the results to a results folder, and moves each file afterwards
// to done/ (every row OK) or failed/ (anything else, to be fixed and put
// back) beside it, under a new name when one of that name is already
// there. A file stays where it is in a dry-run, or when its run was
// stopped before the end (the next run resumes it: the TMS's ledger
// remembers what was sent, whatever the files are called).
//
// It knows nothing of flags, exit codes or how a run is reported: the
// caller runs each file (RunFile) and is told what happens (Events).
package inbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/custimport/custimport/importer"
)

// Options configure one pass over a folder.
type Options struct {
	Dir        string
	ResultsDir string // "" means Dir/results
	Sheet      string // --sheet, for the results names
	DryRun     bool   // check only: no file is moved
	// RunFile imports one file into out (a Job; the caller subscribes to
	// its events). Required.
	RunFile func(ctx context.Context, input, out string) (importer.Summary, error)
	// Event, when set, is told what happens to each file.
	Event func(Event)
	Now   func() time.Time // nil: time.Now
}

// File is what happened to one file.
type File struct {
	Input   string
	Out     string // its results file
	MovedTo string // "" when it stayed
	Summary importer.Summary
	Err     error // the run's error (the file could not be read, ...)
}

// Good reports whether the file's run went through with every row OK.
func (f File) Good() bool { return f.Err == nil && f.Summary.AllGood() }

// Summary is what one pass did.
type Summary struct {
	Folder  string
	Files   []File
	Skipped []string // results files found in the folder (not imported)
	// Left names the files not started because the run was stopped.
	Left []string
}

// Event is something that happened to a file of the folder.
type Event struct {
	Kind EventKind
	Path string // the file
	// To is the other name: where the file moved (FileMoved) or the
	// name an earlier file's results were kept under (ResultsKept).
	To  string
	Err error // FileNotMoved: why
}

// EventKind names an Event.
type EventKind int

// Event kinds.
const (
	FileSkipped  EventKind = iota // a results file, not imported
	FileStarted                   // about to be imported
	ResultsKept                   // an earlier file's results of the same name were renamed to To
	FileMoved                     // moved to To (done/ or failed/)
	FileLeft                      // stopped before its end: left in the folder to resume
	FileNotMoved                  // could not be moved (Err)
	RunStopped                    // stopped: Path and the files after it are left for the next run
)

// ErrNoRunFile is returned when Options.RunFile is nil.
var ErrNoRunFile = errors.New("inbox: no RunFile")

// Run imports the folder's files once. Its error is about the folder as
// a whole (locked by another run, unreadable, folders not creatable);
// each file's outcome is in the Summary.
func Run(ctx context.Context, opts Options) (Summary, error) {
	sum := Summary{Folder: opts.Dir}
	if opts.RunFile == nil {
		return sum, ErrNoRunFile
	}
	if opts.Event == nil {
		opts.Event = func(Event) {}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ResultsDir == "" {
		opts.ResultsDir = filepath.Join(opts.Dir, "results")
	}
	release, err := Lock(opts.Dir)
	if err != nil {
		return sum, err
	}
	defer release()
	if err := makeFolders(opts); err != nil {
		return sum, err
	}
	files, skipped, err := InputFiles(opts.Dir)
	if err != nil {
		return sum, err
	}
	sum.Skipped = skipped
	for _, name := range skipped {
		opts.Event(Event{Kind: FileSkipped, Path: filepath.Join(opts.Dir, name)})
	}
	for i, name := range files {
		if ctx.Err() != nil {
			sum.Left = files[i:]
			opts.Event(Event{Kind: RunStopped, Path: filepath.Join(opts.Dir, name)})
			break
		}
		sum.Files = append(sum.Files, runFile(ctx, opts, name))
	}
	return sum, nil
}

func makeFolders(opts Options) error {
	for _, d := range []string{opts.ResultsDir, filepath.Join(opts.Dir, "done"), filepath.Join(opts.Dir, "failed")} {
		if opts.DryRun && d != opts.ResultsDir {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// runFile imports one file of the folder and moves it aside.
func runFile(ctx context.Context, opts Options, name string) File {
	path := filepath.Join(opts.Dir, name)
	f := File{Input: path, Out: filepath.Join(opts.ResultsDir, filepath.Base(importer.DefaultOut(path, opts.Sheet)))}
	opts.Event(Event{Kind: FileStarted, Path: path})
	if !opts.DryRun {
		kept, err := keepFinishedResults(f.Out)
		if err != nil {
			f.Err = err
			return f
		}
		if kept != "" {
			opts.Event(Event{Kind: ResultsKept, Path: f.Out, To: kept})
		}
	}
	f.Summary, f.Err = opts.RunFile(ctx, path, f.Out)
	switch {
	case opts.DryRun:
		return f // a check leaves the folder as it is
	case f.Summary.Interrupted || errors.Is(ctx.Err(), context.Canceled):
		// Stopped (Ctrl-C, TMS not answering): the file stays, so the
		// next run resumes it.
		opts.Event(Event{Kind: FileLeft, Path: path})
		return f
	}
	to := "done"
	if !f.Good() {
		to = "failed"
	}
	dst, err := moveAside(path, filepath.Join(opts.Dir, to), opts.Now())
	if err != nil {
		opts.Event(Event{Kind: FileNotMoved, Path: path, Err: err})
		if f.Err == nil {
			f.Err = fmt.Errorf("moving %s: %w", path, err)
		}
		return f
	}
	f.MovedTo = dst
	opts.Event(Event{Kind: FileMoved, Path: path, To: dst})
	return f
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
	dst, err := StampedName(out, fi.ModTime())
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
		if dst, err = StampedName(dst, now); err != nil {
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

// StampedName returns the first free name of path with the time t before
// its extension: name.20261125-023000.csv, else name.20261125-023000-1.csv
// and so on.
func StampedName(path string, t time.Time) (string, error) {
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

// InputFiles lists the importable files of dir in name order, leaving
// out hidden files and Excel's lock files (~$name.xlsx). Results files
// (name.results.csv) are not imported but returned as skipped, to be
// reported.
func InputFiles(dir string) (names, skipped []string, err error) {
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
