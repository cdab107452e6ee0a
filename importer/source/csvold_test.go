package source

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// oldCSVReader is CSVReader as it was before it framed the cells itself:
// the line filter's text, batched, through encoding/csv. The differential
// tests below hold the two to the same records and errors.
type oldCSVReader struct {
	r          *CSVReader // for its settings and convertErr
	cr         *csv.Reader
	err        error
	extraLines int
}

func newOldCSVReader(in io.Reader, name string, opts Options) (*oldCSVReader, error) {
	r, err := NewCSVReader(in, name, opts)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(batchReader{r.lf})
	cr.Comma = r.delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &oldCSVReader{r: r, cr: cr}, nil
}

// batchReader is the line filter as an io.Reader, as it was.
type batchReader struct{ f *lineFilter }

func (b batchReader) Read(p []byte) (int, error) {
	f := b.f
	for f.off >= len(f.pending) {
		if f.err != nil {
			return 0, f.err
		}
		f.pending, f.off = f.pending[:0], 0
		for len(f.pending) < 32<<10 && f.err == nil {
			f.next()
		}
	}
	n := copy(p, f.pending[f.off:])
	f.off += n
	return n, nil
}

func (o *oldCSVReader) Read() (Record, error) {
	if o.err != nil {
		return Record{}, o.err
	}
	for {
		rec, err := o.cr.Read()
		if err != nil {
			o.err = o.r.convertErr(err)
			return Record{}, o.err
		}
		line, _ := o.cr.FieldPos(0)
		line -= o.extraLines
		for _, c := range rec {
			o.extraLines += strings.Count(c, "\n")
		}
		if isBlank(rec) {
			continue
		}
		for i, c := range rec {
			if len(c) > o.r.max {
				l, col := o.cr.FieldPos(i)
				o.err = &ParseError{File: o.r.name, Line: l, Column: col,
					Err: fmt.Errorf("%w: cell %d is %d bytes long, more than the limit of %d bytes", ErrCellTooLarge, i+1, len(c), o.r.max)}
				return Record{}, o.err
			}
		}
		return Record{Line: line, Cells: append([]string(nil), rec...)}, nil
	}
}

// readAllOf reads every record of a reader, and what ended it.
func readAllOf(read func() (Record, error)) (recs []Record, end string) {
	for len(recs) < 1<<16 {
		rec, err := read()
		if err != nil {
			return recs, err.Error()
		}
		recs = append(recs, rec)
	}
	return recs, "too many records"
}

// sameAsOld reads data with both readers and reports any difference:
// records (lines and cells), the error that ends them, the encoding.
func sameAsOld(t *testing.T, data []byte, opts Options) {
	t.Helper()
	nr, nerr := NewCSVReader(bytes.NewReader(data), "f.csv", opts)
	or, oerr := newOldCSVReader(bytes.NewReader(data), "f.csv", opts)
	if (nerr == nil) != (oerr == nil) {
		t.Fatalf("%q: NewCSVReader: %v; before: %v", data, nerr, oerr)
	}
	if nerr != nil {
		return
	}
	got, gotEnd := readAllOf(nr.Read)
	want, wantEnd := readAllOf(or.Read)
	if !slices.EqualFunc(got, want, func(a, b Record) bool { return a.Line == b.Line && slices.Equal(a.Cells, b.Cells) }) {
		t.Errorf("%q:\n got %v\nwant %v", data, got, want)
	}
	if gotEnd != wantEnd {
		t.Errorf("%q: ends with %q, before %q", data, gotEnd, wantEnd)
	}
	if nr.Encoding() != or.r.Encoding() {
		t.Errorf("%q: encoding %s, before %s", data, nr.Encoding(), or.r.Encoding())
	}
}

// csvSeeds are inputs that reach each branch of the filter and the
// framing: encodings, BOMs, delimiters, quotes bare and open, CRs lone
// and doubled, NULs, blank lines, long cells.
var csvSeeds = []string{
	"name,phone\n王小明,0933555666\n",
	"\xEF\xBB\xBFa;b\r\n\"x\ny\";2\r\n",
	"a\tb\n\n\n1\t2\n",
	"a,b\n\"x,y\n",
	"a,\"b\"c\n",
	"\xFF\xFEa\x00,\x00b\x00\n\x00",
	"\xB3\xAF,\xA4\x40\n1,2\n",
	"a,b\nc\x00d\n",
	",,,\n \n\"\"\n",
	"a,b\r\"x\ry\",2\r\r3,4",
	"a,b\r\n\"x\ry\",2\r\n",
	"a,b\rC1,x\rC2,y\nC3,z\n",
	"地點,緯度\n南極站,37°36'37.8\"N\n",
	"品名;規格\n螢幕;15\" 螢幕\n",
	"a,b\n12\",\",\",end\"\n",
	"a,b\r\r\n1,2\r\r\n",
	"a,b\r\"x\r\ny\",1\r2,3\n",
	"a,b\n1,2",
	"a,b\n1,2\r",
	"a,b\n\"1\",\"2\"\"x\"\"\"\n3,\"4\n5\"\n6,7\n",
	"a,b\n\"1\"x,2\n",
	"a,b\n1,\"2\n\n",
	"a,b\n1,\"2",
	"a,b\n" + strings.Repeat("x", 2000) + ",1\n",
	"a,b,c\n12,345," + strings.Repeat("z", 2000) + "\n",
	"a；b；c\n12；甲乙；" + strings.Repeat("z", 2000) + "\n",
	"a,b\n\"" + strings.Repeat("y\n", 600) + "\",1\n",
	"a,b\n\"" + strings.Repeat("y", 3000) + "\n2,3\n",
	"a,b\n1,\xff\n",
	"a,b\n1,\xe7\x8e\x8b\n2,\xb3\xaf\n",
	strings.Repeat("abc,def\n", 9000) + "甲,乙\n" + "\xb3\xaf,x\n",
	"a|b\n1|2\n",
	"\n\n  \n,\n",
	"a,b\n  ,  \n1,2\n",
}

func TestCSVFramingSameAsOld(t *testing.T) {
	for _, s := range csvSeeds {
		for _, opts := range []Options{{}, {MaxCellBytes: 1 << 10, MaxBytes: 1 << 20}, {Encoding: "big5"}, {Delimiter: ';'}, {Delimiter: '；'}} {
			t.Run(fmt.Sprintf("%.20q/%+v", s, opts), func(t *testing.T) { sameAsOld(t, []byte(s), opts) })
		}
	}
}

// FuzzCSVFraming holds the reader to the one it replaced (the line
// filter's text through encoding/csv): the same records, lines, cells and
// errors for any input.
func FuzzCSVFraming(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add([]byte(s), uint8(0))
	}
	f.Add([]byte("a；b\n1；\"2；3\"\n"), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := []Options{{MaxCellBytes: 1 << 10, MaxBytes: 1 << 20}, {MaxCellBytes: 16, MaxBytes: 1 << 20},
			{Encoding: "big5", MaxBytes: 1 << 20}, {Delimiter: ';', MaxBytes: 1 << 20}, {Delimiter: '；', MaxBytes: 1 << 20}}[int(mode)%5]
		sameAsOld(t, data, opts)
	})
}

// BenchmarkCSVReadBefore is BenchmarkCSVRead's utf8 case with the reader
// this one replaced, for comparison in one binary.
func BenchmarkCSVReadBefore(b *testing.B) {
	var buf bytes.Buffer
	for r := 0; r <= benchRows; r++ {
		for c := 0; c < benchCols; c++ {
			if c > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(benchCell(r, c))
		}
		buf.WriteString("\r\n")
	}
	b.ReportAllocs()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		r, err := newOldCSVReader(bytes.NewReader(buf.Bytes()), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Read(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
}
