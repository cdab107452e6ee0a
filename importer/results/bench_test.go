package results

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// heapSampler records the peak HeapInuse while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{})}
	s.sample()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *heapSampler) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	for {
		old := s.peak.Load()
		if m.HeapInuse <= old || s.peak.CompareAndSwap(old, m.HeapInuse) {
			return
		}
	}
}

// Stop returns the peak HeapInuse in MiB.
func (s *heapSampler) Stop() float64 {
	s.sample()
	close(s.stop)
	s.wg.Wait()
	return float64(s.peak.Load()) / (1 << 20)
}

// benchRows returns 100 distinct rows of cols cells; problemEvery > 0 puts
// a problem on every problemEvery-th cell.
func benchRows(cols, problemEvery int) [][]Cell {
	rows := make([][]Cell, 100)
	k := 0
	for i := range rows {
		rows[i] = make([]Cell, cols)
		for j := range rows[i] {
			c := Cell{Value: "客戶資料 " + strconv.Itoa(i*cols+j)}
			if j%5 == 0 {
				c = Cell{Value: strconv.Itoa(i*1000+j) + ".25", Numeric: true}
			}
			if problemEvery > 0 && k%problemEvery == 0 {
				c.Problem = "欄位格式錯誤: " + c.Value + " is not valid for this field"
			}
			k++
			rows[i][j] = c
		}
	}
	return rows
}

type writeStats struct {
	writePeakMiB, closePeakMiB float64
	writeTime, closeTime       time.Duration
	totalAllocPerRow           float64
	size                       int64
}

// writeXLSX writes rows data rows (cycling through data) plus a header and
// measures both phases.
func writeXLSX(tb testing.TB, path string, rows int, data [][]Cell) writeStats {
	tb.Helper()
	var st writeStats
	header := make([]string, len(data[0]))
	for i := range header {
		header[i] = "欄位" + strconv.Itoa(i+1)
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	s := startHeapSampler()
	start := time.Now()
	w, err := Create(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.WriteHeader(header); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < rows; i++ {
		if err := w.WriteRow(data[i%len(data)]); err != nil {
			tb.Fatal(err)
		}
	}
	runtime.ReadMemStats(&m1)
	st.totalAllocPerRow = float64(m1.TotalAlloc-m0.TotalAlloc) / float64(rows)
	st.writeTime = time.Since(start)
	st.writePeakMiB = s.Stop()

	runtime.GC()
	s = startHeapSampler()
	start = time.Now()
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	st.closeTime = time.Since(start)
	st.closePeakMiB = s.Stop()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	st.size = fi.Size()
	return st
}

// BenchmarkXLSXResults writes 10k and 100k rows of 25 columns with 5% of
// the cells carrying a problem (so a comment), and reports the peak heap in
// use while writing rows and during Close (the comment/dimension pass),
// the bytes allocated per row, and the time of each phase.
// Bounded memory shows as peak-MiB staying flat from 10k to 100k rows.
func BenchmarkXLSXResults(b *testing.B) {
	data := benchRows(25, 20)
	for _, rows := range []int{10_000, 100_000} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			b.Setenv("TMPDIR", b.TempDir())
			dir := b.TempDir()
			b.ReportAllocs()
			var st writeStats
			for i := 0; b.Loop(); i++ {
				st = writeXLSX(b, filepath.Join(dir, strconv.Itoa(i)+".xlsx"), rows, data)
			}
			b.ReportMetric(st.writePeakMiB, "write-peak-heap-MiB")
			b.ReportMetric(st.closePeakMiB, "close-peak-heap-MiB")
			b.ReportMetric(st.totalAllocPerRow, "alloc-B/row")
			b.ReportMetric(float64(st.writeTime.Milliseconds()), "write-ms")
			b.ReportMetric(float64(st.closeTime.Milliseconds()), "close-ms")
			b.ReportMetric(float64(st.size)/(1<<20), "file-MiB")
		})
	}
}

// BenchmarkCSVResults writes 100k rows of 25 columns as CSV.
func BenchmarkCSVResults(b *testing.B) {
	data := benchRows(25, 0)
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w, err := Create(filepath.Join(dir, strconv.Itoa(i)+".csv"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		for r := 0; r < 100_000; r++ {
			if err := w.WriteRow(data[r%len(data)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestXLSXMemoryBounded writes 20k and then 40k rows whose sheet XML
// (~0.8 KiB a row) makes excelize spill its 16 MiB buffer to disk, and
// whose problem texts (3 KiB a row) are spooled to disk. Doubling the rows
// adds 60 MiB of comment text and 16 MiB of sheet XML; if either were held
// in memory, the peak heap would grow by that much. excelize's stream
// buffer makes the peak itself ~60 MiB, flat in the row count.
func TestXLSXMemoryBounded(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("writes ~300 MB: too slow under -race or -short")
	}
	t.Setenv("TMPDIR", t.TempDir())
	long := strings.Repeat("長", 50) // 150 bytes
	problem := strings.Repeat("p", 3000)
	data := make([][]Cell, 10)
	for i := range data {
		data[i] = []Cell{{Value: long + strconv.Itoa(i)}, {Value: long}, {Value: long}, {Value: long}, {Value: long, Problem: problem}}
	}
	var peaks [2]writeStats
	for i, rows := range []int{20_000, 40_000} {
		st := writeXLSX(t, filepath.Join(t.TempDir(), "mem.xlsx"), rows, data)
		t.Logf("%d rows: write peak %.1f MiB in %v, close peak %.1f MiB in %v, %.0f B allocated/row",
			rows, st.writePeakMiB, st.writeTime, st.closePeakMiB, st.closeTime, st.totalAllocPerRow)
		peaks[i] = st
	}
	const slack = 20 // MiB; holding the extra comments alone would take 60
	if d := peaks[1].writePeakMiB - peaks[0].writePeakMiB; d > slack {
		t.Errorf("write peak heap grew by %.1f MiB from 20k to 40k rows, want under %d", d, slack)
	}
	if d := peaks[1].closePeakMiB - peaks[0].closePeakMiB; d > slack {
		t.Errorf("close peak heap grew by %.1f MiB from 20k to 40k rows, want under %d", d, slack)
	}
}

// BenchmarkXLSXWideHeader writes one header and one row of 1,024 to 16,384
// columns: the time per column must stay flat (it grew with the square of
// the columns while excelize set the widths).
func BenchmarkXLSXWideHeader(b *testing.B) {
	for _, n := range []int{1024, 4096, 16384} {
		b.Run("cols="+strconv.Itoa(n), func(b *testing.B) {
			b.Setenv("TMPDIR", b.TempDir())
			dir := b.TempDir()
			for i := 0; b.Loop(); i++ {
				writeWide(b, filepath.Join(dir, strconv.Itoa(i)+".xlsx"), n)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/col")
		})
	}
}

// BenchmarkCSVResultsCheck writes 100,000 rows as a check of bench/speed's
// CSV writes them: ten input cells (the credit limit numeric) and the
// five Import* columns of a VALID row.
func BenchmarkCSVResultsCheck(b *testing.B) {
	row := []Cell{{Value: "C0000001"}, {Value: "順發電機有限公司"}, {Value: "順發台北"}, {Value: "04595257"},
		{Value: "02-2345-6789"}, {Value: "0912-345-678"}, {Value: "台北市中山區南京東路二段103號6樓"},
		{Value: "service1@example.com.tw"}, {Value: "300000.25", Numeric: true}, {Value: "1973/06/24"},
		{Value: "VALID"}, {Value: "C0000001"}, {}, {}, {}}
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w, err := Create(filepath.Join(dir, strconv.Itoa(i)+".csv"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		for range 100_000 {
			if err := w.WriteRow(row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCSVWriteRow formats the rows of BenchmarkCSVResultsCheck,
// without a file: the writer's own work, per row.
func BenchmarkCSVWriteRow(b *testing.B) {
	row := []Cell{{Value: "C0000001"}, {Value: "順發電機有限公司"}, {Value: "順發台北"}, {Value: "04595257"},
		{Value: "02-2345-6789"}, {Value: "0912-345-678"}, {Value: "台北市中山區南京東路二段103號6樓"},
		{Value: "service1@example.com.tw"}, {Value: "300000.25", Numeric: true}, {Value: "1973/06/24"},
		{Value: "VALID"}, {Value: "C0000001"}, {}, {}, {}}
	w := NewCSVWriter(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteRow(row); err != nil {
			b.Fatal(err)
		}
	}
}
