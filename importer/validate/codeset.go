package validate

import (
	"hash/maphash"
	"strings"
)

// codeSet remembers the customer codes of a file and the line each first
// appeared on, in about half the memory of a map[string]int: the codes
// are appended to one byte arena and indexed by their 64-bit hash. It is
// exact: a code whose hash collides with a different code's (which
// practically never happens) is kept in a plain map instead.
type codeSet struct {
	seed  maphash.Seed
	index map[uint64]codeEntry
	arena []byte
	extra map[string]int // codes whose hash another code already has
}

// codeEntry locates one code in the arena.
type codeEntry struct {
	off  uint32
	n    uint16
	line int32
}

func newCodeSet() *codeSet {
	return &codeSet{seed: maphash.MakeSeed(), index: make(map[uint64]codeEntry), extra: make(map[string]int)}
}

// first returns the line code was first added on, and whether it was.
func (s *codeSet) first(code string) (int, bool) {
	if line, ok := s.extra[code]; ok {
		return line, true
	}
	e, ok := s.index[maphash.String(s.seed, code)]
	// Compared without allocating a string.
	if ok && string(s.arena[e.off:int(e.off)+int(e.n)]) == code {
		return int(e.line), true
	}
	return 0, false
}

// add records code as first seen on line; first(code) must be false.
func (s *codeSet) add(code string, line int) {
	h := maphash.String(s.seed, code)
	if _, taken := s.index[h]; taken || len(code) > 1<<16-1 || len(s.arena)+len(code) > 1<<32-1 || line > 1<<31-1 {
		// Cloned: the text may share memory with the whole input record.
		s.extra[strings.Clone(code)] = line
		return
	}
	s.index[h] = codeEntry{off: uint32(len(s.arena)), n: uint16(len(code)), line: int32(line)}
	s.arena = append(s.arena, code...)
}
