package settings

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/custimport/custimport/importer/ledger"
)

// Sources are where Load reads settings from.
type Sources struct {
	// Flags is the command's parsed flag set; the flags given on its
	// command line that are settings override the rest. nil: none.
	Flags *flag.FlagSet
	// Config is the config file's path ("" none).
	Config string
	// Getenv reads the environment (nil: an empty one).
	Getenv func(string) string
	// Locale is the language when no flag or config file sets lang
	// (nil: "" stays).
	Locale func() string
}

// Load combines the sources in their order of precedence (defaults <
// config file < environment < flags) and checks the result (Check).
func Load(src Sources) (Settings, error) {
	s := Default()
	if src.Config != "" {
		if err := s.loadFile(src.Config); err != nil {
			return s, err
		}
	}
	getenv := src.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	// The environment and the flags are set through the same flags, so a
	// value reads the same wherever it is given.
	bound := flag.NewFlagSet("", flag.ContinueOnError)
	bound.SetOutput(io.Discard)
	Register(bound, &s, true)
	for _, k := range keys {
		if k.Env == "" {
			continue
		}
		if v := strings.TrimSpace(getenv(k.Env)); v != "" {
			if err := bound.Set(k.Flag, v); err != nil {
				return s, newErr(MsgBadEnv, k.Env, err)
			}
		}
	}
	if fs := src.Flags; fs != nil {
		var err error
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "key-file" {
				s.KeyFileFromFlag = true
			}
			if bound.Lookup(f.Name) != nil && err == nil {
				err = bound.Set(f.Name, f.Value.String())
			}
		})
		if err != nil {
			return s, err
		}
	}
	if s.Lang == "" && src.Locale != nil {
		s.Lang = src.Locale()
	}
	s.ResultsFormat = strings.ToLower(strings.TrimSpace(s.ResultsFormat))
	if err := s.Check(); err != nil {
		if errors.Is(err, errNotify) {
			return s, newErr(MsgInFile, src.Config, err)
		}
		return s, err
	}
	return s, nil
}

// refusedKeys are keys a config file may not have: the key is never in
// one (it is read by anyone who can read the file).
var refusedKeys = []string{"key", "api_key", "tms_api_key"}

// loadFile reads a config file into s: every key must be a setting (an
// unknown key is an error naming it, with the key it most likely meant),
// and relative paths are the file's folder's.
func (s *Settings) loadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return newErr(MsgReadConfig, err)
	}
	var probe yaml.Node
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return newErr(MsgInFile, path, err)
	}
	if err := checkKeys(path, &probe); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // notify:'s own keys
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return newErr(MsgInFile, path, err)
	}
	dir := filepath.Dir(path)
	for _, k := range keys {
		if p, ok := k.field(s).(*string); ok && k.Path && *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if s.LedgerURL != "" && ledger.URLHasPassword(s.LedgerURL) {
		return newErr(MsgInFile, path, ErrLedgerPassword)
	}
	return nil
}

// ErrLedgerPassword refuses a config file whose ledger_url carries a
// password: a config file is read by whoever can read its folder.
var ErrLedgerPassword = errors.New("ledger_url must not carry a password: a config file is read by whoever can read the folder; " +
	"put the password in a passfile (passfile=FILE in the URL, or PGPASSFILE) or in PGPASSWORD")

// checkKeys refuses a config file's keys that are not settings, at
// every level (notify:'s own keys too): the key itself, or a key no
// setting has, named with its line and the key most likely meant.
func checkKeys(path string, doc *yaml.Node) error {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return checkMapping(path, "", doc.Content[0], reflect.TypeFor[Settings]())
}

// checkMapping checks the keys of m against the yaml fields of t (a
// struct); prefix is m's own key path ("notify.").
func checkMapping(path, prefix string, m *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if m.Kind != yaml.MappingNode || t.Kind() != reflect.Struct {
		return nil // not a mapping: the decoder says what is wrong
	}
	fields := yamlFields(t)
	for i := 0; i+1 < len(m.Content); i += 2 {
		name := m.Content[i].Value
		if prefix == "" {
			for _, r := range refusedKeys {
				if strings.EqualFold(name, r) {
					return newErr(MsgKeyInConfig, path, name)
				}
			}
		}
		f, ok := fields[name]
		if !ok {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			if near := nearest(name, names); near != "" {
				return newErr(MsgUnknownKeyNear, path, prefix+name, m.Content[i].Line, prefix+near)
			}
			return newErr(MsgUnknownKey, path, prefix+name, m.Content[i].Line)
		}
		if err := checkMapping(path, prefix+name+".", m.Content[i+1], f); err != nil {
			return err
		}
	}
	return nil
}

// yamlFields maps the yaml keys of struct type t (inline fields
// included) to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
		case strings.Contains(opts, "inline"):
			maps.Copy(out, yamlFields(f.Type))
		case name == "":
			out[strings.ToLower(f.Name)] = f.Type
		default:
			out[name] = f.Type
		}
	}
	return out
}

// nearest is the name among names most likely meant: the same with
// dashes for underscores or in another case, else the closest by edit
// distance (at most a third of its letters), else "".
func nearest(name string, names []string) string {
	norm := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), "-", "_"))
	best, bestD := "", -1
	slices.Sort(names)
	for _, n := range names {
		d := distance(norm, n)
		if d <= max(1, len([]rune(n))/3) && (bestD < 0 || d < bestD) {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the edit distance of a and b (insert, delete, replace,
// and swap of two neighbours), over runes.
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
