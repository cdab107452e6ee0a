package codeset

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on the platforms the
// tool runs on (amd64, arm64 with 4 KB pages).
const hugePage = 2 << 20

// mapBytes maps n zeroed bytes of anonymous memory. An array of whole
// huge pages (a table of 2M slots and up: its tags are 2 MB, its places
// 8 MB) is mapped at a huge page's boundary and asked for huge pages
// (MADV_HUGEPAGE; systems that give them only on request, the common
// default, give them then): the table is written at random places, and
// in 4 KB pages each of its pages is a page fault the first time (in a
// virtual machine, about 14 µs of system time each: 35 ms for a million
// codes) and a miss of the TLB at each look-up. A huge page costs one
// fault, and the RSS is the same: a table at least 3/8 full has codes in
// every 4 KB page of it anyway.
func mapBytes(n int) ([]byte, bool) {
	huge := n%hugePage == 0
	size := n
	if huge {
		// A huge page more than asked, to unmap again what lies before
		// the first boundary and after the array.
		size += hugePage
	}
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	if !huge {
		return unsafe.Slice((*byte)(p), n), true
	}
	head := (hugePage - uintptr(p)%hugePage) % hugePage
	if head > 0 {
		_ = unix.MunmapPtr(p, head)
	}
	if tail := hugePage - head; tail > 0 {
		_ = unix.MunmapPtr(unsafe.Add(p, head+uintptr(n)), tail)
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, head)), n)
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE) // a hint: without, 4 KB pages
	return b, true
}

// unmapBytes unmaps what mapBytes mapped, both ways.
func unmapBytes(b []byte) { _ = unix.MunmapPtr(unsafe.Pointer(unsafe.SliceData(b)), uintptr(len(b))) }
