package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/results"
)

// defaults < config < environment < flags, the key included.
func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("from-config-file\n"), 0o600)
	flagKey := filepath.Join(dir, "flagkey")
	os.WriteFile(flagKey, []byte("from-flag-file"), 0o600)
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("url: https://config\npno: CFG\nworkers: 2\ntimeout: 45s\nkey_file: "+keyFile+"\n"), 0o644)
	tests := []struct {
		name             string
		env              map[string]string
		args             []string
		wantURL, wantPNO string
		wantWorkers      int
		wantTimeout      time.Duration
		wantKey          string
	}{
		{"config", nil, nil, "https://config", "CFG", 2, 45 * time.Second, "from-config-file"},
		{"env over config", map[string]string{"TMS_URL": "https://env", "TMS_API_KEY": "from-env"}, nil, "https://env", "CFG", 2, 45 * time.Second, "from-env"},
		{"flags over env", map[string]string{"TMS_URL": "https://env", "TMS_API_KEY": "from-env"},
			[]string{"--url", "https://flag", "--workers", "7", "--key-file", flagKey}, "https://flag", "CFG", 7, 45 * time.Second, "from-flag-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			s := settings.Default()
			settings.Register(fs, &s, true)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			getenv := func(k string) string { return tt.env[k] }
			eff, err := loadSettings(fs, cfg, getenv)
			if err != nil {
				t.Fatal(err)
			}
			if eff.URL != tt.wantURL || eff.PNO != tt.wantPNO || eff.Workers != tt.wantWorkers || eff.Timeout != tt.wantTimeout {
				t.Errorf("got url %q pno %q workers %d timeout %v", eff.URL, eff.PNO, eff.Workers, eff.Timeout)
			}
			key, err := readKey(eff, getenv)
			if err != nil || key != tt.wantKey {
				t.Errorf("key: got %q (%v), want %q", key, err, tt.wantKey)
			}
		})
	}
}

// config check prints the limits in force, not zero for "the default".
func TestConfigCheckShowsEffectiveLimits(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("url: https://tms.example\npno: P\n"), 0o644)
	res := run(t, map[string]string{"TMS_API_KEY": "k"}, "config", "check", cfg)
	for _, want := range []string{"max_input_mb: 512", "workers: 4", "rate: 10"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("config check lacks %q:\n%s", want, res)
		}
	}
}

// config check and import validate the connection the same way: what
// one refuses, the other refuses too, before anything is sent.
func TestConfigCheckAgreesWithImport(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(in, []byte("CCODE,CNAM1\nA1,x\n"), 0o644)
	tests := []struct {
		name, config, want string
	}{
		{"ProNum too long", "url: https://tms.example\npno: P\npronum: ABCDEFGHIJK\n", "ProNum"},
		{"plain http to another host", "url: http://tms.example\npno: P\n", "http"},
		{"no pno", "url: https://tms.example\n", "pno"},
		{"bad signing recipe", "url: https://tms.example\npno: P\nsign_recipe: md5\n", "md5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(cfg, []byte(tt.config), 0o644)
			env := map[string]string{"TMS_API_KEY": "k", "LANG": "C"} // the wants are the English texts
			check := run(t, env, "config", "check", cfg)
			imp := run(t, env, "import", "--config", cfg, in)
			if zh := run(t, env, "import", "--lang", "zh", "--config", cfg, in); zh.code != ExitCantRun || strings.Contains(zh.stderr, "未預期的錯誤") {
				t.Errorf("import --lang zh: exit %d, want 2 naming what is wrong:\n%s", zh.code, zh)
			} else if tt.name != "plain http to another host" { // the settings' message quotes the TMS client's (settings/messages.go)
				speaksOnly(t, "import --lang zh", zh.stderr)
			}
			for name, res := range map[string]runResult{"config check": check, "import": imp} {
				if res.code != ExitCantRun || !strings.Contains(res.stderr, tt.want) {
					t.Errorf("%s: exit %d, want 2 naming %q:\n%s", name, res.code, tt.want, res)
				}
			}
		})
	}
}

// `fields` lines its columns up on a terminal, where a Chinese character
// takes two columns: the TYPE column starts at the same place on every
// line.
func TestFieldsAlignsChineseLabels(t *testing.T) {
	res := run(t, nil, "fields")
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	want := -1
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 3 {
			continue
		}
		i := strings.Index(l, "  "+f[2]) + 2
		if at := results.DisplayWidth(l[:i]); want < 0 {
			want = at
		} else if at != want {
			t.Fatalf("TYPE of %q starts at column %d, want %d:\n%s", f[0], at, want, res.stdout)
		}
	}
}

// Relative paths in a config file are read from the config's folder: the
// same file works from a nightly job started anywhere.
func TestConfigPathsAreRelativeToTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.yaml"), []byte("defaults:\n  CTAX1: 1\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "key.txt"), []byte("secret\n"), 0o600)
	os.Mkdir(filepath.Join(dir, "out"), 0o700)
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("url: https://tms.example\npno: P\nmapping: m.yaml\nkey_file: key.txt\nresults_dir: out\n"), 0o644)
	res := run(t, nil, "config", "check", cfg)
	if res.code != ExitOK {
		t.Fatalf("exit %d, want 0:\n%s", res.code, res)
	}
	for _, want := range []string{"mapping: " + filepath.Join(dir, "m.yaml"), "results_dir: " + filepath.Join(dir, "out"), "key file " + filepath.Join(dir, "key.txt")} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("config check lacks %q:\n%s", want, res)
		}
	}
	// A path given as a flag stays the current folder's.
	res = run(t, nil, "config", "check", "--results-dir", "no-such-folder", cfg)
	if res.code != ExitCantRun || !strings.Contains(res.stderr, "no-such-folder") {
		t.Errorf("--results-dir no-such-folder: exit %d, want 2 naming it:\n%s", res.code, res)
	}
}
