package codeset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCodeSet(t *testing.T) {
	s := New()
	codes := []string{"A001", "a001", "", "客戶甲", strings.Repeat("Z", 70000), "A0010"}
	for i, c := range codes {
		if _, ok := s.First(c); ok {
			t.Fatalf("%q seen before it was added", c)
		}
		s.Add(c, i+2)
	}
	for i, c := range codes {
		if line, ok := s.First(c); !ok || line != i+2 {
			t.Errorf("first(%q): got %d, %v, want %d, true", c, line, ok, i+2)
		}
	}
	if _, ok := s.First("A00"); ok {
		t.Error("a prefix of a stored code counts as seen")
	}
}

// Codes whose hashes collide stay apart: two codes are stored under the
// same hash, forced.
func TestCodeSetCollision(t *testing.T) {
	s := New()
	const h = 0xdeadbeef_12345678
	insert := func(code string, line int) {
		_, slot, _ := s.find(code, h)
		s.tags[slot], s.places[slot] = tagOf(h), s.store(code, line)
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
	s := New()
	const n = 50_000
	for i := range n {
		if _, dup := s.AddFirst(fmt.Sprintf("C%06d", i), i+2); dup {
			t.Fatalf("C%06d seen before it was added", i)
		}
	}
	for i := range n {
		if line, ok := s.First(fmt.Sprintf("C%06d", i)); !ok || line != i+2 {
			t.Fatalf("first(C%06d): got %d, %v, want %d", i, line, ok, i+2)
		}
		if line, dup := s.AddFirst(fmt.Sprintf("C%06d", i), 1); !dup || line != i+2 {
			t.Fatalf("addFirst(C%06d) again: got %d, %v, want %d, true", i, line, dup, i+2)
		}
	}
	for i := n; i < 2*n; i++ {
		if _, ok := s.First(fmt.Sprintf("C%06d", i)); ok {
			t.Fatalf("C%06d found, never added", i)
		}
	}
	if s.n != n || len(s.tags) < n*4/3 || len(s.places) != len(s.tags) {
		t.Errorf("%d codes in %d tags and %d places", s.n, len(s.tags), len(s.places))
	}
}

// The set agrees with a map on codes of every length, prefixes of each
// other, and codes that differ in one byte, across many growths: no
// false duplicate, no missed one, every first line kept.
func TestCodeSetMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 1))
	s, want := New(), map[string]int{}
	alphabet := []string{"A", "a", "0", "9", "-", "客", "\x00", "\xff", " "}
	for line := 2; line < 60_000; line++ {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		if r.IntN(500) == 0 {
			b.WriteString(strings.Repeat("L", longCode-b.Len()+r.IntN(3)-1)) // either side of longCode
		}
		code := b.String()
		first, dup := s.AddFirst(code, line)
		w, wdup := want[code]
		if !wdup {
			want[code], w = line, line
		}
		if dup != wdup || first != w {
			t.Fatalf("line %d: addFirst(%q) = %d, %v; want %d, %v", line, code, first, dup, w, wdup)
		}
	}
	for code, line := range want {
		if got, ok := s.First(code); !ok || got != line {
			t.Fatalf("first(%q) = %d, %v; want %d, true", code, got, ok, line)
		}
	}
}

// The bytes a million codes keep (B/op at the end of the set's life) and
// the time to add them, in file order as a check adds them.
func BenchmarkCodeSetMillion(b *testing.B) {
	codes := make([]string, 1_000_000)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%07d", i+1)
	}
	b.ReportAllocs()
	for b.Loop() {
		s := New()
		for i, c := range codes {
			s.AddFirst(c, i+2)
		}
		kept := len(s.tags) + 4*len(s.places) + len(s.chunks)*chunkSize
		b.ReportMetric(float64(kept)/float64(len(codes)), "kept-B/code")
	}
}

// The time to add a million codes to a set reserved for them, in file
// order, as a check of a file of a million rows adds them (prepare
// reserves the table from the file's size).
func BenchmarkCodeSetMillionReserved(b *testing.B) {
	codes := make([]string, 1_000_000)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%07d", i+1)
	}
	for b.Loop() {
		b.StopTimer()
		s := New()
		s.Reserve(len(codes))
		b.StartTimer()
		for i, c := range codes {
			s.AddFirst(c, i+2)
		}
	}
}

func BenchmarkCodeSet(b *testing.B) {
	codes := make([]string, 100_000)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%07d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		s := New()
		for i, c := range codes {
			if _, ok := s.First(c); !ok {
				s.Add(c, i)
			}
		}
	}
}

// Room reserved for n codes holds them without growing, each found, also
// when reserved after some were added.
func TestCodeSetReserve(t *testing.T) {
	s := New()
	s.AddFirst("A0", 1)
	s.Reserve(40_000)
	size := len(s.tags)
	if size*3 < 40_000*4 {
		t.Fatalf("%d slots reserved for 40000 codes", size)
	}
	for i := range 40_000 - 1 {
		if _, dup := s.AddFirst(fmt.Sprintf("B%d", i), i+2); dup {
			t.Fatalf("B%d seen before it was added", i)
		}
	}
	if len(s.tags) != size {
		t.Errorf("the table grew from %d to %d slots", size, len(s.tags))
	}
	for i := range 40_000 - 1 {
		if line, ok := s.First(fmt.Sprintf("B%d", i)); !ok || line != i+2 {
			t.Fatalf("first(B%d) = %d, %v", i, line, ok)
		}
	}
	if line, ok := s.First("A0"); !ok || line != 1 {
		t.Errorf("first(A0) = %d, %v after reserving", line, ok)
	}
}

// TestTouchChangesNothing: touching codes, there or not, short or long,
// before and after the table grows, adds none and loses none.
func TestTouchChangesNothing(t *testing.T) {
	s := New()
	long := strings.Repeat("Z", longCode+1)
	for i := range 5000 {
		code := fmt.Sprintf("C%07d", i)
		s.Touch(code)
		s.Touch(long)
		if first, dup := s.AddFirst(code, i+2); dup {
			t.Fatalf("%s: a duplicate of line %d after Touch", code, first)
		}
		s.Touch(code)
	}
	if s.Len() != 5000 {
		t.Fatalf("Len = %d after 5000 codes and their touches, want 5000", s.Len())
	}
	for i := range 5000 {
		code := fmt.Sprintf("C%07d", i)
		if line, ok := s.First(code); !ok || line != i+2 {
			t.Errorf("%s: First = %d, %v, want %d, true", code, line, ok, i+2)
		}
	}
	if _, ok := s.First(long); ok {
		t.Errorf("a long code only touched is in the set")
	}
}
