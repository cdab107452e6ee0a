package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleMappingFile imports a sheet whose headers only the shipped
// samples/mapping.yaml explains, and checks what reached the simulator.
func TestSampleMappingFile(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "old-system.csv")
	os.WriteFile(in, []byte("舊系統客編,公司全名,負責業務,內部備忘,信用額度,發票開立稅別,生日\n"+
		"M001,舊系統公司,S01,不要匯入,,,113/05/01\n"+
		"M002,另一家,S02,x,5000,3,\n"), 0o644)
	var out, errb bytes.Buffer
	code := Main([]string{"import", in, "--mapping", "../../../../samples/mapping.yaml"},
		IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "內部備忘") {
		t.Errorf("the ignored column 內部備忘 was warned about:\n%s%s", out.String(), errb.String())
	}
	got := map[string]map[string]any{}
	for _, c := range sim.Customers() {
		got[c["CCODE"].(string)] = c
	}
	tests := []struct{ code, field, want string }{
		{"M001", "CNAM1", "舊系統公司"},
		{"M001", "CSCOD", "S01"},
		{"M001", "CBELE", "0"},          // default from the mapping file
		{"M001", "CTAX1", "1"},          // default from the mapping file
		{"M001", "CBIRD", "2024/05/01"}, // ROC date, sent western
		{"M002", "CBELE", "5000"},
		{"M002", "CTAX1", "3"},
	}
	for _, tt := range tests {
		c, ok := got[tt.code]
		if !ok {
			t.Fatalf("%s not in the store: %v", tt.code, got)
		}
		if v := toString(c[tt.field]); v != tt.want {
			t.Errorf("%s %s: got %q, want %q", tt.code, tt.field, v, tt.want)
		}
	}
	if _, ok := got["M001"]["CBAK1"]; ok {
		t.Error("the ignored column reached TMS")
	}
	// The results keep every input column, the ignored one included.
	tb := readXLSXTable(t, filepath.Join(dir, "old-system.results.xlsx"))
	if tb.header[3] != "內部備忘" || tb.rows[0][3] != "不要匯入" {
		t.Errorf("results lost the ignored column: %q / %q", tb.header[3], tb.rows[0][3])
	}
}

func toString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
