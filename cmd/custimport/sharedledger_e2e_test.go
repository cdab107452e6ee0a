package main

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

// TestSharedLedgerUnreachableE2E: an import, a check and `ledger find`
// whose shared ledger (--ledger-url, CUSTIMPORT_LEDGER_URL) cannot be
// reached send nothing and exit 2 with the explanation, in Chinese by
// default; a config file whose ledger_url carries a password is refused
// before anything is sent, without showing the password.
func TestSharedLedgerUnreachableE2E(t *testing.T) {
	t.Parallel()
	sim := startSim(t)
	dir := t.TempDir()
	writeGenCSV(t, dir, "in.csv", "U", 5, func(i int) bool { return i%2 == 0 })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	url := fmt.Sprintf("postgres://custimport@127.0.0.1:%d/ledger?connect_timeout=5", port)
	env := simEnv(t, sim.URL)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"import --ledger-url", env, []string{"import", "in.csv", "--ledger-url", url}},
		{"import CUSTIMPORT_LEDGER_URL", withEnv(env, "CUSTIMPORT_LEDGER_URL="+url), []string{"import", "in.csv"}},
		{"check", env, []string{"check", "in.csv", "--ledger-url", url}},
		{"ledger find", env, []string{"ledger", "find", "row-1", "--ledger-url", url}},
	} {
		res := run(t, dir, tc.env, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, "連不上共用記錄檔") {
			t.Errorf("%s: want exit 2 and the explanation:\n%s", tc.name, res)
		}
	}
	writeFile(t, dir, "c.yaml", "ledger_url: postgres://team:hunter2@127.0.0.1:1/ledger\n")
	res := run(t, dir, env, "import", "in.csv", "--config", "c.yaml")
	if res.code != 2 || !strings.Contains(res.stderr, "ledger_url") || strings.Contains(res.stdout+res.stderr, "hunter2") {
		t.Errorf("a config's ledger_url with a password: want exit 2 naming ledger_url, never the password:\n%s", res)
	}
	nothingSent(t, sim)
}
