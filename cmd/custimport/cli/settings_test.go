package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
			s := defaultSettings()
			s.register(fs, true)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			getenv := func(k string) string { return tt.env[k] }
			eff, err := resolveSettings(fs, cfg, getenv)
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
