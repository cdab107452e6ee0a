package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocaleLang(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "zh_TW.UTF-8"}, "zh"},
		{map[string]string{"LANG": "zh_HK.Big5-HKSCS"}, "zh"},
		{map[string]string{"LANG": "zh-Hant-TW"}, "zh"},
		{map[string]string{"LANG": "zh_TW@euro"}, "zh"},
		{map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "zh_TW.UTF-8", "LC_MESSAGES": "en_GB"}, "en"},
		{map[string]string{"LANG": "en_US", "LC_ALL": "zh_TW"}, "zh"},
		{map[string]string{"LANG": "  "}, "zh"}, // set but blank: not set
		{map[string]string{}, "zh"},             // no locale (this test's OS has no UI language to ask)
	}
	for _, tt := range tests {
		t.Run(fmtEnv(tt.env), func(t *testing.T) {
			if got := localeLang(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func fmtEnv(env map[string]string) string {
	s := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, ok := env[k]; ok {
			s += k + "=" + v + " "
		}
	}
	if s == "" {
		return "unset"
	}
	return s
}

// --lang wins over the locale, the config file's lang over the locale too.
func TestLangDefaultsFromLocale(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(in, []byte("客戶代號,客戶名稱,信用額度\nA1,甲,100\n"), 0o600)
	res := run(t, map[string]string{"LANG": "en_US.UTF-8"}, "check", in)
	if !strings.Contains(res.stdout, "rows") && !strings.Contains(res.stdout, "Rows") {
		t.Errorf("LANG=en_US: the summary is not in English:\n%s", res)
	}
	res = run(t, map[string]string{"LANG": "en_US.UTF-8"}, "check", "--lang", "zh", in)
	if !strings.Contains(res.stdout, "資料列") {
		t.Errorf("LANG=en_US --lang zh: the summary is not in Chinese:\n%s", res)
	}
	res = run(t, map[string]string{"LANG": "zh_TW.UTF-8"}, "check", in)
	if !strings.Contains(res.stdout, "資料列") {
		t.Errorf("LANG=zh_TW: the summary is not in Chinese:\n%s", res)
	}
}
