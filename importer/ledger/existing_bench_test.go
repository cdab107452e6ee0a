package ledger

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custimport/custimport/internal/pgtest"
)

// BenchmarkExistingRead reads a list of 100,000 existing customers back
// from an SQLite ledger and from one on PostgreSQL, reporting the bytes
// allocated per read and the peak heap while reading above the heap
// before it (the list itself included):
//
//	go test -run=^$ -bench=BenchmarkExistingRead -benchtime=3x ./importer/ledger/
func BenchmarkExistingRead(b *testing.B) {
	const n = 100_000
	list := ExistingList{Info: ExistingInfo{Source: "tms.xlsx", SHA256: "e"}}
	for i := range n {
		list.Customers = append(list.Customers, Customer{CCODE: fmt.Sprintf("C%06d", i),
			Names: Names{Name: fmt.Sprintf("客戶名稱有限公司第%06d號", i), ShortName: fmt.Sprintf("客戶%06d", i), TaxID: fmt.Sprintf("%08d", i)},
			Phone: "02-2345-6789", Mobile: "0912-345-678", Row: i + 2})
	}
	ctx := context.Background()
	for _, store := range []string{"sqlite", "postgres"} {
		b.Run(store, func(b *testing.B) {
			var d *DB
			var err error
			if store == "sqlite" {
				d, err = Open(ctx, b.TempDir(), testTenant, Options{})
			} else {
				d, err = OpenURL(ctx, pgtest.Database(b), testTenant, Options{})
			}
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			if err := d.LoadExisting(ctx, list); err != nil {
				b.Fatal(err)
			}
			var peak uint64
			for b.Loop() {
				p, got := peakHeap(func() int {
					l, ok, err := d.Existing(ctx)
					if err != nil || !ok {
						b.Fatal(err)
					}
					return len(l.Customers)
				})
				if got != n {
					b.Fatalf("read %d customers, want %d", got, n)
				}
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}

// peakHeap runs fn, sampling the live heap every millisecond, and returns
// the highest heap seen above the heap before fn, and fn's result.
func peakHeap(fn func() int) (uint64, int) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	got := fn()
	close(stop)
	wg.Wait()
	return peak.Load(), got
}
