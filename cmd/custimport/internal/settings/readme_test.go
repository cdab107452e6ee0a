package settings

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readme is the repository's README.md.
func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The README's settings table lists every key with its flag,
// environment variable and default, and nothing else.
func TestREADMEListsEveryKey(t *testing.T) {
	text := readme(t)
	_, after, ok := strings.Cut(text, "\n## 設定 / Settings\n")
	if !ok {
		t.Fatal("README has no 設定 / Settings section")
	}
	section, _, _ := strings.Cut(after, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([^|]*) \\| ([^|]*) \\| ([^|]*) \\|")
	documented := map[string][]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented[m[1]] = []string{strings.Trim(m[2], "` "), strings.Trim(m[3], "` "), strings.Trim(m[4], "` ")}
	}
	def := Default()
	for _, k := range Keys() {
		doc, ok := documented[k.Name]
		if !ok {
			t.Errorf("README's settings table lacks %s", k.Name)
			continue
		}
		delete(documented, k.Name)
		flag := ""
		if k.Flag != "" {
			flag = "--" + k.Flag
		}
		if doc[0] != flag || doc[1] != k.Env {
			t.Errorf("README: %s has flag %q and environment %q, want %q and %q", k.Name, doc[0], doc[1], flag, k.Env)
		}
		if want := show(k, &def); doc[2] != "" && doc[2] != want {
			t.Errorf("README: %s defaults to %q, want %q", k.Name, doc[2], want)
		}
	}
	for name := range documented {
		t.Errorf("README documents %s, which is no setting", name)
	}
}

// The README's example config file loads: every key it shows is one.
func TestREADMEExampleConfigLoads(t *testing.T) {
	text := readme(t)
	_, after, ok := strings.Cut(text, "Config file (`--config`), everything but the key:\n\n```yaml\n")
	if !ok {
		t.Fatal("README has no example config file")
	}
	example, _, _ := strings.Cut(after, "```")
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Sources{Config: cfg}); err != nil {
		t.Errorf("README's example config: %v", err)
	}
}
