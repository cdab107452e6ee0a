package source

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"
	"testing/iotest"
)

// TestReadAhead reads through readAhead with reads of several sizes from
// readers that end cleanly, fail, or give one byte at a time: the same
// bytes, then the same error.
func TestReadAhead(t *testing.T) {
	data := make([]byte, 3*aheadChunkSize+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		r    func() io.Reader
		want []byte
		err  error
	}{
		{"eof", func() io.Reader { return bytes.NewReader(data) }, data, io.EOF},
		{"empty", func() io.Reader { return bytes.NewReader(nil) }, nil, io.EOF},
		{"one-byte", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data[:5000])) }, data[:5000], io.EOF},
		{"data-err", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }, data, io.EOF},
		{"error", func() io.Reader {
			return io.MultiReader(bytes.NewReader(data[:aheadChunkSize+10]), iotest.ErrReader(boom))
		}, data[:aheadChunkSize+10], boom},
		{"no-progress", func() io.Reader { return iotest.ErrReader(nil) }, nil, io.ErrNoProgress},
	} {
		for _, size := range []int{1, 4096, 64 << 10, 1 << 20} {
			t.Run(tc.name+"/"+strconv.Itoa(size), func(t *testing.T) {
				a := newReadAhead(tc.r(), uint64(len(tc.want)/3))
				defer a.Close()
				var got []byte
				p := make([]byte, size)
				var err error
				for err == nil {
					var n int
					n, err = a.Read(p)
					got = append(got, p[:n]...)
				}
				if !bytes.Equal(got, tc.want) {
					t.Errorf("read %d bytes, want %d", len(got), len(tc.want))
				}
				if err != tc.err {
					t.Errorf("error %v, want %v", err, tc.err)
				}
				if n, err2 := a.Read(p); n != 0 || err2 != err {
					t.Errorf("Read after the error = %d, %v; want 0, %v", n, err2, err)
				}
			})
		}
	}
}

// TestReadAheadCloseEarly closes before the end: the goroutine stops.
func TestReadAheadCloseEarly(t *testing.T) {
	a := newReadAhead(bytes.NewReader(make([]byte, 10*aheadChunkSize)), 0)
	if _, err := a.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	a.Close()
	select {
	case <-a.done:
	default:
		t.Error("the goroutine still runs after Close")
	}
}
