package cli

import (
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/tms/tmssim"
)

// A single file, and every sheet of a workbook (--sheet all), are sent
// only after the connection test the page and folder mode run: with a
// refused signature, a wrong pno or a TMS nobody answers, the run exits
// 2 naming the setting, sends nothing, opens no ledger and writes no
// results.
func TestImportTestsTheConnectionFirst(t *testing.T) {
	sim, err := tmssim.New(tmssim.Config{PNO: testPNO, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { srv.Close(); sim.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()

	tests := []struct {
		name string
		env  map[string]string
		want string // in the zh terminal: the setting named
	}{
		{"a refused signature", map[string]string{"TMS_URL": srv.URL, "TMS_PNO": testPNO, "TMS_API_KEY": "another key"}, "金鑰"},
		{"a wrong pno", map[string]string{"TMS_URL": srv.URL, "TMS_PNO": "NOSUCH", "TMS_API_KEY": testKey}, "pno"},
		{"TMS unreachable", map[string]string{"TMS_URL": down, "TMS_PNO": testPNO, "TMS_API_KEY": testKey}, "無法連線"},
	}
	for _, tt := range tests {
		for _, input := range []string{"one file", "--sheet all"} {
			t.Run(tt.name+", "+input, func(t *testing.T) {
				dir := t.TempDir()
				state := t.TempDir()
				env := map[string]string{"CUSTIMPORT_STATE_DIR": state}
				for k, v := range tt.env {
					env[k] = v
				}
				args := []string{"import", "--lang", "zh", "--max-attempts", "1"}
				var in, out string
				if input == "one file" {
					in = sendInput(t, dir)
					out = filepath.Join(dir, "send.results.xlsx")
				} else {
					in = xlsxFile(t, filepath.Join(dir, "book.xlsx"), map[string][][]any{
						"北區": {{"客戶代號", "客戶名稱", "信用額度"}, {"N1", "台北商行", 100}},
						"南區": {{"客戶代號", "客戶名稱", "信用額度"}, {"S1", "高雄商行", 300}},
					}, []string{"北區", "南區"}, nil)
					out = filepath.Join(dir, "book.results.xlsx")
					args = append(args, "--sheet", "all")
				}
				before := sim.Stats()
				res := run(t, env, append(args, in)...)
				if res.code != ExitCantRun {
					t.Fatalf("exit %d, want 2\n%s", res.code, res)
				}
				for _, w := range []string{tt.want, "沒有送出任何資料"} {
					if !strings.Contains(res.stderr, w) {
						t.Errorf("stderr does not say %q\n%s", w, res)
					}
				}
				speaksOnly(t, "the terminal", res.stdout+res.stderr)
				if n := len(sim.Customers()); n != 0 {
					t.Errorf("the simulator holds %d customers, want none", n)
				}
				after := sim.Stats()
				if got := after.Requests - before.Requests; got != 0 {
					t.Errorf("TMS got %d /Cust/Add requests, want none", got)
				}
				if got := after.Queries - before.Queries; tt.name != "TMS unreachable" && got != 1 {
					t.Errorf("TMS got %d read-only requests, want 1 (the connection test)", got)
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("results written: %s", out)
				}
				if entries, _ := os.ReadDir(state); len(entries) != 0 {
					t.Errorf("the ledger folder holds %d entries, want none: the run opened a ledger", len(entries))
				}
			})
		}
	}
	// The same settings with --dry-run (and check) send nothing: no test.
	res := run(t, map[string]string{"TMS_URL": down, "TMS_PNO": testPNO, "TMS_API_KEY": testKey}, "check", "--lang", "zh", sendInput(t, t.TempDir()))
	if res.code == ExitCantRun {
		t.Errorf("check tested the connection:\n%s", res)
	}
}
