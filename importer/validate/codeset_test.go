package validate

import (
	"fmt"
	"hash/maphash"
	"strings"
	"testing"
)

func TestCodeSet(t *testing.T) {
	s := newCodeSet()
	codes := []string{"A001", "a001", "", "客戶甲", strings.Repeat("Z", 70000), "A0010"}
	for i, c := range codes {
		if _, ok := s.first(c); ok {
			t.Fatalf("%q seen before it was added", c)
		}
		s.add(c, i+2)
	}
	for i, c := range codes {
		if line, ok := s.first(c); !ok || line != i+2 {
			t.Errorf("first(%q): got %d, %v, want %d, true", c, line, ok, i+2)
		}
	}
	if _, ok := s.first("A00"); ok {
		t.Error("a prefix of a stored code counts as seen")
	}
}

// Codes whose hashes collide stay apart: the seed is replaced by one that
// maps everything to the same bucket by filling the index by hand.
func TestCodeSetCollision(t *testing.T) {
	s := newCodeSet()
	s.add("A001", 2)
	// Pretend "B002" hashes like "A001": move A001's entry under B002's hash.
	for h, e := range s.index {
		delete(s.index, h)
		s.index[hashOf(s, "B002")] = e
	}
	if _, ok := s.first("B002"); ok {
		t.Fatal("B002 taken for A001 on a hash collision")
	}
	s.add("B002", 3)
	if line, ok := s.first("B002"); !ok || line != 3 {
		t.Errorf("first(B002) after a collision: got %d, %v, want 3, true", line, ok)
	}
}

func BenchmarkCodeSet(b *testing.B) {
	codes := make([]string, 100_000)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%07d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		s := newCodeSet()
		for i, c := range codes {
			if _, ok := s.first(c); !ok {
				s.add(c, i)
			}
		}
	}
}

func hashOf(s *codeSet, code string) uint64 { return maphash.String(s.seed, code) }
