package cli

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
)

// TestLedgerURLSetting: ledger_url comes from the config, then
// CUSTIMPORT_LEDGER_URL, then --ledger-url, and reaches the connection
// the import, the page and folder mode open the ledger with; a config
// file's ledger_url with a password is refused, naming the key and where
// the password goes; a value that is not a postgres:// URL is refused.
func TestLedgerURLSetting(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := write("plain.yaml", "ledger_url: postgres://team@db.lan/ledger?passfile=/etc/pgpass\n")
	secret := write("secret.yaml", "ledger_url: postgres://team:hunter2@db.lan/ledger\n")
	param := write("param.yaml", "ledger_url: postgres://team@db.lan/ledger?password=hunter2\n")
	notURL := write("noturl.yaml", "ledger_url: /srv/share/ledger\n")
	for _, tc := range []struct {
		name    string
		cfg     string
		env     map[string]string
		args    []string
		want    string
		wantErr string
	}{
		{"config", plain, nil, nil, "postgres://team@db.lan/ledger?passfile=/etc/pgpass", ""},
		{"env over config", plain, map[string]string{"CUSTIMPORT_LEDGER_URL": "postgres://env@db/x"}, nil, "postgres://env@db/x", ""},
		{"flag over env", plain, map[string]string{"CUSTIMPORT_LEDGER_URL": "postgres://env@db/x"}, []string{"--ledger-url", "postgresql://flag@db/x"}, "postgresql://flag@db/x", ""},
		{"none", "", nil, nil, "", ""},
		{"password in the config", secret, nil, nil, "", "ledger_url must not carry a password"},
		{"password parameter in the config", param, nil, nil, "", "ledger_url must not carry a password"},
		{"not a URL", notURL, nil, nil, "", "want a postgres:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			s := settings.Default()
			settings.Register(fs, &s, true)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			eff, err := loadSettings(fs, tc.cfg, func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows the password: %v", err)
				}
				if errors.Is(err, settings.ErrLedgerPassword) && explanation(err, "zh") == "" {
					t.Errorf("no zh explanation for %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if eff.LedgerURL != tc.want {
				t.Errorf("ledger URL %q, want %q", eff.LedgerURL, tc.want)
			}
			if got := connection(eff, IO{}, nil, nil).LedgerURL; got != tc.want {
				t.Errorf("the connection's ledger URL %q, want %q", got, tc.want)
			}
		})
	}
}
