package results

import (
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for _, tc := range []struct{ a, b int }{
		{0, 0}, {0, 1}, {1, 0}, {1, 1}, {3, 7}, {100, 1}, {1, 100}, {4096, 65537}, {1 << 20, 3},
	} {
		t.Run(strconv.Itoa(tc.a)+"+"+strconv.Itoa(tc.b), func(t *testing.T) {
			a, b := random(tc.a), random(tc.b)
			want := crc32.ChecksumIEEE(append(append([]byte(nil), a...), b...))
			got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b)))
			if got != want {
				t.Errorf("crc32Combine = %08x, want %08x", got, want)
			}
		})
	}
}

// TestZSpool writes through the compressing spool in pieces of several
// sizes (some crossing chunk boundaries) and reads it back both ways: its
// reader, and its raw blocks between a compressed head and a final tail,
// which is how postprocess writes the sheet part.
func TestZSpool(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, size := range []int{0, 1, zChunk - 1, zChunk, zChunk + 1, 3*zChunk + 17, 11 * zChunk} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			var want []byte
			for i := 0; len(want) < size; i++ {
				want = append(want, `<row r="`+strconv.Itoa(i)+`"><c r="A1"><v>`+strconv.Itoa(i*i)+`</v></c></row>`...)
			}
			want = want[:size]
			s, err := newZSpool("zspool-test-*")
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = s.remove() }()
			for p, step := want, 1; len(p) > 0; step = step*7 + 3 {
				k := min(step%(zChunk+zChunk/3)+1, len(p))
				if n, err := s.Write(p[:k]); n != k || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
				p = p[k:]
			}
			if err := s.finish(); err != nil {
				t.Fatal(err)
			}
			if s.n != int64(size) || s.crc != crc32.ChecksumIEEE(want) {
				t.Errorf("n, crc = %d, %08x; want %d, %08x", s.n, s.crc, size, crc32.ChecksumIEEE(want))
			}
			r, err := s.reader()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("reader: %d bytes, %v; want %d bytes", len(got), err, len(want))
			}

			head, tail := []byte("<worksheet><sheetData>"), []byte("</sheetData></worksheet>")
			headZ, err := deflated(head, false)
			if err != nil {
				t.Fatal(err)
			}
			tailZ, err := deflated(tail, true)
			if err != nil {
				t.Fatal(err)
			}
			body, bodySize, err := s.compressed()
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(body)
			if err != nil || int64(len(raw)) != bodySize {
				t.Fatalf("compressed: %d bytes, %v; want %d", len(raw), err, bodySize)
			}
			stream := append(append(append([]byte(nil), headZ...), raw...), tailZ...)
			got, err = io.ReadAll(flate.NewReader(bytes.NewReader(stream)))
			whole := append(append(append([]byte(nil), head...), want...), tail...)
			if err != nil || !bytes.Equal(got, whole) {
				t.Fatalf("head+spool+tail: %d bytes, %v; want %d bytes", len(got), err, len(whole))
			}
		})
	}
}

// TestZSpoolWriteAfterFinish: the spool refuses bytes once finished
// rather than losing them.
func TestZSpoolWriteAfterFinish(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s, err := newZSpool("zspool-test-*")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.remove() }()
	if _, err := s.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte("b")); err == nil {
		t.Error("Write after finish succeeded")
	}
}
