package cli

import (
	"strings"
	"testing"
)

// A settings refusal speaks the run's language: --lang, else the
// locale's, also when the settings themselves could not be loaded.
func TestSettingsRefusalSpeaksTheLanguage(t *testing.T) {
	dir := t.TempDir()
	typo := writeFile(t, dir, "c.yaml", []byte("wrokers: 4\n"))
	csv := writeFile(t, dir, "a.csv", []byte("客戶代號,客戶名稱\nA1,甲\n"))
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // in stderr
		not  []string
	}{
		{"config check, zh locale", map[string]string{"LANG": "zh_TW.UTF-8"}, []string{"config", "check", typo},
			[]string{"不認得的設定 「wrokers」", "是不是 「workers」"}, []string{"unknown key"}},
		{"config check, --lang en beats the locale", map[string]string{"LANG": "zh_TW.UTF-8"}, []string{"config", "check", "--lang", "en", typo},
			[]string{`unknown key "wrokers"`}, []string{"不認得"}},
		{"check, zh by flag", nil, []string{"check", "--lang", "zh", "--config", typo, csv},
			[]string{"不認得的設定 「wrokers」"}, []string{"unknown key"}},
		{"import, a bad setting in zh", map[string]string{"LANG": "zh_TW.UTF-8"}, []string{"import", "--workers", "0", csv},
			[]string{"請設 1 到 64"}, []string{"want 1 to 64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.env, tt.args...)
			if r.code != ExitCantRun {
				t.Fatalf("want exit %d:\n%s", ExitCantRun, r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, r)
				}
			}
		})
	}
}
