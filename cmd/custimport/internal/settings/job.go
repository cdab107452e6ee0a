package settings

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// Job returns the importer's options of the settings for one input: the
// one place importer.Options are made from settings (the CLI, folder mode
// and the page start from it and add what a run holds: the sender, the
// ledger, the logger, a password). It reads the mapping file, checks the
// results folder is there, and checks every default against its field
// with the validator, so a default TMS would refuse stops here, for
// `config check` as for the import, not row by row.
func (s Settings) Job(input string) (importer.Options, error) {
	delim, err := s.delimiter()
	if err != nil {
		return importer.Options{}, err
	}
	budget, err := importer.ParseBudget(s.MaxInvalid)
	if err != nil {
		return importer.Options{}, newErr(MsgMaxInvalid, err)
	}
	opts := importer.Options{
		Input:          input,
		Out:            s.Out,
		SkipHidden:     s.SkipHidden,
		MaxInvalid:     budget,
		UpdateExisting: s.UpdateExisting,
		ExistingMaxAge: time.Duration(s.ExistingMaxAge),
		ResultsFormat:  s.ResultsFormat,
		Source:         source.Options{Encoding: s.Encoding, Delimiter: delim, Sheet: s.Sheet, MaxBytes: s.MaxInputBytes()},
		Validate:       validate.Config{Lang: s.Lang, LengthUnit: s.LengthUnit, Mode: s.Mode},
	}
	s.Connection.SendLimits(&opts)
	if s.ResultsDir != "" {
		if err := isFolder(s.ResultsDir); err != nil {
			return opts, newErr(MsgResultsDir, err)
		}
		if opts.Out == "" {
			sheet := s.Sheet
			if SeveralSheets(sheet) {
				sheet = "" // one workbook for the sheets
			}
			opts.Out = filepath.Join(s.ResultsDir, filepath.Base(importer.DefaultOutAs(input, sheet, s.ResultsFormat)))
		}
	}
	if s.Mapping != "" {
		m, err := mapping.LoadFile(s.Mapping)
		if err != nil {
			return opts, err
		}
		opts.Mapping = m
	}
	if opts.Validate.Defaults, err = s.fieldDefaults(opts.Mapping); err != nil {
		return opts, err
	}
	if opts.Mapping != nil {
		opts.Validate.DateFormats = opts.Mapping.DateFormats
	}
	if _, err := validate.New(opts.Validate); err != nil {
		return opts, err
	}
	return opts, nil
}

// SendLimits puts how hard a run pushes TMS into a job's options: the
// workers, and the stop after rows in a row without an answer (stop_after
// 0 is "never" here; the library's 0 is its default). The page, whose
// connection can change after Job, applies it again with its own.
func (c Connection) SendLimits(opts *importer.Options) {
	opts.Workers = c.Workers
	opts.MaxConsecutiveFailures = c.StopAfter
	if c.StopAfter == 0 {
		opts.MaxConsecutiveFailures = -1
	}
}

// fieldDefaults are the defaults by field code: the mapping file's, then
// the config's defaults: for the fields the mapping leaves (nil: none).
func (s Settings) fieldDefaults(m *mapping.File) (map[string]string, error) {
	defaults := map[string]string{}
	if m != nil {
		for k, v := range m.Defaults {
			defaults[k] = v
		}
	}
	for k, v := range s.Defaults {
		f, ok := mapping.Lookup(k)
		if !ok {
			return nil, newErr(MsgDefaultsField, k)
		}
		if _, fromMapping := defaults[f.Code]; !fromMapping {
			defaults[f.Code] = defaultText(v)
		}
	}
	if len(defaults) == 0 {
		return nil, nil
	}
	return defaults, nil
}

// defaultText is a config default's value as a cell would hold it.
func defaultText(v any) string {
	if x, ok := v.(float64); ok {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.TrimSpace(fmt.Sprint(v))
}
