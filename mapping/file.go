package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrMappingFile wraps every problem found in a mapping file.
var ErrMappingFile = errors.New("bad mapping file")

// Ignore, as the target of a column in a mapping file, says the column is
// known and deliberately left out (no unknown-column warning).
const Ignore = "ignore"

// Date output formats for the date fields. ROC (民國) years are
// zero-padded to 3 digits ("099.12.31").
const (
	DateWestern     = "western"      // YYYY/MM/DD
	DateWesternDash = "western_dash" // YYYY-MM-DD
	DateROC         = "roc"          // 民國 YYY/MM/DD
	DateROCDot      = "roc_dot"      // 民國 YYY.MM.DD, as the vendor's other endpoints write dates
)

// DateFormatNames returns the date formats a mapping file may name.
func DateFormatNames() []string {
	return []string{DateWestern, DateWesternDash, DateROC, DateROCDot}
}

// File is a mapping file:
//
//	columns:        # header text → field code (or "ignore")
//	  舊系統編號: CCODE
//	  內部備註: ignore
//	defaults:       # field code → value used where the cell is blank
//	  CBELE: 0
//	date_formats:   # date field → western (YYYY/MM/DD), western_dash (YYYY-MM-DD),
//	  CWEBB: roc    # roc (民國 YYY/MM/DD) or roc_dot (民國 YYY.MM.DD)
type File struct {
	Path        string
	Columns     map[string]string // header text → field code, as written
	Defaults    map[string]string // field code (catalog spelling) → value
	DateFormats map[string]string // field code (catalog spelling) → format
	keys        map[string]string // normalised header → field code
}

type fileYAML struct {
	Columns     map[string]string `yaml:"columns"`
	Defaults    map[string]any    `yaml:"defaults"`
	DateFormats map[string]string `yaml:"date_formats"`
}

// LoadFile reads and checks a mapping file.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMappingFile, err)
	}
	f, err := ParseFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.Path = path
	return f, nil
}

// ParseFile reads a mapping file's YAML text. Unknown keys, unknown field
// codes and unknown date formats are errors.
func ParseFile(data []byte) (*File, error) { return Customers.ParseFile(data) }

// ParseFile reads a mapping file's YAML text against the catalog's fields
// (see the package-level ParseFile).
func (cat *Catalog) ParseFile(data []byte) (*File, error) {
	var y fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&y); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", ErrMappingFile, err)
	}
	f := &File{
		Columns:     y.Columns,
		Defaults:    map[string]string{},
		DateFormats: map[string]string{},
		keys:        map[string]string{},
	}
	var problems []string
	for header, code := range y.Columns {
		code = strings.TrimSpace(code)
		if strings.EqualFold(code, Ignore) {
			f.keys[headerKey(header)] = Ignore
			continue
		}
		field, ok := cat.Lookup(code)
		if !ok {
			problems = append(problems, fmt.Sprintf("columns: %q maps to unknown field %q", header, code))
			continue
		}
		f.keys[headerKey(header)] = field.Code
	}
	for code, v := range y.Defaults {
		field, ok := cat.Lookup(code)
		if !ok {
			problems = append(problems, fmt.Sprintf("defaults: unknown field %q", code))
			continue
		}
		f.Defaults[field.Code] = strings.TrimSpace(fmt.Sprint(v))
	}
	for code, format := range y.DateFormats {
		field, ok := cat.Lookup(code)
		if !ok || field.Class != Date {
			problems = append(problems, fmt.Sprintf("date_formats: %q is not a date field (date fields: %s)", code, strings.Join(cat.dateCodes(), ", ")))
			continue
		}
		format = strings.ToLower(strings.TrimSpace(format))
		if !slices.Contains(DateFormatNames(), format) {
			problems = append(problems, fmt.Sprintf("date_formats: %s: unknown format %q (want one of %s)", field.Code, format, strings.Join(DateFormatNames(), ", ")))
			continue
		}
		f.DateFormats[field.Code] = format
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%w: %s", ErrMappingFile, strings.Join(problems, "; "))
	}
	return f, nil
}

// column returns the field code a normalised header key is mapped to.
func (f *File) column(key string) (string, bool) {
	code, ok := f.keys[key]
	return code, ok
}

// dateCodes returns the codes of the catalog's date fields.
func (cat *Catalog) dateCodes() []string {
	var out []string
	for _, f := range cat.fields {
		if f.Class == Date {
			out = append(out, f.Code)
		}
	}
	return out
}
