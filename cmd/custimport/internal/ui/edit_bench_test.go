package ui

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// BenchmarkCellEdit100k measures the page's answer to one cell edit on a
// 100,000-row upload, from the POST to the new count, against the
// upload's first check (reported as first-check-ms and edit/first-%).
//
//	go test -run '^$' -bench CellEdit -benchtime 5x ./cmd/custimport/internal/ui
func BenchmarkCellEdit100k(b *testing.B) {
	const rows = 100_000
	var csv strings.Builder
	csv.WriteString("客戶代號,客戶名稱,客戶簡稱,統一編號,信用額度,聯絡電話,地址\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&csv, "C%06d,測試客戶股份有限公司%d,客戶%d,,%d,02-2345%04d,台北市中正區重慶南路一段%d號\n", i, i, i, 1000+i%5000, i%10000, i%300+1)
	}
	u := newTestUI(b, Config{})
	start := time.Now()
	p := u.upload("big.csv", []byte(csv.String()))
	first := time.Since(start)
	if st := statusOf(p.body); !strings.HasPrefix(st, "VALID 100000") {
		b.Fatalf("after the upload: status %q", st)
	}
	b.ResetTimer()
	for i := range b.N {
		// An invalid credit limit, then a valid one: the count moves each time.
		value := "abc"
		want := "INVALID 1"
		if i%2 == 1 {
			value, want = "100", "VALID 100000"
		}
		p := u.post("/cell", url.Values{"line": {"50001"}, "col": {"4"}, "value": {value}})
		if st := statusOf(p.body); !strings.Contains(st, want) {
			b.Fatalf("edit %d: status %q, want %q", i, st, want)
		}
	}
	b.StopTimer()
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(first.Milliseconds()), "first-check-ms")
	b.ReportMetric(100*float64(per)/float64(first), "edit/first-%")
}
