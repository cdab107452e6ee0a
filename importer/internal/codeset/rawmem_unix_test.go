//go:build unix

package codeset

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// A large code set's table lives outside the Go heap (the collector would
// let the heap grow to twice its size), and is unmapped once dropped; its
// records stay on the heap.
func TestCodeSetOffHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	mapped := mappedBytes.Load()
	s := New()
	const n = 300_000
	for i := range n {
		s.AddFirst(fmt.Sprintf("C%07d", i), i+2)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	records := int64(len(s.chunks) * chunkSize)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > records+1<<20 {
		t.Errorf("the heap grew by %d bytes for %d codes, %d of them records", grown, n, records)
	}
	if m, table := s.mem.mapped(), int64(5*len(s.tags)); m != table {
		t.Errorf("%d bytes mapped for %d codes, want the table's %d", m, n, table)
	}
	if line, ok := s.First("C0123456"); !ok || line != 123458 {
		t.Errorf("first(C0123456) = %d, %v", line, ok)
	}
	runtime.KeepAlive(s)
	s = nil
	deadline := time.Now().Add(10 * time.Second)
	for mappedBytes.Load() > mapped && time.Now().Before(deadline) {
		runtime.GC() // the cleanup runs after a collection finds the set gone
		time.Sleep(10 * time.Millisecond)
	}
	if m := mappedBytes.Load(); m > mapped {
		t.Errorf("%d bytes still mapped after the set was dropped", m-mapped)
	}
}
