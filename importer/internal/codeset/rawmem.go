package codeset

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// rawMem hands the code set its hash table (tags and places) from memory
// mapped outside the Go heap where the system allows (mapBytes): the
// garbage collector lets the heap grow to twice what it holds live, so a
// table kept on the heap would cost twice its size in RSS. The records
// stay on the heap: with none of the set there the collector would run
// several times as often (its goal being twice a tiny live heap), which
// cost more CPU than the memory saved was worth. Small arrays, and every
// array where mapping fails, come from the heap. What is mapped is
// unmapped by free, or by freeAll once the set is dropped
// (runtime.AddCleanup).
type rawMem struct {
	mu   sync.Mutex // the cleanup runs on another goroutine
	maps map[*byte][]byte
}

// minMapped is the smallest array mapped: smaller ones are not worth a
// system call and a page.
const minMapped = 64 << 10

// mappedBytes counts the bytes mapped and not yet unmapped, for tests.
var mappedBytes atomic.Int64

func (m *rawMem) bytes(n int) []byte {
	if n >= minMapped {
		if b, ok := mapBytes(n); ok {
			m.mu.Lock()
			if m.maps == nil {
				m.maps = map[*byte][]byte{}
			}
			m.maps[&b[0]] = b
			m.mu.Unlock()
			mappedBytes.Add(int64(len(b)))
			return b
		}
	}
	return make([]byte, n)
}

// uint32s returns n zeroed uint32s (mapped memory is page-aligned, and a
// large heap array at least 8-byte aligned).
func (m *rawMem) uint32s(n int) []uint32 {
	if 4*n < minMapped {
		return make([]uint32, n)
	}
	b := m.bytes(4 * n)
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), n)
}

// free unmaps the array that starts at p, if it was mapped.
func (m *rawMem) free(p unsafe.Pointer) {
	m.mu.Lock()
	b, ok := m.maps[(*byte)(p)]
	delete(m.maps, (*byte)(p))
	m.mu.Unlock()
	if ok {
		unmapBytes(b)
		mappedBytes.Add(-int64(len(b)))
	}
}

// mapped is how many bytes this rawMem has mapped (for tests: other
// sets' cleanups move mappedBytes at any time).
func (m *rawMem) mapped() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for _, b := range m.maps {
		n += int64(len(b))
	}
	return n
}

// freeAll unmaps everything still mapped.
func (m *rawMem) freeAll() {
	m.mu.Lock()
	maps := m.maps
	m.maps = nil
	m.mu.Unlock()
	for _, b := range maps {
		unmapBytes(b)
		mappedBytes.Add(-int64(len(b)))
	}
}
