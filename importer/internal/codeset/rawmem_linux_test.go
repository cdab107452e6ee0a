package codeset

import (
	"testing"
	"unsafe"
)

// Arrays of whole huge pages are mapped at a huge page's boundary, the
// others anywhere; each is zeroed, writable, and unmapped by free.
func TestMapBytesHuge(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		aligned bool
	}{
		{"small", 64 << 10, false},
		{"one huge page", hugePage, true},
		{"four huge pages", 4 * hugePage, true},
		{"not whole huge pages", hugePage + 4096, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &rawMem{}
			b := m.bytes(tt.n)
			if len(b) != tt.n {
				t.Fatalf("len = %d, want %d", len(b), tt.n)
			}
			if m.mapped() != int64(tt.n) {
				t.Fatalf("%d bytes mapped, want %d", m.mapped(), tt.n)
			}
			if at := uintptr(unsafe.Pointer(&b[0])) % hugePage; tt.aligned && at != 0 {
				t.Errorf("mapped %d bytes past a huge page's boundary", at)
			}
			for i := 0; i < len(b); i += 4096 {
				if b[i] != 0 {
					t.Fatalf("byte %d is %d, not zero", i, b[i])
				}
				b[i] = 1
			}
			b[len(b)-1] = 1
			m.free(unsafe.Pointer(&b[0]))
			if m.mapped() != 0 {
				t.Errorf("%d bytes still mapped after free", m.mapped())
			}
		})
	}
}
