package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer"
)

// Office files, third round (issue 21): workbooks the way Taiwanese
// offices keep them, imported into the simulator, whose store is counted.

// A blank-code row with no name and no 統編 never becomes a customer,
// even with defaults: {CBELE: 0}: a sum with no label and a sign-off row
// are SKIPPED, any other such row is INVALID 沒有客戶名稱.
func TestNoCustomerFromSumOrSignOff(t *testing.T) {
	t.Parallel()
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

// readResults reads the default results of an input.
func readResults(t *testing.T, in string) table {
	t.Helper()
	out := importer.DefaultOut(in, "")
	if strings.EqualFold(filepath.Ext(out), ".xlsx") {
		return readXLSXTable(t, out)
	}
	return readCSVTable(t, out)
}

// Headers offices write are the catalog's: 連絡電話, TEL., Mobile, 公司統編,
// 代表人, 住址, FAX, E-mail, 說明 all land in their fields. A column that
// maps to nothing but holds phones, e-mails or dates is named in a warning
// with the field it looks like, and the summary carries the suggestion;
// it is not imported on a guess.
func TestHeadersOfficesWrite(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "通訊錄.csv", []byte(
		"客戶代號,客戶名稱,連絡電話,Mobile,公司統編,代表人,住址,FAX,E-mail,說明,信用額度,行動號碼,聯絡信箱地址,生辰\r\n"+
			"H1,台北商行,02-23456789,0912-345-678,04595257,王大明,台北市信義路1號,02-23456780,a@example.com.tw,老客戶,100,0933-111-222,b@example.com,1985/03/04\r\n"+
			"H2,高雄企業社,07-1234567,0922333444,,林小美,高雄市,,,,200,0955-666-777,c@example.com,1990/12/31\r\n"))
	summary := filepath.Join(dir, "s.json")
	res := run(t, env, "import", in, "--lang", "en", "--summary-json", summary)
	if res.code != ExitOK {
		t.Fatalf("exit %d\n%s", res.code, res)
	}
	var h1 map[string]any
	for _, c := range sim.Customers() {
		if c["CCODE"] == "H1" {
			h1 = c
		}
	}
	want := map[string]string{"CTELE": "02-23456789", "CPHONE": "0912-345-678", "CTCOD": "04595257",
		"CSNA3": "王大明", "CADD1": "台北市信義路1號", "CTFAX": "02-23456780", "EMAIL": "a@example.com.tw", "CBAK1": "老客戶"}
	for code, v := range want {
		if got := toString(h1[code]); got != v {
			t.Errorf("H1 %s: %q, want %q (all: %v)", code, got, v, h1)
		}
	}
	if _, ok := h1["CBIRD"]; ok || h1["CTEL2"] != nil {
		t.Errorf("a suggested column was imported on a guess: %v", h1)
	}
	// 聯絡信箱地址 holds e-mails, but EMAIL has its column: no suggestion.
	for _, w := range []string{`column L "行動號碼" maps to no field`, "looks like CTEL2 (phone 2)", `column M "聯絡信箱地址" matches no field`,
		`column N "生辰" maps to no field`, "CBIRD (birthday)"} {
		if !strings.Contains(res.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, res)
		}
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Suggestions []struct{ Column, Header, Field, Example string }
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(s.Suggestions); got != "[{L 行動號碼 CTEL2 0933-111-222} {N 生辰 CBIRD 1985/03/04}]" {
		t.Errorf("summary suggestions: %s", got)
	}
	other := writeFile(t, dir, "other.csv", []byte("客戶代號,客戶名稱,信用額度,聯絡信箱地址\r\nE1,甲,1,a@example.com\r\n"))
	if res := run(t, nil, "check", other, "--lang", "en"); !strings.Contains(res.stdout, "looks like EMAIL (e-mail)") {
		t.Errorf("a column of e-mails with EMAIL free:\n%s", res)
	}
}

// Two-row headers in general: a merged parent over sub-headings (電話
// over 公司 and 手機, 地址 over 公司, 發票 and 送貨, 聯絡人 over 姓名 and
// 電話) reads as one header, never as a customer; 地址/送貨 names no
// field and is warned about.
func TestTwoRowHeaders(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "名單.xlsx"), map[string][][]any{"客戶": {
		{"客戶名單 2026"},
		{"客戶代號", "客戶名稱", "信用額度", "電話", nil, "地址", nil, nil},
		{nil, nil, nil, "公司", "手機", "公司", "發票", "送貨"},
		{"T1", "台北商行", 100, "02-23456789", "0912-345-678", "台北市信義路1號", "台北市信義路2號", "新北市板橋區"},
		{"T2", "高雄企業社", 200, "07-1234567", "0933-111-222", "高雄市", "", "高雄市前鎮區"},
	}}, []string{"客戶"}, func(f *excelize.File) {
		for _, r := range [][2]string{{"D2", "E2"}, {"F2", "H2"}, {"A2", "A3"}, {"B2", "B3"}, {"C2", "C3"}} {
			if err := f.MergeCell("客戶", r[0], r[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	contact := writeFile(t, dir, "聯絡人.csv", []byte("客戶代號,客戶名稱,信用額度,聯絡人,\r\n,,,姓名,電話\r\nC1,甲,1,王小明,02-23456789\r\n"))
	res := run(t, env, "import", in, "--lang", "en")
	if res.code != ExitOK || !strings.Contains(res.stdout, `"地址/送貨" matches no field`) {
		t.Fatalf("exit %d, want 0 with a warning about 地址/送貨\n%s", res.code, res)
	}
	if res := run(t, env, "import", contact, "--lang", "en"); res.code != ExitOK {
		t.Fatalf("聯絡人 over 姓名 and 電話: exit %d\n%s", res.code, res)
	}
	got := map[string]map[string]any{}
	for _, c := range sim.Customers() {
		got[toString(c["CCODE"])] = c
	}
	if len(got) != 3 {
		t.Fatalf("the simulator holds %d customers, want 3 (no sub-heading row): %v", len(got), sim.Customers())
	}
	want := map[string]map[string]string{
		"T1": {"CTELE": "02-23456789", "CPHONE": "0912-345-678", "CADD1": "台北市信義路1號", "CADD2": "台北市信義路2號"},
		"T2": {"CTELE": "07-1234567", "CPHONE": "0933-111-222", "CADD1": "高雄市"},
		"C1": {"CMAN1": "王小明", "CTELE": "02-23456789"},
	}
	for code, fields := range want {
		for f, v := range fields {
			if g := toString(got[code][f]); g != v {
				t.Errorf("%s %s: %q, want %q (%v)", code, f, g, v, got[code])
			}
		}
	}
	// The results keep both header rows as they were: fed back, they read
	// the same.
	tb := readXLSXTable(t, filepath.Join(dir, "名單.results.xlsx"))
	if tb.headerRow != 2 || tb.rows[0][3] != "公司" || tb.rows[0][4] != "手機" {
		t.Errorf("results: header on row %d, sub-headings %q", tb.headerRow, tb.rows[0])
	}
	again := run(t, env, "check", filepath.Join(dir, "名單.results.xlsx"), "--lang", "en", "--out", filepath.Join(dir, "again.csv"))
	if again.code != ExitOK || !strings.Contains(again.stdout, "Rows: 2") {
		t.Errorf("the results fed back:\n%s", again)
	}
}

// Values people type: 統編 grouped with a space or a dash, 男生/女生 and
// 先生/小姐/女士, "-" for zero and 5萬 / 1.5萬 / 10k for amounts (with a
// warning saying what was read), and a birthday in a date-time cell.
func TestValuesPeopleType(t *testing.T) {
	t.Parallel()
	sim, _, env := startSim(t)
	dir := t.TempDir()
	in := xlsxFile(t, filepath.Join(dir, "名單.xlsx"), map[string][][]any{"客戶": {
		{"客戶代號", "客戶名稱", "統編", "性別", "信用額度", "免運門檻", "生日"},
		{"P1", "甲", "0459 5257", "男生", "-", "3千", time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC)},
		{"P2", "乙", "0459-5257", "女生", "5萬", nil, nil},
		{"P3", "丙", nil, "小姐", "1.5萬", nil, nil},
		{"P4", "丁", nil, "先生", "10k", nil, nil},
		{"P5", "戊", nil, "女士", 100, nil, nil},
	}}, []string{"客戶"}, func(f *excelize.File) {
		format := "yyyy/mm/dd hh:mm:ss"
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("客戶", "G2", "G2", st); err != nil {
			t.Fatal(err)
		}
	})
	res := run(t, env, "import", in, "--lang", "en")
	if res.code != ExitOK {
		t.Fatalf("exit %d\n%s", res.code, res)
	}
	got := map[string]map[string]any{}
	for _, c := range sim.Customers() {
		got[toString(c["CCODE"])] = c
	}
	want := map[string]map[string]string{
		"P1": {"CTCOD": "04595257", "Sex": "1", "CBELE": "0", "CwebM": "3000", "CBIRD": "1985/03/04"},
		"P2": {"CTCOD": "04595257", "Sex": "2", "CBELE": "50000"},
		"P3": {"Sex": "2", "CBELE": "15000"},
		"P4": {"Sex": "1", "CBELE": "10000"},
		"P5": {"Sex": "2", "CBELE": "100"},
	}
	if len(got) != len(want) {
		t.Fatalf("the simulator holds %d customers, want %d", len(got), len(want))
	}
	for code, fields := range want {
		for f, v := range fields {
			if g := toString(got[code][f]); g != v {
				t.Errorf("%s %s: %q, want %q", code, f, g, v)
			}
		}
	}
	tb := readXLSXTable(t, filepath.Join(dir, "名單.results.xlsx"))
	for i, w := range []string{`"-" read as 0`, `"5萬" read as 50000`, `"1.5萬" read as 15000`, `"10k" read as 10000`, ""} {
		if got := tb.cell(t, i, "ImportWarnings"); !strings.Contains(got, w) || (w == "" && got != "") {
			t.Errorf("row %d warnings %q, want %q", i+2, got, w)
		}
	}
	if got := tb.cell(t, 0, "ImportWarnings"); !strings.Contains(got, `"3千" read as 3000`) {
		t.Errorf("row 2 warnings %q", got)
	}
	if got := tb.cell(t, 0, "生日"); got != "1985/03/04" {
		t.Errorf("the date-time cell shows back as %q, want the date typed", got)
	}
}

// Several list sheets: without --sheet the run stops naming them and
// sends nothing; --sheet 北區,南區 or --sheet all imports them in one run,
// into one results workbook with a results sheet per input sheet (CSV
// results: one file per sheet). A visible lookup sheet is not a list.
func TestSeveralListSheets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	book := func(name string) string {
		return xlsxFile(t, filepath.Join(dir, name), map[string][][]any{
			"說明":  {{"填寫說明"}, {"每區一頁"}},
			"北區":  {{"客戶代號", "客戶名稱", "信用額度"}, {"N1", "台北商行", 100}, {"N2", "基隆商行", "abc"}},
			"南區":  {{"南區客戶"}, {"客戶代號", "客戶名稱", "信用額度"}, {"S1", "高雄商行", 300}},
			"業務員": {{"業務代號", "業務員"}, {"A1", "王小明"}},
		}, []string{"說明", "北區", "南區", "業務員"}, nil)
	}
	in := book("分區.xlsx")
	sim, _, env := startSim(t)
	for _, cmd := range []string{"check", "import"} {
		res := run(t, env, cmd, in, "--lang", "en")
		if res.code != ExitCantRun || !strings.Contains(res.stderr, `"北區", "南區"`) || !strings.Contains(res.stderr, "--sheet all") {
			t.Errorf("%s without --sheet: want exit 2 naming both sheets\n%s", cmd, res)
		}
	}
	if n := len(sim.Customers()); n != 0 {
		t.Fatalf("a refused run sent %d customers", n)
	}
	summary := filepath.Join(dir, "s.json")
	res := run(t, env, "import", in, "--sheet", "北區,南區", "--lang", "en", "--summary-json", summary)
	if res.code != ExitRows {
		t.Fatalf("--sheet 北區,南區: exit %d, want 1 (N2 is invalid)\n%s", res.code, res)
	}
	if n := len(sim.Customers()); n != 2 {
		t.Fatalf("the simulator holds %d customers, want N1 and S1: %v", n, sim.Customers())
	}
	out := filepath.Join(dir, "分區.results.xlsx")
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); got != "北區,南區,Summary" {
		t.Errorf("results sheets %q", got)
	}
	f.Close()
	north, south := readXLSXSheet(t, out, "北區"), readXLSXSheet(t, out, "南區")
	if north.cell(t, 0, "ImportStatus") != "OK" || north.cell(t, 1, "ImportStatus") != "INVALID" || south.cell(t, 0, "ImportStatus") != "OK" || south.headerRow != 2 {
		t.Errorf("results: 北區 %q, 南區 %q (header row %d)", north.rows, south.rows, south.headerRow)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var sj struct {
		Sheets []struct {
			Counts map[string]int
		}
		ExitCode int `json:"exit_code"`
	}
	if err := json.Unmarshal(data, &sj); err != nil || len(sj.Sheets) != 2 || sj.ExitCode != 1 || sj.Sheets[1].Counts["OK"] != 1 {
		t.Errorf("summary json %s (%v)", data, err)
	}
	// --sheet all: the same sheets, the lookup sheet left alone.
	sim2, _, env2 := startSim(t)
	all := book("全部.xlsx")
	if res := run(t, env2, "import", all, "--sheet", "all", "--lang", "en"); res.code != ExitRows || len(sim2.Customers()) != 2 {
		t.Errorf("--sheet all: exit %d, %d customers\n%s", res.code, len(sim2.Customers()), res)
	}
	// CSV results: one file per sheet.
	csvOut := filepath.Join(dir, "check.csv")
	if res := run(t, nil, "check", all, "--sheet", "all", "--out", csvOut); res.code != ExitRows {
		t.Errorf("check --sheet all --out x.csv: exit %d\n%s", res.code, res)
	}
	if tb := readCSVTable(t, filepath.Join(dir, "check.北區.csv")); len(tb.rows) != 2 {
		t.Errorf("check.北區.csv: %q", tb.rows)
	}
	if tb := readCSVTable(t, filepath.Join(dir, "check.南區.csv")); len(tb.rows) != 1 || tb.cell(t, 0, "ImportStatus") != "VALID" {
		t.Errorf("check.南區.csv: %q", tb.rows)
	}
	// A name that is not a list sheet stops the run before anything is sent.
	sim3, _, env3 := startSim(t)
	if res := run(t, env3, "import", all, "--sheet", "北區,西區", "--lang", "en"); res.code != ExitCantRun || len(sim3.Customers()) != 0 {
		t.Errorf("--sheet 北區,西區: exit %d, %d customers\n%s", res.code, len(sim3.Customers()), res)
	}
}

// readXLSXSheet reads one sheet of a results workbook.
func readXLSXSheet(t *testing.T, path, sheet string) table {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return newTable(t, all)
}

// Folder mode gets clean again: an .xls and a workbook with two lists
// go to failed/ with a .why.txt each (in the run's language), the good
// file is imported; the next night, with nothing new, exits 0.
func TestFolderGetsCleanAgain(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0}
	writeFile(t, dir, "舊檔.xls", ole)
	list := [][]any{{"客戶代號", "客戶名稱", "信用額度"}, {"W1", "甲", 1}}
	xlsxFile(t, filepath.Join(dir, "分區.xlsx"), map[string][][]any{"北區": list, "南區": {{"客戶代號", "客戶名稱", "信用額度"}, {"W2", "乙", 1}}},
		[]string{"北區", "南區"}, nil)
	writeFile(t, dir, "good.csv", []byte("客戶代號,客戶名稱,信用額度\r\nG1,好,1\r\n"))
	night := func() runResult {
		clitest.Backdate(t, dir)
		return run(t, env, "import", dir, "--quiet")
	}
	first := night()
	if first.code != ExitRows {
		t.Fatalf("night 1: exit %d, want 1\n%s", first.code, first)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "failed"))
	var failed []string
	for _, e := range entries {
		failed = append(failed, e.Name())
	}
	if got := strings.Join(failed, " "); got != "分區.xlsx 分區.xlsx.why.txt 舊檔.xls 舊檔.xls.why.txt" {
		t.Errorf("failed/: %s", got)
	}
	why, _ := os.ReadFile(filepath.Join(dir, "failed", "分區.xlsx.why.txt"))
	if !strings.Contains(string(why), `"北區", "南區"`) || !strings.Contains(string(why), "--sheet all") || !strings.Contains(string(why), "未匯入") {
		t.Errorf("分區.xlsx.why.txt: %s", why)
	}
	why, _ = os.ReadFile(filepath.Join(dir, "failed", "舊檔.xls.why.txt"))
	if !strings.Contains(string(why), ".xlsx") || !strings.Contains(string(why), "未匯入") {
		t.Errorf("舊檔.xls.why.txt: %s", why)
	}
	if _, err := os.Stat(filepath.Join(dir, "done", "good.csv")); err != nil {
		t.Errorf("good.csv not in done/: %v", err)
	}
	if n := len(sim.Customers()); n != 1 {
		t.Errorf("the simulator holds %d customers, want G1 only", n)
	}
	if second := night(); second.code != ExitOK {
		t.Errorf("night 2 (nothing new): exit %d, want 0\n%s", second.code, second)
	}
}

// A sheet too wide for XLSX results (16,384 columns with the results'):
// nothing is sent, and the message says what to do; CSV results work.
func TestTooWideForXLSXResults(t *testing.T) {
	sim, _, env := startSim(t)
	dir := t.TempDir()
	header := append([]string{"客戶代號", "客戶名稱", "信用額度"}, make([]string, 16380)...)
	header = append(header, "備查")
	row := append([]string{"W1", "甲", "1"}, make([]string, 16381)...)
	in := writeFile(t, dir, "wide.csv", csvBytes(t, header, row))
	res := run(t, env, "import", in, "--out", filepath.Join(dir, "r.xlsx"), "--lang", "en")
	if res.code != ExitCantRun || !strings.Contains(res.stderr, "16,384") || !strings.Contains(res.stderr, "--out results.csv") || len(sim.Customers()) != 0 {
		t.Errorf("XLSX results too wide: exit %d, %d customers\n%s", res.code, len(sim.Customers()), res)
	}
	if res := run(t, env, "import", in, "--out", filepath.Join(dir, "r.csv")); res.code != ExitOK || len(sim.Customers()) != 1 {
		t.Errorf("CSV results: exit %d\n%s", res.code, res)
	}
}
