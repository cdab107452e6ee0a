package validate

import (
	bin "encoding/binary"
	"hash/maphash"
	"strings"
)

// codeSet remembers the customer codes of a file and the line each first
// appeared on, compactly: a million codes cost about 30 MB where a
// map[string]int costs about 100 MB. Each code is a record in a chunked
// byte arena (its length, its bytes, its line), and an open-addressing
// table of 8-byte slots holds each record's place with 32 bits of the
// code's hash, so a probe seldom reads the arena for a code that is not
// there. It is exact: codes are compared byte for byte.
type codeSet struct {
	seed   maphash.Seed
	slots  []uint64 // 0: empty; else hash>>32 << 32 | place+1
	shift  uint     // 64 - log2(len(slots)): a slot's home is its top bits
	n      int      // codes in slots
	chunks [][]byte // records: uvarint length, code, 4-byte line
	long   map[string]int
}

const (
	chunkBits = 20 // 1 MB chunks: the arena grows without copying
	chunkSize = 1 << chunkBits
	maxChunks = 1<<(32-chunkBits) - 1 // places fit the slots' 32 bits
	// longCode: a code this long is kept in a plain map (none is, as a
	// valid code, but the set does not rely on it).
	longCode = 1 << 12
)

func newCodeSet() *codeSet {
	return &codeSet{seed: maphash.MakeSeed(), slots: make([]uint64, 1024), shift: 64 - 10, long: map[string]int{}}
}

// first returns the line code was first added on, and whether it was.
func (s *codeSet) first(code string) (int, bool) {
	if len(code) >= longCode {
		line, ok := s.long[code]
		return line, ok
	}
	line, _, ok := s.find(code, maphash.String(s.seed, code))
	return line, ok
}

// add records code as first seen on line; first(code) must be false.
func (s *codeSet) add(code string, line int) {
	s.addFirst(code, line)
}

// addFirst returns the line code was first added on, or adds it as seen
// on line (false): first and add with one hash.
func (s *codeSet) addFirst(code string, line int) (int, bool) {
	if len(code) >= longCode {
		if first, ok := s.long[code]; ok {
			return first, true
		}
		s.long[strings.Clone(code)] = line
		return line, false
	}
	h := maphash.String(s.seed, code)
	first, slot, ok := s.find(code, h)
	if ok {
		return first, true
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
		_, slot, _ = s.find(code, h)
	}
	s.slots[slot] = h>>32<<32 | uint64(s.store(code, line)+1)
	s.n++
	return line, false
}

// find looks code (of hash h) up: its line, or the slot where it would go.
// A code's home slot is given by the top bits of its hash, which its slot
// keeps: growing the table reads no record, and moves the slots in order.
func (s *codeSet) find(code string, h uint64) (line int, slot int, ok bool) {
	mask := len(s.slots) - 1
	tag := h >> 32 << 32
	for i := int(h >> s.shift); ; i = (i + 1) & mask {
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

// store appends a record and returns its place.
func (s *codeSet) store(code string, line int) uint32 {
	need := bin.MaxVarintLen32 + len(code) + 4
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+need > chunkSize {
		if len(s.chunks) == maxChunks {
			panic("validate: more than 4 GB of customer codes") // beyond any input the readers accept
		}
		s.chunks = append(s.chunks, make([]byte, 0, chunkSize))
		last++
	}
	c := s.chunks[last]
	place := uint32(last)<<chunkBits | uint32(len(c))
	c = bin.AppendUvarint(c, uint64(len(code)))
	c = append(c, code...)
	s.chunks[last] = bin.LittleEndian.AppendUint32(c, uint32(int32(line)))
	return place
}

// record reads the record at place.
func (s *codeSet) record(place uint32) ([]byte, int) {
	c := s.chunks[place>>chunkBits][place&(chunkSize-1):]
	n, k := bin.Uvarint(c)
	end := k + int(n)
	return c[k:end], int(int32(bin.LittleEndian.Uint32(c[end:])))
}

// grow doubles the table and puts every slot back in it.
func (s *codeSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	s.shift--
	mask := len(s.slots) - 1
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := int(e >> s.shift)
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = e
	}
}

// reserve makes room for n codes, so that adding them grows nothing.
func (s *codeSet) reserve(n int) {
	for n*4 > len(s.slots)*3 {
		s.grow()
	}
}

// Reserve makes room for the codes of n rows: a caller that knows how
// many rows Remember will see (a check of rows held in memory) spares
// the growing of the codes' table as they come.
func (v *Validator) Reserve(n int) {
	v.seen.reserve(n)
	v.folded.reserve(n)
}
