package validate

import (
	bin "encoding/binary"
	"hash/maphash"
)

// codeSet remembers the customer codes of a file and the line each first
// appeared on, compactly: a million codes cost about 30 MB where a
// map[string]int costs about 100 MB. Each code is a record in one byte
// arena (its length, its bytes, its line), and an open-addressing table of
// 8-byte slots holds each record's offset with 32 bits of the code's hash,
// so a probe seldom reads the arena for a code that is not there. It is
// exact: codes are compared byte for byte.
type codeSet struct {
	seed  maphash.Seed
	slots []uint64 // 0: empty; else hash>>32 << 32 | offset+1
	n     int      // codes stored
	arena []byte   // records: uvarint length, code, 4-byte line
}

// maxArena keeps offsets within the slots' 32 bits.
const maxArena = 1<<32 - 2

func newCodeSet() *codeSet {
	return &codeSet{seed: maphash.MakeSeed(), slots: make([]uint64, 1024)}
}

// first returns the line code was first added on, and whether it was.
func (s *codeSet) first(code string) (int, bool) {
	line, _, ok := s.find(code, maphash.String(s.seed, code))
	return line, ok
}

// add records code as first seen on line; first(code) must be false.
func (s *codeSet) add(code string, line int) {
	s.insert(code, maphash.String(s.seed, code), line)
}

// addFirst returns the line code was first added on, or adds it as seen
// on line (false): first and add with one hash.
func (s *codeSet) addFirst(code string, line int) (int, bool) {
	h := maphash.String(s.seed, code)
	if first, _, ok := s.find(code, h); ok {
		return first, true
	}
	s.insert(code, h, line)
	return line, false
}

// find looks code (of hash h) up: its line, or the slot where it would go.
func (s *codeSet) find(code string, h uint64) (line int, slot int, ok bool) {
	mask := len(s.slots) - 1
	tag := h >> 32 << 32
	for i := int(h) & mask; ; i = (i + 1) & mask {
		e := s.slots[i]
		if e == 0 {
			return 0, i, false
		}
		if e&^(1<<32-1) != tag {
			continue
		}
		text, line := s.record(uint32(e) - 1)
		if string(text) == code { // compared without allocating
			return line, i, true
		}
	}
}

// record reads the record at off.
func (s *codeSet) record(off uint32) ([]byte, int) {
	n, k := bin.Uvarint(s.arena[off:])
	start := int(off) + k
	end := start + int(n)
	return s.arena[start:end], int(int32(bin.LittleEndian.Uint32(s.arena[end:])))
}

func (s *codeSet) insert(code string, h uint64, line int) {
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	off := len(s.arena)
	if off+bin.MaxVarintLen64+len(code)+4 > maxArena {
		panic("validate: more than 4 GB of customer codes") // beyond any input the readers accept
	}
	s.arena = bin.AppendUvarint(s.arena, uint64(len(code)))
	s.arena = append(s.arena, code...)
	s.arena = bin.LittleEndian.AppendUint32(s.arena, uint32(int32(line)))
	_, slot, _ := s.find(code, h)
	s.slots[slot] = h>>32<<32 | uint64(off+1)
	s.n++
}

// grow doubles the table and puts every record back in it.
func (s *codeSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	mask := len(s.slots) - 1
	for _, e := range old {
		if e == 0 {
			continue
		}
		text, _ := s.record(uint32(e) - 1)
		h := maphash.Bytes(s.seed, text)
		i := int(h) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = e
	}
}
