package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
)

// sheetNames splits a --sheet value naming several sheets, or lists the
// workbook's list sheets for "all".
func sheetNames(sheet string, opts importer.Options) ([]string, error) {
	if strings.EqualFold(strings.TrimSpace(sheet), settings.AllSheets) {
		src := opts.Source
		src.Sheet = ""
		names, err := importer.ListSheets(opts.Input, src, opts.Mapping)
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, newTextError("no_list_sheet", opts.Input)
		}
		return names, nil
	}
	var names []string
	seen := map[string]bool{}
	for _, n := range strings.Split(sheet, ",") {
		if n = strings.TrimSpace(n); n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names, nil
}

// runSheets imports several sheets of one workbook in one run, one job
// per sheet, one after another. XLSX results are one workbook with a
// results sheet per input sheet (and one Summary); CSV results are one
// file per sheet. The exit code is the worst of the sheets'.
func runSheets(ctx, abort context.Context, io IO, s settings.Settings, opts importer.Options, rep *runReport) int {
	names, err := sheetNames(s.Sheet, opts)
	if err != nil {
		return rep.fail(io, s.Lang, opts.Input, err)
	}
	// Every sheet named must read as a list before anything is sent: a
	// typo in the second name does not leave the first half imported.
	for _, name := range names {
		src := opts.Source
		src.Sheet = name
		if err := importer.Probe(opts.Input, src, opts.Mapping); err != nil {
			return rep.fail(io, s.Lang, opts.Input, err)
		}
	}
	out := opts.Out
	if out == "" {
		out = importer.DefaultOutAs(opts.Input, "", s.ResultsFormat)
	}
	var book *results.XLSXBook
	if strings.EqualFold(filepath.Ext(out), ".xlsx") {
		private := encrypted(opts.Input, opts.Source)
		if book, err = results.NewXLSXBook(out, results.Options{Private: private}); err != nil {
			return rep.fail(io, s.Lang, opts.Input, err)
		}
		defer book.Abort() // after Close, nothing
	}
	one := s
	one.SummaryJSON = "" // the run's summary is written below, with every sheet
	exit := ExitOK
	var sums []summaryJSON
	bookLost := false
	for _, name := range names {
		o := opts
		o.Source.Sheet = name
		o.Out = importer.SheetOut(out, name)
		created := false
		if book != nil {
			o.Out = out
			o.ResultsSheet = func(ro results.Options) (results.Writer, error) {
				created = true
				return book.Sheet(resultsSheetName(name), ro)
			}
		}
		code, sum, err := runOne(ctx, abort, io, one, o)
		rep.file(o, sum, code, err)
		exit = max(exit, code)
		sums = append(sums, newSummaryJSON(o, sum, code, err))
		var readErr *importer.ReadError
		if err != nil && !errors.As(err, &readErr) && created {
			// The workbook went with this sheet's results: the ledger
			// keeps what was sent, and running again resumes.
			bookLost = true
			break
		}
	}
	if book != nil && !bookLost {
		if err := book.Close(); err != nil {
			exit = failErr(io, s.Lang, err)
		}
	}
	if s.SummaryJSON != "" {
		data, _ := json.MarshalIndent(struct {
			Input    string        `json:"input"`
			Results  string        `json:"results"`
			Sheets   []summaryJSON `json:"sheets"`
			ExitCode int           `json:"exit_code"`
		}{opts.Input, out, sums, exit}, "", "  ")
		if err := os.WriteFile(s.SummaryJSON, append(data, '\n'), 0o644); err != nil {
			return failErr(io, s.Lang, &textError{code: "summary_unwritable", args: []any{s.SummaryJSON}, err: err})
		}
	}
	return exit
}

// resultsSheetName is the results sheet of an input sheet: its own name,
// but for the one the Summary takes.
func resultsSheetName(name string) string {
	if strings.EqualFold(name, results.SummarySheetName) {
		return name + " (1)"
	}
	return name
}

// encrypted reports whether the workbook at path is password-protected:
// its results are then readable by the user alone.
func encrypted(path string, o source.Options) bool {
	o.Password = ""
	return errors.Is(openCheck(path, o), source.ErrEncrypted)
}
