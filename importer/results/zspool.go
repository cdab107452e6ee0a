package results

import (
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync/atomic"

	kflate "github.com/klauspost/compress/flate"
)

// The results sheet's rows are compressed while they are written, on a
// goroutine of their own, so that the deflate of the largest part of the
// workbook overlaps reading the input instead of following it. The rows
// spool holds raw deflate blocks ended by a sync flush (no final block);
// postprocess writes the sheet part raw: the compressed head of the sheet,
// the spool as it is, and the compressed tail, which ends the stream. The
// part's CRC-32 is combined from the three pieces' (crc32Combine).

const (
	zChunk   = 256 << 10 // bytes handed to the compressor at once
	zBuffers = 4         // chunks in flight, the one being filled included
)

// zspool is a temporary file of deflate-compressed bytes. Write and finish
// are called from one goroutine; the compressor runs on another.
type zspool struct {
	f    *os.File
	buf  []byte      // the chunk being filled
	full chan []byte // chunks for the compressor
	free chan []byte // chunks it is done with
	done chan struct{}
	// failed is set by the compressor on its first error, so Write can
	// report it without waiting for finish.
	failed   atomic.Bool
	finished bool

	// Set by the compressor before done is closed.
	crc uint32 // CRC-32 of the uncompressed bytes
	n   int64  // uncompressed bytes
	err error
}

func newZSpool(pattern string) (*zspool, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, fmt.Errorf("results: rows spool: %w", err)
	}
	s := &zspool{
		f:    f,
		buf:  make([]byte, 0, zChunk),
		full: make(chan []byte, zBuffers),
		free: make(chan []byte, zBuffers),
		done: make(chan struct{}),
	}
	for range zBuffers - 1 {
		s.free <- make([]byte, 0, zChunk)
	}
	go s.compress()
	return s, nil
}

// compress deflates the chunks sent on full to the file until full is
// closed, then ends the output with a sync flush. After an error it keeps
// taking chunks (so Write never blocks) and drops them.
func (s *zspool) compress() {
	defer close(s.done)
	bw := bufio.NewWriterSize(s.f, 256<<10)
	// klauspost's level 1 deflates the rows in half the time of
	// compress/flate's BestSpeed, and a little smaller.
	fw, err := kflate.NewWriter(bw, kflate.BestSpeed)
	var crc uint32
	var n int64
	for c := range s.full {
		if err == nil {
			crc = crc32.Update(crc, crc32.IEEETable, c)
			n += int64(len(c))
			if _, err = fw.Write(c); err != nil {
				s.failed.Store(true)
			}
		}
		s.free <- c[:0]
	}
	if err == nil {
		err = fw.Flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		err = fmt.Errorf("results: rows spool: %w", err)
	}
	s.crc, s.n, s.err = crc, n, err
}

// Write adds p to the spool.
func (s *zspool) Write(p []byte) (int, error) {
	if s.finished {
		return 0, fmt.Errorf("results: rows spool: %w", os.ErrClosed)
	}
	if s.failed.Load() {
		return 0, s.finish()
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), zChunk-len(s.buf))
		s.buf = append(s.buf, p[:k]...)
		p = p[k:]
		if len(s.buf) == zChunk {
			s.full <- s.buf
			s.buf = <-s.free
		}
	}
	return n, nil
}

// finish hands the last chunk over, waits for the compressor and returns
// its error. Later calls return the same error.
func (s *zspool) finish() error {
	if !s.finished {
		s.finished = true
		if len(s.buf) > 0 {
			s.full <- s.buf
		}
		s.buf = nil
		close(s.full)
		<-s.done
	}
	return s.err
}

// compressed returns a reader over the compressed bytes and their size
// (finish first).
func (s *zspool) compressed() (io.Reader, int64, error) {
	size, err := s.f.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = s.f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("results: rows spool: %w", err)
	}
	return bufio.NewReaderSize(s.f, 256<<10), size, nil
}

// finalBlock is an empty final deflate block (fixed Huffman codes): it
// ends a stream that ends with a sync flush.
var finalBlock = []byte{0x03, 0x00}

// reader returns a reader over the uncompressed bytes (finish first).
func (s *zspool) reader() (io.Reader, error) {
	r, _, err := s.compressed()
	if err != nil {
		return nil, err
	}
	return flate.NewReader(io.MultiReader(r, bytes.NewReader(finalBlock))), nil
}

// remove stops the compressor and removes the file.
func (s *zspool) remove() error {
	if s == nil {
		return nil
	}
	_ = s.finish()
	return discardTemp(s.f)
}

// deflated returns p compressed as deflate blocks: ended by a sync flush
// (more blocks follow) or, with final, by the final block.
func deflated(p []byte, final bool) ([]byte, error) {
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(p); err != nil {
		return nil, err
	}
	if final {
		err = fw.Close()
	} else {
		err = fw.Flush()
	}
	return b.Bytes(), err
}

// crc32Combine returns the CRC-32 (IEEE) of A followed by B from crcA,
// crcB and the length of B, as zlib's crc32_combine computes it.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	// Apply len(B) zero bytes to crcA (the first squaring gives the
	// operator for one zero byte).
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
