package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/existing"
)

// validBizIDs returns n 8-digit numbers that pass the 統一編號 checksum.
func validBizIDs(n int) []string {
	weights := []int{1, 2, 1, 2, 1, 2, 4, 1}
	out := make([]string, 0, n)
	for v := 10000000; len(out) < n; v++ {
		s := fmt.Sprintf("%08d", v)
		sum := 0
		for i, w := range weights {
			p := int(s[i]-'0') * w
			sum += p/10 + p%10
		}
		if sum%5 == 0 || (s[6] == '7' && (sum+1)%5 == 0) {
			out = append(out, s)
		}
	}
	return out
}

// writeLines writes a CSV file of lines (header first) to path.
func writeLines(b *testing.B, path string, lines func(w *bufio.Writer)) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	lines(w)
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}

// BenchmarkExistingList loads a list of 100,000 existing customers (TMS's
// export, read and put in the ledger) and checks a 100,000-row file
// against it: a quarter of the rows without a code have a listed
// customer's 統編 (EXISTS), a quarter are new customers, a quarter carry a
// listed code (updates), a quarter a listed code without its leading
// zeros (LOST_ZEROS).
//
//	go test -run=^$ -bench=BenchmarkExistingList -benchtime=1x ./importer/
func BenchmarkExistingList(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	ids := validBizIDs(n)
	code := func(i int) string { return fmt.Sprintf("%07d", i+1) } // zero-padded, as TMS numbers
	export := filepath.Join(dir, "export.csv")
	writeLines(b, export, func(w *bufio.Writer) {
		w.WriteString("客戶代號,客戶簡稱,客戶名稱,統一編號,電話,手機\r\n")
		for i := range n {
			fmt.Fprintf(w, "%s,客%d,客戶%d股份有限公司,%s,02-2345%04d,0912%06d\r\n", code(i), i, i, ids[i], i%10000, i)
		}
	})
	in := filepath.Join(dir, "in.csv")
	writeLines(b, in, func(w *bufio.Writer) {
		w.WriteString("CCODE,CNAM1,CTCOD,CTELE,CBELE\r\n")
		for i := range n {
			switch i % 4 {
			case 0:
				fmt.Fprintf(w, ",某公司%d,%s,02-1111,1\r\n", i, ids[i])
			case 1:
				fmt.Fprintf(w, ",新客戶%d,,02-2222,1\r\n", i)
			case 2:
				fmt.Fprintf(w, "%s,客戶%d股份有限公司,,02-3333,\r\n", code(i), i)
			case 3:
				fmt.Fprintf(w, "%s,客戶%d,,02-4444,1\r\n", strings.TrimLeft(code(i), "0"), i)
			}
		}
	})
	var load, check time.Duration
	var loadPeak, checkPeak uint64
	for b.Loop() {
		lg := newLedger(b)
		ctx := context.Background()
		loadPeak = max(loadPeak, peakHeap(func() {
			start := time.Now()
			rep, err := existing.Read(export, existing.Options{})
			if err != nil || len(rep.List.Customers) != n {
				b.Fatalf("read %d customers, %v", len(rep.List.Customers), err)
			}
			if err := lg.LoadExisting(ctx, rep.List); err != nil {
				b.Fatal(err)
			}
			load += time.Since(start)
		}))
		checkPeak = max(checkPeak, peakHeap(func() {
			start := time.Now()
			sum, err := Run(ctx, Options{Input: in, Out: filepath.Join(b.TempDir(), "out.xlsx"), DryRun: true, Ledger: lg})
			check += time.Since(start)
			if err != nil || sum.Rows != n || sum.Counts[StatusInvalid] != n/2 || sum.WillCreate != n/4 {
				b.Fatalf("rows %d counts %v will create %d err %v", sum.Rows, sum.Counts, sum.WillCreate, err)
			}
			if sum.Errors["INVALID EXISTS"] != n/4 || sum.Errors["INVALID LOST_ZEROS"] != n/4 {
				b.Fatalf("errors %v", sum.Errors)
			}
		}))
	}
	runs := float64(b.N)
	b.ReportMetric(load.Seconds()/runs, "load-s")
	b.ReportMetric(float64(loadPeak)/(1<<20), "load-peak-live-MiB")
	b.ReportMetric(check.Seconds()/runs, "check-s")
	b.ReportMetric(float64(checkPeak)/(1<<20), "check-peak-live-MiB")
	b.ReportMetric(n*runs/check.Seconds(), "rows/s")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "process-peak-RSS-MiB")
	}
}

// peakRSS is the process's peak resident set (Linux's VmHWM), 0 where it
// cannot be read.
func peakRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
