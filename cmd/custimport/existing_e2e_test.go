package main

// End-to-end tests of the customers TMS already has: a simulator seeded
// with customers custimport did not create (its state file written
// directly, as if typed in by hand over the years), the list of them
// loaded from what TMS's screens export, and imports that must not
// create them again. Each counts the simulator's store.

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// seeded are the customers TMS has before custimport ever ran.
var seeded = []map[string]any{
	{"CCODE": "0456", "CNAM1": "北極星貿易有限公司", "CNAM2": "北極星", "CTCOD": "04595257", "CTELE": "02-23456789", "CBELE": 0},
	{"CCODE": "B001", "CNAM1": "南風企業社", "CNAM2": "南風", "CBELE": 0},
	{"CCODE": "C100", "CNAM1": "大同商行台北店", "CNAM2": "大同北", "CTCOD": "22099131", "CBELE": 0},
	{"CCODE": "C101", "CNAM1": "大同商行台中店", "CNAM2": "大同中", "CTCOD": "22099131", "CBELE": 0},
	{"CCODE": "0789", "CNAM1": "零二商行", "CNAM2": "零二", "CBELE": 0},
}

// startSeededSim starts a simulator whose store holds the seeded
// customers, and writes TMS's export of them (a workbook with a title
// row, as TMS's customer screen gives it) into dir.
func startSeededSim(t *testing.T, dir string) (*clitest.Sim, string) {
	t.Helper()
	state, err := json.Marshal(map[string]any{"version": 1, "seq": 0, "customers": seeded})
	if err != nil {
		t.Fatal(err)
	}
	statePath := writeFile(t, t.TempDir(), "state.json", string(state))
	sim := startSim(t, "--state", statePath)
	rows := [][]string{{"客戶資料一覽表"}, {"客戶代號", "客戶簡稱", "客戶名稱", "統一編號", "電話", "業務員"}}
	for _, c := range seeded {
		rows = append(rows, []string{str(c["CCODE"]), str(c["CNAM2"]), str(c["CNAM1"]), str(c["CTCOD"]), str(c["CTELE"]), "S01"})
	}
	export := writeXLSX(t, dir, "TMS客戶匯出.xlsx", xlsxSheet{name: "客戶", rows: rows})
	wantCustomers(t, "seeded", sim, len(seeded))
	return sim, export
}

func TestExistingCustomersNotCreatedAgain(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim, export := startSeededSim(t, dir)
	env := simEnv(t, sim.URL)

	res := mustRun(t, dir, env, 0, "ledger", "load-existing", export, "--as-of", "2026-11-30")
	if !strings.Contains(res.stdout, "read 5 existing customer codes, 3 with 統編, as of 2026-11-30") || !strings.Contains(res.stdout, "2026-11-30") {
		t.Errorf("load-existing does not say what it read:\n%s", res)
	}

	header := []string{"客戶代號", "客戶名稱", "客戶簡稱", "統一編號", "電話", "信用額度"}
	writeFile(t, dir, "new.csv", csvText(t, [][]string{header,
		{"", "北極星貿易股份有限公司", "", "", "02-1111", "1"},     // the name of 0456, company form aside
		{"", "北極星國際", "", "04595257", "02-2222", "1"},   // the 統編 of 0456
		{"", "南風企業社", "", "", "02-3333", "1"},           // the name of B001
		{"", "大同商行台中店", "", "22099131", "02-4444", "1"}, // one of two of a 統編, named
		{"", "零 二 商 行", "", "", "02-5555", "1"},         // spaces aside
	}))
	requests := simRequests(t, sim)
	mustRun(t, dir, env, 1, "import", "new.csv")
	sh := readXLSX(t, filepath.Join(dir, "new.results.xlsx"))
	codes := wantStatuses(t, "blank codes", sh, "INVALID", "INVALID", "INVALID", "INVALID", "INVALID")
	if want := []string{"0456", "0456", "B001", "C101", "0789"}; !slices.Equal(codes, want) {
		t.Errorf("ImportCCODE %q, want the existing codes %q", codes, want)
	}
	for i, ec := range sh.column(t, "ImportErrorCode") {
		if ec != "EXISTS" {
			t.Errorf("row %d: ImportErrorCode %q, want EXISTS", i+2, ec)
		}
	}
	if msg := sh.column(t, "ImportErrorMessage")[1]; !strings.Contains(msg, "0456") || !strings.Contains(msg, "北極星貿易有限公司") || !strings.Contains(msg, "統一編號") {
		t.Errorf("row 3's message does not name the code, the name and the field matched: %s", msg)
	}
	wantCustomers(t, "blank codes", sim, len(seeded))
	if n := simRequests(t, sim); n != requests {
		t.Errorf("%d requests sent, want none", n-requests)
	}

	// With --update-existing the rows matched by 統編 update those
	// customers; the ones matched by name only are still refused.
	mustRun(t, dir, env, 1, "import", "--update-existing", "new.csv")
	sh = readXLSX(t, filepath.Join(dir, "new.results.xlsx"))
	codes = wantStatuses(t, "--update-existing", sh, "INVALID", "OK", "INVALID", "OK", "INVALID")
	if want := []string{"0456", "0456", "B001", "C101", "0789"}; !slices.Equal(codes, want) {
		t.Errorf("--update-existing: ImportCCODE %q, want %q", codes, want)
	}
	store := wantCustomers(t, "--update-existing", sim, len(seeded))
	for code, tele := range map[string]string{"0456": "02-2222", "C101": "02-4444", "C100": "", "B001": ""} {
		if got := str(store[code]["CTELE"]); got != tele {
			t.Errorf("--update-existing: %s's CTELE is %q, want %q", code, got, tele)
		}
	}
	if got := str(store["0456"]["CBELE"]); got != "1" {
		t.Errorf("0456's CBELE %q: the update was not applied", got)
	}

	// ledger find knows the existing customers, and the codes sent.
	res = mustRun(t, dir, env, 0, "ledger", "find", "零二")
	if !regexp.MustCompile(`(?m)^0789\s+existing\s+零二商行`).MatchString(res.stdout) {
		t.Errorf("ledger find 零二:\n%s", res.stdout)
	}
	res = mustRun(t, dir, env, 0, "ledger", "find", "456")
	if !regexp.MustCompile(`(?m)^0456\s+sent\s`).MatchString(res.stdout) || !regexp.MustCompile(`(?m)^0456\s+existing\s`).MatchString(res.stdout) {
		t.Errorf("ledger find 456 (0456 without its zero):\n%s", res.stdout)
	}
}

// A results CSV opened and saved in Excel: 0456 became 456, an automatic
// code 000001 became 1, a mobile 0922333444 became 922333444. Fed back, it
// creates nothing new.
func TestExcelRoundTripCreatesNothing(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim, export := startSeededSim(t, dir)
	env := simEnv(t, sim.URL)
	mustRun(t, dir, env, 0, "ledger", "load-existing", export)
	writeFile(t, dir, "r.csv", csvText(t, [][]string{{"CCODE", "CNAM1", "CPHONE", "CBELE"},
		{"0456", "北極星貿易有限公司", "0922333444", "1"},
		{"", "新客戶", "0933444555", "1"},
	}))
	mustRun(t, dir, env, 0, "import", "--out", "r.results.csv", "r.csv")
	first := wantStatuses(t, "first run", readResultsCSV(t, filepath.Join(dir, "r.results.csv")), "OK", "OK")
	wantCustomers(t, "first run", sim, len(seeded)+1)

	// Excel: every cell that is a number loses its leading zeros.
	editResultsCSV(t, filepath.Join(dir, "r.results.csv"), func(rows [][]string) {
		for _, r := range rows[1:] {
			for i, c := range r {
				if d := strings.TrimLeft(c, "0"); d != c && d != "" && strings.Trim(d, "0123456789") == "" {
					r[i] = d
				}
			}
		}
	})
	requests := simRequests(t, sim)
	res := mustRun(t, dir, env, 1, "import", "r.results.csv")
	sh := readXLSX(t, filepath.Join(dir, "r.results.rerun.xlsx"))
	codes := wantStatuses(t, "fed back", sh, "INVALID", "OK")
	if codes[0] != "0456" || sh.column(t, "ImportErrorCode")[0] != "LOST_ZEROS" || !strings.Contains(sh.column(t, "ImportErrorMessage")[0], "0456") {
		t.Errorf("row 2 (456): %q %q %q, want INVALID naming 0456", codes[0], sh.column(t, "ImportErrorCode")[0], sh.column(t, "ImportErrorMessage")[0])
	}
	if codes[1] != first[1] {
		t.Errorf("row 3: code %q, want %q (ImportCCODE %s read with its zeros)", codes[1], first[1], strings.TrimLeft(first[1], "0"))
	}
	if w := sh.column(t, "ImportWarnings")[1]; !strings.Contains(w, first[1]) || !strings.Contains(w, "0933444555") {
		t.Errorf("row 3's warnings do not say what was read back: %s", w)
	}
	wantCustomers(t, "fed back", sim, len(seeded)+1)
	if n := simRequests(t, sim); n != requests {
		t.Errorf("%d requests sent, want none\n%s", n-requests, res)
	}
	// The results workbook keeps the zeros a spreadsheet would drop.
	f := openXLSX(t, filepath.Join(dir, "r.results.rerun.xlsx"))
	if v, _ := f.GetCellValue(sh.name, "F3"); v != first[1] {
		t.Errorf("ImportCCODE cell F3 %q, want %q", v, first[1])
	}
}

// check and import agree on every row (status and code) of a file mixing
// existing codes, new codes with and without 信用額度, lost-zero codes and
// rows that match existing customers.
func TestCheckAndImportAgreeWithExisting(t *testing.T) {
	clitest.RequireProcessTests(t)
	t.Parallel()
	dir := t.TempDir()
	sim, export := startSeededSim(t, dir)
	env := simEnv(t, sim.URL)
	mustRun(t, dir, env, 0, "ledger", "load-existing", export)
	writeFile(t, dir, "mixed.csv", csvText(t, [][]string{{"CCODE", "CNAM1", "CTCOD", "CTELE", "CBELE"},
		{"0456", "北極星貿易有限公司", "", "02-9999", ""}, // an existing code, no 信用額度: an update
		{"B001", "南風企業社", "", "", "7"},           // an existing code
		{"N001", "新代號", "", "", "5"},             // a new code with 信用額度: created
		{"N002", "新代號二", "", "", ""},             // a new code without: TMS would refuse it
		{"456", "少了零", "", "", "1"},              // 0456 without its zero
		{"789", "零二", "", "", ""},                // 0789 without its zero
		{"", "北極星貿易", "", "", "1"},               // the name of 0456
		{"", "另一個", "22099131", "", "1"},         // the 統編 of C100 and C101
		{"", "全新客戶", "", "", "1"},                // created
	}))
	mustRun(t, dir, env, 1, "check", "--out", "check.xlsx", "mixed.csv")
	checked := readXLSX(t, filepath.Join(dir, "check.xlsx"))
	mustRun(t, dir, env, 1, "import", "mixed.csv")
	imported := readXLSX(t, filepath.Join(dir, "mixed.results.xlsx"))
	want := []struct{ status, code string }{
		{"OK", "0456"}, {"OK", "B001"}, {"OK", "N001"}, {"INVALID", ""}, {"INVALID", "0456"}, {"INVALID", "0789"},
		{"INVALID", "0456"}, {"INVALID", "C100"}, {"OK", ""},
	}
	cst, ccc := checked.column(t, "ImportStatus"), checked.column(t, "ImportCCODE")
	ist, icc := imported.column(t, "ImportStatus"), imported.column(t, "ImportCCODE")
	for i, w := range want {
		checkStatus := map[string]string{"OK": "VALID", "INVALID": "INVALID"}[w.status]
		if cst[i] != checkStatus || ist[i] != w.status {
			t.Errorf("row %d: check %s, import %s; want %s and %s\n check: %s\nimport: %s", i+2, cst[i], ist[i], checkStatus, w.status,
				checked.column(t, "ImportErrorMessage")[i], imported.column(t, "ImportErrorMessage")[i])
		}
		if ccc[i] != w.code {
			t.Errorf("row %d: check's ImportCCODE %q, want %q", i+2, ccc[i], w.code)
		}
		if w.code != "" && icc[i] != w.code || w.code == "" && w.status == "OK" && !autoCode.MatchString(icc[i]) {
			t.Errorf("row %d: import's ImportCCODE %q, want %q", i+2, icc[i], w.code)
		}
	}
	store := wantCustomers(t, "mixed", sim, len(seeded)+2) // N001 and 全新客戶
	if str(store["0456"]["CTELE"]) != "02-9999" || store["N002"] != nil || store["456"] != nil || store["789"] != nil {
		t.Errorf("store: 0456 %v, N002 %v, 456 %v, 789 %v", store["0456"], store["N002"], store["456"], store["789"])
	}
}
