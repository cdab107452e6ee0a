package source

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// ReadInto and ReadRecordInto read the records Read reads, the same
// errors included, and put each record's cells in the storage handed
// back when it has room: here always the record before's, the most a
// caller can hand back.
func TestCSVReadInto(t *testing.T) {
	for _, tc := range []struct{ name, text string }{
		{"plain", "a,b,c\n1,2,3\n4,5,6\n"},
		{"ragged, longer rows need new storage", "a,b\n1,2,3,4\n5\n6,7,8,9,10,11\n"},
		{"quoted cells over lines", "a,b\n\"x\ny\",2\n\"q\"\"q\",3\n4,5\n"},
		{"blank lines and rows", "a,b\n\n,\n1,2\n \t, \n3,4"},
		{"BOM and CRLF", "\ufeffa,b\r\n1,2\r\n3,4\r\n"},
		{"a fault after good rows", "a,b\n1,2\n3,\"4\n"},
		{"bare quote", "a,b\n1,2\nx\"y,3\n"},
		{"semicolons", "a;b\n1;2\n3;4\n"},
		{"multi-byte delimiter", "a\u3001b\n1\u30012\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{}
			if strings.Contains(tc.text, "\u3001") {
				opts.Delimiter = '\u3001'
			}
			want := readEach(t, tc.text, opts, readPlain)
			for _, how := range []readHow{readInto, readRecordInto} {
				if got := readEach(t, tc.text, opts, how); !sameSteps(want, got) {
					t.Errorf("%s read\n%+v\nRead read\n%+v", how, got, want)
				}
			}
		})
	}
}

// readHow is the method readEach reads with.
type readHow string

const (
	readPlain      readHow = "Read"
	readInto       readHow = "ReadInto"
	readRecordInto readHow = "ReadRecordInto"
)

func sameSteps(a, b []step) bool {
	return slices.EqualFunc(a, b, func(a, b step) bool {
		return a.line == b.line && slices.Equal(a.cells, b.cells) && a.err == b.err
	})
}

type step struct {
	line  int
	cells []string // copied when read
	err   string
}

// readEach reads text to its end or first error, with Read, or with
// ReadInto or ReadRecordInto handing back each record's cells, and
// checks that those used the storage handed back whenever it had room
// (and that ReadRecordInto leaves a zero Record at an error).
func readEach(t *testing.T, text string, opts Options, how readHow) []step {
	t.Helper()
	r, err := NewCSVReader(strings.NewReader(text), "x.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	var steps []step
	var back []string
	for {
		var rec Record
		switch how {
		case readInto:
			rec, err = r.ReadInto(back)
		case readRecordInto:
			rec.Line, rec.Cells, rec.NoValue, rec.Hidden = -1, back, []int{1}, true // all overwritten
			err = r.ReadRecordInto(&rec)
			if err != nil && (rec.Line != 0 || rec.Cells != nil || rec.NoValue != nil || rec.Hidden) {
				t.Errorf("ReadRecordInto left %+v at %v", rec, err)
			}
		default:
			rec, err = r.Read()
		}
		into := how != readPlain
		if err != nil {
			if !errors.Is(err, io.EOF) {
				steps = append(steps, step{err: err.Error()})
			}
			return steps
		}
		if rec.NoValue != nil || rec.Hidden {
			t.Errorf("line %d: %s read NoValue %v, Hidden %v", rec.Line, how, rec.NoValue, rec.Hidden)
		}
		if into && len(back) > 0 && len(rec.Cells) <= cap(back) && &rec.Cells[0] != &back[:1][0] {
			t.Errorf("line %d: %d cells not put in the %d handed back", rec.Line, len(rec.Cells), cap(back))
		}
		steps = append(steps, step{line: rec.Line, cells: slices.Clone(rec.Cells)})
		back = rec.Cells
	}
}

// FuzzCSVReadInto checks that ReadInto and ReadRecordInto, handed back
// each record's cells, read what Read reads.
func FuzzCSVReadInto(f *testing.F) {
	for _, s := range []string{"a,b\n1,2,3\n4\n", "a,b\n\"x\ny\",2\n", "a;b\n1;2\n", "a,b\n\n,\n1,\"2\n", "\ufeffa\tb\r\n1\t2\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if text == "" {
			return
		}
		want := readEach(t, text, Options{}, readPlain)
		for _, how := range []readHow{readInto, readRecordInto} {
			if got := readEach(t, text, Options{}, how); !sameSteps(want, got) {
				t.Errorf("%s read\n%+v\nRead read\n%+v", how, got, want)
			}
		}
	})
}
