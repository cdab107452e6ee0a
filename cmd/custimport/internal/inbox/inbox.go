// Package inbox owns the folder mode of the nightly import: it imports
// every *.csv and *.xlsx file of a folder in name order, one Job each,
// writes the results to a results folder, and moves each file afterwards
// to done/ (every row OK) or failed/ (anything else, to be fixed and put
// back) beside it, under a new name when one of that name is already
// there, with a <name>.why.txt beside a file in failed/ saying why. A
// file stays where it is in a dry-run, when its run was stopped before
// the end (the next run resumes it: the TMS's ledger remembers what was
// sent, whatever the files are called), or when it could not be imported
// for a reason that is not the file's (the results folder, the ledger):
// the next run tries again.
//
// Files it cannot import go to failed/ too, so that the next night is
// clean: spreadsheets of other kinds (.xls, .ods), .txt/.tsv files that
// are not delimited customer lists, results files dropped back into the
// folder, files that are not a customer list or hold several. Links,
// pipes and devices are reported and left. A file written less than Quiet
// ago, or changed while it was imported, stays for the next run: an
// export job may still be writing it.
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
	"github.com/custimport/custimport/importer/source"
)

// Options configure one pass over a folder.
type Options struct {
	Dir        string
	ResultsDir string // "" means Dir/results
	Sheet      string // --sheet, for the results names
	// ResultsFormat is the results files' format: "" or "xlsx", or "csv"
	// (importer.DefaultOutAs).
	ResultsFormat string
	DryRun        bool // check only: no file is moved
	// RunFile imports one file into out (a Job; the caller subscribes to
	// its events). Required.
	RunFile func(ctx context.Context, input, out string) (importer.Summary, error)
	// Event, when set, is told what happens to each file.
	Event func(Event)
	Now   func() time.Time // nil: time.Now
	// Quiet is how long a file must have been left unchanged before it is
	// imported (0: DefaultQuiet; negative: no wait).
	Quiet time.Duration
	// Probe tells whether a .txt or .tsv file is a delimited customer
	// list (nil error); nil means importer.Probe with default options.
	Probe func(path string) error
	// Why writes the text of the .why.txt put beside a file moved to
	// failed/, in the run's language; nil: Why.Text, in English.
	Why func(Why) string
	// InputFault tells whether a run's error is the file's fault (it is
	// not a list, cannot be read, holds several lists): the file goes to
	// failed/. Any other error (the results folder, the ledger) leaves it
	// for the next run. nil: importer.InputFault.
	InputFault func(error) bool
}

// Why is why a file goes to failed/.
type Why struct {
	Name string  // the file's name
	Kind WhyKind // what is wrong
	Err  error   // WhyFormat, WhyNotList, WhyRunError: what was found
	// Summary and Results are a run's (WhyRows).
	Summary importer.Summary
	Results string
}

// WhyKind says what is wrong with a file moved to failed/.
type WhyKind int

// Why kinds.
const (
	WhyFormat      WhyKind = iota // .xls, .ods, ...: save it as .xlsx or .csv
	WhyNotList                    // a .txt/.tsv that is not a delimited customer list
	WhyResultsFile                // a results file dropped back into the folder
	WhyRunError                   // the file could not be imported (Err)
	WhyRows                       // imported, some rows not OK (see the results)
)

// Text is the English text of a .why.txt.
func (w Why) Text() string {
	switch w.Kind {
	case WhyFormat:
		return w.Name + ": not imported: this kind of file cannot be read; open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8, then put it back in the folder.\n"
	case WhyNotList:
		return fmt.Sprintf("%s: not imported: it is not a customer list (%v).\n", w.Name, w.Err)
	case WhyResultsFile:
		return w.Name + ": not imported: it is a results file. To send its rows that are not OK again, import it by name: custimport import " + w.Name + "\n"
	case WhyRunError:
		return fmt.Sprintf("%s: not imported: %v\nFix the file and put it back in the folder: rows already imported are not imported again.\n", w.Name, w.Err)
	}
	return fmt.Sprintf("%s: some rows were not imported; the results file %s says why for each. Fix them and put the file back in the folder: rows already imported are not imported again.\n", w.Name, w.Results)
}

// DefaultQuiet is how long a file must be unchanged before it is taken.
const DefaultQuiet = 5 * time.Second

// File is what happened to one file.
type File struct {
	Input   string
	Out     string // its results file ("" when it was not run)
	MovedTo string // "" when it stayed
	// Stayed says why a file that was not moved stayed: "stopped" (to
	// resume), "changing" (written to recently or during the run),
	// "error" (an error that is not the file's: tried again next run).
	Stayed  string
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
	Ignored []Ignored
	// Left names the files not started because the run was stopped.
	Left []string
}

// Ignored is a file of the folder that is not imported, and why.
type Ignored struct {
	Name   string
	Reason string // "not a regular file", "unsupported format", "not a customer list"
	Err    error  // for "not a customer list": what the probe found
	// MovedTo is where it went (failed/), "" when it was left: a link,
	// pipe or device, or a dry-run.
	MovedTo string
	kind    WhyKind
	aside   bool // to be moved to failed/
}

// Event is something that happened to a file of the folder.
type Event struct {
	Kind EventKind
	Path string // the file
	// To is the other name: where the file moved (FileMoved) or the
	// name an earlier file's results were kept under (ResultsKept).
	To  string
	Err error // FileNotMoved: why
	// Why is what is wrong with a file of the folder set aside in failed/
	// without being imported (FileIgnored with To), nil otherwise.
	Why *Why
}

// EventKind names an Event.
type EventKind int

// Event kinds.
const (
	FileSkipped   EventKind = iota // a results file, not imported
	FileStarted                    // about to be imported
	ResultsKept                    // an earlier file's results of the same name were renamed to To
	FileMoved                      // moved to To (done/ or failed/)
	FileLeft                       // stopped before its end: left in the folder to resume
	FileNotMoved                   // could not be moved (Err)
	RunStopped                     // stopped: Path and the files after it are left for the next run
	FileIgnored                    // not imported: not a regular file, another format, not a list (Err says)
	FileChanging                   // written to recently or during the run: left for the next run
	FileHeld                       // not imported for a reason that is not the file's (Err): left for the next run
	WhyNotWritten                  // moved to failed/ (To), but its .why.txt could not be written (Err)
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
	switch {
	case err == nil:
		defer release()
	case opts.DryRun && !errors.Is(err, ErrLocked):
		// A check moves nothing: it may read a folder it cannot write.
	default:
		return sum, err
	}
	if err := makeFolders(opts); err != nil {
		return sum, err
	}
	list, err := List(opts.Dir, opts.Probe)
	if err != nil {
		return sum, err
	}
	files := list.Inputs
	sum.Skipped = list.Results
	if !opts.DryRun && !sameDir(opts.ResultsDir, opts.Dir) {
		// Results files dropped back into the folder (the results folder
		// is elsewhere): set aside, each with its why.
		for _, name := range list.Results {
			list.Ignored = append(list.Ignored, Ignored{Name: name, Reason: "a results file", kind: WhyResultsFile, aside: true})
		}
		sum.Skipped = nil
	}
	for _, name := range sum.Skipped {
		opts.Event(Event{Kind: FileSkipped, Path: filepath.Join(opts.Dir, name)})
	}
	for _, ig := range list.Ignored {
		path := filepath.Join(opts.Dir, ig.Name)
		if ig.aside && !opts.DryRun {
			ig.MovedTo = setAside(opts, path, Why{Name: ig.Name, Kind: ig.kind, Err: ig.Err})
		}
		sum.Ignored = append(sum.Ignored, ig)
		if ig.kind == WhyResultsFile && ig.MovedTo == "" {
			opts.Event(Event{Kind: FileSkipped, Path: path})
			continue
		}
		ev := Event{Kind: FileIgnored, Path: path, To: ig.MovedTo, Err: ignoredErr(ig)}
		if ig.MovedTo != "" {
			ev.Why = &Why{Name: ig.Name, Kind: ig.kind, Err: ig.Err}
		}
		opts.Event(ev)
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
	f := File{Input: path}
	before, err := os.Lstat(path)
	switch {
	case err != nil:
		f.Err = err
		return f
	case !before.Mode().IsRegular():
		f.Err = fmt.Errorf("%s: not a regular file (a link, pipe or device): not imported", path)
		opts.Event(Event{Kind: FileIgnored, Path: path, Err: f.Err})
		return f
	case !opts.DryRun && recent(opts.Now().Sub(before.ModTime()), opts.quiet()):
		// (A check moves nothing and sends nothing: it reads the file as
		// it is now.)
		f.Stayed = "changing"
		opts.Event(Event{Kind: FileChanging, Path: path})
		return f
	}
	f.Out = filepath.Join(opts.ResultsDir, filepath.Base(importer.DefaultOutAs(path, opts.Sheet, opts.ResultsFormat)))
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
	case f.Err != nil && !opts.inputFault(f.Err) && !f.Summary.Interrupted:
		// Not the file's fault (the results folder, the ledger): it was
		// not imported, and the next run tries again.
		f.Stayed = "error"
		opts.Event(Event{Kind: FileHeld, Path: path, Err: f.Err})
		return f
	case f.Summary.Interrupted || errors.Is(ctx.Err(), context.Canceled):
		// Stopped (Ctrl-C, TMS not answering): the file stays, so the
		// next run resumes it.
		f.Stayed = "stopped"
		opts.Event(Event{Kind: FileLeft, Path: path})
		return f
	case changed(path, before, f.Summary.InputSHA256):
		// Written to while it was imported: what was sent is in the
		// ledger; the next run reads the whole file again.
		f.Stayed = "changing"
		opts.Event(Event{Kind: FileChanging, Path: path})
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
	if to == "failed" {
		why := Why{Name: filepath.Base(path), Kind: WhyRows, Summary: f.Summary, Results: f.Summary.Output}
		if f.Err != nil {
			why.Kind, why.Err = WhyRunError, f.Err
		}
		writeWhy(opts, dst, why)
	}
	return f
}

// setAside moves a file that cannot be imported to failed/ with its
// why; it returns where it went ("" when it could not be moved, which an
// event tells).
func setAside(opts Options, path string, why Why) string {
	dst, err := moveAside(path, filepath.Join(opts.Dir, "failed"), opts.Now())
	if err != nil {
		opts.Event(Event{Kind: FileNotMoved, Path: path, Err: err})
		return ""
	}
	writeWhy(opts, dst, why)
	return dst
}

// writeWhy writes <dst>.why.txt, beside a file moved to failed/.
func writeWhy(opts Options, dst string, why Why) {
	text := why.Text()
	if opts.Why != nil {
		text = opts.Why(why)
	}
	if err := os.WriteFile(dst+".why.txt", []byte(text), 0o644); err != nil {
		opts.Event(Event{Kind: WhyNotWritten, Path: dst + ".why.txt", To: dst, Err: err})
	}
}

func (o Options) inputFault(err error) bool {
	if o.InputFault != nil {
		return o.InputFault(err)
	}
	return importer.InputFault(err)
}

// sameDir reports whether two paths name one folder.
func sameDir(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && filepath.Clean(x) == filepath.Clean(y)
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

// recent reports whether a file aged age is still being written. A time
// in the future (a share whose clock is ahead) says nothing: the file is
// taken, and a change during its run still keeps it for the next one.
func recent(age, quiet time.Duration) bool {
	return quiet > 0 && age >= 0 && age < quiet
}

func (o Options) quiet() time.Duration {
	if o.Quiet == 0 {
		return DefaultQuiet
	}
	return o.Quiet
}

// changed reports whether the file at path is not the one that was
// imported: its size or time differ from before, or its content from the
// SHA-256 the run read ("" when the run did not get that far).
func changed(path string, before os.FileInfo, sha string) bool {
	now, err := os.Lstat(path)
	if err != nil || now.Size() != before.Size() || !now.ModTime().Equal(before.ModTime()) {
		return true
	}
	if sha == "" {
		return false
	}
	got, err := importer.HashFile(path)
	return err != nil || got != sha
}

func ignoredErr(ig Ignored) error {
	if ig.Err != nil {
		return fmt.Errorf("%s: %w", ig.Reason, ig.Err)
	}
	return errors.New(ig.Reason)
}

// Listing is what a folder holds.
type Listing struct {
	Inputs  []string  // files to import, in name order
	Results []string  // results files (name.results.csv): not imported, reported
	Ignored []Ignored // other files that look meant for import but are not
}

// List sorts the files of dir, leaving out folders, hidden files, Excel's
// lock files (~$name.xlsx) and files of other kinds. probe tells a
// delimited .txt/.tsv from notes (nil: importer.Probe).
func List(dir string, probe func(string) error) (Listing, error) {
	var l Listing
	entries, err := os.ReadDir(dir)
	if err != nil {
		return l, err
	}
	if probe == nil {
		probe = func(path string) error { return importer.Probe(path, source.Options{}, nil) }
	}
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if e.IsDir() || strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") {
			continue
		}
		switch ext {
		case ".csv", ".xlsx", ".tsv", ".txt":
		case ".xls", ".ods", ".xlsm", ".xlsb", ".numbers":
			if e.Type().IsRegular() {
				l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: "unsupported format: save it as .xlsx or .csv", kind: WhyFormat, aside: true})
			} else {
				l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: "not a regular file (a link, pipe or device)"})
			}
			continue
		default:
			continue
		}
		switch {
		case !e.Type().IsRegular():
			l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: "not a regular file (a link, pipe or device)"})
		case strings.Contains(strings.ToLower(name), ".results."):
			l.Results = append(l.Results, name)
		case ext == ".txt" || ext == ".tsv":
			if err := probe(filepath.Join(dir, name)); err != nil {
				l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: "not a customer list", Err: err, kind: WhyNotList, aside: true})
				continue
			}
			l.Inputs = append(l.Inputs, name)
		default:
			l.Inputs = append(l.Inputs, name)
		}
	}
	sort.Strings(l.Inputs)
	sort.Strings(l.Results)
	return l, nil
}
