//go:build !unix

package codeset

// mapBytes maps nothing here: the code set's arrays are on the heap.
func mapBytes(int) ([]byte, bool) { return nil, false }

func unmapBytes([]byte) {}
