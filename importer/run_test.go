package importer

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	_ "modernc.org/sqlite"

	"github.com/custimport/custimport/importer/internal/process"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms"
	"github.com/custimport/custimport/importer/validate"
)

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

func (f *fakeSender) Ready(ctx context.Context) error { return ctx.Err() }

func (f *fakeSender) Send(ctx context.Context, req tms.Request) tms.Outcome {
	f.calls.Add(1)
	f.mu.Lock()
	f.payloads = append(f.payloads, req.Main)
	f.mu.Unlock()
	return f.SendFunc(ctx, req.Main, req.Idempotent)
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
	sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t)})
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
	const n = 1500 // a dozen batches: their memory holds other rows after them
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
	if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t), Workers: 8}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	if len(rows) != n+1 {
		t.Fatalf("got %d rows, want %d", len(rows), n+1)
	}
	for i := 1; i <= n; i++ {
		if rows[i][0] != rows[i][4] || rows[i][3] != "OK" || rows[i][1] != fmt.Sprintf("name %d", i-1) {
			t.Fatalf("row %d: input code %q name %q but ImportCCODE %q status %q: results out of order", i+1, rows[i][0], rows[i][1], rows[i][4], rows[i][3])
		}
	}
	if got := s.sent("CCODE"); strings.Count(got, ",") != n-1 || len(strings.Split(got, ",")) != n {
		t.Fatalf("%d payloads sent, want %d", len(strings.Split(got, ",")), n)
	}
	for i, code := range strings.Split(s.sent("CCODE"), ",") {
		if name := fmt.Sprint(s.payloads[i]["CNAM1"]); name != "name "+strings.TrimLeft(strings.TrimPrefix(code, "K"), "0") && !(code == "K0000" && name == "name 0") {
			t.Fatalf("payload %d: code %s with name %q: a row's memory held another row while it was sent", i, code, name)
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
	sum, err := Run(ctx, Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t), Workers: 2})
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

// An add with a code whose earlier attempt got no answer: "already
// exists" now may mean that attempt created it.
func TestExistsAfterEarlierAttemptIsUnknown(t *testing.T) {
	lg := newLedger(t)
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nM1,m,1\n")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	fail := &fakeSender{SendFunc: func(context.Context, tms.Main, bool) tms.Outcome {
		return tms.Outcome{Attempts: 1, Err: &tms.Error{Class: tms.Ambiguous, HTTPStatus: 500, Err: errors.New("HTTP 500")}}
	}}
	opts := Options{Input: in, Out: out, Ledger: lg, Validate: validateConfig("create")}
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
	lg := newLedger(t)
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nA1,a,1\nA2,b,x\n,c,1\n")
	dir := filepath.Dir(in)
	first := filepath.Join(dir, "first.results.csv")
	if _, err := Run(context.Background(), Options{Input: in, Out: first, Sender: okSender(), Ledger: lg}); err != nil {
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
	sum, err := Run(context.Background(), Options{Input: fixed, Sender: s, Ledger: lg, ResultsFormat: FormatCSV})
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
	lg := newLedger(t)
	in := writeFile(t, "in.csv", "CCODE,CNAM1\nA1,a\n")
	dir := filepath.Dir(in)
	out := filepath.Join(dir, "out.csv")
	self := process.Self()
	if self.Start == 0 {
		t.Skip("this OS does not tell when a process started")
	}
	temp := func(mark string) string { return filepath.Join(dir, ".out.csv."+mark+"-12345.tmp") }
	for _, tc := range []struct {
		name string
		path string
		kept bool
	}{
		{"no such process", temp("999999999"), false},
		{"no such process, with a start time", temp("999999999_42"), false},
		// A dead run's id given to this (running) process: Windows reuses ids at once.
		{"this process's id, started earlier", temp(process.Mark{PID: self.PID, Start: self.Start - 1}.String()), false},
		{"this process's id, started later", temp(process.Mark{PID: self.PID, Start: self.Start + 1}.String()), false},
		{"a run still running", temp(self.String()), true},
		{"a run still running, id only (an older custimport)", temp(strconv.Itoa(self.PID)), true},
		{"another output's", filepath.Join(dir, ".other.csv.999999999-1.tmp"), true},
		{"no process mark", temp("x"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(tc.path, []byte("half"), 0o600)
			if _, err := Run(context.Background(), Options{Input: in, Out: out, Sender: okSender(), Ledger: lg}); err != nil {
				t.Fatal(err)
			}
			_, err := os.Stat(tc.path)
			if kept := err == nil; kept != tc.kept {
				t.Errorf("%s: kept = %v, want %v", filepath.Base(tc.path), kept, tc.kept)
			}
			os.Remove(tc.path)
		})
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
			sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t), Workers: 1, MaxConsecutiveFailures: tt.limit})
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
					if !strings.Contains(r[6], "TMS 連續多列沒有回應") {
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
	_, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t)})
	if err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Fatalf("got %v, want an error saying the results cannot be written", err)
	}
	if n := s.calls.Load(); n != 0 {
		t.Errorf("sent %d rows before finding the results unwritable, want 0", n)
	}
}

func TestRunAbortInFlight(t *testing.T) {
	in := writeFile(t, "in.csv", "CCODE,CNAM1,CBELE\nU1,a,1\n,b,1\nU3,c,1\n")
	var job *Job
	s := &fakeSender{SendFunc: func(c context.Context, m tms.Main, idem bool) tms.Outcome {
		if m["CNAM1"] == "a" { // the second Ctrl-C lands while row 2 is in flight
			job.Abort()
			<-c.Done()
			return tms.Outcome{Attempts: 1, Err: c.Err()}
		}
		return tms.Outcome{Attempts: 1, Response: tms.Response{Status: "S", CCODE: "X"}}
	}}
	out := filepath.Join(filepath.Dir(in), "out.csv")
	job = NewJob(Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t), Workers: 1})
	sum, err := job.Run(context.Background())
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
			sum, err := Run(context.Background(), Options{Input: in, Sender: s, Ledger: newLedger(t), Workers: 1, ResendUnknown: tt.resendUnknown,
				ResultsFormat: FormatCSV})
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
			sum, err := Run(context.Background(), Options{Input: in, Out: filepath.Join(t.TempDir(), "o.csv"), Sender: s, Ledger: newLedger(t), Workers: 1, MaxConsecutiveFailures: 10})
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
	tests := []struct{ input, sheet, format, want string }{
		{"a/customers.xlsx", "", "", "a/customers.results.xlsx"},
		{"customers.csv", "", "", "customers.results.xlsx"}, // a CSV's results are a workbook too: text cells keep zeros
		{"customers.csv", "", "csv", "customers.results.csv"},
		{"customers.csv", "", "CSV", "customers.results.csv"},
		{"customers.xlsx", "", "csv", "customers.results.csv"},
		{"customers.csv", "", "xlsx", "customers.results.xlsx"},
		{"customers.xlsx", "北區", "", "customers.北區.results.xlsx"},
		{"customers.xlsx", "a/b", "", "customers.a%2Fb.results.xlsx"},
		{"customers.xlsx", "北區|A", "", "customers.北區%7CA.results.xlsx"}, // not 北區_A's
		{"customers.xlsx", "北區_A", "", "customers.北區_A.results.xlsx"},
		{"customers.xlsx", "50%", "", "customers.50%25.results.xlsx"},
		{"customers.results.xlsx", "", "", "customers.results.rerun.xlsx"},
		{"customers.results.csv", "", "", "customers.results.rerun.xlsx"},
		{"customers.results.csv", "", "csv", "customers.results.rerun.csv"},
		{"customers.results.xlsx", "Results", "", "customers.results.Results.rerun.xlsx"},
		{"customers.results.rerun.xlsx", "", "", "customers.results.rerun2.xlsx"},
		{"customers.results.rerun2.csv", "", "csv", "customers.results.rerun3.csv"},
		{"customers.tsv", "", "", "customers.results.xlsx"}, // no sibling: no collision
		{"x.results.results.xlsx", "", "", "x.results.results.rerun.xlsx"},
	}
	for _, tt := range tests {
		if got := DefaultOutAs(tt.input, tt.sheet, tt.format); got != tt.want {
			t.Errorf("DefaultOutAs(%q, %q, %q): got %q, want %q", tt.input, tt.sheet, tt.format, got, tt.want)
		}
		if tt.format == "" {
			if got := DefaultOut(tt.input, tt.sheet); got != tt.want {
				t.Errorf("DefaultOut(%q, %q): got %q, want %q", tt.input, tt.sheet, got, tt.want)
			}
		}
	}
	// tab.csv, tab.tsv, tab.txt and tab.xlsx side by side never share a
	// results file, in either format; the one of the results' format
	// keeps the plain name.
	dir := t.TempDir()
	names := []string{"tab.csv", "tab.tsv", "tab.txt", "tab.xlsx", "tab.xlsm"}
	for _, name := range names {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	for format, plain := range map[string]string{"": "tab.xlsx", "csv": "tab.csv"} {
		outs := map[string]string{}
		for _, name := range names {
			out := DefaultOutAs(filepath.Join(dir, name), "", format)
			if other, dup := outs[out]; dup {
				t.Errorf("format %q: %s and %s both write %s", format, name, other, out)
			}
			outs[out] = name
		}
		if got, want := DefaultOutAs(filepath.Join(dir, plain), "", format), filepath.Join(dir, "tab.results"+filepath.Ext(plain)); got != want {
			t.Errorf("format %q: %s keeps the plain name: got %s, want %s", format, plain, got, want)
		}
	}
	if _, err := Run(context.Background(), Options{Input: filepath.Join(dir, "tab.csv"), DryRun: true, ResultsFormat: "ods"}); err == nil {
		t.Error("a results format of ods: no error")
	}
}

// A check after an import must not replace the import's results (the codes
// TMS gave) with VALID rows.
func TestCheckKeepsImportResults(t *testing.T) {
	lg := newLedger(t)
	in := writeFile(t, "c.csv", "CCODE,CNAM1,CBELE\n,甲,1\n")
	if _, err := Run(context.Background(), Options{Input: in, Sender: okSender(), Ledger: lg}); err != nil {
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
	// A check's results are known by their VALID rows: the search ends at
	// the first (a results file is one run's).
	checked := writeFile(t, "f.csv", "CCODE,CNAM1,CBELE\n,丁,1\n")
	if err := os.WriteFile(DefaultOut(checked, ""), []byte("CCODE,CNAM1,CBELE,ImportStatus\n,丁,1,VALID\n,戊,1,OK\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), Options{Input: checked, DryRun: true}); err != nil {
		t.Errorf("check over results that start VALID: %v", err)
	}
	// An import without a journal left only its results: still kept.
	noJournal := writeFile(t, "e.csv", "CCODE,CNAM1,CBELE\n,丙,1\n")
	if _, err := Run(context.Background(), Options{Input: noJournal, Sender: okSender(), Ledger: newLedger(t)}); err != nil {
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
	sum, err := Run(context.Background(), Options{Input: in, Out: out, Sender: s, Ledger: newLedger(t)})
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

// A results file fed back to a check: the check's own results carry the
// statuses it copied, and a second check may replace them.
func TestCheckOfAResultsFileTwice(t *testing.T) {
	lg := newLedger(t)
	in := writeFile(t, "c.csv", "CCODE,CNAM1,CBELE\n,甲,1\n,乙,x\n")
	if _, err := Run(context.Background(), Options{Input: in, Sender: okSender(), Ledger: lg}); err != nil {
		t.Fatal(err)
	}
	results := DefaultOut(in, "")
	for i := range 2 {
		if _, err := Run(context.Background(), Options{Input: results, DryRun: true}); err != nil {
			t.Errorf("check %d of the results file: %v", i+1, err)
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
		{"a second identical row later is the customer created (EXISTS), not a new one", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,1\n,子,1\n"},
			{body: ",子,1\n,子,1\n"},
		}},
		{"moved up: the row in its old place is new", []step{
			{body: ",甲,1\n,乙,1\n", sent: "乙,甲"},
			{body: ",乙,1\n,丙,1\n", sent: "丙"}, // 乙 was found at row 2, so 丙 at row 3 is not 乙 edited
		}},
		{"Ctrl-C, then the new identical row is still the customer created", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,1\n,子,1\n", cancelled: true},
			{body: ",子,1\n,子,1\n"},
			{body: ",子,1\n,子,1\n"},
		}},
		{"power cut after a carried row, then --resend-unknown", []step{
			{body: ",子,1\n", sent: "子"},
			{body: ",子,1\n,丑,1\n", cut: true, sent: "丑"},
			{body: ",子,1\n,丑,1\n", resend: true, sent: "丑"}, // 丑's answer was lost: released
			{body: ",子,1\n,丑,1\n"},
		}},
		{"--resend-unknown sends an unknown and a look-alike, once", []step{
			{body: ",子,1\n,丑,1\n", unknown: "丑", sent: "丑,子"},
			{body: ",子,2\n,丑,1\n", sent: ""},                  // 子 edited, 丑 unknown: both UNKNOWN
			{body: ",子,2\n,丑,1\n", resend: true, sent: "丑,子"}, // the user checked TMS: both are new
			{body: ",子,2\n,丑,1\n", resend: true, sent: ""},    // and created once
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, "in.csv", head)
			lg := newLedger(t)
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
				_, err := Run(ctx, Options{Input: in, Sender: s, Ledger: lg, ResendUnknown: st.resend})
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
					loseAnswers(t, lg)
				}
			}
		})
	}
}

// newLedger opens a ledger of its own in a temporary state folder.
func newLedger(t testing.TB) *ledger.DB {
	t.Helper()
	tenant, err := ledger.NewTenant("http://127.0.0.1:1/api", "P1", "")
	if err != nil {
		t.Fatal(err)
	}
	lg, err := ledger.Open(context.Background(), t.TempDir(), tenant, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := lg.Close(); err != nil {
			t.Error(err)
		}
	})
	return lg
}

// loseAnswers makes the ledger look as a power cut right after the
// requests left would leave it: every create of the last run is
// "sending" again, its answer lost.
func loseAnswers(t *testing.T, lg *ledger.DB) {
	t.Helper()
	db, err := sql.Open("sqlite", lg.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE creates SET state = 'sending', ccode = '' WHERE run_id = (SELECT max(id) FROM runs)`); err != nil {
		t.Fatal(err)
	}
}
