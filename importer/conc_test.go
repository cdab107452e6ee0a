package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/tms"
)

// manyBatchesCSV writes n rows: codes, creates, an invalid row now and then.
func manyBatchesCSV(t *testing.T, n int, tail string) string {
	var b strings.Builder
	b.WriteString("CCODE,CNAM1,CBELE\n")
	for i := range n {
		switch {
		case i%3 == 0:
			fmt.Fprintf(&b, ",新%d,1\n", i)
		case i%17 == 0:
			fmt.Fprintf(&b, "R%d,壞%d,x\n", i, i)
		default:
			fmt.Fprintf(&b, "R%d,n%d,1\n", i, i)
		}
	}
	b.WriteString(tail)
	return writeFile(t, "in.csv", b.String())
}

// within fails the test when fn does not return in d (a hang).
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not finish in %v: a hang", d)
	}
}

// statuses counts the results' ImportStatus column.
func statuses(t *testing.T, out string) (map[string]int, int) {
	rows := readCSV(t, out)
	col := -1
	for i, h := range rows[0] {
		if h == "ImportStatus" {
			col = i
		}
	}
	got := map[string]int{}
	n := 0
	for _, r := range rows[1:] {
		if col < len(r) && r[col] != "" {
			got[r[col]]++
			n++
		}
	}
	return got, n
}

// Stop while rows are being sent, over a file of many batches:
// the run ends, every row is in the results (OK before, NOT_SENT after).
//
//	go test -race ./importer -run TestStopMidRunManyBatches -count=3
func TestStopMidRunManyBatches(t *testing.T) {
	const n = 1500
	in := manyBatchesCSV(t, n, "")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	var sent atomic.Int64
	job := NewJob(Options{Input: in, Out: out, Ledger: newLedger(t), Workers: 3})
	base := okSender()
	job.opts.Sender = &fakeSender{SendFunc: func(ctx context.Context, m tms.Main, idem bool) tms.Outcome {
		if sent.Add(1) == 200 {
			job.Stop()
		}
		return base.SendFunc(ctx, m, idem)
	}}
	within(t, 60*time.Second, func() {
		_, err := job.Run(context.Background())
		if err != nil && !errors.Is(err, ErrStoppedByUser) {
			t.Logf("run: %v", err)
		}
	})
	got, rows := statuses(t, out)
	if rows != n {
		t.Errorf("%d rows in the results, want %d: %v", rows, n, got)
	}
	if got["NOT_SENT"] == 0 || got["OK"] == 0 {
		t.Errorf("statuses %v: want OK rows before the stop and NOT_SENT after", got)
	}
}

// the ledger fails to commit in the middle of a run (disk full):
// sending stops, the run ends, and every row is in the results.
//
//	go test -race ./importer -run TestLedgerFailsMidRun -count=3
func TestLedgerFailsMidRun(t *testing.T) {
	const n = 1500
	in := manyBatchesCSV(t, n, "")
	out := filepath.Join(filepath.Dir(in), "out.csv")
	var commits atomic.Int64
	tenant, err := ledger.NewTenant("http://127.0.0.1:1/api", "P1", "")
	if err != nil {
		t.Fatal(err)
	}
	lg, err := ledger.Open(context.Background(), t.TempDir(), tenant, ledger.Options{BeforeCommit: func() error {
		if commits.Add(1) > 40 {
			return errors.New("disk full")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer lg.Close()
	within(t, 60*time.Second, func() {
		_, err := Run(context.Background(), Options{Input: in, Out: out, Sender: okSender(), Ledger: lg, Workers: 3})
		t.Logf("run: %v", err)
	})
	got, rows := statuses(t, out)
	if rows != n {
		t.Errorf("%d rows in the results, want %d: %v", rows, n, got)
	}
	if got["NOT_SENT"] == 0 {
		t.Errorf("statuses %v: want NOT_SENT rows once the ledger failed", got)
	}
}

// a damaged CSV (an unclosed quote) many batches in: the run
// ends with the read error, without a hang (the error is met by the first
// pass, before any row is checked in batches).
//
//	go test -race ./importer -run TestReadErrorManyBatchesIn -count=3
func TestReadErrorManyBatchesIn(t *testing.T) {
	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry=%v", dry), func(t *testing.T) {
			const n = 700
			in := manyBatchesCSV(t, n, "\"R9999,unclosed,1\n"+strings.Repeat("R1,a,1\n", 3))
			out := filepath.Join(filepath.Dir(in), "out.csv")
			var err error
			within(t, 60*time.Second, func() {
				_, err = Run(context.Background(), Options{Input: in, Out: out, Sender: okSender(), Ledger: newLedger(t), Workers: 3, DryRun: dry})
			})
			if err == nil {
				t.Fatal("no error for an unclosed quote")
			}
			t.Logf("run: %v", err)
			if _, statErr := os.Stat(out); statErr == nil {
				_, rows := statuses(t, out)
				t.Logf("%d rows in the results", rows)
			}
		})
	}
}
