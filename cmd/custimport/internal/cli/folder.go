package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/inbox"
	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/tms"
)

// runFolder imports every *.csv and *.xlsx file of a folder (the folder
// mode, cmd/custimport/internal/inbox), printing each file's summary. The exit code is
// the worst of the files'. --summary-json PATH gets the folder's
// summary (every file's outcome), each file's own summary goes beside its
// results.
func runFolder(ctx, abort context.Context, io IO, s settings.Settings, dir string, base importer.Options) (int, folderSummary) {
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
			exit = max(exit, failErr(io, s.Lang, &textError{code: "summary_unwritable", args: []any{s.SummaryJSON}, err: err}))
		}
	}
	return exit, fs
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
	err        error          // what Error says, for its explanation
}

// ignoredFile is a file of the folder that was not imported.
type ignoredFile struct {
	Name    string `json:"name"`
	Reason  string `json:"reason"`
	MovedTo string `json:"moved_to,omitempty"` // failed/…, beside its .why.txt
}

// folderFile is one file of a folder run.
type folderFile struct {
	Input    string         `json:"input"`
	MovedTo  string         `json:"moved_to,omitempty"` // "" when it stayed
	Stayed   string         `json:"stayed,omitempty"`   // why it stayed: stopped, changing, error
	Results  string         `json:"results,omitempty"`
	Summary  string         `json:"summary,omitempty"` // its own summary JSON
	Rows     int            `json:"rows"`
	Counts   map[string]int `json:"counts"`
	ExitCode int            `json:"exit_code"`
	Error    string         `json:"error,omitempty"` // why it could not be read or moved
	// examples are its first rows that need attention (the notification's).
	examples []importer.Result
}

func runFolderFiles(ctx, abort context.Context, io IO, s settings.Settings, dir string, base importer.Options, fs *folderSummary) int {
	if s.Out != "" {
		fs.Error = "--out names one file: with a folder use --results-dir"
		return fail(io, "%s", fs.Error)
	}
	runs := map[string]fileRun{}
	notMoved := map[string]bool{}
	opts := inbox.Options{
		Dir: dir, ResultsDir: s.ResultsDir, Sheet: s.Sheet, ResultsFormat: s.ResultsFormat, DryRun: base.DryRun, Now: io.Now,
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
		Why: func(w inbox.Why) string { return whyText(w, s.Lang) },
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
		fs.Ignored = append(fs.Ignored, ignoredFile{Name: ig.Name, Reason: reason, MovedTo: ig.MovedTo})
	}
	if err != nil {
		fs.Error, fs.err = err.Error(), err
		return failErr(io, s.Lang, err)
	}
	if len(res.Files) == 0 && len(res.Left) == 0 {
		fmt.Fprintf(io.Out, "%s\n", lineText(s.Lang, "noFiles", shown(dir)))
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
		ff := folderFileOf(io, s.Lang, f, run, ran, notMoved[f.Input], s.SummaryJSON != "")
		worst = max(worst, ff.ExitCode)
		fs.Files = append(fs.Files, ff)
	}
	return worst
}

// connectionFirst tests the connection once before a folder run that
// sends, when the folder holds files to import, and records the verdict
// in the folder's summary. It returns whether the run must stop with
// nothing sent.
func connectionFirst(ctx context.Context, io IO, s settings.Settings, dir string, base importer.Options, fs *folderSummary) bool {
	sender, ok := base.Sender.(*tms.Sender)
	if base.DryRun || !ok || sender.Client == nil || ctx.Err() != nil {
		return false // nothing to send with, or interrupted: the run says so
	}
	if list, err := inbox.List(dir, nil); err != nil || len(list.Inputs) == 0 {
		return false // nothing to send (inbox.Run reports a folder it cannot read)
	}
	v, stop := precheck(ctx, io, s, sender.Client, base.Logger, "stopNote")
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
func folderFileOf(io IO, lang string, f inbox.File, run fileRun, ran, notMoved, summaries bool) folderFile {
	code := run.exit
	switch {
	case !ran && f.Stayed != "":
		code = ExitRows // left for the next run
	case !ran: // not started: not a regular file, or its earlier results could not be kept
		failOn(io, lang, f.Input, f.Err)
		code = ExitCantRun
	case f.Stayed == "changing":
		code = max(code, ExitRows)
	case run.err != nil && f.MovedTo != "" && !errors.Is(run.err, importer.ErrTooManyInvalid):
		// The file could not be imported, and is set aside in failed/
		// with its why: handled, for a person to look at. (A file over
		// --max-invalid stays 2, as issue 25 asks: the budget says the
		// night's input is likely the wrong one.)
		code = ExitRows
	}
	if notMoved {
		code = ExitCantRun
	}
	ff := folderFile{Input: f.Input, MovedTo: f.MovedTo, Stayed: f.Stayed, Rows: f.Summary.Rows, Counts: map[string]int{}, ExitCode: code,
		examples: f.Summary.Examples}
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
	t := func(key string, args ...any) string { return lineText(lang, key, args...) }
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
		if ev.To != "" && ev.Why != nil {
			fmt.Fprintf(io.Err, "custimport: %s\n", t("ignoredMoved", shown(ev.Path), t(whyShort[ev.Why.Kind]), shown(ev.To), shown(filepath.Base(ev.To)+".why.txt")))
			break
		}
		fmt.Fprintf(io.Err, "custimport: %s\n", t("ignored", shown(ev.Path), ev.Err))
	case inbox.FileHeld:
		fmt.Fprintf(io.Err, "custimport: %s\n", t("held", shown(ev.Path), ev.Err, shown(dir)))
	case inbox.WhyNotWritten:
		fmt.Fprintf(io.Err, "custimport: %s\n", t("whyNotWritten", shown(ev.Path), ev.Err))
	case inbox.FileChanging:
		fmt.Fprintf(io.Out, "%s\n\n", t("changing", shown(ev.Path), inbox.DefaultQuiet))
	}
}

// The lines of the folder mode and the demo, zh and en side
// by side.
var _ = msg.Register("cli.line", msg.Table{
	"skipped": {"%s:略過,這是結果檔 (若要再送出它的列,請指名匯入:custimport import %s)",
		"%s: skipped: a results file (to send its rows again, import it by name: custimport import %s)"},
	"resultsKept":   {"%s 先前的結果檔已保留為 %s", "the results of an earlier %s are kept as %s"},
	"moved":         {"已移到 %s", "moved to %s"},
	"left":          {"留在 %s,下次執行時續傳", "left in %s to resume"},
	"notMoved":      {"無法移動 %s:%v", "moving %s: %v"},
	"stopped":       {"已中斷:%s 與之後的檔案留給下次執行", "interrupted: %s and the files after it are left to the next run"},
	"ignored":       {"%s:未匯入:%v", "%s: not imported: %v"},
	"ignoredMoved":  {"%s:未匯入:%v;已移到 %s (原因見 %s)", "%s: not imported: %v; moved to %s (see %s)"},
	"whyFormat":     {"這種檔案無法讀取,請另存為 .xlsx 或 CSV", "this kind of file cannot be read: save it as .xlsx or CSV"},
	"whyNotList":    {"不是客戶清單", "not a customer list"},
	"whyResults":    {"這是結果檔", "a results file"},
	"held":          {"%s:未匯入 (%v):不是檔案本身的問題,留在 %s 給下次執行", "%s: not imported (%v): not the file's fault, left in %s for the next run"},
	"whyNotWritten": {"%s:無法寫入:%v", "%s: could not be written: %v"},
	"changing":      {"%s 正在寫入中 (最近 %v 內或執行期間有變動):留給下次執行", "%s is being written (changed in the last %v or during the run): left for the next run"},
	"demoSim":       {"TMS 模擬器 (在本程式內) 位於 %s", "TMS simulator (in-process) at %s"},
	"demoHeld": {"模擬器收到了 %d 位客戶;它隨示範一起結束 (要一直開著的模擬器請執行 custimport sim)",
		"The simulator held %d customers; it stopped with the demo (run `custimport sim` for one that stays up)."},
	"noFiles": {"%s:沒有要匯入的 .csv、.xlsx、.tsv 或 .txt 檔", "%s: no .csv, .xlsx, .tsv or .txt files to import"},
})

// lineText is one of those lines in lang.
func lineText(lang, key string, args ...any) string {
	return printer(lang).Sprint("cli.line."+key, args...)
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

// whyShort is the lineTexts key of the short reason a file was set
// aside without being imported.
var whyShort = map[inbox.WhyKind]string{inbox.WhyFormat: "whyFormat", inbox.WhyNotList: "whyNotList", inbox.WhyResultsFile: "whyResults"}

// whyMessages are the texts of the .why.txt beside a file in failed/, by
// kind (stable codes), in Chinese and English; %[1]s is the file's name,
// %[2]s the error or the results file.
var whyMessages = map[inbox.WhyKind]string{
	inbox.WhyFormat:      "why_format",
	inbox.WhyNotList:     "why_not_list",
	inbox.WhyResultsFile: "why_results_file",
	inbox.WhyRunError:    "why_run_error",
	inbox.WhyRows:        "why_rows",
}

// Their words are registered (namespace "cli.why").
var _ = msg.Register("cli.why", msg.Table{
	"why_format": {
		"%[1]s:未匯入。這種檔案無法讀取:請用 Excel 開啟,另存為「Excel 活頁簿 (.xlsx)」或「CSV UTF-8」,再放回資料夾。",
		"%[1]s: not imported: this kind of file cannot be read. Open it in Excel, save it as an Excel Workbook (.xlsx) or CSV UTF-8, and put it back in the folder."},
	"why_not_list": {
		"%[1]s:未匯入。這不是客戶清單 (%[2]s)。",
		"%[1]s: not imported: it is not a customer list (%[2]s)."},
	"why_results_file": {
		"%[1]s:未匯入。這是結果檔;若要重送其中不是 OK 的列,請指名匯入:custimport import %[1]s",
		"%[1]s: not imported: it is a results file. To send its rows that are not OK again, import it by name: custimport import %[1]s"},
	"why_run_error": {
		"%[1]s:未匯入。%[2]s\n修正檔案後放回資料夾即可;已匯入的列不會重複匯入。",
		"%[1]s: not imported: %[2]s\nFix the file and put it back in the folder: rows already imported are not imported again."},
	"why_rows": {
		"%[1]s:有些列沒有匯入,原因寫在結果檔 %[2]s 每一列的 ImportErrorMessage。修正後把檔案放回資料夾即可;已匯入的列不會重複匯入。",
		"%[1]s: some rows were not imported; the results file %[2]s says why in each row's ImportErrorMessage. Fix them and put the file back in the folder: rows already imported are not imported again."},
})

// whyText is the .why.txt of a file moved to failed/, in lang.
func whyText(w inbox.Why, lang string) string {
	detail := w.Results
	if w.Err != nil {
		detail = w.Err.Error()
		if hint := explanation(w.Err, lang); hint != "" {
			detail += "\n→ " + hint
		}
	}
	return printer(lang).Sprint("cli.why."+whyMessages[w.Kind], w.Name, detail) + "\n"
}
