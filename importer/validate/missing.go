package validate

import (
	"strings"

	"github.com/custimport/custimport/mapping"
)

// MissingOnAdd returns the customer fields a create needs (信用額度 CBELE)
// that neither a column nor a default provides: present are the codes of
// the file's mapped columns, defaults the mapping file's defaults (a blank
// default provides nothing). Every row that creates a customer — a blank
// code, EditItem 0, or EditItem 2 with a code TMS does not know yet —
// would fail, so a caller warns once for the file, before sending (not in
// update mode, where nothing is created).
func MissingOnAdd(present []string, defaults map[string]string) []mapping.Field {
	have := make(map[string]bool, len(present)+len(defaults))
	for _, code := range present {
		have[strings.ToUpper(code)] = true
	}
	for code, v := range defaults {
		if trim(v) != "" {
			have[strings.ToUpper(strings.TrimSpace(code))] = true
		}
	}
	var out []mapping.Field
	for _, f := range mapping.Fields() {
		if f.RequiredOnAdd && !have[strings.ToUpper(f.Code)] {
			out = append(out, f)
		}
	}
	return out
}

// MissingOnAddProblem is the file-level warning about a field MissingOnAdd
// returned, naming both fixes: a column with the field's label, or a
// default in the mapping file. Its code is "missing_on_add", its Args the
// field's label and code.
func MissingOnAddProblem(f mapping.Field, lang string) Problem {
	p := Problem{Field: f.Code, Column: -1, Severity: Warning, Code: msgMissingOnAdd, Args: []string{f.Label, f.Code}, field: &f}
	p.Message = p.Render(lang)
	return p
}
