package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms"
)

// tmsStore is a fake TMS that keeps its customers: a create gets the next
// six-digit code, EditItem 0 of a code it has and EditItem 1 of one it
// has not are refused, EditItem 2 adds or edits, and an add without
// 信用額度 is refused as TMS does (1004).
type tmsStore struct {
	mu        sync.Mutex
	customers map[string]tms.Main
	seq       int
	sent      []tms.Main
}

func newTMSStore(codes ...string) *tmsStore {
	s := &tmsStore{customers: map[string]tms.Main{}}
	for _, c := range codes {
		s.customers[c] = tms.Main{"CCODE": c}
	}
	return s
}

func (s *tmsStore) Ready(ctx context.Context) error { return ctx.Err() }

func (s *tmsStore) Send(_ context.Context, req tms.Request) tms.Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := req.Main
	s.sent = append(s.sent, m)
	fail := func(code string) tms.Outcome {
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: code, ErrorMessage: code}}
	}
	code, _ := m["CCODE"].(string)
	edit := fmt.Sprint(m["EditItem"])
	_, has := s.customers[code]
	switch {
	case code == "" && fmt.Sprint(m["AutoCCODE"]) == "1":
		s.seq++
		code = fmt.Sprintf("%06d", s.seq)
		has = false
	case edit == "0" && has:
		return fail("1002")
	case edit == "1" && !has:
		return fail("1003")
	}
	if !has {
		if _, ok := m["CBELE"]; !ok {
			return fail("1004")
		}
	}
	s.customers[code] = m
	return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: code, ErrorCode: "0000"}}
}

// count is how many customers TMS has.
func (s *tmsStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.customers)
}

// sentField is a field of each request sent, in order.
func (s *tmsStore) sentField(field string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.sent {
		out = append(out, fmt.Sprint(m[field]))
	}
	return out
}

// existingList is a list of existing customers as TMS's export gives it.
var existingList = []ledger.Customer{
	{CCODE: "0456", Names: ledger.Names{Name: "北極星貿易有限公司", ShortName: "北極星", TaxID: "04595257"}, Row: 2},
	{CCODE: "B001", Names: ledger.Names{Name: "南風企業社", ShortName: "南風"}, Row: 3},
	{CCODE: "C100", Names: ledger.Names{Name: "大同商行台北店", ShortName: "大同北", TaxID: "22099131"}, Row: 4},
	{CCODE: "C101", Names: ledger.Names{Name: "大同商行台中店", ShortName: "大同中", TaxID: "22099131"}, Row: 5},
}

func loadList(t *testing.T, lg *ledger.DB, asOf time.Time) {
	t.Helper()
	err := lg.LoadExisting(context.Background(), ledger.ExistingList{
		Info: ledger.ExistingInfo{Source: "/exports/客戶.xlsx", SHA256: "x", AsOf: asOf}, Customers: existingList})
	if err != nil {
		t.Fatal(err)
	}
}

// mixedFile mixes existing codes, new codes with and without 信用額度,
// lost-zero codes and rows without a code that match existing customers.
const mixedFile = "CCODE,CNAM1,CNAM2,CTCOD,CTELE,CBELE\n" +
	",北極星貿易股份有限公司,,,,1\n" + // 2: EXISTS by name
	",另一個名字,,04595257,,1\n" + // 3: EXISTS by 統編
	",新公司,南風,,,1\n" + // 4: short name only: a warning, created
	",全新商行,,,,1\n" + // 5: created
	",大同,,22099131,,1\n" + // 6: EXISTS: two customers of one 統編
	"0456,北極星貿易有限公司,,,02-23456789,\n" + // 7: an existing code: an update, no 信用額度 needed
	"0999,新代號,,,,\n" + // 8: a new code without 信用額度: INVALID
	"0998,新代號有額度,,,,5\n" + // 9: a new code with it: created
	"456,短少零,,,,1\n" + // 10: 0456 without its zero: INVALID
	"B1,乙,,,,\n" // 11: a new code, not all digits, without 信用額度: INVALID

type rowWant struct {
	status, code, errorCode, message string
}

func TestExistingCustomersCheckAndImportAgree(t *testing.T) {
	lg := newLedger(t)
	loadList(t, lg, time.Now().Add(-24*time.Hour))
	in := writeFile(t, "mixed.csv", mixedFile)
	want := []rowWant{
		{"INVALID", "0456", "EXISTS", "北極星貿易有限公司"},
		{"INVALID", "0456", "EXISTS", "04595257"},
		{"OK", "*", "", ""},
		{"OK", "*", "", ""},
		{"INVALID", "C100", "EXISTS", "C101"},
		{"OK", "0456", "", ""},
		{"INVALID", "", "", "0999"},
		{"OK", "0998", "", ""},
		{"INVALID", "0456", "LOST_ZEROS", "0456"},
		{"INVALID", "", "", "B1"},
	}
	check, err := Run(context.Background(), Options{Input: in, DryRun: true, Ledger: lg, Out: filepath.Join(t.TempDir(), "check.csv")})
	if err != nil {
		t.Fatal(err)
	}
	checked := readCSV(t, check.Output)
	tmsStore := newTMSStore("0456", "B001", "C100", "C101")
	sum, err := Run(context.Background(), Options{Input: in, Sender: tmsStore, Ledger: lg, ResultsFormat: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	imported := readCSV(t, sum.Output)
	col := func(rows [][]string, name string) int { return slices.Index(rows[0], name) }
	for i, w := range want {
		c, r := checked[i+1], imported[i+1]
		st, cc, ec, msg := col(checked, "ImportStatus"), col(checked, "ImportCCODE"), col(checked, "ImportErrorCode"), col(checked, "ImportErrorMessage")
		checkStatus := w.status
		if checkStatus == "OK" {
			checkStatus = "VALID"
		}
		if c[st] != checkStatus || r[st] != w.status {
			t.Errorf("row %d: check %s, import %s; want %s and %s (%s | %s)", i+2, c[st], r[st], checkStatus, w.status, c[msg], r[msg])
		}
		wantCode := w.code
		if wantCode == "*" {
			wantCode = ""
			if len(r[cc]) != 6 {
				t.Errorf("row %d: import's code %q, want a new one", i+2, r[cc])
			}
		} else if r[cc] != w.code {
			t.Errorf("row %d: import's ImportCCODE %q, want %q", i+2, r[cc], w.code)
		}
		if c[cc] != wantCode {
			t.Errorf("row %d: check's ImportCCODE %q, want %q", i+2, c[cc], wantCode)
		}
		if c[ec] != w.errorCode || r[ec] != w.errorCode {
			t.Errorf("row %d: ImportErrorCode %q / %q, want %q", i+2, c[ec], r[ec], w.errorCode)
		}
		if !strings.Contains(c[msg], w.message) || c[msg] != r[msg] {
			t.Errorf("row %d: messages differ or do not name %q:\ncheck  %s\nimport %s", i+2, w.message, c[msg], r[msg])
		}
	}
	warn := col(imported, "ImportWarnings")
	if !strings.Contains(imported[3][warn], "B001") {
		t.Errorf("row 4 (short name of B001): warnings %q, want B001 named", imported[3][warn])
	}
	if got := tmsStore.sentField("CNAM1"); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values([]string{"新公司", "全新商行", "北極星貿易有限公司", "新代號有額度"}))) {
		t.Errorf("sent %q, want the four OK rows", got)
	}
	if n := tmsStore.count(); n != 7 {
		t.Errorf("TMS has %d customers, want 7 (4 existing + 3 created)", n)
	}
	if check.WillCreate != 3 || sum.WillCreate != 3 {
		t.Errorf("rows that create: check %d, import %d; want 3", check.WillCreate, sum.WillCreate)
	}
	if sum.Existing == nil || sum.Existing.Count != 4 || sum.ExistingStale {
		t.Errorf("summary's list: %+v stale %v", sum.Existing, sum.ExistingStale)
	}
	if sum.Errors["INVALID EXISTS"] != 3 || sum.Errors["INVALID LOST_ZEROS"] != 1 || sum.Errors["INVALID CBELE 信用額度"] != 2 {
		t.Errorf("summary errors: %v", sum.Errors)
	}

	// Run again: nothing new is created, and the rows created earlier are
	// known as those creates (OK, their codes), not as existing customers.
	again, err := Run(context.Background(), Options{Input: in, Sender: tmsStore, Ledger: lg, ResultsFormat: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, again.Output)
	st, cc := col(rows, "ImportStatus"), col(rows, "ImportCCODE")
	for _, i := range []int{3, 4} {
		if rows[i][st] != "OK" || rows[i][cc] != imported[i][cc] {
			t.Errorf("re-run row %d: %s %s, want OK %s (the create remembered)", i+1, rows[i][st], rows[i][cc], imported[i][cc])
		}
	}
	if n := tmsStore.count(); n != 7 {
		t.Errorf("re-run: TMS has %d customers, want still 7", n)
	}
}

// A row with only a short name creates a customer of that full name (TMS
// copies it): it is matched by full name.
func TestShortNameOnlyRowIsItsFullName(t *testing.T) {
	lg := newLedger(t)
	loadList(t, lg, time.Now())
	in := writeFile(t, "s.csv", "CCODE,CNAM2,CBELE\n,南風企業社,1\n,北極星,1\n,新的,1\n")
	sum, err := Run(context.Background(), Options{Input: in, DryRun: true, Ledger: lg, Out: filepath.Join(t.TempDir(), "c.csv")})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, sum.Output)
	if got := rows[1][3] + " " + rows[1][4] + " " + rows[1][5]; got != "INVALID B001 EXISTS" {
		t.Errorf("row 2 (B001's full name as its only name): %s", got)
	}
	if got := rows[2][3]; got != "VALID" || !strings.Contains(rows[2][7], "0456") {
		t.Errorf("row 3 (0456's short name): %s, warnings %q", got, rows[2][7])
	}
	if got := rows[3][3]; got != "VALID" || rows[3][7] != "" {
		t.Errorf("row 4 (new): %s %q", got, rows[3][7])
	}
}

func TestUpdateExisting(t *testing.T) {
	lg := newLedger(t)
	loadList(t, lg, time.Now())
	in := writeFile(t, "u.csv", "CCODE,CNAM1,CTCOD,CTELE\n"+
		",另一個名字,04595257,02-1111\n"+ // 2: the 統編 of 0456: an update of 0456, no 信用額度 needed
		",大同商行台中店,22099131,02-2222\n"+ // 3: two of one 統編, the name tells: C101
		",大同,22099131,02-3333\n"+ // 4: two of one 統編: which one?
		",南風企業社,,02-4444\n") // 5: by name only: not updated
	store := newTMSStore("0456", "B001", "C100", "C101")
	sum, err := Run(context.Background(), Options{Input: in, Sender: store, Ledger: lg, UpdateExisting: true, ResultsFormat: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, sum.Output)
	got := func(i int, name string) string { return rows[i][slices.Index(rows[0], name)] }
	for i, w := range []rowWant{{"OK", "0456", "", ""}, {"OK", "C101", "", ""}, {"INVALID", "C100", "EXISTS", "C101"}, {"INVALID", "B001", "EXISTS", "B001"}} {
		if got(i+1, "ImportStatus") != w.status || got(i+1, "ImportCCODE") != w.code || got(i+1, "ImportErrorCode") != w.errorCode ||
			!strings.Contains(got(i+1, "ImportErrorMessage"), w.message) {
			t.Errorf("row %d: %s %s %s %s; want %v", i+2, got(i+1, "ImportStatus"), got(i+1, "ImportCCODE"), got(i+1, "ImportErrorCode"), got(i+1, "ImportErrorMessage"), w)
		}
	}
	// Workers send in any order.
	if codes, edits := slices.Sorted(slices.Values(store.sentField("CCODE"))), store.sentField("EditItem"); !slices.Equal(codes, []string{"0456", "C101"}) || !slices.Equal(edits, []string{"1", "1"}) {
		t.Errorf("sent codes %q with EditItem %q; want 0456 and C101, as updates", codes, edits)
	}
	if !strings.Contains(got(1, "ImportWarnings"), "0456") {
		t.Errorf("row 2: warnings %q, want the update named", got(1, "ImportWarnings"))
	}
	if store.count() != 4 || sum.WillCreate != 0 {
		t.Errorf("TMS has %d customers (want 4), %d rows created (want 0)", store.count(), sum.WillCreate)
	}
}

// Customers custimport created are customers TMS has, for rows the
// ledger does not know as that create; a row it does know settles as
// before, and its look-alike rule keeps its place.
func TestCreatedCustomersAreExisting(t *testing.T) {
	lg := newLedger(t)
	store := newTMSStore()
	first := writeFile(t, "a.csv", "CCODE,CNAM1,CTCOD,CBELE\n,北極星貿易有限公司,04595257,1\n")
	if _, err := Run(context.Background(), Options{Input: first, Sender: store, Ledger: lg}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body string
		want       []string // status code errorCode of each row
	}{
		{"the same file again settles", ",北極星貿易有限公司,04595257,1\n", []string{"OK 000001 "}},
		{"edited: the look-alike rule holds it", ",北極星貿易有限公司,04595257,2\n", []string{"UNKNOWN  UNKNOWN"}},
		{"a second row like it is the customer", ",北極星貿易有限公司,04595257,1\n,北極星貿易股份有限公司,,1\n",
			[]string{"OK 000001 ", "INVALID 000001 EXISTS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, "b.csv", "CCODE,CNAM1,CTCOD,CBELE\n"+tt.body)
			sum, err := Run(context.Background(), Options{Input: in, Sender: store, Ledger: lg, ResultsFormat: FormatCSV})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range readCSV(t, sum.Output)[1:] {
				got = append(got, r[4]+" "+r[5]+" "+r[6])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if n := store.count(); n != 1 {
				t.Errorf("TMS has %d customers, want 1", n)
			}
		})
	}
}

// A results CSV opened and saved in Excel loses the zeros of its codes
// and phones; fed back, it creates nothing new.
func TestExcelRoundTripOfResults(t *testing.T) {
	lg := newLedger(t)
	store := newTMSStore()
	in := writeFile(t, "r.csv", "CCODE,CNAM1,CPHONE,CBELE\n0456,甲,0922333444,1\n,乙,0933444555,1\n")
	sum, err := Run(context.Background(), Options{Input: in, Sender: store, Ledger: lg, ResultsFormat: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, sum.Output)
	if rows[2][5] != "000001" {
		t.Fatalf("first run: row 3 got code %q", rows[2][5])
	}
	// What Excel makes of it: numbers lose their leading zeros.
	var b strings.Builder
	for _, r := range rows {
		for i := range r {
			if d := strings.TrimLeft(r[i], "0"); d != r[i] && d != "" && !strings.ContainsFunc(d, func(c rune) bool { return c < '0' || c > '9' }) {
				r[i] = d
			}
		}
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	fed := writeFile(t, "r.results.csv", "\ufeff"+b.String())
	sent := len(store.sentField("CCODE"))
	again, err := Run(context.Background(), Options{Input: fed, Sender: store, Ledger: lg, ResultsFormat: FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, again.Output)
	if got := rows[1][4] + " " + rows[1][5] + " " + rows[1][6]; got != "INVALID 0456 LOST_ZEROS" {
		t.Errorf("row 2 (0456 became 456): %s %s", got, rows[1][7])
	}
	if got := rows[2][4] + " " + rows[2][5]; got != "OK 000001" {
		t.Errorf("row 3 (ImportCCODE 000001 became 1): %s %s", got, rows[2][7])
	}
	if !strings.Contains(rows[2][8], "000001") || !strings.Contains(rows[2][8], "0933444555") {
		t.Errorf("row 3 warnings %q: want the code read back and the phone's 0 put back", rows[2][8])
	}
	if n := len(store.sentField("CCODE")); n != sent {
		t.Errorf("%d requests sent, want none (the phone got its 0 back: unchanged)", n-sent)
	}
	if store.count() != 2 {
		t.Errorf("TMS has %d customers, want 2", store.count())
	}
}

// Without a list, a row with a code nobody knows and no 信用額度 is sent
// with a warning; the summary counts it as a row that may create.
func TestNoListMayCreate(t *testing.T) {
	in := writeFile(t, "n.csv", "CCODE,CNAM1,CBELE\nA1,甲,\nA2,乙,1\n,丙,1\n")
	for _, lg := range []*ledger.DB{nil, newLedger(t)} {
		opts := Options{Input: in, DryRun: true, Out: filepath.Join(t.TempDir(), "c.csv")}
		if lg != nil {
			opts.Ledger = lg
		}
		sum, err := Run(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, sum.Output)
		if rows[1][3] != "VALID" || !strings.Contains(rows[1][7], "A1") || strings.Contains(rows[2][7], "A2") {
			t.Errorf("ledger %v: rows %q", lg != nil, rows[1:])
		}
		if sum.WillCreate != 1 || sum.MayCreate != 2 || sum.Existing != nil {
			t.Errorf("ledger %v: will create %d, may create %d (want 1, 2), list %v", lg != nil, sum.WillCreate, sum.MayCreate, sum.Existing)
		}
	}
}

// A list given in memory (a check of a file changed since the ledger's
// copy) wins over the ledger's; an old list gets a warning.
func TestExistingInMemoryAndStale(t *testing.T) {
	lg := newLedger(t)
	loadList(t, lg, time.Now())
	in := writeFile(t, "s.csv", "CCODE,CNAM1,CBELE\n,南風企業社,1\n,新的,1\n")
	other := &ledger.ExistingList{Info: ledger.ExistingInfo{Source: "new.csv", AsOf: time.Now().Add(-40 * 24 * time.Hour)},
		Customers: []ledger.Customer{{CCODE: "N1", Names: ledger.Names{Name: "新的"}}}}
	for _, tt := range []struct {
		name   string
		list   *ledger.ExistingList
		maxAge time.Duration
		status string
		stale  bool
	}{
		{"the ledger's", nil, 0, "INVALID,VALID", false},
		{"in memory", other, 0, "VALID,INVALID", true},
		{"in memory, a longer limit", other, 60 * 24 * time.Hour, "VALID,INVALID", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := Run(context.Background(), Options{Input: in, DryRun: true, Ledger: lg, Existing: tt.list, ExistingMaxAge: tt.maxAge,
				Out: filepath.Join(t.TempDir(), "c.csv")})
			if err != nil {
				t.Fatal(err)
			}
			var st []string
			for _, r := range readCSV(t, sum.Output)[1:] {
				st = append(st, r[3])
			}
			if got := strings.Join(st, ","); got != tt.status {
				t.Errorf("statuses %s, want %s", got, tt.status)
			}
			warned := slices.ContainsFunc(sum.Warnings, func(w string) bool { return strings.Contains(w, "超過") })
			if sum.ExistingStale != tt.stale || warned != tt.stale {
				t.Errorf("stale %v, warned %v (%q); want %v", sum.ExistingStale, warned, sum.Warnings, tt.stale)
			}
		})
	}
}
