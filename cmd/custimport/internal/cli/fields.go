package cli

import (
	"context"
	"encoding/json"
	"fmt"
	stdio "io"
	"strings"

	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/template"
	"github.com/custimport/custimport/mapping"
)

func runFields(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "fields", "")
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
	fs := newFlags(io, "template", "")
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
