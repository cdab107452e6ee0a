//go:build unix

package importer

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/source"
)

// BenchmarkCheckerSet100k measures one cell edit of a 100,000-row list
// checked again by a Checker, against its first check.
//
//	go test -run '^$' -bench CheckerSet -benchtime 10x ./importer
func BenchmarkCheckerSet100k(b *testing.B) {
	const rows = 100_000
	recs := []source.Record{{Line: 1, Cells: []string{"客戶代號", "客戶名稱", "客戶簡稱", "統一編號", "信用額度", "聯絡電話", "地址"}}}
	for i := 1; i <= rows; i++ {
		recs = append(recs, source.Record{Line: i + 1, Cells: []string{fmt.Sprintf("C%06d", i), fmt.Sprintf("測試客戶股份有限公司%d", i), fmt.Sprintf("客戶%d", i), "",
			fmt.Sprint(1000 + i%5000), fmt.Sprintf("02-2345%04d", i%10000), fmt.Sprintf("台北市中正區重慶南路一段%d號", i%300+1)}})
	}
	var want Status
	ctx := context.Background()
	start := time.Now()
	c, err := NewChecker(ctx, Options{Input: "big", Rows: RecordRows("", recs)})
	first := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		edited := prepare.CloneRecord(recs[50_000])
		edited.Cells[4], want = []string{"abc", "100"}[i%2], []Status{StatusInvalid, StatusValid}[i%2]
		changed, err := c.Set(ctx, nil, edited)
		if err != nil || len(changed) != 1 || changed[0].Status != want {
			b.Fatalf("edit %d: %v %+v", i, err, changed)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(first.Milliseconds()), "first-check-ms")
	b.ReportMetric(100*float64(per)/float64(first), "edit/first-%")
}

// cpuTime is the CPU time the process used so far (user and system):
// the machine's load does not stretch it as it does the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
