package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// Office files, third round (issue 21): workbooks the way Taiwanese
// offices keep them, imported into the simulator, whose store is counted.

// A blank-code row with no name and no 統編 never becomes a customer,
// even with defaults: {CBELE: 0}: a sum with no label and a sign-off row
// are SKIPPED, any other such row is INVALID 沒有客戶名稱.
func TestNoCustomerFromSumOrSignOff(t *testing.T) {
	dir := t.TempDir()
	mappingFile := writeFile(t, dir, "m.yaml", []byte("defaults:\n  CBELE: 0\n"))
	xlsx := xlsxFile(t, filepath.Join(dir, "名單.xlsx"), map[string][][]any{"客戶": {
		{"客戶代號", "客戶名稱", "電話", "信用額度", "紅利點數"},
		{nil, "台北商行", "02-23456789", 1000},
		{nil, "高雄企業社", "07-1234567", 2000, 5},
		{nil, nil, nil, 3000, 5},        // the sum, no label
		{nil, "經理", "副理", "會計"},         // sign-off, separate cells
		{"主管", "經辦:王小明", "承辦: 林", "出納"}, // more sign-offs, one in the code column
		{nil, "覆核", nil, nil},
		{nil, nil, "0912345678", 500}, // a customer without a name
	}}, []string{"客戶"}, nil)
	csvIn := writeFile(t, dir, "名單.csv", []byte(
		"客戶代號,客戶名稱,電話,信用額度,紅利點數\r\n"+
			",台北商行,02-23456789,1000,\r\n"+
			",高雄企業社,07-1234567,\"2,000\",5\r\n"+
			",,,\"3,000\",5\r\n"+
			",經理,副理,會計,\r\n"+
			"主管,經辦:王小明,承辦: 林,出納,\r\n"+
			",覆核,,,\r\n"+
			",,0912345678,500,\r\n"))
	for _, in := range []string{xlsx, csvIn} {
		t.Run(filepath.Ext(in), func(t *testing.T) {
			sim, _, env := startSim(t)
			res := run(t, env, "import", in, "--mapping", mappingFile, "--lang", "en")
			if res.code != ExitRows {
				t.Fatalf("exit %d, want 1 (one row without a name)\n%s", res.code, res)
			}
			if n := len(sim.Customers()); n != 2 {
				t.Fatalf("the simulator holds %d customers, want 2: %v", n, sim.Customers())
			}
			tb := readResults(t, in)
			want := []string{"OK", "OK", "SKIPPED", "SKIPPED", "SKIPPED", "SKIPPED", "INVALID"}
			for i, w := range want {
				if got := tb.cell(t, i, "ImportStatus"); got != w {
					t.Errorf("row %d: %s, want %s (%s)", i+2, got, w, tb.cell(t, i, "ImportErrorMessage"))
				}
			}
			if msg := tb.cell(t, 2, "ImportErrorMessage"); !strings.Contains(msg, "sum row without a label") || !strings.Contains(msg, "信用額度") {
				t.Errorf("the sum row's message: %q", msg)
			}
			if msg := tb.cell(t, 6, "ImportErrorMessage"); !strings.Contains(msg, "no customer name") {
				t.Errorf("the nameless row's message: %q", msg)
			}
		})
	}
	// In Chinese, as office staff read it.
	res := run(t, nil, "check", csvIn, "--mapping", mappingFile, "--out", filepath.Join(dir, "zh.csv"))
	if tb := readCSVTable(t, filepath.Join(dir, "zh.csv")); !strings.Contains(tb.cell(t, 6, "ImportErrorMessage"), "沒有客戶名稱") {
		t.Errorf("zh message: %q\n%s", tb.cell(t, 6, "ImportErrorMessage"), res)
	}
}

// readResults reads the default results of an input: the workbook's or
// the CSV's.
func readResults(t *testing.T, in string) table {
	t.Helper()
	stem := strings.TrimSuffix(in, filepath.Ext(in))
	if strings.EqualFold(filepath.Ext(in), ".xlsx") {
		return readXLSXTable(t, stem+".results.xlsx")
	}
	return readCSVTable(t, stem+".results.csv")
}
