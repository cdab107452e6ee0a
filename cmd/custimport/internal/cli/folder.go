package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/inbox"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/tms"
)

// runFolder imports every *.csv and *.xlsx file of a folder (the folder
// mode, cmd/custimport/internal/inbox), printing each file's summary. The exit code is
// the worst of the files'. --summary-json PATH gets the folder's
// summary (every file's outcome), each file's own summary goes beside its
// results.
func runFolder(ctx, abort context.Context, io IO, s settings, dir string, base importer.Options) int {
	fs := folderSummary{Folder: dir, Files: []folderFile{}, Started: io.Now().Format(time.RFC3339)}
	exit := runFolderFiles(ctx, abort, io, s, dir, base, &fs)
	fs.ExitCode = exit
	fs.Finished = io.Now().Format(time.RFC3339)
	if s.LogFormat == "json" {
		writeRecord(raw(io.Out), io.Now(), exit, "folder finished", fs)
	}
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
	Folder   string        `json:"folder"`
	Started  string        `json:"started"`
	Finished string        `json:"finished"`
	Files    []folderFile  `json:"files"`
	Skipped  []string      `json:"skipped,omitempty"` // results files found in the folder
	Ignored  []ignoredFile `json:"ignored,omitempty"` // other files not imported, and why
	// Connection is the connection test made before the first row.
	Connection *verdictRecord `json:"connection,omitempty"`
	ExitCode   int            `json:"exit_code"`
	Error      string         `json:"error,omitempty"`
}

// ignoredFile is a file of the folder that was not imported.
type ignoredFile struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// folderFile is one file of a folder run.
type folderFile struct {
	Input    string         `json:"input"`
	MovedTo  string         `json:"moved_to,omitempty"` // "" when it stayed
	Stayed   string         `json:"stayed,omitempty"`   // why it stayed: stopped, changing
	Results  string         `json:"results,omitempty"`
	Summary  string         `json:"summary,omitempty"` // its own summary JSON
	Rows     int            `json:"rows"`
	Counts   map[string]int `json:"counts"`
	ExitCode int            `json:"exit_code"`
	Error    string         `json:"error,omitempty"` // why it could not be read or moved
}

func runFolderFiles(ctx, abort context.Context, io IO, s settings, dir string, base importer.Options, fs *folderSummary) int {
	if s.Out != "" {
		fs.Error = "--out names one file: with a folder use --results-dir"
		return fail(io, "%s", fs.Error)
	}
	runs := map[string]fileRun{}
	notMoved := map[string]bool{}
	opts := inbox.Options{
		Dir: dir, ResultsDir: s.ResultsDir, Sheet: s.Sheet, DryRun: base.DryRun, Now: io.Now,
		RunFile: func(ctx context.Context, input, out string) (importer.Summary, error) {
			one, opts := s, base
			opts.Input, opts.Out = input, out
			one.SummaryJSON = ""
			if s.SummaryJSON != "" {
				one.SummaryJSON = fileSummaryPath(input, out)
			}
			fmt.Fprintf(io.Out, "== %s\n", shown(input))
			code, sum, err := runOne(ctx, abort, io, one, opts)
			runs[input] = fileRun{code, err}
			return sum, err
		},
		Event: func(ev inbox.Event) {
			if ev.Kind == inbox.FileNotMoved {
				notMoved[ev.Path] = true
			}
			tellFolderEvent(io, s.Lang, dir, ev)
		},
	}
	if stop := connectionFirst(ctx, io, s, dir, base, fs); stop {
		return ExitCantRun
	}
	res, err := inbox.Run(ctx, opts)
	fs.Skipped = res.Skipped
	for _, ig := range res.Ignored {
		reason := ig.Reason
		if ig.Err != nil {
			reason += ": " + ig.Err.Error()
		}
		fs.Ignored = append(fs.Ignored, ignoredFile{Name: ig.Name, Reason: reason})
	}
	if err != nil {
		fs.Error = err.Error()
		return failErr(io, s.Lang, err)
	}
	if len(res.Files) == 0 && len(res.Left) == 0 {
		fmt.Fprintf(io.Out, "%s\n", folderText(s.Lang, "noFiles", shown(dir)))
		if len(res.Ignored) > 0 {
			return ExitRows
		}
		return ExitOK
	}
	worst := ExitOK
	if len(res.Left) > 0 || len(res.Ignored) > 0 {
		worst = ExitRows
	}
	for _, f := range res.Files {
		run, ran := runs[f.Input]
		ff := folderFileOf(io, f, run, ran, notMoved[f.Input], s.SummaryJSON != "")
		worst = max(worst, ff.ExitCode)
		fs.Files = append(fs.Files, ff)
	}
	return worst
}

// connectionFirst tests the connection once before a folder run that
// sends, when the folder holds files to import, and records the verdict
// in the folder's summary. It returns whether the run must stop with
// nothing sent.
func connectionFirst(ctx context.Context, io IO, s settings, dir string, base importer.Options, fs *folderSummary) bool {
	sender, ok := base.Sender.(*tms.Sender)
	if base.DryRun || !ok || sender.Client == nil || ctx.Err() != nil {
		return false // nothing to send with, or interrupted: the run says so
	}
	if list, err := inbox.List(dir, nil); err != nil || len(list.Inputs) == 0 {
		return false // nothing to send (inbox.Run reports a folder it cannot read)
	}
	v, stop := precheck(ctx, io, s, sender.Client, base.Logger)
	rec := newVerdictRecord(v, s.Lang)
	fs.Connection = &rec
	if stop {
		fs.Error = "connection test: " + v.Text("en")
	}
	return stop
}

// fileRun is how the CLI's run of one file of the folder ended.
type fileRun struct {
	exit int
	err  error
}

// folderFileOf is a file's entry in the folder's summary, with its exit
// code: the run's, or 1 for a file left for the next run, or 2 for one
// that could not be started or moved.
func folderFileOf(io IO, f inbox.File, run fileRun, ran, notMoved, summaries bool) folderFile {
	code := run.exit
	switch {
	case !ran && f.Stayed != "":
		code = ExitRows // left for the next run
	case !ran: // not started: not a regular file, or its earlier results could not be kept
		fmt.Fprintf(io.Err, "custimport: %v\n", f.Err)
		code = ExitCantRun
	case f.Stayed == "changing":
		code = max(code, ExitRows)
	}
	if notMoved {
		code = ExitCantRun
	}
	ff := folderFile{Input: f.Input, MovedTo: f.MovedTo, Stayed: f.Stayed, Rows: f.Summary.Rows, Counts: map[string]int{}, ExitCode: code}
	if f.Err != nil {
		ff.Error = f.Err.Error()
	}
	if ran && summaries {
		ff.Summary = fileSummaryPath(f.Input, f.Out)
	}
	if ran && (run.err == nil || f.Summary.Rows > 0) {
		ff.Results = f.Summary.Output
	}
	for st, n := range f.Summary.Counts {
		ff.Counts[string(st)] = n
	}
	return ff
}

// fileSummaryPath is where a folder file's own summary JSON goes: beside
// its results.
func fileSummaryPath(input, out string) string {
	name := filepath.Base(input)
	return filepath.Join(filepath.Dir(out), strings.TrimSuffix(name, filepath.Ext(name))+".summary.json")
}

// tellFolderEvent prints what happened to a file of the folder, in lang.
func tellFolderEvent(io IO, lang, dir string, ev inbox.Event) {
	t := func(key string, args ...any) string { return folderText(lang, key, args...) }
	switch ev.Kind {
	case inbox.FileSkipped:
		fmt.Fprintf(io.Err, "custimport: %s\n", t("skipped", shown(ev.Path), shown(ev.Path)))
	case inbox.ResultsKept:
		fmt.Fprintf(io.Out, "%s\n", t("resultsKept", shown(filepath.Base(ev.Path)), shown(ev.To)))
	case inbox.FileMoved:
		fmt.Fprintf(io.Out, "%s\n\n", t("moved", shown(ev.To)))
	case inbox.FileLeft:
		fmt.Fprintf(io.Out, "%s\n\n", t("left", shown(dir)))
	case inbox.FileNotMoved:
		fmt.Fprintf(io.Err, "custimport: %s\n", t("notMoved", shown(ev.Path), ev.Err))
	case inbox.RunStopped:
		fmt.Fprintf(io.Out, "%s\n", t("stopped", shown(filepath.Base(ev.Path))))
	case inbox.FileIgnored:
		fmt.Fprintf(io.Err, "custimport: %s\n", t("ignored", shown(ev.Path), ev.Err))
	case inbox.FileChanging:
		fmt.Fprintf(io.Out, "%s\n\n", t("changing", shown(ev.Path), inbox.DefaultQuiet))
	}
}

// folderTexts are the folder mode's lines, zh and en side by side.
var folderTexts = map[string]logText{
	"skipped": {"%s:略過,這是結果檔 (若要再送出它的列,請指名匯入:custimport import %s)",
		"%s: skipped: a results file (to send its rows again, import it by name: custimport import %s)"},
	"resultsKept": {"%s 先前的結果檔已保留為 %s", "the results of an earlier %s are kept as %s"},
	"moved":       {"已移到 %s", "moved to %s"},
	"left":        {"留在 %s,下次執行時續傳", "left in %s to resume"},
	"notMoved":    {"無法移動 %s:%v", "moving %s: %v"},
	"stopped":     {"已中斷:%s 與之後的檔案留給下次執行", "interrupted: %s and the files after it are left to the next run"},
	"ignored":     {"%s:未匯入:%v", "%s: not imported: %v"},
	"changing":    {"%s 正在寫入中 (最近 %v 內或執行期間有變動):留給下次執行", "%s is being written (changed in the last %v or during the run): left for the next run"},
	"noFiles":     {"%s:沒有要匯入的 .csv、.xlsx、.tsv 或 .txt 檔", "%s: no .csv, .xlsx, .tsv or .txt files to import"},
}

// folderText is one folder-mode line in lang.
func folderText(lang, key string, args ...any) string {
	t := folderTexts[key]
	if lang == "en" {
		return fmt.Sprintf(t.en, args...)
	}
	return fmt.Sprintf(t.zh, args...)
}

// shown is a file name as printed: one with control characters (a
// newline, an escape sequence) is quoted with them escaped, so it cannot
// forge or break a line of the output.
func shown(name string) string {
	for _, r := range name {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return strconv.Quote(name)
		}
	}
	return name
}
