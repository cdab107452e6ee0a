package validate

import (
	"fmt"
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

// Codes whose hashes collide stay apart: two codes are stored under the
// same hash, forced.
func TestCodeSetCollision(t *testing.T) {
	s := newCodeSet()
	const h = 0xdeadbeef_12345678
	insert := func(code string, line int) {
		_, slot, _ := s.find(code, h)
		s.slots[slot] = h>>32<<32 | uint64(s.store(code, line)+1)
	}
	insert("A001", 2)
	if _, _, ok := s.find("B002", h); ok {
		t.Fatal("B002 taken for A001 on a hash collision")
	}
	insert("B002", 3)
	for code, want := range map[string]int{"A001": 2, "B002": 3} {
		if line, _, ok := s.find(code, h); !ok || line != want {
			t.Errorf("find(%s) after a collision: got %d, %v, want %d, true", code, line, ok, want)
		}
	}
}

// Many codes: the table grows and every code keeps its line.
func TestCodeSetGrows(t *testing.T) {
	s := newCodeSet()
	const n = 50_000
	for i := range n {
		if _, dup := s.addFirst(fmt.Sprintf("C%06d", i), i+2); dup {
			t.Fatalf("C%06d seen before it was added", i)
		}
	}
	for i := range n {
		if line, ok := s.first(fmt.Sprintf("C%06d", i)); !ok || line != i+2 {
			t.Fatalf("first(C%06d): got %d, %v, want %d", i, line, ok, i+2)
		}
		if line, dup := s.addFirst(fmt.Sprintf("C%06d", i), 1); !dup || line != i+2 {
			t.Fatalf("addFirst(C%06d) again: got %d, %v, want %d, true", i, line, dup, i+2)
		}
	}
	for i := n; i < 2*n; i++ {
		if _, ok := s.first(fmt.Sprintf("C%06d", i)); ok {
			t.Fatalf("C%06d found, never added", i)
		}
	}
	if s.n != n || len(s.slots) < n*4/3 {
		t.Errorf("%d codes in %d slots", s.n, len(s.slots))
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
