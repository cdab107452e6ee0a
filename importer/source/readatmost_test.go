package source

import (
	"errors"
	"io"
	"testing"
)

// sliceReader yields recs, then err (io.EOF when nil).
type sliceReader struct {
	recs []Record
	err  error
}

func (s *sliceReader) Read() (Record, error) {
	if len(s.recs) == 0 {
		if s.err != nil {
			return Record{}, s.err
		}
		return Record{}, io.EOF
	}
	r := s.recs[0]
	s.recs = s.recs[1:]
	return r, nil
}

func (s *sliceReader) Close() error { return nil }

func TestReadAtMost(t *testing.T) {
	boom := errors.New("boom")
	three := []Record{{Line: 1}, {Line: 2}, {Line: 3}}
	tests := []struct {
		name    string
		r       *sliceReader
		n, want int
		err     error
	}{
		{"fewer than n", &sliceReader{recs: three}, 10, 3, nil},
		{"exactly n", &sliceReader{recs: three}, 3, 3, nil},
		{"more than n", &sliceReader{recs: three}, 2, 2, nil},
		{"empty", &sliceReader{}, 5, 0, nil},
		{"an error after two", &sliceReader{recs: three[:2], err: boom}, 5, 2, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAtMost(tt.r, tt.n)
			if len(got) != tt.want || !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Errorf("got %d records, %v; want %d, %v", len(got), err, tt.want, tt.err)
			}
			for i, r := range got {
				if r.Line != i+1 {
					t.Errorf("record %d is line %d", i, r.Line)
				}
			}
		})
	}
}
