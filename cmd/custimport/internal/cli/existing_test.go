package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/ledger"
)

// The new settings are config keys and flags, checked like the others.
func TestExistingSettings(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", []byte("CCODE,CNAM1,CBELE\nA1,甲,1\n"))
	tests := []struct {
		name   string
		config string
		args   []string
		code   int
		out    string // a file that must be written
		stderr string
	}{
		{"xlsx by default", "", nil, ExitOK, "in.results.xlsx", ""},
		{"results_format csv", "results_format: csv\n", nil, ExitOK, "in.results.csv", ""},
		{"--results-format csv", "", []string{"--results-format", "CSV"}, ExitOK, "in.results.csv", ""},
		{"--out wins", "results_format: csv\n", []string{"--out", filepath.Join(dir, "x.xlsx")}, ExitOK, "x.xlsx", ""},
		{"a bad format", "results_format: ods\n", nil, ExitCantRun, "", "results_format"},
		{"existing_max_age in days", "existing_max_age: 45d\n", nil, ExitOK, "", ""},
		{"a bad age", "existing_max_age: soon\n", nil, ExitCantRun, "", "days"},
		{"--existing-max-age", "", []string{"--existing-max-age", "0"}, ExitCantRun, "", "days"},
		{"a missing list", "existing_customers: nope.csv\n", nil, ExitCantRun, "", "nope.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []string{"in.results.xlsx", "in.results.csv", "x.xlsx"} {
				os.Remove(filepath.Join(dir, f))
			}
			args := []string{"check"}
			if tt.config != "" {
				args = append(args, "--config", writeFile(t, t.TempDir(), "c.yaml", []byte(tt.config)))
			}
			res := run(t, nil, append(append(args, tt.args...), in)...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d with %q\n%s", res.code, tt.code, tt.stderr, res)
			}
			if tt.out != "" {
				if _, err := os.Stat(filepath.Join(dir, tt.out)); err != nil {
					t.Errorf("%s not written: %v", tt.out, err)
				}
			}
		})
	}
	cfgDir := t.TempDir()
	writeFile(t, cfgDir, "list.csv", []byte("客戶代號,客戶名稱,統一編號\nA1,甲,04595257\nA2,乙,\n"))
	env := map[string]string{"TMS_API_KEY": "k"}
	res := run(t, env, "config", "check", writeFile(t, cfgDir, "c.yaml", []byte("url: http://127.0.0.1:1\npno: P\nexisting_customers: list.csv\nupdate_existing: true\n")))
	// A path in a config file is relative to the file's folder; the list
	// must read.
	for _, want := range []string{"existing_customers: " + filepath.Join(cfgDir, "list.csv"), "update_existing: true", "existing_max_age: 30d",
		"results_format: xlsx", "# existing customers: 2 (1 with 統編)"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("config check does not show %q:\n%s", want, res)
		}
	}
	if res.code != ExitOK {
		t.Errorf("config check: exit %d\n%s", res.code, res)
	}
	res = run(t, env, "config", "check", writeFile(t, cfgDir, "bad.yaml", []byte("url: http://127.0.0.1:1\npno: P\nexisting_customers: c.yaml\n")))
	if res.code != ExitCantRun || !strings.Contains(res.stderr, "客戶代號") {
		t.Errorf("config check of a list without codes: exit %d\n%s", res.code, res)
	}
}

func TestLoadExistingCommand(t *testing.T) {
	_, srv, env := startSim(t)
	dir := t.TempDir()
	list := writeFile(t, dir, "export.csv", []byte("客戶代號,客戶名稱,統一編號\nA001,甲公司,04595257\nA002,乙公司,\nA001,重複,\n,無代號,\n"))
	tests := []struct {
		name string
		args []string
		code int
		out  []string
	}{
		{"loaded", []string{list, "--as-of", "2026/11/30"}, ExitOK,
			[]string{"read 2 existing customer codes, 1 with 統編, as of 2026-11-30", "1 rows without a 客戶代號", "1 codes given twice", "A001"}},
		{"no code column", []string{writeFile(t, dir, "names.csv", []byte("客戶名稱\n甲\n"))}, ExitCantRun, []string{"客戶代號"}},
		{"no customers", []string{writeFile(t, dir, "empty.csv", []byte("客戶代號,客戶名稱\n"))}, ExitCantRun, []string{"nothing loaded"}},
		{"a bad date", []string{list, "--as-of", "yesterday"}, ExitCantRun, []string{"--as-of"}},
		{"no file", nil, ExitCantRun, []string{"load-existing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, env, append([]string{"ledger", "load-existing"}, tt.args...)...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tt.code, res)
			}
			for _, w := range tt.out {
				if !strings.Contains(res.stdout+res.stderr, w) {
					t.Errorf("output lacks %q\n%s", w, res)
				}
			}
		})
	}
	db := openLedger(t, env, srv.URL)
	got, ok, err := db.Existing(context.Background())
	if err != nil || !ok || len(got.Customers) != 2 || got.Info.AsOf.Format("2006-01-02") != "2026-11-30" || got.Info.Source != list {
		t.Errorf("the ledger holds %+v (%v, %v)", got, ok, err)
	}
}

// openLedger opens the ledger of the simulator at url read-only.
func openLedger(t *testing.T, env map[string]string, url string) *ledger.DB {
	t.Helper()
	tenant, err := ledger.NewTenant(url, testPNO, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := ledger.Open(context.Background(), env["CUSTIMPORT_STATE_DIR"], tenant, ledger.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// existing_customers in the config: an import loads the file into the
// ledger when it changed; a check reads a changed file without loading it.
func TestExistingCustomersConfig(t *testing.T) {
	sim, srv, env := startSim(t)
	dir := t.TempDir()
	list := writeFile(t, dir, "export.csv", []byte("客戶代號,客戶名稱\nA001,甲公司\n"))
	cfg := writeFile(t, dir, "c.yaml", []byte("existing_customers: "+list+"\n"))
	in := writeFile(t, dir, "in.csv", []byte("CCODE,CNAM1,CBELE\n,甲股份有限公司,1\n,乙公司,1\n"))
	statuses := func(res runResult, path string) string {
		t.Helper()
		tb := readXLSXTable(t, path)
		var st []string
		for i := range tb.rows {
			st = append(st, tb.cell(t, i, "ImportStatus"))
		}
		return strings.Join(st, ",")
	}
	res := run(t, env, "import", "--config", cfg, in)
	if got := statuses(res, filepath.Join(dir, "in.results.xlsx")); got != "INVALID,OK" || res.code != ExitRows {
		t.Fatalf("first import: %s\n%s", got, res)
	}
	if !strings.Contains(res.stdout, "既有客戶清單: 1 位客戶") {
		t.Errorf("the summary does not name the list:\n%s", res.stdout)
	}
	in2 := writeFile(t, dir, "in2.csv", []byte("CCODE,CNAM1,CBELE\n,丙有限公司,1\n"))
	res = run(t, env, "check", "--config", cfg, "--out", filepath.Join(dir, "c.xlsx"), in2)
	if got := statuses(res, filepath.Join(dir, "c.xlsx")); got != "VALID" {
		t.Errorf("check with the list unchanged: %s\n%s", got, res)
	}
	// Someone adds 丙公司 in TMS by hand; TMS's list is exported again.
	os.WriteFile(list, []byte("客戶代號,客戶名稱\nA001,甲公司\nC888,丙公司\n"), 0o600)
	res = run(t, env, "check", "--config", cfg, "--out", filepath.Join(dir, "c.xlsx"), in2)
	if got := statuses(res, filepath.Join(dir, "c.xlsx")); got != "INVALID" {
		t.Errorf("check with the changed list: %s\n%s", got, res)
	}
	db := openLedger(t, env, srv.URL)
	if got, _, _ := db.Existing(context.Background()); len(got.Customers) != 1 {
		t.Errorf("the check loaded the list into the ledger: %d customers", len(got.Customers))
	}
	res = run(t, env, "import", "--config", cfg, in2)
	if got := statuses(res, filepath.Join(dir, "in2.results.xlsx")); got != "INVALID" {
		t.Errorf("import with the changed list: %s\n%s", got, res)
	}
	if got, _, _ := db.Existing(context.Background()); len(got.Customers) != 2 {
		t.Errorf("the import did not load the changed list: %d customers", len(got.Customers))
	}
	if n := len(sim.Customers()); n != 1 {
		t.Errorf("TMS has %d customers, want 1", n)
	}
}
