package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchHeader is 20 columns: 18 fields and 2 unknown.
var benchHeader = []string{"客戶代號", "客戶簡稱", "客戶名稱", "統一編號", "聯絡人", "客戶電話", "分機", "手機", "客戶地址",
	"電子郵件", "信用額度", "結帳日期", "客戶等級", "發票開立稅別", "生日", "POS專用手機載具", "備註", "網址", "內部一", "內部二"}

func benchRow(i int) []string {
	return []string{fmt.Sprintf("C%06d", i), "順發台", "順發企業股份有限公司", "04595257", "陳志明", "04-24222299", "111",
		"0933555666", "台中市西屯區台灣大道三段99號", "a@example.com.tw", strconv.Itoa(1000 + i%5000), "25", "1", "1",
		"1980/05/01", "/ABC1234", "備註", "https://example.com.tw", "x", "y"}
}

func genCSV(b *testing.B, rows int) string {
	p := filepath.Join(b.TempDir(), "in.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	write := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(c)
		}
		w.WriteString("\r\n")
	}
	write(benchHeader)
	for i := 0; i < rows; i++ {
		write(benchRow(i))
	}
	w.Flush()
	f.Close()
	return p
}

func genXLSX(b *testing.B, rows int) string {
	p := filepath.Join(b.TempDir(), "in.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	toAny := func(s []string) []any {
		out := make([]any, len(s))
		for i, v := range s {
			out[i] = v
		}
		return out
	}
	sw.SetRow("A1", toAny(benchHeader))
	for i := 0; i < rows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toAny(benchRow(i))); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(p); err != nil {
		b.Fatal(err)
	}
	return p
}

// peakHeap samples the live heap (as marked by the last GC, so garbage
// not yet collected does not count) while run runs and returns its peak.
func peakHeap(run func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	run()
	close(stop)
	<-done
	return peak.Load()
}

// BenchmarkDryRun measures the whole offline pipeline (read, map,
// validate, write the results) on generated files. Peak heap is reported
// for two sizes: it must not grow with the row count.
func BenchmarkDryRun(b *testing.B) {
	for _, format := range []string{"csv", "xlsx"} {
		for _, rows := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dk", format, rows/1000), func(b *testing.B) {
				var in string
				if format == "csv" {
					in = genCSV(b, rows)
				} else {
					in = genXLSX(b, rows)
				}
				out := filepath.Join(b.TempDir(), "out."+format)
				b.ReportAllocs()
				b.ResetTimer()
				var peak uint64
				for i := 0; i < b.N; i++ {
					p := peakHeap(func() {
						sum, err := Run(context.Background(), Options{Input: in, Out: out, DryRun: true})
						if err != nil || sum.Rows != rows {
							b.Fatalf("rows %d err %v", sum.Rows, err)
						}
					})
					peak = max(peak, p)
				}
				b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
			})
		}
	}
}
