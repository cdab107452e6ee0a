package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	stdio "io"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/existing"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/template"
	"github.com/custimport/custimport/mapping"
)

func runFields(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "fields", "", "List every field of the /Cust/Add Main object, from the catalog the validator uses.")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	lang := fs.String("lang", "zh", "zh or en notes")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fields := mapping.Fields()
	if *asJSON {
		type choice struct {
			Value int    `json:"value"`
			Label string `json:"label"`
		}
		type field struct {
			Code       string   `json:"code"`
			Label      string   `json:"label"`
			LabelEN    string   `json:"label_en"`
			Type       string   `json:"type"`
			MaxLen     int      `json:"max_len,omitempty"`
			Choices    []choice `json:"choices,omitempty"`
			Required   bool     `json:"required"`
			AddDefault string   `json:"add_default,omitempty"`
			AddOnly    bool     `json:"add_only,omitempty"`
			Note       string   `json:"note,omitempty"`
			Aliases    []string `json:"aliases,omitempty"`
		}
		out := make([]field, 0, len(fields))
		for _, f := range fields {
			x := field{Code: f.Code, Label: f.Label, LabelEN: f.LabelEN, Type: f.TypeName(), MaxLen: f.MaxLen,
				Required: f.Required, AddDefault: f.AddDefault, AddOnly: f.AddOnly, Note: f.Note, Aliases: f.Aliases}
			for _, c := range f.Choices {
				x.Choices = append(x.Choices, choice{c.Value, c.Label})
			}
			out = append(out, x)
		}
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return fail(io, "%v", err)
		}
		return ExitOK
	}
	rows := [][]string{{"CODE", "名稱", "TYPE", "VALUES", "NOTE"}}
	for _, f := range fields {
		var vals []string
		for _, c := range f.Choices {
			vals = append(vals, template.DropValue(c))
		}
		note := f.Note
		label := f.Label
		if *lang == "en" {
			note, label = f.NoteEN, f.LabelEN
		}
		if f.Required {
			note = strings.TrimSpace("M " + note)
		}
		rows = append(rows, []string{f.Code, label, f.TypeName(), strings.Join(vals, ", "), note})
	}
	writeColumns(io.Out, rows)
	return ExitOK
}

// writeColumns writes rows as aligned columns, measuring Chinese
// characters as two columns wide, as terminals show them.
func writeColumns(w stdio.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], results.DisplayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-results.DisplayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func runTemplate(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "template", "", "Write an empty input sheet: one column per field, Chinese label headers, dropdowns for enumerated fields, length limits and an input hint per column.")
	out := fs.String("out", "template.xlsx", "output `FILE.xlsx`")
	lang := fs.String("lang", "zh", "hint language: zh or en")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if err := template.Write(*out, *lang); err != nil {
		return fail(io, "template: %v", err)
	}
	fmt.Fprintf(io.Out, "wrote %s\n", *out)
	return ExitOK
}

func runConfig(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "config check", "FILE.yaml (optional with --online)", `Check a config file and print the effective settings (config < environment < flags), key redacted.
With --online, test the settings against TMS instead: one signed read-only
request (POST /Product/QueryList for a product that cannot exist), then a
verdict naming the setting to check. Exit 0 only when TMS accepted the
signature; nothing is ever sent to /Cust/Add.`)
	flagged := settings.Default()
	settings.Register(fs, &flagged, true)
	online := fs.Bool("online", false, "test the settings against TMS with one signed read-only request (nothing is created)")
	find := fs.Bool("find-recipe", false, "with --online: when TMS refuses the signature, try the known signing recipes one request at a time and print the one it accepts")
	trace := fs.String("trace-http", "", "with --online: write every request and answer to `FILE` (JSON lines, mode 600; key and signature redacted)")
	verbose := fs.Bool("verbose", false, "with --online: log the requests and the errors underneath")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	*online = *online || *find
	if len(pos) == 0 || pos[0] != "check" || len(pos) > 2 || (len(pos) == 1 && !*online) {
		fs.Usage()
		return fail(io, "usage: custimport config check FILE.yaml, or custimport config check [FILE.yaml] --online [--find-recipe]")
	}
	if *trace != "" && !*online {
		return fail(io, "config check: --trace-http traces the requests of --online")
	}
	cfgPath := ""
	if len(pos) == 2 {
		cfgPath = pos[1]
	}
	s, err := loadSettings(fs, cfgPath, io.Getenv)
	if err != nil {
		return fail(io, "%v", err)
	}
	base, err := s.Job("input.xlsx")
	if err != nil {
		return fail(io, "%v", err)
	}
	if *online {
		return onlineCheck(ctx, io, s, *find, *trace, *verbose)
	}
	// The same validation as the import's: what passes here, sends.
	if err := connection(s, io, nil, nil).Check(); err != nil {
		return fail(io, "%v", err)
	}
	keySource := "TMS_API_KEY (environment)"
	if s.KeyFile != "" && (s.KeyFileFromFlag || strings.TrimSpace(io.Getenv("TMS_API_KEY")) == "") {
		keySource = "key file " + s.KeyFile
	}
	key, keyErr := readKey(s, io.Getenv)
	keyState := "[redacted]"
	if keyErr == nil && key == "" {
		keyErr = errors.New("no API key: set TMS_API_KEY or key_file (--key-file)")
	}
	if keyErr != nil {
		keyState = "MISSING: " + keyErr.Error()
	}
	if s.ProNum == "" {
		s.ProNum = s.PNO // what is sent
	}
	fmt.Fprintf(io.Out, "# effective settings (defaults < config < environment < flags)\n%s# key: %s from %s\n",
		effectiveYAML(s), keyState, keySource)
	if s.ExistingCustomers != "" {
		// What a run would load: the list must read.
		rep, err := existing.Read(s.ExistingCustomers, existing.Options{Source: source.Options{MaxBytes: s.MaxInputMB << 20}, Mapping: base.Mapping})
		if err != nil {
			return failErr(io, s.Lang, fmt.Errorf("existing_customers %s: %w", s.ExistingCustomers, err))
		}
		fmt.Fprintf(io.Out, "# existing customers: %d (%d with 統編), as of %s\n", len(rep.List.Customers), rep.WithTaxID,
			rep.List.Info.AsOf.Local().Format("2006-01-02"))
	}
	if keyErr != nil {
		return fail(io, "%v", keyErr)
	}
	return ExitOK
}
