package settings

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/notify"
	"github.com/custimport/custimport/importer"
)

// sample is one key's value as written in each source, and as Load
// shows it (show) from each.
type sample struct {
	file, env, flag          string // "" where the key has no such source
	wantFile, wantEnv, wantF string
}

// samples holds three different valid values of every key. A key added
// to the keys table without one here fails TestPrecedenceEveryKey.
var samples = map[string]sample{
	"url":                  {"https://file.example", "https://env.example", "https://flag.example", "https://file.example", "https://env.example", "https://flag.example"},
	"pno":                  {"FILEPNO", "ENVPNO", "FLAGPNO", "FILEPNO", "ENVPNO", "FLAGPNO"},
	"pronum":               {"FILENUM", "ENVNUM", "FLAGNUM", "FILENUM", "ENVNUM", "FLAGNUM"},
	"sign_recipe":          {"hmac-sha512", "sha512:{key}{pno}{timestamp}", "hmac-sha512:{pno}{timestamp}{body}", "hmac-sha512", "sha512:{key}{pno}{timestamp}", "hmac-sha512:{pno}{timestamp}{body}"},
	"key_file":             {"/f/key", "", "/g/key", "/f/key", "", "/g/key"},
	"workers":              {"2", "", "3", "2", "", "3"},
	"rate":                 {"2.5", "", "7", "2.5", "", "7"},
	"timeout":              {"10s", "", "1m", "10s", "", "1m0s"},
	"max_attempts":         {"2", "", "9", "2", "", "9"},
	"max_retry_wait":       {"5s", "", "2m", "5s", "", "2m0s"},
	"stop_after":           {"0", "", "3", "0", "", "3"},
	"mapping":              {"/f/m.yaml", "", "/g/m.yaml", "/f/m.yaml", "", "/g/m.yaml"},
	"out":                  {"/f/out.xlsx", "", "/g/out.csv", "/f/out.xlsx", "", "/g/out.csv"},
	"results_dir":          {"/f/results", "", "/g/results", "/f/results", "", "/g/results"},
	"lang":                 {"en", "", "zh", "en", "", "zh"},
	"length_unit":          {"big5", "", "char", "big5", "", "char"},
	"mode":                 {"create", "", "update", "create", "", "update"},
	"encoding":             {"big5", "", "utf-8", "big5", "", "utf-8"},
	"delimiter":            {";", "", "tab", ";", "", "tab"},
	"sheet":                {"北區", "", "南區", "北區", "", "南區"},
	"max_input_mb":         {"7", "", "9", "7", "", "9"},
	"allow_http":           {"true", "", "false", "true", "", "false"},
	"insecure_skip_verify": {"true", "", "false", "true", "", "false"},
	"log_format":           {"json", "", "text", "json", "", "text"},
	"quiet":                {"true", "", "false", "true", "", "false"},
	"defaults":             {"{CBELE: 0}", "", "", "map[CBELE:0]", "", ""},
	"summary_json":         {"/f/s.json", "", "/g/s.json", "/f/s.json", "", "/g/s.json"},
	"state_dir":            {"/f/state", "/e/state", "/g/state", "/f/state", "/e/state", "/g/state"},
	"wait":                 {"1s", "", "2m", "1s", "", "2m0s"},
	"skip_hidden":          {"true", "", "false", "true", "", "false"},
	"new_ledger":           {"true", "", "false", "true", "", "false"},
	"ledger_url":           {"postgres://file@db.example/ci", "postgres://env@db.example/ci", "postgres://flag@db.example/ci", "postgres://file@db.example/ci", "postgres://env@db.example/ci", "postgres://flag@db.example/ci"},
	"allow_network_ledger": {"true", "", "false", "true", "", "false"},
	"existing_customers":   {"/f/list.xlsx", "", "/g/list.csv", "/f/list.xlsx", "", "/g/list.csv"},
	"update_existing":      {"true", "", "false", "true", "", "false"},
	"existing_max_age":     {"7d", "", "36h", "7d", "", "36h0m0s"},
	"results_format":       {"csv", "", "xlsx", "csv", "", "xlsx"},
	"max_invalid":          {"10%", "", "25", "10%", "", "25"},
	"notify":               {"{url: 'https://hooks.example/x'}", "", "", fmt.Sprint(notify.Config{URL: "https://hooks.example/x"}), "", ""},
}

// show is the value of k's field in s, as the samples write it.
func show(k Key, s *Settings) string {
	return fmt.Sprint(reflect.ValueOf(k.Field(s)).Elem().Interface())
}

// load runs Load with a config file of yaml, the environment env and
// the command line args (every flag registered, as import has them).
func load(t *testing.T, yaml string, env map[string]string, args ...string) (Settings, error) {
	t.Helper()
	cfg := ""
	if yaml != "" {
		cfg = filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	flagged := Default()
	Register(fs, &flagged, true)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Load(Sources{Flags: fs, Config: cfg, Getenv: func(k string) string { return env[k] }})
}

// Every key: a flag beats the environment, which beats the config file,
// which beats the default; a source a key does not have changes nothing.
func TestPrecedenceEveryKey(t *testing.T) {
	for _, k := range Keys() {
		t.Run(k.Name, func(t *testing.T) {
			sm, ok := samples[k.Name]
			if !ok {
				t.Fatalf("no sample values for %s: add them to samples", k.Name)
			}
			def := Default()
			fileYAML := k.Name + ": " + sm.file + "\n"
			env := map[string]string{}
			if k.Env != "" {
				env[k.Env] = sm.env
			}
			var args []string
			if k.Flag != "" {
				args = []string{"--" + k.Flag + "=" + sm.flag}
			}
			type step struct {
				name  string
				yaml  string
				env   map[string]string
				args  []string
				want  string
				valid bool // the key has this source
			}
			steps := []step{
				{"default", "", nil, nil, show(k, &def), true},
				{"file over default", fileYAML, nil, nil, sm.wantFile, true},
				{"environment over file", fileYAML, env, nil, sm.wantEnv, k.Env != ""},
				{"flag over environment", fileYAML, env, args, sm.wantF, k.Flag != ""},
			}
			for _, st := range steps {
				if !st.valid {
					continue
				}
				s, err := load(t, st.yaml, st.env, st.args...)
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				if got := show(k, &s); got != st.want {
					t.Errorf("%s: %s = %q, want %q", st.name, k.Name, got, st.want)
				}
			}
			if k.Env == "" && sm.env != "" || k.Flag == "" && sm.flag != "" {
				t.Errorf("samples of %s name a source it does not have", k.Name)
			}
			if sm.wantFile == show(k, &def) || (k.Env != "" && sm.wantEnv == sm.wantFile) || (k.Flag != "" && sm.wantF == sm.wantFile) {
				t.Errorf("samples of %s must differ from each other and from the default", k.Name)
			}
		})
	}
}

// The keys table is the Settings struct: every yaml field is a key and
// every key a field; flag and environment names are unique; every key
// with a flag is registered.
func TestKeysAreTheStruct(t *testing.T) {
	fields := yamlFields(reflect.TypeFor[Settings]())
	var names, flags, envs []string
	for _, k := range Keys() {
		names = append(names, k.Name)
		if _, ok := fields[k.Name]; !ok {
			t.Errorf("key %s is no field of Settings", k.Name)
		}
		if k.Flag != "" {
			flags = append(flags, k.Flag)
		}
		if k.Env != "" {
			envs = append(envs, k.Env)
		}
	}
	for name := range fields {
		if !slices.Contains(names, name) {
			t.Errorf("field %s of Settings is in no key", name)
		}
	}
	for what, list := range map[string][]string{"key": names, "flag": flags, "environment variable": envs} {
		if len(slices.Compact(slices.Sorted(slices.Values(list)))) != len(list) {
			t.Errorf("a %s is used twice: %v", what, list)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	s := Default()
	Register(fs, &s, true)
	for _, f := range flags {
		if fs.Lookup(f) == nil {
			t.Errorf("flag --%s is not registered", f)
		}
	}
	checkOnly := flag.NewFlagSet("t", flag.ContinueOnError)
	Register(checkOnly, &s, false)
	for _, k := range Keys() {
		if k.Flag != "" && (checkOnly.Lookup(k.Flag) != nil) == k.Send {
			t.Errorf("--%s: on a command that does not send: %v, want %v", k.Flag, !k.Send, !k.Send)
		}
	}
}

// Relative paths in a config file are its folder's; absolute ones stay.
func TestConfigPathsRelativeToTheFile(t *testing.T) {
	var yaml strings.Builder
	for _, k := range Keys() {
		if k.Path {
			fmt.Fprintf(&yaml, "%s: rel/%s\n", k.Name, k.Name)
		}
	}
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte(yaml.String()), 0o600)
	s, err := Load(Sources{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		want := ""
		if k.Path {
			want = filepath.Join(filepath.Dir(cfg), "rel", k.Name)
		}
		if p, ok := k.Field(&s).(*string); ok && k.Path && *p != want {
			t.Errorf("%s = %q, want %q", k.Name, *p, want)
		}
	}
}

// An unknown key anywhere in a config file is an error naming the key,
// its line and the file, with the key most likely meant; the API key is
// refused as before.
func TestUnknownKeys(t *testing.T) {
	tests := []struct {
		name, yaml string
		code       Code
		want       []string
	}{
		{"a typo", "url: https://x\nwrokers: 3\n", MsgUnknownKeyNear, []string{`"wrokers"`, "line 2", `did you mean "workers"`}},
		{"a flag's spelling", "results-dir: out\n", MsgUnknownKeyNear, []string{`"results-dir"`, `"results_dir"`}},
		{"another case", "URL: https://x\n", MsgUnknownKeyNear, []string{`"URL"`, `"url"`}},
		{"nothing near", "colour: blue\n", MsgUnknownKey, []string{`"colour"`, "line 1"}},
		{"in notify", "notify:\n  urll: https://x\n", MsgUnknownKeyNear, []string{`"notify.urll"`, `"notify.url"`}},
		{"in notify.smtp", "notify:\n  smtp:\n    hots: mail\n", MsgUnknownKeyNear, []string{`"notify.smtp.hots"`, `"notify.smtp.host"`}},
		{"the key", "api_key: secret\n", MsgKeyInConfig, []string{`"api_key"`, "TMS_API_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.yaml, nil)
			var se *Error
			if !errors.As(err, &se) || se.Code != tt.code {
				t.Fatalf("got %v, want code %s", err, tt.code)
			}
			for _, lang := range []string{"en", "zh"} {
				text := se.Text(lang)
				for _, w := range append(tt.want, "c.yaml") {
					if lang == "zh" && strings.HasPrefix(w, "did you mean") || w == "line 2" || w == "line 1" {
						continue
					}
					if lang == "zh" { // values as typed, in 「」
						if u, err := strconv.Unquote(w); err == nil {
							w = "「" + u + "」"
						}
					}
					if !strings.Contains(text, w) {
						t.Errorf("%s: %q lacks %q", lang, text, w)
					}
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

// Load refuses what every command refuses, naming the setting.
func TestLoadChecks(t *testing.T) {
	tests := []struct {
		yaml string
		code Code
	}{
		{"workers: 0\n", MsgWorkers},
		{"workers: 65\n", MsgWorkers},
		{"rate: 0\n", MsgRate},
		{"max_attempts: 0\n", MsgMaxAttempts},
		{"max_input_mb: 0\n", MsgMaxInputMB},
		{"stop_after: -1\n", MsgStopAfter},
		{"wait: -1s\n", MsgWait},
		{"max_retry_wait: 0s\n", MsgMaxRetryWait},
		{"timeout: 0s\n", MsgTimeout},
		{"results_format: ods\n", MsgResultsFormat},
		{"log_format: xml\n", MsgLogFormat},
		{"max_invalid: lots\n", MsgMaxInvalid},
		{"delimiter: '|'\n", MsgDelimiter},
		{"notify:\n  on: sometimes\n", MsgInFile},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.yaml), func(t *testing.T) {
			_, err := load(t, tt.yaml, nil)
			var se *Error
			if !errors.As(err, &se) || se.Code != tt.code {
				t.Errorf("got %v, want code %s", err, tt.code)
			}
		})
	}
}

// stop_after 0 is "never" in the job, whatever the library's 0 means;
// the limits and the defaults come from the one Default.
func TestJobOptions(t *testing.T) {
	s := Default()
	opts, err := s.Job("in.csv")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Workers != importer.DefaultWorkers || opts.MaxConsecutiveFailures != importer.DefaultMaxConsecutiveFailures {
		t.Errorf("default workers %d, stop after %d", opts.Workers, opts.MaxConsecutiveFailures)
	}
	s.StopAfter = 0
	if opts, _ = s.Job("in.csv"); opts.MaxConsecutiveFailures >= 0 {
		t.Errorf("stop_after 0: MaxConsecutiveFailures %d, want never (negative)", opts.MaxConsecutiveFailures)
	}
	s.Defaults = map[string]any{"CTAX1": 5}
	if _, err := s.Job("in.csv"); err == nil || !strings.Contains(err.Error(), "CTAX1") {
		t.Errorf("a default TMS would refuse: %v", err)
	}
	s.Defaults = map[string]any{"NOSUCH": 1}
	if _, err := s.Job("in.csv"); !errors.Is(err, &Error{Code: MsgDefaultsField}) {
		t.Errorf("a default of no field: %v", err)
	}
	s.Defaults = nil
	s.ResultsDir = filepath.Join(t.TempDir(), "missing")
	if _, err := s.Job("in.csv"); !errors.Is(err, &Error{Code: MsgResultsDir}) || !strings.Contains(err.Error(), "results_dir") {
		t.Errorf("a results folder that is not there: %v", err)
	}
}

func TestDays(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30d", 30 * 24 * time.Hour, true},
		{"45", 45 * 24 * time.Hour, true},
		{"1.5d", 36 * time.Hour, true},
		{"720h", 30 * 24 * time.Hour, true},
		{" 7d ", 7 * 24 * time.Hour, true},
		{"0", 0, false},
		{"-3d", 0, false},
		{"abc", 0, false},
		{"d", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		var d Days
		err := d.Set(tt.in)
		if (err == nil) != tt.ok || (tt.ok && time.Duration(d) != tt.want) {
			t.Errorf("Set(%q) = %v, %v; want %v, ok %v", tt.in, time.Duration(d), err, tt.want, tt.ok)
		}
	}
	if got := Days(30 * 24 * time.Hour).String(); got != "30d" {
		t.Errorf("String = %q, want 30d", got)
	}
}

// Every message has its zh and en text, with the same verbs.
func TestMessages(t *testing.T) {
	for code, m := range messages {
		if m.ZH() == "" || m.EN() == "" {
			t.Errorf("%s: a text is missing", code)
		}
		if verbs(m.ZH()) != verbs(m.EN()) {
			t.Errorf("%s: zh verbs %q, en %q", code, verbs(m.ZH()), verbs(m.EN()))
		}
	}
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			out = append(out, s[i:i+2])
			i++
		}
	}
	return strings.Join(out, " ")
}

func TestReadKey(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "key")
	os.WriteFile(private, []byte(" file-key \n"), 0o600)
	shared := filepath.Join(dir, "shared")
	os.WriteFile(shared, []byte("k"), 0o644)
	env := func(v string) func(string) string { return func(string) string { return v } }
	tests := []struct {
		name, file string
		prefer     bool
		env        string
		want, err  string
	}{
		{"file named on the command line wins", private, true, "env-key", "file-key", ""},
		{"environment wins over the config's file", private, false, "env-key", "env-key", ""},
		{"config's file when no environment", private, false, "", "file-key", ""},
		{"a file others can read is refused", shared, true, "", "", "readable by others"},
		{"nothing", "", false, "", "", "no API key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (Connection{KeyFile: tt.file, KeyFileFromFlag: tt.prefer}).ReadKey(env(tt.env))
			if got != tt.want || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("got %q, %v; want %q, %q", got, err, tt.want, tt.err)
			}
		})
	}
}
