package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/journal"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/validate"
)

func sourceOptions(sheet string) source.Options { return source.Options{Sheet: sheet} }

func validateConfig(mode string) validate.Config { return validate.Config{Mode: mode} }

// fakeSender is a Sender made of a function field. It records what was
// sent.
type fakeSender struct {
	SendFunc func(ctx context.Context, main tms.Main, idempotent bool) tms.Outcome
	calls    atomic.Int64
	mu       sync.Mutex
	payloads []tms.Main
}

// sent returns a field of every payload sent, in order, joined by ",".
func (f *fakeSender) sent(field string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var vals []string
	for _, m := range f.payloads {
		vals = append(vals, fmt.Sprint(m[field]))
	}
	return strings.Join(vals, ",")
}

var _ Sender = (*fakeSender)(nil)

func (f *fakeSender) Send(ctx context.Context, main tms.Main, idempotent bool) tms.Outcome {
	if err := tms.BeforeFirst(ctx); err != nil {
		return tms.Outcome{Err: err}
	}
	f.calls.Add(1)
	f.mu.Lock()
	f.payloads = append(f.payloads, main)
	f.mu.Unlock()
	return f.SendFunc(ctx, main, idempotent)
}

// okSender answers every row OK, numbering auto-numbered rows.
func okSender() *fakeSender {
	var seq atomic.Int64
	return &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		code, _ := m["CCODE"].(string)
		if code == "" {
			code = fmt.Sprintf("%06d", seq.Add(1))
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: code, ErrorCode: "0000"}}
	}}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readCSV reads a results CSV, checking and dropping its BOM.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "\ufeff") {
		t.Fatalf("%s: no UTF-8 BOM", path)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readXLSX(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

const goldenCSV = "客戶代號,客戶名稱,統一編號,結帳日期,信用額度,備註欄\n" +
	"C001,好公司,04595257,5,1000,x\n" +
	"C002,壞統編,12345678,32,2000,y\n" +
	",新客戶,,,500,\n" +
	",沒額度,,,,\n" +
	"C001,重複,,,1,\n"

func TestRunDryRunGoldenXLSX(t *testing.T) {
	in := writeFile(t, "in.csv", goldenCSV)
	out := filepath.Join(filepath.Dir(in), "out.xlsx")
	sum, err := Run(context.Background(), Options{Input: in, Out: out, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[StatusValid] != 2 || sum.Counts[StatusInvalid] != 3 || sum.Rows != 5 {
		t.Errorf("counts: got %v rows %d, want 2 VALID 3 INVALID of 5", sum.Counts, sum.Rows)
	}
	if sum.AllGood() {
		t.Error("AllGood with invalid rows")
	}
	got := readXLSX(t, out, "Results")
	wantHeader := "客戶代號,客戶名稱,統一編號,結帳日期,信用額度,備註欄,ImportStatus,ImportCCODE,ImportErrorCode,ImportErrorMessage,ImportWarnings"
	if h := strings.Join(got[0], ","); h != wantHeader {
		t.Fatalf("header: got %q, want %q", h, wantHeader)
	}
	tests := []struct {
		row       int
		status    string
		ccode     string
		msgHas    []string
		redCells  []string
		unchanged []string
	}{
		{1, "VALID", "C001", nil, nil, []string{"C001", "好公司", "04595257", "5", "1000", "x"}},
		{2, "INVALID", "", []string{"CTCOD 統一編號", "CRDAT 結帳日期"}, []string{"C3", "D3"}, []string{"C002", "壞統編", "12345678", "32", "2000", "y"}},
		{3, "VALID", "", nil, nil, nil},
		{4, "INVALID", "", []string{"CBELE 信用額度"}, []string{"E5"}, nil},
		{5, "INVALID", "", []string{"CCODE 客戶代號", "2"}, []string{"A6"}, nil},
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	comments, _ := f.GetComments("Results")
	commentAt := map[string]string{}
	for _, c := range comments {
		commentAt[c.Cell] = c.Text
		for _, p := range c.Paragraph {
			commentAt[c.Cell] += p.Text
		}
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("row", tt.row+1), func(t *testing.T) {
			row := append(got[tt.row], make([]string, 11)...)
			if row[6] != tt.status {
				t.Errorf("ImportStatus: got %q, want %q", row[6], tt.status)
			}
			if row[7] != tt.ccode {
				t.Errorf("ImportCCODE: got %q, want %q", row[7], tt.ccode)
			}
			for _, m := range tt.msgHas {
				if !strings.Contains(row[9], m) {
					t.Errorf("ImportErrorMessage %q lacks %q", row[9], m)
				}
			}
			for i, v := range tt.unchanged {
				if row[i] != v {
					t.Errorf("column %d: got %q, want %q unchanged", i, row[i], v)
				}
			}
			for _, ref := range tt.redCells {
				if commentAt[ref] == "" {
					t.Errorf("cell %s has no comment", ref)
				}
				style, _ := f.GetCellStyle("Results", ref)
				st, _ := f.GetStyle(style)
				if st == nil || len(st.Fill.Color) == 0 {
					t.Errorf("cell %s is not filled", ref)
				}
			}
		})
	}
	if len(commentAt) != 4 {
		t.Errorf("got %d comments %v, want 4 (C3, D3, E5, A6)", len(commentAt), commentAt)
	}
	summary := readXLSX(t, out, "Summary")
	flat := fmt.Sprint(summary)
	for _, want := range []string{"VALID 2", "INVALID 3", "INVALID CCODE 客戶代號 1", "INVALID CBELE 信用額度 1"} {
		if !strings.Contains(flat, want) {
			t.Errorf("Summary %v lacks %q", summary, want)
		}
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "備註欄") {
		t.Errorf("warnings: got %q, want one about the unknown column 備註欄", sum.Warnings)
	}
}

func TestRunStatuses(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nOK1,a,1\nBIZ,b,1\n,c,1\nNOTSENT,d,1\nNET,e,1\n")
	s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, idem bool) tms.Outcome {
		switch m["CNAM1"] {
		case "a":
			return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "OK1"}}
		case "b":
			return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: "2006", ErrorMessage: "統編錯誤"}}
		case "c":
			if idem {
				t.Error("a blank-code create was sent as idempotent")
			}
			return tms.Outcome{Attempts: 1, Unknown: true, Err: &tms.Error{Class: tms.Ambiguous, HTTPStatus: 502}}
		case "d":
			return tms.Outcome{Attempts: 0, Err: context.Canceled}
		default:
			return tms.Outcome{Attempts: 5, Err: &tms.Error{Class: tms.Retryable, HTTPStatus: 503}}
		}
	}}
	out := filepath.Join(filepath.Dir(in), "out.csv")
	sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	want := []struct{ status, ccode, code string }{
		{"OK", "OK1", ""}, {"FAILED", "", "2006"}, {"UNKNOWN", "", ""}, {"NOT_SENT", "", ""}, {"FAILED", "", "HTTP503"},
	}
	for i, w := range want {
		r := rows[i+1]
		if r[3] != w.status || r[4] != w.ccode || r[5] != w.code {
			t.Errorf("row %d: got status %q ccode %q code %q, want %q %q %q", i+2, r[3], r[4], r[5], w.status, w.ccode, w.code)
		}
	}
	if rows[2][6] != "統編錯誤" {
		t.Errorf("server message: got %q", rows[2][6])
	}
	if !strings.Contains(rows[3][6], "TMS") {
		t.Errorf("UNKNOWN message should tell to check TMS: %q", rows[3][6])
	}
	if sum.Requests != 8 {
		t.Errorf("requests: got %d, want 8", sum.Requests)
	}
}

func TestRunKeepsInputOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	const n = 300
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "K%04d,name %d,1\n", i, i)
	}
	in := writeFile(t, "in.csv", b.String())
	var inFlight, maxInFlight atomic.Int64
	s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		cur := inFlight.Add(1)
		for {
			old := maxInFlight.Load()
			if cur <= old || maxInFlight.CompareAndSwap(old, cur) {
				break
			}
		}
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		inFlight.Add(-1)
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: m["CCODE"].(string)}}
	}}
	out := filepath.Join(filepath.Dir(in), "out.csv")
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Workers: 8}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	if len(rows) != n+1 {
		t.Fatalf("got %d rows, want %d", len(rows), n+1)
	}
	for i := 1; i <= n; i++ {
		if rows[i][0] != rows[i][4] || rows[i][3] != "OK" {
			t.Fatalf("row %d: input code %q but ImportCCODE %q status %q: results out of order", i+1, rows[i][0], rows[i][4], rows[i][3])
		}
	}
	if got := maxInFlight.Load(); got > 8 || got < 2 {
		t.Errorf("max requests in flight: got %d, want 2..8 with 8 workers", got)
	}
}

func TestRunInterruptedMarksRestNotSent(t *testing.T) {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "K%04d,n,1\n", i)
	}
	in := writeFile(t, "in.csv", b.String())
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		if m["CCODE"] == "K0020" {
			once.Do(cancel)
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: m["CCODE"].(string)}}
	}}
	out := filepath.Join(filepath.Dir(in), "out.csv")
	sum, err := Run(ctx, Options{Input: in, Out: out, Sender: s, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted {
		t.Error("summary not marked interrupted")
	}
	rows := readCSV(t, out)
	if len(rows) != 201 {
		t.Fatalf("got %d rows, want 201: no row may be lost", len(rows))
	}
	ok, notSent := 0, 0
	for _, r := range rows[1:] {
		switch r[3] {
		case "OK":
			ok++
		case "NOT_SENT":
			notSent++
		default:
			t.Errorf("unexpected status %q", r[3])
		}
	}
	if int64(ok) != s.calls.Load() || notSent == 0 || ok+notSent != 200 {
		t.Errorf("got %d OK (%d sent), %d NOT_SENT", ok, s.calls.Load(), notSent)
	}
	if sum.AllGood() {
		t.Error("an interrupted run is not all good")
	}
}

func TestRunResumeFromJournal(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nU1,a,1\n,b,1\nU3,c,1\n,d,1\n,e,1\n")
	dir := filepath.Dir(in)
	out := filepath.Join(dir, "out.csv")
	hash, _ := journal.HashFile(in)
	// An earlier run: U1 OK, b created, U3 failed, d and e left "sending"
	// by a crash.
	j, _, err := journal.Open(out+".journal", in, hash, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j.Sending(2, "", false, "U1", false) // the hash differs from this run's payload
	j.Finished(2, journal.OK, "U1", "", "")
	j.Sending(3, "h", true, "", true)
	j.Finished(3, journal.OK, "000009", "", "")
	j.Sending(4, "h", false, "U3", false)
	j.Finished(4, journal.Failed, "", "1005", "too long")
	j.Sending(5, "h", true, "", true)
	j.Sending(6, "h", true, "", true)
	j.Close()

	tests := []struct {
		name          string
		resendUnknown bool
		wantSent      []string
		want          []string // status/ccode per row
	}{
		{"resume", false, []string{"a", "c"}, []string{"OK/U1", "OK/000009", "OK/U3", "UNKNOWN/", "UNKNOWN/"}},
		{"resend unknown", true, []string{"d", "e"}, []string{"OK/U1", "OK/000009", "OK/U3", "OK/000001", "OK/000002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := okSender()
			_, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Journal: true, ResendUnknown: tt.resendUnknown, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := s.sent("CNAM1"), strings.Join(tt.wantSent, ","); got != want {
				t.Errorf("sent: got %q, want %q", got, want)
			}
			rows := readCSV(t, out)
			for i, w := range tt.want {
				if got := rows[i+1][3] + "/" + rows[i+1][4]; got != w {
					t.Errorf("row %d: got %q, want %q", i+2, got, w)
				}
			}
		})
	}
	// After both runs every row is OK: a third run sends nothing.
	s := okSender()
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Journal: true}); err != nil {
		t.Fatal(err)
	}
	if n := s.calls.Load(); n != 0 {
		t.Errorf("third run sent %d rows, want 0", n)
	}
}

// The user fixes the input file itself and runs again: rows the earlier
// version imported are recognised by their content wherever they moved,
// creates are never made twice, and rows that may be an edited created
// customer are UNKNOWN for the user to decide.
func TestRunChangedInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "out.csv")
	first := "CCODE,CNAM1,CBELE,CTCOD\n" +
		",a,1,\n" + // 2: created 000001
		",b,1,12345678\n" + // 3: INVALID (統編)
		",c,1,\n" + // 4: created 000002
		"U1,u,1,\n" // 5: upsert OK
	os.WriteFile(in, []byte(first), 0o644)
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: okSender(), Journal: true, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	second := "CCODE,CNAM1,CBELE,CTCOD\n" +
		",new,1,\n" + // 2: a new row inserted on top (line 2 created "a" before)
		",a,1,\n" + // 3: a, moved
		",b,1,04595257\n" + // 4: b fixed (line 4 created "c" before)
		",c-edited,1,\n" + // 5: c edited and moved (line 5 was an upsert)
		"U1,u,1,\n" // 6: unchanged upsert
	os.WriteFile(in, []byte(second), 0o644)
	s := okSender()
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Journal: true, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	// "new" sits where "a" was created: it may be "a" edited, so UNKNOWN.
	// "b" sits where "c" was created: UNKNOWN too. "c-edited" is new
	// content at a row that was an upsert: sent. The upsert is unchanged.
	if got, want := s.sent("CNAM1"), "c-edited"; got != want {
		t.Errorf("sent %q, want %q", got, want)
	}
	rows := readCSV(t, out)
	want := []string{"UNKNOWN/", "OK/000001", "UNKNOWN/", "OK/000001", "OK/U1"}
	for i, w := range want {
		if got := rows[i+1][4] + "/" + rows[i+1][5]; got != w {
			t.Errorf("row %d (%s): got %q, want %q", i+2, rows[i+1][1], got, w)
		}
	}
	if !strings.Contains(rows[1][7], "--resend-unknown") {
		t.Errorf("UNKNOWN message should say how to decide: %q", rows[1][7])
	}
	// A third run of the same version sends nothing and keeps the codes:
	// the carried-over rows are in the new journal.
	third := okSender()
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: third, Journal: true}); err != nil {
		t.Fatal(err)
	}
	if n := third.calls.Load(); n != 0 {
		t.Errorf("third run sent %d rows, want 0", n)
	}
	rows = readCSV(t, out)
	if got := rows[2][4] + "/" + rows[2][5]; got != "OK/000001" {
		t.Errorf("third run, moved row: got %q", got)
	}
	// The user decides the UNKNOWN rows are new customers.
	fourth := okSender()
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: fourth, Journal: true, ResendUnknown: true}); err != nil {
		t.Fatal(err)
	}
	if n := fourth.calls.Load(); n != 2 {
		t.Errorf("--resend-unknown sent %d rows, want 2", n)
	}
}

func TestJournalKnowsTheSheet(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "two.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "北區")
	f.SetSheetRow("北區", "A1", &[]any{"CCODE", "CNAM1", "CBELE"})
	f.SetSheetRow("北區", "A2", &[]any{"", "北一", 1})
	f.NewSheet("南區")
	f.SetSheetRow("南區", "A1", &[]any{"CCODE", "CNAM1", "CBELE"})
	f.SetSheetRow("南區", "A2", &[]any{"", "南一", 1})
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, out := range []string{"", filepath.Join(dir, "same.csv")} { // default: one results file per sheet
		for _, sheet := range []string{"北區", "南區"} {
			s := okSender()
			sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Journal: true, Source: sourceOptions(sheet)})
			if err != nil {
				t.Fatal(err)
			}
			if s.calls.Load() != 1 || sum.Counts[StatusOK] != 1 {
				t.Errorf("out %q sheet %s: sent %d, counts %v; want it sent, not taken for the other sheet", out, sheet, s.calls.Load(), sum.Counts)
			}
			want := "two." + sheet + ".results.xlsx"
			if out == "" && filepath.Base(sum.Output) != want {
				t.Errorf("default results for sheet %s: got %s, want %s", sheet, filepath.Base(sum.Output), want)
			}
		}
	}
}

// Naming the sheet that is read by default anyway (and the other way
// round) must find the journal of the runs that named it differently:
// else its creates are sent again.
func TestNamingTheDefaultSheetKeepsItsJournal(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "book.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "客戶資料")
	f.SetSheetRow("客戶資料", "A1", &[]any{"CCODE", "CNAM1", "CBELE"})
	f.SetSheetRow("客戶資料", "A2", &[]any{"", "甲", 1})
	f.SetSheetRow("客戶資料", "A3", &[]any{"", "乙", 1})
	f.NewSheet("Other")
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	first := okSender()
	if _, err := Run(context.Background(), Options{Input: in, Sender: first, Journal: true}); err != nil {
		t.Fatal(err)
	}
	if n := first.calls.Load(); n != 2 {
		t.Fatalf("first run sent %d rows, want 2", n)
	}
	for _, sheet := range []string{"客戶資料", "", " 客戶資料 ", "", "客戶資料"} {
		again := okSender()
		sum, err := Run(context.Background(), Options{Input: in, Sender: again, Journal: true, Source: sourceOptions(sheet)})
		if err != nil {
			t.Fatal(err)
		}
		if n := again.calls.Load(); n != 0 || sum.Counts[StatusOK] != 2 {
			t.Errorf("--sheet %q: sent %d rows (counts %v), want none sent and both OK from the journal", sheet, n, sum.Counts)
		}
	}
	// Another sheet under the default name is another input.
	other := okSender()
	f, _ = excelize.OpenFile(in)
	f.SetSheetRow("Other", "A1", &[]any{"CCODE", "CNAM1", "CBELE"})
	f.SetSheetRow("Other", "A2", &[]any{"", "丙", 1})
	f.SetActiveSheet(1)
	if err := f.SetSheetVisible("客戶資料", false); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Run(context.Background(), Options{Input: in, Sender: other, Journal: true}); err != nil {
		t.Fatal(err)
	}
	if n := other.calls.Load(); n != 1 {
		t.Errorf("the Other sheet, now first: sent %d rows, want 1", n)
	}
}

// writeBook writes a workbook of the sheets in order, each holding its
// rows from A1.
func writeBook(t *testing.T, path string, order []string, rows map[string][][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", order[0])
	for _, n := range order[1:] {
		f.NewSheet(n)
	}
	for sheet, rs := range rows {
		for i, r := range rs {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// With --sheet, the results and journal are named after the sheet, so
// moving, adding or hiding other sheets does not lose its journal.
func TestNamedSheetSurvivesReordering(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "book.xlsx")
	write := func(order ...string) {
		writeBook(t, in, order, map[string][][]any{
			"客戶": {{"CNAM1", "CBELE"}, {"甲", 100}, {"乙", 100}},
			"說明": {{"note"}},
		})
	}
	write("客戶", "說明")
	first := okSender()
	if _, err := Run(context.Background(), Options{Input: in, Sender: first, Journal: true, Source: sourceOptions("客戶")}); err != nil {
		t.Fatal(err)
	}
	write("說明", "客戶")
	again := okSender()
	sum, err := Run(context.Background(), Options{Input: in, Sender: again, Journal: true, Source: sourceOptions("客戶")})
	if err != nil {
		t.Fatal(err)
	}
	if n := again.calls.Load(); first.calls.Load() != 2 || n != 0 || sum.Counts[StatusOK] != 2 {
		t.Errorf("after moving the sheet: sent %d rows (counts %v), want none, both OK from the journal", n, sum.Counts)
	}
}

// An add with a code whose earlier attempt got no answer: "already
// exists" now may mean that attempt created it.
func TestExistsAfterEarlierAttemptIsUnknown(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nM1,m,1\n")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	fail := &fakeSender{SendFunc: func(context.Context, tms.Main, bool) tms.Outcome {
		return tms.Outcome{Attempts: 1, Err: &tms.Error{Class: tms.Ambiguous, HTTPStatus: 500, Err: errors.New("HTTP 500")}}
	}}
	opts := Options{Input: in, Out: out, Journal: true, Validate: validateConfig("create")}
	opts.Sender = fail
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	opts.Sender = &fakeSender{SendFunc: func(context.Context, tms.Main, bool) tms.Outcome {
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: "1002", ErrorMessage: "客戶代號已存在"}}
	}}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	if rows[1][3] != "UNKNOWN" || !strings.Contains(rows[1][6], "M1") {
		t.Errorf("got %q %q, want UNKNOWN explaining the earlier attempt", rows[1][3], rows[1][6])
	}
}

func TestResultsFileAsInput(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nA1,a,1\nA2,b,x\n,c,1\n")
	dir := filepath.Dir(in)
	first := filepath.Join(dir, "first.results.csv")
	if _, err := Run(context.Background(), Options{Input: in, Out: first, Sender: okSender()}); err != nil {
		t.Fatal(err)
	}
	// The user fixes the red cell in the results and feeds them back.
	rows := readCSV(t, first)
	if rows[2][3] != "INVALID" {
		t.Fatalf("row 3: got %q, want INVALID", rows[2][3])
	}
	rows[2][2] = "5"
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	fixed := filepath.Join(dir, "first.results.csv")
	os.WriteFile(fixed, []byte(b.String()), 0o644)

	s := okSender()
	sum, err := Run(context.Background(), Options{Input: fixed, Sender: s})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.calls.Load(); n != 1 {
		t.Errorf("sent %d rows, want 1 (only the fixed row)", n)
	}
	if sum.Output != filepath.Join(dir, "first.results.rerun.csv") {
		t.Errorf("default output: got %q", sum.Output)
	}
	again := readCSV(t, sum.Output)
	if got := len(again[0]); got != 8 {
		t.Errorf("header has %d columns, want 8 (3 + 5 Import*, not repeated): %q", got, again[0])
	}
	for i, r := range again[1:] {
		if r[3] != "OK" {
			t.Errorf("row %d: got %q, want OK", i+2, r[3])
		}
	}
	if again[3][4] != rows[3][4] || again[3][4] == "" {
		t.Errorf("auto-numbered row: got code %q, want the earlier %q kept", again[3][4], rows[3][4])
	}
}

func TestRunRemovesStaleTemps(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1\nA1,a\n")
	dir := filepath.Dir(in)
	out := filepath.Join(dir, "out.csv")
	stale := filepath.Join(dir, ".out.csv.12345.tmp")
	other := filepath.Join(dir, ".other.csv.1.tmp")
	os.WriteFile(stale, []byte("half"), 0o600)
	os.WriteFile(other, []byte("x"), 0o600)
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: okSender(), Journal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp of this output still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another output's temp was removed: %v", err)
	}
}

func TestRunStopsWhenTMSDoesNotAnswer(t *testing.T) {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "K%04d,n,1\n", i)
	}
	in := writeFile(t, "in.csv", b.String())
	tests := []struct {
		name         string
		limit        int
		answerAt     int // the sender answers OK on this call (resetting the count)
		wantSent     int64
		wantRunToEnd bool
	}{
		{"trips after the limit", 10, -1, 10, false},
		{"an answer resets the count", 10, 8, 18, false},
		{"disabled", -1, -1, 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
				if int(n.Add(1)) == tt.answerAt {
					return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: m["CCODE"].(string)}}
				}
				return tms.Outcome{Attempts: 5, Err: &tms.Error{Class: tms.Retryable, Err: fmt.Errorf("connection refused")}}
			}}
			out := filepath.Join(t.TempDir(), "out.csv")
			sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Workers: 1, MaxConsecutiveFailures: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.calls.Load(); got != tt.wantSent {
				t.Errorf("sent %d rows, want %d", got, tt.wantSent)
			}
			if (sum.Stopped == "") != tt.wantRunToEnd {
				t.Errorf("Stopped: got %q", sum.Stopped)
			}
			rows := readCSV(t, out)
			if len(rows) != 101 {
				t.Fatalf("got %d rows, want 101: none lost", len(rows))
			}
			notSent := 0
			for _, r := range rows[1:] {
				if r[3] == "NOT_SENT" {
					notSent++
					if !strings.Contains(r[6], "no answer") {
						t.Errorf("NOT_SENT message %q should say why", r[6])
					}
				}
			}
			if int64(notSent) != 100-tt.wantSent {
				t.Errorf("got %d NOT_SENT, want %d", notSent, 100-tt.wantSent)
			}
		})
	}
}

func TestRunRefusesUnwritableResultsBeforeSending(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1\nA1,a\n")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	if err := os.Mkdir(out, 0o755); err != nil { // stands for a file Excel holds open
		t.Fatal(err)
	}
	s := okSender()
	_, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s})
	if err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Fatalf("got %v, want an error saying the results cannot be written", err)
	}
	if n := s.calls.Load(); n != 0 {
		t.Errorf("sent %d rows before finding the results unwritable, want 0", n)
	}
}

func TestRunAbortInFlight(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nU1,a,1\n,b,1\nU3,c,1\n")
	ctx, cancel := context.WithCancel(context.Background())
	abort, abortNow := context.WithCancel(context.Background())
	s := &fakeSender{SendFunc: func(c context.Context, m tms.Main, idem bool) tms.Outcome {
		if m["CNAM1"] == "a" { // the second Ctrl-C lands while row 2 is in flight
			cancel()
			abortNow()
			<-c.Done()
			return tms.Outcome{Attempts: 1, Err: c.Err()}
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "X"}}
	}}
	out := filepath.Join(filepath.Dir(in), "out.csv")
	sum, err := Run(ctx, Options{Input: in, Out: out, Sender: s, Workers: 1, AbortCtx: abort})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	want := []string{"FAILED/ABORTED", "NOT_SENT/", "NOT_SENT/"}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4: every row is in the results after an abort", len(rows))
	}
	for i, w := range want {
		if got := rows[i+1][3] + "/" + rows[i+1][5]; got != w {
			t.Errorf("row %d: got %q, want %q", i+2, got, w)
		}
	}
	if !sum.Interrupted {
		t.Error("not marked interrupted")
	}
}

// A results file fed back: OK rows stay (even without a code), UNKNOWN
// creates are not resent unless asked or given a code, the CSV formula
// guard is undone.
func TestResultsFileWithUnknownRows(t *testing.T) {
	const results = "\ufeffCCODE,CNAM1,CBELE,CBAK1,ImportStatus,ImportCCODE,ImportErrorCode,ImportErrorMessage,ImportWarnings\r\n" +
		",ok-no-code,1,,OK,,,,\r\n" +
		",unknown,1,,UNKNOWN,,,\"check TMS\",\r\n" +
		"K9,unknown-now-coded,1,,UNKNOWN,,,,\r\n" +
		"K1,failed,1,'-急件,FAILED,,HTTP502,,\r\n"
	tests := []struct {
		name          string
		resendUnknown bool
		wantSent      string
		wantStatus    string
	}{
		{"default", false, "unknown-now-coded,failed", "OK,UNKNOWN,OK,OK"},
		{"resend unknown", true, "unknown,unknown-now-coded,failed", "OK,OK,OK,OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, "x.results.csv", results)
			s := okSender()
			sum, err := Run(context.Background(), Options{Input: in, Sender: s, Workers: 1, ResendUnknown: tt.resendUnknown})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.sent("CNAM1"); got != tt.wantSent {
				t.Errorf("sent %q, want %q", got, tt.wantSent)
			}
			if got := s.sent("CBAK1"); !strings.HasSuffix(got, ",-急件") {
				t.Errorf("CBAK1 sent as %q, want the formula guard undone: %q last", got, "-急件")
			}
			rows := readCSV(t, sum.Output)
			var st []string
			for _, r := range rows[1:] {
				st = append(st, r[4])
			}
			if got := strings.Join(st, ","); got != tt.wantStatus {
				t.Errorf("statuses %q, want %q", got, tt.wantStatus)
			}
			if rows[4][3] != "'-急件" {
				t.Errorf("results CBAK1 %q, want it guarded again", rows[4][3])
			}
		})
	}
}

func TestNoJournalStillLocks(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1\nA1,a\n")
	release, err := Lock(in)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	s := okSender()
	_, err = Run(context.Background(), Options{Input: in, Sender: s, Journal: false})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	if s.calls.Load() != 0 {
		t.Error("sent while another run held the lock")
	}
}

// A wrong key or signing recipe: TMS refuses every request with the same
// 9xxx code. The run stops after the limit instead of failing every row.
func TestRunStopsWhenTMSRefusesRequests(t *testing.T) {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "K%04d,n,1\n", i)
	}
	in := writeFile(t, "in.csv", b.String())
	tests := []struct {
		name     string
		code     func(n int64) string
		wantSent int64
	}{
		{"same request-level code", func(int64) string { return "9002" }, 10},
		{"row-level codes do not stop", func(int64) string { return "2006" }, 50},
		{"alternating codes do not stop", func(n int64) string { return []string{"9002", "9004"}[n%2] }, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			s := &fakeSender{SendFunc: func(context.Context, tms.Main, bool) tms.Outcome {
				return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: tt.code(n.Add(1)), ErrorMessage: "x"}}
			}}
			sum, err := Run(context.Background(), Options{Input: in, Out: filepath.Join(t.TempDir(), "o.csv"), Sender: s, Workers: 1, MaxConsecutiveFailures: 10})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.calls.Load(); got != tt.wantSent {
				t.Errorf("sent %d, want %d (stopped: %q)", got, tt.wantSent, sum.Stopped)
			}
			if (tt.wantSent < 50) != strings.Contains(sum.Stopped, "refus") {
				t.Errorf("Stopped: %q", sum.Stopped)
			}
		})
	}
}

func TestDefaultOut(t *testing.T) {
	tests := []struct{ input, sheet, want string }{
		{"a/customers.xlsx", "", "a/customers.results.xlsx"},
		{"customers.csv", "", "customers.results.csv"},
		{"customers.xlsx", "北區", "customers.北區.results.xlsx"},
		{"customers.xlsx", "a/b", "customers.a_b.results.xlsx"},
		{"customers.results.xlsx", "", "customers.results.rerun.xlsx"},
		{"customers.results.csv", "", "customers.results.rerun.csv"},
		{"customers.results.xlsx", "Results", "customers.results.Results.rerun.xlsx"},
	}
	for _, tt := range tests {
		if got := DefaultOut(tt.input, tt.sheet); got != tt.want {
			t.Errorf("DefaultOut(%q, %q): got %q, want %q", tt.input, tt.sheet, got, tt.want)
		}
	}
}

// A check after an import must not replace the import's results (the codes
// TMS gave) with VALID rows.
func TestCheckKeepsImportResults(t *testing.T) {
	in := writeFile(t, "c.csv", "CCODE,CNAM1,CBELE\n,甲,1\n")
	if _, err := Run(context.Background(), Options{Input: in, Sender: okSender(), Journal: true}); err != nil {
		t.Fatal(err)
	}
	out := DefaultOut(in, "")
	before, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Options{Input: in, DryRun: true})
	if !errors.Is(err, ErrImportResults) {
		t.Fatalf("check over an import's results: got %v, want ErrImportResults", err)
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Errorf("the import's results changed:\n%s\nwant\n%s", after, before)
	}
	// Elsewhere, or where no import wrote, a check runs.
	if _, err := Run(context.Background(), Options{Input: in, DryRun: true, Out: out + ".check.csv"}); err != nil {
		t.Errorf("check with --out: %v", err)
	}
	other := writeFile(t, "d.csv", "CCODE,CNAM1,CBELE\n,乙,1\n")
	if _, err := Run(context.Background(), Options{Input: other, DryRun: true}); err != nil {
		t.Errorf("check of a never-imported file: %v", err)
	}
	// A check's own results may be replaced by the next check.
	if _, err := Run(context.Background(), Options{Input: other, DryRun: true}); err != nil {
		t.Errorf("check over a check's results: %v", err)
	}
	// An import without a journal left only its results: still kept.
	noJournal := writeFile(t, "e.csv", "CCODE,CNAM1,CBELE\n,丙,1\n")
	if _, err := Run(context.Background(), Options{Input: noJournal, Sender: okSender()}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), Options{Input: noJournal, DryRun: true}); !errors.Is(err, ErrImportResults) {
		t.Errorf("check over the results of an import without journal: got %v, want ErrImportResults", err)
	}
}

// A formula whose result was never saved (a workbook written by a program)
// makes its row INVALID when the column is imported, and is no matter in a
// column that is not.
func TestFormulaWithoutSavedValue(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "script.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"CCODE", "CNAM1", "CBELE", "檢查"})
	f.SetSheetRow("Sheet1", "A2", &[]any{nil, "甲", 1, "ok"})
	f.SetCellFormula("Sheet1", "A2", `"C"&ROW()`)
	f.SetSheetRow("Sheet1", "A3", &[]any{"C3", "乙", 1})
	f.SetCellFormula("Sheet1", "D3", `LEN(A3)`)
	for r := 4; r <= 6; r++ { // the helper column filled down past the data
		f.SetCellFormula("Sheet1", fmt.Sprintf("D%d", r), fmt.Sprintf("LEN(A%d)", r))
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "out.csv")
	s := okSender()
	sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	if got := rows[1][4]; got != "INVALID" || !strings.Contains(rows[1][7], "A2") {
		t.Errorf("row 2 (code is a formula without a value): got %q %q, want INVALID naming A2", got, rows[1][7])
	}
	if got := rows[2][4]; got != "OK" {
		t.Errorf("row 3 (formula only in an unknown column): got %q %q, want OK", got, rows[2][7])
	}
	if n := s.calls.Load(); n != 1 || sum.Counts[StatusInvalid] != 1 || sum.Rows != 2 {
		t.Errorf("sent %d of %d rows (counts %v), want 2 rows (the formula-only ones skipped as blank), 1 sent and 1 INVALID", n, sum.Rows, sum.Counts)
	}
}

// Another file whose name starts like the input's (book.2024.xlsx beside
// book.xlsx) has results named like a sheet's of book.xlsx: its journal
// must not be taken for one of book.xlsx's.
func TestJournalOfAnotherFileNotTaken(t *testing.T) {
	dir := t.TempDir()
	book := func(name string, names ...string) string {
		p := filepath.Join(dir, name)
		rows := [][]any{{"CCODE", "CNAM1", "CBELE"}}
		for _, n := range names {
			rows = append(rows, []any{"", n, 1})
		}
		writeBook(t, p, []string{"Sheet1"}, map[string][][]any{"Sheet1": rows})
		return p
	}
	other := book("book.2024.xlsx", "甲", "乙")
	in := book("book.xlsx", "丙", "丁")
	run := func(input string) int64 {
		s := okSender()
		if _, err := Run(context.Background(), Options{Input: input, Sender: s, Journal: true}); err != nil {
			t.Fatal(err)
		}
		return s.calls.Load()
	}
	if n := run(other); n != 2 {
		t.Fatalf("book.2024.xlsx: sent %d, want 2", n)
	}
	if n := run(in); n != 2 {
		t.Errorf("book.xlsx: sent %d, want its 2 rows (not taken for book.2024.xlsx's)", n)
	}
	if n := run(other); n != 0 {
		t.Errorf("book.2024.xlsx again: sent %d, want 0 (its journal kept)", n)
	}
	if n := run(in); n != 0 {
		t.Errorf("book.xlsx again: sent %d, want 0", n)
	}
}

// Without --sheet the sheet read is the first one: when other sheets
// move in front, each sheet keeps its own journal.
func TestSheetJournalsFollowTheSheets(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "book.xlsx")
	write := func(order ...string) {
		writeBook(t, in, order, map[string][][]any{
			"A": {{"CNAM1", "CBELE"}, {"A甲", 1}, {"A乙", 1}},
			"B": {{"CNAM1", "CBELE"}, {"B甲", 1}},
		})
	}
	total := map[string]int{}
	run := func(sheet string) {
		s := okSender()
		if _, err := Run(context.Background(), Options{Input: in, Sender: s, Journal: true, Source: sourceOptions(sheet)}); err != nil {
			t.Fatal(err)
		}
		for _, n := range strings.Split(s.sent("CNAM1"), ",") {
			if n != "" {
				total[n]++
			}
		}
	}
	write("A", "B")
	run("") // A
	write("B", "A")
	run("")  // B, now first
	run("A") // A again, by name
	write("A", "B")
	run("")  // A first again
	run("B") // B by name
	write("B", "A")
	run("") // B first again
	for name, n := range total {
		if n != 1 {
			t.Errorf("%s sent %d times, want once", name, n)
		}
	}
	if len(total) != 3 {
		t.Errorf("sent %v, want A甲, A乙 and B甲 once each", total)
	}
}

// A results file fed back to a check: the check's own results carry the
// statuses it copied, and a second check may replace them.
func TestCheckOfAResultsFileTwice(t *testing.T) {
	in := writeFile(t, "c.csv", "CCODE,CNAM1,CBELE\n,甲,1\n,乙,x\n")
	if _, err := Run(context.Background(), Options{Input: in, Sender: okSender(), Journal: true}); err != nil {
		t.Fatal(err)
	}
	results := DefaultOut(in, "")
	for i := range 2 {
		if _, err := Run(context.Background(), Options{Input: results, DryRun: true}); err != nil {
			t.Errorf("check %d of the results file: %v", i+1, err)
		}
	}
}

// keepCarried cuts a journal back to what a power cut leaves at worst:
// what Replace wrote whole and synced (its header and the rows carried
// from earlier versions), the request entries of creates, each synced
// before its request went out, and the outcomes of carried creates.
// (A carried row's own request entry is written just before its outcome,
// which covers it; dropping it here is stricter than a power cut.)
func keepCarried(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	kept := lines[0]
	for _, l := range lines[1:] {
		durable := strings.Contains(l, `"ev":"earlier"`) ||
			strings.Contains(l, `"ev":"sending"`) && strings.Contains(l, `"create":true`) ||
			strings.Contains(l, "carried over") && !strings.Contains(l, `"ev":"sending"`)
		if durable {
			kept += l
		}
	}
	os.WriteFile(path, []byte(kept), 0o600)
}

// A results workbook fed back keeps its journal (<name>.rerun.xlsx.journal)
// whether or not --sheet names its sheet.
func TestResultsFedBackWithAndWithoutSheet(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.xlsx")
	writeBook(t, in, []string{"Sheet1"}, map[string][][]any{"Sheet1": {{"CCODE", "CNAM1", "CBELE"}, {"", "子", 1}, {"", "丑", 1}}})
	failChou := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
		if m["CNAM1"] == "丑" {
			return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "E", ErrorCode: "2006", ErrorMessage: "統編錯誤"}}
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "000001", ErrorCode: "0000"}}
	}}
	if _, err := Run(context.Background(), Options{Input: in, Sender: failChou, Journal: true}); err != nil {
		t.Fatal(err)
	}
	results := DefaultOut(in, "")
	for i, sheet := range []string{"", "Results", "", "results"} {
		s := okSender()
		if _, err := Run(context.Background(), Options{Input: results, Sender: s, Journal: true, Source: sourceOptions(sheet)}); err != nil {
			t.Fatal(err)
		}
		want := "丑"
		if i > 0 {
			want = "" // created by the first feed-back
		}
		if got := s.sent("CNAM1"); got != want {
			t.Errorf("feed-back %d (--sheet %q): sent %q, want %q", i+1, sheet, got, want)
		}
	}
}

// Editing the input, however often and back and forth, whichever rows a
// run reaches, with interruptions, power cuts and --resend-unknown: each
// step's file and the rows it must send. Creates are never made twice;
// rows with a code follow their latest content; an edited create is
// UNKNOWN, however many versions back it was created.
func TestEditSequences(t *testing.T) {
	const head = "CCODE,CNAM1,CBELE\n"
	type step struct {
		body      string
		cancelled bool   // Ctrl-C before any row is sent
		cut       bool   // a power cut after the run
		resend    bool   // --resend-unknown
		unknown   string // a name whose request gets no answer
		sent      string // names sent, sorted, comma-joined
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"edited back and forth", []step{
			{body: ",子,1\n,丑,1\n", sent: "丑,子"},
			{body: ",子,1\n,丑,abc\n"},                           // 丑 INVALID: not recorded by this version
			{body: ",子,1\n,丑,1\n"},                             // fixed back: 丑 was created by the first version
			{body: ",子,1\n"},                                   // deleted
			{body: ",子,1\n,丑,1\n"},                             // restored
			{body: ",子,1\n,丑,1\n,寅,1\n", cut: true, sent: "寅"}, // then a power cut loses 寅's answer
			{body: ",子,1\n,丑,1\n,寅,1\n,卯,1\n", sent: "卯"},      // 寅 is UNKNOWN: not sent again
			{body: ",子,1\n,丑,1\n,寅,1\n,卯,1\n"},
		}},
		{"update reverted is sent again", []step{
			{body: "C001,子,1\n", sent: "子"},
			{body: "C001,子丙,1\n", sent: "子丙"},
			{body: "C001,子,1\n", sent: "子"},
		}},
		{"one of two identical creates edited", []step{
			{body: ",子,1\n,子,1\n", sent: "子,子"},
			{body: ",子,1\n,子,2\n"},
			{body: ",子,1\n,子,2\n"},
		}},
		{"created, made invalid, then edited", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,abc\n"},
			{body: ",子,2\n"},
		}},
		{"a second identical row is a new customer", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,1\n,子,1\n", sent: "子"},
			{body: ",子,1\n,子,1\n"},
		}},
		{"moved up: the row in its old place is new", []step{
			{body: ",甲,1\n,乙,1\n", sent: "乙,甲"},
			{body: ",乙,1\n,丙,1\n", sent: "丙"}, // 乙 was found at row 2, so 丙 at row 3 is not 乙 edited
		}},
		{"Ctrl-C, then the new identical row is still new", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,1\n,子,1\n", cancelled: true},
			{body: ",子,1\n,子,1\n", sent: "子"},
			{body: ",子,1\n,子,1\n"},
		}},
		{"power cut after a carried row, then --resend-unknown", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,1\n,丑,1\n", cut: true, sent: "丑"},
			{body: ",子,1\n,丑,1\n", resend: true, sent: "丑"}, // 丑's answer was lost: released
			{body: ",子,1\n,丑,1\n"},
		}},
		{"--resend-unknown does not release an edited create", []step{
			{body: ",子,1\n,丑,1\n", unknown: "丑", sent: "丑,子"},
			{body: ",子,2\n,丑,1\n", resend: true, sent: "丑"}, // 子 edited: UNKNOWN first
			{body: ",子,2\n,丑,1\n", resend: true, sent: "子"}, // now shown: released
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, "in.csv", head)
			for i, st := range tt.steps {
				os.WriteFile(in, []byte(head+st.body), 0o644)
				var seq atomic.Int64
				s := &fakeSender{SendFunc: func(_ context.Context, m tms.Main, _ bool) tms.Outcome {
					if m["CNAM1"] == st.unknown {
						return tms.Outcome{Attempts: 1, Unknown: true, Err: errors.New("no answer")}
					}
					return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: fmt.Sprintf("N%03d", seq.Add(1)), ErrorCode: "0000"}}
				}}
				ctx, cancel := context.WithCancel(context.Background())
				if st.cancelled {
					cancel()
				}
				_, err := Run(ctx, Options{Input: in, Sender: s, Journal: true, ResendUnknown: st.resend})
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				names := strings.Split(s.sent("CNAM1"), ",")
				slices.Sort(names)
				if got := strings.Trim(strings.Join(names, ","), ","); got != st.sent {
					t.Errorf("step %d: sent %q, want %q", i+1, got, st.sent)
				}
				if st.cut {
					keepCarried(t, DefaultOut(in, "")+".journal")
				}
			}
		})
	}
}
