package ledger

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestStickyWriteError(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("disk on fire")
	var fail atomic.Bool
	d, err := Open(ctx, tempDir(t), testTenant, Options{BeforeCommit: func() error {
		if fail.Load() {
			return boom
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := claim(t, d, Create{Fingerprint: "a"})
	fail.Store(true)
	if _, err := d.Claim(ctx, Create{Fingerprint: "b"}); !errors.Is(err, boom) {
		t.Fatalf("Claim = %v, want %v", err, boom)
	}
	fail.Store(false)
	for name, err := range map[string]error{
		"Settle":  d.Settle(id, Created, "C1", "", ""),
		"Release": d.Release(id),
		"Flush":   d.Flush(ctx),
		"Failed":  d.Failed("C1"),
	} {
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), d.Path()) {
			t.Errorf("%s after a failed commit = %v, want %v naming %s", name, err, boom, d.Path())
		}
	}
	if cs, err := d.Candidates(ctx); err != nil || len(cs) != 1 || cs[0].State != Sending {
		t.Errorf("reads after a failed commit: %+v, %v", cs, err)
	}
	if err := d.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want %v", err, boom)
	}
	if err := d.Close(); !errors.Is(err, boom) {
		t.Errorf("second Close = %v, want %v", err, boom)
	}
}

func TestWriteAfterClose(t *testing.T) {
	d := openTest(t, tempDir(t), Options{})
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Settle(1, Created, "C", "", ""); err == nil {
		t.Error("Settle after Close: no error")
	}
}

func TestUnknownIDFailsWriter(t *testing.T) {
	d := openTest(t, tempDir(t), Options{})
	if err := d.Settle(42, Created, "C", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := d.Flush(context.Background()); err == nil || !strings.Contains(err.Error(), "create 42") {
		t.Errorf("Flush after settling a create not in the ledger = %v", err)
	}
}

func TestClaimCanceled(t *testing.T) {
	ctx := context.Background()
	release := make(chan struct{})
	var first atomic.Bool
	d := openTest(t, tempDir(t), Options{BeforeCommit: func() error {
		if !first.Swap(true) {
			<-release // hold the writer in its first commit
		}
		return nil
	}})
	done := make(chan error, 1)
	go func() { _, err := d.Claim(ctx, Create{Name: "first"}); done <- err }()
	for !first.Load() {
		time.Sleep(time.Millisecond)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := d.Claim(cctx, Create{Name: "canceled"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Claim = %v, want %v", err, context.DeadlineExceeded)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if cs, _ := d.Candidates(ctx); len(cs) != 1 || cs[0].Name != "first" {
		t.Errorf("a canceled claim was written: %+v", cs)
	}
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, tempDir(t), Options{})
	a := claim(t, d, Create{Name: "台灣積體電路製造股份有限公司", ShortName: "台積電", TaxID: "22099131"})
	b := claim(t, d, Create{Name: "Acme Trading Co.", ShortName: "ACME", TaxID: "12345678"})
	c := claim(t, d, Create{Name: "台灣電力公司", ShortName: "台電", TaxID: "03795904"})
	d.Settle(a, Created, "tw0001", "", "")
	d.Settle(b, Created, "C0002", "", "")
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []int64
	}{
		{"TW0001", []int64{a}},
		{"c0002", []int64{b}},
		{"22099131", []int64{a}},
		{"2209913", nil}, // tax IDs match whole
		{"台灣", []int64{c, a}},
		{"積體電路", []int64{a}},
		{"台電", []int64{c}},
		{"acme", []int64{b}},
		{" ACME ", []int64{b}},
		{"", nil},
		{"nothing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			cs, err := d.Find(ctx, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range cs {
				got = append(got, c.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Find(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, tempDir(t), Options{})
	a := claim(t, d, Create{Name: "甲, \"乙\" 公司", ShortName: "甲", TaxID: "123", Source: "/in/a.xlsx", Sheet: "S1", Row: 4,
		InputSHA256: "sha", RunID: 2, Fingerprint: "fp", Payload: `{"CNAME":"甲"}`})
	claim(t, d, Create{Name: "second"})
	d.Settle(a, Refused, "", "E1", "line one\nline two")
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Fatal("no byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || !reflect.DeepEqual(recs[0], exportHeader) {
		t.Fatalf("Export read back: %q", recs)
	}
	got := map[string]string{}
	for i, h := range recs[0] {
		got[h] = recs[1][i]
	}
	want := map[string]string{"id": "1", "state": Refused, "name": "甲, \"乙\" 公司", "short_name": "甲", "tax_id": "123",
		"source": "/in/a.xlsx", "sheet": "S1", "row": "4", "input_sha256": "sha", "run_id": "2", "error_code": "E1",
		"message": "line one\nline two", "fingerprint": "fp", "payload": `{"CNAME":"甲"}`, "ccode": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("column %s = %q, want %q", k, got[k], v)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, got["created"]); err != nil {
		t.Errorf("created: %v", err)
	}
}

func TestRuns(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := openTest(t, tempDir(t), Options{Now: func() time.Time { return start.Add(time.Hour) }})
	if got, err := d.LineageOf(ctx, "/in/a.xlsx"); err != nil || got != "/in/a.xlsx" {
		t.Fatalf("LineageOf a new input = %q, %v", got, err)
	}
	r1, err := d.BeginRun(ctx, Run{Input: "/in/a.xlsx", InputSHA256: "s1", Sheet: "S", Output: "/out/a.result.xlsx", Lineage: "/in/a.xlsx", PID: 77, Started: start})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.EndRun(ctx, r1, map[string]int{"created": 3, "failed": 1}); err != nil {
		t.Fatal(err)
	}
	r2, err := d.BeginRun(ctx, Run{Input: "/out/a.result.xlsx", Output: "/out/a.result (2).xlsx", Lineage: "/in/a.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.EndRun(ctx, 99, nil); err == nil || !strings.Contains(err.Error(), "run 99") {
		t.Errorf("EndRun of a run not in the ledger = %v", err)
	}
	// That failure was that call's alone.
	if err := d.EndRun(ctx, r2, map[string]int{}); err != nil {
		t.Fatal(err)
	}
	runs, err := d.Runs(ctx, 0)
	if err != nil || len(runs) != 2 {
		t.Fatalf("Runs = %+v, %v", runs, err)
	}
	want := Run{ID: r1, Input: "/in/a.xlsx", InputSHA256: "s1", Sheet: "S", Output: "/out/a.result.xlsx", Lineage: "/in/a.xlsx",
		PID: 77, Started: start, Ended: start.Add(time.Hour), Counts: map[string]int{"created": 3, "failed": 1}}
	if !reflect.DeepEqual(runs[1], want) {
		t.Errorf("Runs()[1] = %+v, want %+v", runs[1], want)
	}
	if r := runs[0]; r.ID != r2 || r.PID != os.Getpid() || !r.Started.Equal(start.Add(time.Hour)) || r.Counts == nil {
		t.Errorf("Runs()[0] = %+v", r)
	}
	if runs, err := d.Runs(ctx, 1); err != nil || len(runs) != 1 || runs[0].ID != r2 {
		t.Errorf("Runs(1) = %+v, %v", runs, err)
	}
	for path, want := range map[string]string{"/out/a.result.xlsx": "/in/a.xlsx", "/out/a.result (2).xlsx": "/in/a.xlsx", "/in/b.xlsx": "/in/b.xlsx"} {
		if got, err := d.LineageOf(ctx, path); err != nil || got != want {
			t.Errorf("LineageOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	for lineage, want := range map[string]bool{"/in/a.xlsx": true, "/out/a.result.xlsx": false} {
		if got, err := d.HasRun(ctx, lineage); err != nil || got != want {
			t.Errorf("HasRun(%q) = %v, %v; want %v", lineage, got, err, want)
		}
	}
}
