// Package codeset holds a set of customer codes, each with the line it
// was first seen on, compactly and exactly (see Set). It knows nothing of
// what a code means, of files or of rows: its callers (the validator's
// duplicate check, the collector's check of the codes TMS gave) decide.
package codeset

import (
	bin "encoding/binary"
	"hash/maphash"
	"runtime"
	"strings"
	"unsafe"
)

// Set remembers the customer codes of a file and the line each first
// appeared on, compactly: a million 8-byte codes cost about 22 MB where a
// map[string]int costs about 100 MB. Each code is a record in a chunked
// byte arena (its length, its bytes, its line, lengths and line as
// uvarints). An open-addressing table holds each record's place (4 bytes)
// in one array and a 1-byte tag of the code's hash in another: a probe
// for a code that is not there reads only the tags (a quarter of the
// table's bytes, mostly in cache), and the arena only on a tag match (one
// in 255 of the other codes). It is exact: codes are compared byte for
// byte, so a shared hash or tag never makes a false duplicate. The table
// is outside the Go heap where the system allows (rawMem).
type Set struct {
	seed   maphash.Seed
	tags   []uint8  // 0: empty; else tagOf(hash)
	places []uint32 // the record of the slot with a tag
	shift  uint     // 64 - log2(len(tags)): a slot's home is its hash's top bits
	n      int      // codes in the table
	chunks [][]byte // records: uvarint length, code, uvarint line
	long   map[string]int
	mem    *rawMem // where tags and places are (see rawMem)
	sink   uint32  // what Touch read, so that its loads are made
}

const (
	chunkBits = 20 // 1 MB chunks: the arena grows without copying
	chunkSize = 1 << chunkBits
	maxChunks = 1 << (32 - chunkBits) // places fit in 32 bits
	// longCode: a code this long is kept in a plain map (none is, as a
	// valid code, but the set does not rely on it).
	longCode = 1 << 12
	// maxRecord is the most bytes a record of a code shorter than
	// longCode takes.
	maxRecord = 2*bin.MaxVarintLen64 + longCode
	minSlots  = 1 << 10
)

// Len is how many codes the set holds.
func (s *Set) Len() int { return s.n + len(s.long) }

// Slots is the size of the set's table (for tests of its sizing).
func (s *Set) Slots() int { return len(s.tags) }

// New returns an empty set.
func New() *Set {
	s := &Set{seed: maphash.MakeSeed(), tags: make([]uint8, minSlots), places: make([]uint32, minSlots),
		shift: 64 - 10, long: map[string]int{}, mem: &rawMem{}}
	runtime.AddCleanup(s, (*rawMem).freeAll, s.mem)
	return s
}

// tagOf is the tag of a hash: 1 to 255, from bits its home does not use.
func tagOf(h uint64) uint8 { return uint8(h%255) + 1 }

// First returns the line code was first added on, and whether it was.
func (s *Set) First(code string) (int, bool) {
	if len(code) >= longCode {
		line, ok := s.long[code]
		return line, ok
	}
	line, _, ok := s.find(code, maphash.String(s.seed, code))
	return line, ok
}

// Add records code as first seen on line; First(code) must be false.
func (s *Set) Add(code string, line int) {
	s.AddFirst(code, line)
}

// AddFirst returns the line code was first added on, or adds it as seen
// on line (false): First and Add with one hash.
func (s *Set) AddFirst(code string, line int) (int, bool) {
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
	if (s.n+1)*4 > len(s.tags)*3 {
		s.grow()
		slot = s.empty(h)
	}
	s.tags[slot], s.places[slot] = tagOf(h), s.store(code, line)
	s.n++
	return line, false
}

// Touch reads the slot where code's lookup will start, so that a lookup
// made soon after finds it in the cache: touching the codes of many rows
// first, then looking them up, waits for the memory once for all of
// them instead of once for each (a million-code table is larger than
// the caches).
func (s *Set) Touch(code string) {
	if len(code) >= longCode {
		return
	}
	i := int(maphash.String(s.seed, code) >> s.shift)
	s.sink += uint32(s.tags[i]) + s.places[i]
}

// find looks code (of hash h) up: its line, or the empty slot where it
// would go.
func (s *Set) find(code string, h uint64) (line int, slot int, ok bool) {
	mask := len(s.tags) - 1
	tag := tagOf(h)
	for i := int(h >> s.shift); ; i = (i + 1) & mask {
		switch t := s.tags[i]; {
		case t == 0:
			return 0, i, false
		case t != tag:
			continue
		}
		text, line, _ := s.record(s.places[i])
		if string(text) == code { // compared without allocating
			return line, i, true
		}
	}
}

// empty returns the first empty slot from the home of hash h.
func (s *Set) empty(h uint64) int {
	mask := len(s.tags) - 1
	i := int(h >> s.shift)
	for s.tags[i] != 0 {
		i = (i + 1) & mask
	}
	return i
}

// store appends a record and returns its place.
func (s *Set) store(code string, line int) uint32 {
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+maxRecord > chunkSize {
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
	s.chunks[last] = bin.AppendUvarint(c, uint64(line))
	return place
}

// record reads the record at place: its code, its line and its length.
func (s *Set) record(place uint32) (code []byte, line int, size int) {
	c := s.chunks[place>>chunkBits][place&(chunkSize-1):]
	n, k := bin.Uvarint(c)
	end := k + int(n)
	l, m := bin.Uvarint(c[end:])
	return c[k:end], int(l), end + m
}

// grow doubles the table.
func (s *Set) grow() { s.resize(2 * len(s.tags)) }

// resize makes the table size slots (a power of two, at least the
// present size) and puts every record back in it, reading the arena in
// order (the tags do not hold enough of a hash to place a code).
func (s *Set) resize(size int) {
	s.mem.free(unsafe.Pointer(unsafe.SliceData(s.tags)))
	s.mem.free(unsafe.Pointer(unsafe.SliceData(s.places)))
	for n := len(s.tags); n < size; n *= 2 {
		s.shift--
	}
	s.tags, s.places = s.mem.bytes(size), s.mem.uint32s(size)
	for ci, c := range s.chunks {
		for off := 0; off < len(c); {
			code, _, n := s.record(uint32(ci)<<chunkBits | uint32(off))
			h := maphash.Bytes(s.seed, code)
			i := s.empty(h)
			s.tags[i], s.places[i] = tagOf(h), uint32(ci)<<chunkBits|uint32(off)
			off += n
		}
	}
}

// Reserve makes room for n codes, so that adding them grows nothing.
func (s *Set) Reserve(n int) {
	size := len(s.tags)
	for n*4 > size*3 {
		size *= 2
	}
	if size > len(s.tags) {
		s.resize(size)
	}
}
