package ui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
)

// The page's import starts from the settings' job options, as the
// command line's does: the mapping file of the settings, and its
// date_formats, reach what TMS gets.
func TestPageSendsWithTheSettingsJob(t *testing.T) {
	t.Parallel()
	sim, conn := startSim(t)
	m := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(m, []byte("date_formats:\n  CBIRD: roc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := settings.Default()
	s.Connection = conn.Connection
	s.Mapping = m
	job, err := s.Job("upload")
	if err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, Config{Conn: conn, Job: job})
	if p := u.upload("a.csv", big5CSV(t, "客戶代號,客戶名稱,信用額度,生日", "A001,甲商行,1000,2024/05/01")); statusOf(p.body) != "VALID 1" {
		t.Fatalf("after the upload: %d, status %q", p.code, statusOf(p.body))
	}
	if p := u.post("/import", nil); p.code != 200 {
		t.Fatalf("import: %d %s", p.code, p.body)
	}
	readEvents(t, u)
	got := sim.Customers()
	if len(got) != 1 || got[0]["CBIRD"] != "113/05/01" {
		t.Errorf("TMS got %v, want one customer born 113/05/01 (the mapping's roc format)", got)
	}
}
