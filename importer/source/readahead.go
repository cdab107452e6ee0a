package source

import "io"

// readAhead reads a sheet's part (decompressing it) on a goroutine of its
// own, a few chunks ahead of the scanner, so that inflating the sheet and
// scanning its XML run side by side: the reader is the run's critical
// path. It hands over the bytes and then the error, exactly as read.
type readAhead struct {
	full chan aheadChunk
	free chan []byte
	stop chan struct{}
	done chan struct{}

	size int // of a chunk
	made int // chunks allocated (by run)

	buf []byte // the chunk being read (its whole buffer)
	cur []byte // its unread bytes
	err error  // the error after them
}

type aheadChunk struct {
	b   []byte
	n   int
	err error
}

const (
	aheadChunkSize = 256 << 10
	aheadChunks    = 4
)

// newReadAhead reads r, which holds about hint bytes (a hint only: a
// small sheet takes a small buffer).
func newReadAhead(r io.Reader, hint uint64) *readAhead {
	a := &readAhead{
		full: make(chan aheadChunk, aheadChunks),
		free: make(chan []byte, aheadChunks),
		stop: make(chan struct{}),
		done: make(chan struct{}),
		size: int(min(max(hint+1, 4<<10), aheadChunkSize)),
	}
	go a.run(r)
	return a
}

// chunk returns a free chunk, allocated while fewer than aheadChunks
// are; false on stop.
func (a *readAhead) chunk() ([]byte, bool) {
	select {
	case b := <-a.free:
		return b, true
	default:
	}
	if a.made < aheadChunks {
		a.made++
		return make([]byte, a.size), true
	}
	select {
	case b := <-a.free:
		return b, true
	case <-a.stop:
		return nil, false
	}
}

// run fills free chunks from r until an error (io.EOF included), which it
// sends with the last chunk, or until stop.
func (a *readAhead) run(r io.Reader) {
	defer close(a.done)
	for {
		b, ok := a.chunk()
		if !ok {
			return
		}
		n, empty := 0, 0
		var err error
		for n < len(b) && err == nil {
			var m int
			m, err = r.Read(b[n:])
			n += m
			if m > 0 {
				empty = 0
			} else if empty++; empty >= 100 && err == nil {
				err = io.ErrNoProgress
			}
		}
		a.full <- aheadChunk{b, n, err} // never blocks: as many slots as chunks
		if err != nil {
			return
		}
	}
}

// Read reads the bytes read ahead.
func (a *readAhead) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf
			a.buf = nil
		}
		c := <-a.full
		a.buf, a.cur, a.err = c.b, c.b[:c.n], c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it: the underlying reader may be
// closed then.
func (a *readAhead) Close() {
	close(a.stop)
	<-a.done
}
