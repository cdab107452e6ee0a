package cli

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
)

// config check refuses every class of setting import refuses, exit 2
// naming the setting, and so does import; run from another folder than
// the config file's, with the config named by a relative path, so its
// own relative paths are read from its folder.
func TestConfigCheckRefusesEachClassFromAnotherFolder(t *testing.T) {
	const conn = "url: https://tms.example\npno: P\n"
	key := map[string]string{"TMS_API_KEY": "k"}
	tests := []struct {
		name, config string
		files        map[string]string // beside the config file
		modes        map[string]os.FileMode
		env          map[string]string
		want         string
	}{
		{"a default TMS refuses", conn + "defaults: {CTAX1: 5}\n", nil, nil, key, "CTAX1"},
		{"a default of no field", conn + "defaults: {NOSUCH: 1}\n", nil, nil, key, "NOSUCH"},
		{"a mapping file's default TMS refuses", conn + "mapping: m.yaml\n", map[string]string{"m.yaml": "defaults:\n  CTAX1: 5\n"}, nil, key, "CTAX1"},
		{"no mapping file", conn + "mapping: m.yaml\n", nil, nil, key, "m.yaml"},
		{"no API key at all", conn, nil, nil, nil, "TMS_API_KEY"},
		{"a key file that is not there", conn + "key_file: key.txt\n", nil, nil, nil, "key.txt"},
		{"an empty key file", conn + "key_file: key.txt\n", map[string]string{"key.txt": "\n"}, nil, nil, "key.txt"},
		{"a key file others can read", conn + "key_file: key.txt\n", map[string]string{"key.txt": "k\n"}, map[string]os.FileMode{"key.txt": 0o644}, nil, "chmod 600"},
		{"no results folder", conn + "results_dir: out\n", nil, nil, key, "results_dir"},
		{"no list of existing customers", conn + "existing_customers: list.xlsx\n", nil, nil, key, "existing_customers"},
		{"an unknown key", conn + "wrokers: 3\n", nil, nil, key, `did you mean "workers"`},
		{"the key in the file", conn + "api_key: secret\n", nil, nil, key, "api_key"},
		{"workers out of range", conn + "workers: 0\n", nil, nil, key, "--workers"},
		{"a log format", conn + "log_format: xml\n", nil, nil, key, "--log-format"},
		{"a results format", conn + "results_format: ods\n", nil, nil, key, "results_format"},
		{"a delimiter", conn + "delimiter: '|'\n", nil, nil, key, "--delimiter"},
		{"a budget", conn + "max_invalid: lots\n", nil, nil, key, "max_invalid"},
		{"a notification", conn + "notify:\n  on: sometimes\n", nil, nil, key, "notify.on"},
		{"no URL", "pno: P\n", nil, nil, key, "TMS_URL"},
		{"no pno", "url: https://tms.example\n", nil, nil, key, "pno"},
		{"a signing recipe", conn + "sign_recipe: md5\n", nil, nil, key, "md5"},
		{"plain http", "url: http://tms.example\npno: P\n", nil, nil, key, "allow-http"},
	}
	elsewhere := t.TempDir()
	t.Chdir(elsewhere)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.modes != nil && runtime.GOOS == "windows" {
				t.Skip("no mode bits: ACLs guard the key file")
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "in.csv")
			os.WriteFile(in, []byte("CCODE,CNAM1\nA1,x\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(tt.config), 0o644)
			for name, data := range tt.files {
				mode := os.FileMode(0o600)
				if m, ok := tt.modes[name]; ok {
					mode = m
				}
				os.WriteFile(filepath.Join(dir, name), []byte(data), mode)
				os.Chmod(filepath.Join(dir, name), mode)
			}
			cfg, err := filepath.Rel(elsewhere, filepath.Join(dir, "c.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"LANG": "C"} // the wants are the English texts
			maps.Copy(env, tt.env)
			check := run(t, env, "config", "check", cfg)
			imp := run(t, env, "import", "--config", cfg, in)
			for name, res := range map[string]runResult{"config check": check, "import": imp} {
				if res.code != ExitCantRun || !strings.Contains(res.stderr, tt.want) {
					t.Errorf("%s: exit %d, want 2 naming %q:\n%s", name, res.code, tt.want, res)
				}
				if strings.Contains(res.stderr+res.stdout, "secret") {
					t.Errorf("%s shows the key:\n%s", name, res)
				}
			}
		})
	}
}

// config check's output is itself a config file with every key, which
// loads to the same settings.
func TestConfigCheckOutputIsTheConfig(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "out"), 0o700)
	cfg := writeFile(t, dir, "c.yaml", []byte("url: https://tms.example\npno: P\nworkers: 3\ntimeout: 12s\nresults_dir: out\n"+
		"existing_max_age: 7d\ndefaults: {CBELE: 0}\nmax_invalid: 10%\nnotify:\n  url: https://hooks.example/x\n"))
	env := map[string]string{"TMS_API_KEY": "k"}
	first := run(t, env, "config", "check", cfg)
	if first.code != ExitOK {
		t.Fatalf("exit %d:\n%s", first.code, first)
	}
	for _, k := range settings.Keys() {
		if !strings.Contains(first.stdout, "\n"+k.Name+":") {
			t.Errorf("config check does not print %s:\n%s", k.Name, first.stdout)
		}
	}
	again := writeFile(t, t.TempDir(), "again.yaml", []byte(first.stdout))
	second := run(t, env, "config", "check", again)
	if second.code != ExitOK || second.stdout != first.stdout {
		t.Errorf("config check of its own output: exit %d\n%s\nwant the same as\n%s", second.code, second.stdout, first.stdout)
	}
}

// import is flags, then settings, then the run: what reaches the run
// is the command line over the environment over the config file; a
// setting refused stops the command before the run; check has no flag
// that reaches TMS.
func TestImportIsFlagsSettingsRun(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", []byte("url: https://file.example\npno: FILE\nworkers: 2\nrate: 3\nmapping: m.yaml\n"))
	env := map[string]string{"TMS_URL": "https://env.example", "TMS_PNO": "ENV"}
	io := IO{Getenv: func(k string) string { return env[k] }, Out: &strings.Builder{}, Err: &strings.Builder{}}
	var got *importOptions
	capture := func(_ context.Context, _ IO, o *importOptions) int { got = o; return 0 }

	code := importCmd(io, "import", false, capture)(context.Background(), []string{"--config", cfg, "--pno", "FLAG", "--workers", "7", "--resend-all", "in.csv"})
	if code != 0 || got == nil {
		t.Fatalf("exit %d, run reached: %v", code, got != nil)
	}
	s := got.settings
	if s.URL != "https://env.example" || s.PNO != "FLAG" || s.Workers != 7 || s.Rate != 3 || s.Mapping != filepath.Join(dir, "m.yaml") {
		t.Errorf("settings: url %q pno %q workers %d rate %v mapping %q", s.URL, s.PNO, s.Workers, s.Rate, s.Mapping)
	}
	if !got.run.resendAll || got.run.dryRun || len(got.inputs) != 1 || got.inputs[0] != "in.csv" {
		t.Errorf("run flags %+v, inputs %q", got.run, got.inputs)
	}

	got = nil
	if code := importCmd(io, "import", false, capture)(context.Background(), []string{"--config", cfg, "--stop-after", "-1", "in.csv"}); code != ExitCantRun || got != nil {
		t.Errorf("--stop-after -1: exit %d, run reached: %v", code, got != nil)
	}
	if code := importCmd(io, "check", true, capture)(context.Background(), []string{"--url", "https://x", "in.csv"}); code != ExitCantRun || got != nil {
		t.Errorf("check --url: exit %d, run reached: %v", code, got != nil)
	}
	if code := importCmd(io, "check", true, capture)(context.Background(), []string{"in.csv"}); code != 0 || got == nil || !got.run.dryRun || !got.check {
		t.Errorf("check: exit %d, options %+v", code, got)
	}
}

// The page starts from the same settings as import: its job options are
// settings.Job's (stop_after 0 is never there too), its connection the
// settings', its key the environment's.
func TestUIIsFlagsSettingsRun(t *testing.T) {
	env := map[string]string{"TMS_URL": "https://env.example", "TMS_PNO": "ENV", "TMS_API_KEY": "k"}
	io := IO{Getenv: func(k string) string { return env[k] }, Out: &strings.Builder{}, Err: &strings.Builder{}}
	var got *uiOptions
	code := uiCmd(io, func(_ context.Context, _ IO, o *uiOptions) int { got = o; return 0 })(context.Background(),
		[]string{"--workers", "3", "--stop-after", "0", "--mode", "create", "--addr", "127.0.0.1:9"})
	if code != 0 || got == nil {
		t.Fatalf("exit %d", code)
	}
	cfg, err := pageConfig(io, got.settings, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.addr != "127.0.0.1:9" || cfg.Conn.URL != "https://env.example" || cfg.Conn.Key != "k" || cfg.Conn.Workers != 3 {
		t.Errorf("addr %q, connection %+v", got.addr, cfg.Conn.Connection)
	}
	if cfg.Job.Workers != 3 || cfg.Job.MaxConsecutiveFailures >= 0 || cfg.Job.Validate.Mode != "create" {
		t.Errorf("job: workers %d, stop after %d, mode %q", cfg.Job.Workers, cfg.Job.MaxConsecutiveFailures, cfg.Job.Validate.Mode)
	}
}
