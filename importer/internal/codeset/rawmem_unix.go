//go:build unix && !linux

package codeset

import "syscall"

// mapBytes maps n zeroed bytes of anonymous memory.
func mapBytes(n int) ([]byte, bool) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	return b, err == nil && len(b) == n
}

func unmapBytes(b []byte) { _ = syscall.Munmap(b) }
