package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A customer list shaped the way office staff keep one: a title, a
// two-row header (聯絡電話 merged over 市話 and 手機), a column with data
// but no header, a blank separator, a totals row, a count line, a
// signature line, and one more customer below them. Column F has no
// header (the merge of D:E is its neighbour; F is simply blank above).
func TestOfficeWorkbook(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	path := xlsxFile(t, filepath.Join(dir, "名單.xlsx"), map[string][][]any{"客戶": {
		{"2026 年度客戶名單"},
		{},
		{"客戶代號", "客戶名稱", "信用額度", "聯絡電話", nil, nil, "備註"},
		{nil, nil, nil, "市話", "手機"},
		{"O1", "台北商行", 50000, "02-2345-6789", "0912-345-678", "備忘: 老客戶"},
		{"O2", "高雄企業社", 30000, "07-1234567", "0933-111-222"},
		{},
		{"合計", nil, 80000},
		{"共 2 筆"},
		{"製表人: 王小明"},
		{},
		{"O3", "花蓮民宿", 1000},
	}}, []string{"客戶"}, func(f *excelize.File) {
		if err := f.MergeCell("客戶", "D3", "E3"); err != nil {
			t.Fatal(err)
		}
	})
	check := run(t, env, "check", path, "--lang", "en")
	if check.code != ExitOK {
		t.Fatalf("check: exit %d, want 0 (totals rows are SKIPPED, not errors)\n%s", check.code, check)
	}
	for _, want := range []string{"VALID 3", "SKIPPED 3", "column F"} {
		if !strings.Contains(check.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, check)
		}
	}
	// Results row N is input row N: the title, the blank row, the
	// sub-header and the blank separators are all kept.
	res := readXLSXTable(t, filepath.Join(dir, "名單.results.xlsx"))
	if res.headerRow != 3 {
		t.Errorf("the results' header is on row %d, want 3 as in the input", res.headerRow)
	}
	for row, want := range map[int]string{5: "VALID", 6: "VALID", 7: "", 8: "SKIPPED", 9: "SKIPPED", 10: "SKIPPED", 11: "", 12: "VALID"} {
		if got := res.cell(t, row-res.headerRow-1, "ImportStatus"); got != want {
			t.Errorf("results row %d: %q, want %q", row, got, want)
		}
	}
	if got := res.cell(t, 0, "聯絡電話") + "|" + res.rows[0][4]; got != "市話|手機" {
		t.Errorf("results row 4 (the sub-header) holds %q", got)
	}
	// Fed back, the results read as the input did.
	again := run(t, env, "check", filepath.Join(dir, "名單.results.xlsx"), "--lang", "en")
	if again.code != ExitOK || !strings.Contains(again.stdout, "VALID 3") || !strings.Contains(again.stdout, "SKIPPED 3") {
		t.Errorf("the results fed back read differently:\n%s", again)
	}
	imp := run(t, env, "import", path)
	if imp.code != ExitOK {
		t.Fatalf("import: exit %d\n%s", imp.code, imp)
	}
	customers := sim.Customers()
	if len(customers) != 3 {
		t.Fatalf("the simulator holds %d customers, want 3 (no 合計, no sub-header): %v", len(customers), customers)
	}
	for _, c := range customers {
		if c["CCODE"] == "O1" && (!strings.Contains(toString(c["CTELE"]), "2345") || !strings.Contains(toString(c["CPHONE"]), "0912")) {
			t.Errorf("O1: 市話 and 手機 not imported under the merged 聯絡電話: %v", c)
		}
	}
}

// A list without a 信用額度 column passes no row as INVALID, yet TMS
// refuses every new customer without it: check and import say so up
// front, naming both fixes.
func TestMissingCreditLimitWarned(t *testing.T) {
	_, _, env := startSim(t)
	in := writeFile(t, t.TempDir(), "list.csv", []byte("客戶代號,客戶名稱\nM1,甲\n"))
	for _, cmd := range []string{"check", "import"} {
		res := run(t, env, cmd, in, "--lang", "en", "--out", in+"."+cmd+".csv")
		if !strings.Contains(res.stdout, "CBELE") || !strings.Contains(res.stdout, "defaults") {
			t.Errorf("%s does not warn that new customers need CBELE:\n%s", cmd, res)
		}
	}
	withDefault := run(t, env, "check", in, "--lang", "en", "--mode", "update", "--out", in+".u.csv")
	if strings.Contains(withDefault.stdout, "CBELE") {
		t.Errorf("update mode (no adds) warned about CBELE:\n%s", withDefault)
	}
}

// A cover sheet in front of the list: the one sheet with a header is
// read (and the output says so); with several, the run stops listing them
// with the --sheet to use.
func TestCoverSheet(t *testing.T) {
	dir := t.TempDir()
	list := [][]any{{"客戶代號", "客戶名稱", "信用額度"}, {"S1", "甲", 1}}
	cover := [][]any{{"填寫說明"}, {"請勿更改第二頁的欄位名稱"}}
	one := xlsxFile(t, filepath.Join(dir, "one.xlsx"), map[string][][]any{"說明": cover, "客戶": list, "代碼表": list},
		[]string{"說明", "客戶", "代碼表"}, func(f *excelize.File) {
			f.SetSheetVisible("代碼表", false) // a hidden lookup sheet does not count
		})
	res := run(t, nil, "check", one, "--lang", "en")
	if res.code != ExitOK || !strings.Contains(res.stdout, `read sheet "客戶"`) || !strings.Contains(res.stdout, "VALID 1") {
		t.Errorf("cover sheet in front: want the list read and said so\n%s", res)
	}
	two := xlsxFile(t, filepath.Join(dir, "two.xlsx"), map[string][][]any{"空白": {}, "北區": list, "南區": list},
		[]string{"空白", "北區", "南區"}, nil)
	res = run(t, nil, "check", two)
	if res.code != ExitCantRun || !strings.Contains(res.stderr, `「北區」, 「南區」`) || !strings.Contains(res.stderr, "--sheet") {
		t.Errorf("two sheets with a header: want exit 2 listing them with --sheet\n%s", res)
	}
}

// Fixing a red cell must not re-break it: in the results the text
// fields' cells (統編, codes, phones) are formatted as text, so a 統編
// retyped there keeps its leading zero; number fields stay numbers.
func TestResultsTextCells(t *testing.T) {
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "in.xlsx"), map[string][][]any{"S": {
		{"客戶代號", "客戶名稱", "統一編號", "信用額度"}, {"T1", "甲", "0459525", 100},
	}}, []string{"S"}, nil)
	run(t, nil, "check", in)
	f, err := excelize.OpenFile(filepath.Join(dir, "in.results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	isText := func(cell string) bool {
		id, err := f.GetCellStyle(f.GetSheetName(0), cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.NumFmt == 49 || (st.CustomNumFmt != nil && *st.CustomNumFmt == "@")
	}
	for cell, want := range map[string]bool{"A2": true, "C2": true, "C3": true, "D2": false} {
		if got := isText(cell); got != want {
			t.Errorf("%s formatted as text: %v, want %v", cell, got, want)
		}
	}
}

// Hidden rows (by hand, or filtered out) are not imported without a
// word: a warning counts them; --skip-hidden leaves them out.
func TestHiddenRows(t *testing.T) {
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "in.xlsx"), map[string][][]any{"S": {
		{"客戶代號", "客戶名稱", "信用額度"}, {"H1", "甲", 1}, {"H2", "乙(舊)", 1}, {"H3", "丙", 1},
	}}, []string{"S"}, func(f *excelize.File) {
		if err := f.SetRowVisible("S", 3, false); err != nil {
			t.Fatal(err)
		}
	})
	res := run(t, nil, "check", in, "--lang", "en")
	if !strings.Contains(res.stdout, "VALID 3") || !strings.Contains(res.stdout, "1 rows hidden") || !strings.Contains(res.stdout, "--skip-hidden") {
		t.Errorf("hidden row imported without a word:\n%s", res)
	}
	out := filepath.Join(dir, "s.csv")
	res = run(t, nil, "check", in, "--lang", "en", "--skip-hidden", "--out", out)
	if !strings.Contains(res.stdout, "VALID 2") || !strings.Contains(res.stdout, "SKIPPED 1") || !strings.Contains(res.stdout, "left out") {
		t.Errorf("--skip-hidden:\n%s", res)
	}
	// Left out, not lost: the hidden row stays in the results, whole.
	tb := readCSVTable(t, out)
	if got := tb.cell(t, 1, "客戶名稱") + " " + tb.cell(t, 1, "ImportStatus"); got != "乙(舊) SKIPPED" {
		t.Errorf("results row 3: %q, want the hidden row kept as SKIPPED", got)
	}
	again := run(t, nil, "check", out, "--lang", "en", "--out", filepath.Join(dir, "again.csv"))
	if !strings.Contains(again.stdout, "VALID 2") || !strings.Contains(again.stdout, "SKIPPED 1") {
		t.Errorf("the results fed back: the skipped row is no longer skipped:\n%s", again)
	}
}
