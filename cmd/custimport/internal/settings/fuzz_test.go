package settings

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A config file of any bytes loads to settings that pass Check, or is
// refused with a settings error; it never panics.
func FuzzLoadConfig(f *testing.F) {
	for _, seed := range []string{
		"url: https://tms.example\npno: P\nworkers: 3\n",
		"wrokers: 3\n",
		"notify:\n  smtp:\n    hots: x\n",
		"defaults: {CTAX1: 1}\nexisting_max_age: 7d\n",
		"- a\n- b\n",
		"api_key: k\n",
		"timeout: 1h\nmax_retry_wait: 0s\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(cfg, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Load(Sources{Config: cfg})
		var se *Error
		switch {
		case err == nil:
			if cerr := s.Check(); cerr != nil {
				t.Fatalf("Load passed settings Check refuses: %v", cerr)
			}
		case !errors.As(err, &se):
			t.Fatalf("Load: an error without a code: %v", err)
		}
	})
}
