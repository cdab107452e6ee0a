package source

import "unsafe"

// The CSV reader hands out each record's cells as strings and a slice of
// them that the caller keeps (a row travels through the checkers and the
// results writer after the next one is read). Allocating them row by row
// cost two allocations a row, most of a check's; they are carved out of
// shared chunks instead, a chunk for many rows. A chunk lives while any
// of its strings or slices does, so the text chunks are small: a cell
// kept for long (a code a caller remembers) pins at most textChunk bytes
// where it pinned its whole line before; a caller that keeps cells of
// a few rows out of many should copy them (strings.Clone).
const (
	textChunk = 4 << 10 // bytes: about 25 lines of a customer list
	cellChunk = 512     // strings; a kept cell does not pin these
)

// textArena copies byte slices into strings that share chunks. A byte of
// a chunk is written once, before the string over it is made, and never
// again: the strings are as immutable as any.
type textArena struct {
	free []byte // the current chunk; free[len:cap] is not handed out yet
}

// str returns b as a string.
func (a *textArena) str(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n > cap(a.free)-len(a.free) {
		if n > textChunk/4 {
			return string(b) // a long line: its own allocation
		}
		a.free = make([]byte, 0, textChunk)
	}
	start := len(a.free)
	a.free = append(a.free, b...)
	return unsafe.String(&a.free[start], n)
}

// cellArena hands out string slices that share chunks.
type cellArena struct {
	free []string // the current chunk; free[len:cap] is not handed out yet
}

// take returns n zero strings, with no room to grow: an append by the
// caller copies them rather than writing into the next record's cells.
func (a *cellArena) take(n int) []string {
	if n > cap(a.free)-len(a.free) {
		if n > cellChunk/4 {
			return make([]string, n)
		}
		a.free = make([]string, 0, cellChunk)
	}
	start := len(a.free)
	a.free = a.free[:start+n]
	return a.free[start : start+n : start+n]
}
