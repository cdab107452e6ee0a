package results

import (
	"bytes"
	"strings"
	"testing"
)

// plainRowCases are rows whose text may or may not be written as it is.
var plainRowCases = [][]Cell{
	{{Value: "C0000001"}, {Value: "曾建宏"}, {}, {Value: "04-6641-2373"}, {Value: "300000.25", Numeric: true}, {Value: "VALID"}},
	{{Value: "a,b"}, {Value: "c"}},
	{{Value: `q"q`}, {Value: "x"}},
	{{Value: "line\nbreak"}, {Value: "cr\rhere"}, {Value: "crlf\r\n"}},
	{{Value: "=SUM(A1)"}, {Value: "+1"}, {Value: "-1", Numeric: true}, {Value: "-x", Numeric: true}, {Value: "@me"}},
	{{Value: "\tlead"}, {Value: " lead"}, {Value: "\vx"}, {Value: "\fx"}, {Value: `\.`}, {Value: `\.x`}},
	{{Value: "\u3000全形"}, {Value: "\u00a0x"}, {Value: "\u2028x"}, {Value: "\u3042かな"}, {Value: "①"}},
	{{Value: "\ufeffBOM"}, {Value: "trail "}, {Value: "\xffbad"}},
	{},
	{{}},
	{{}, {}, {}},
	{{Value: ","}},
	{{Value: "x"}, {Value: "'=1"}, {Value: "ok"}},
}

// A row is written byte for byte as the writer wrote it cell by cell
// (appendCells), whichever way it takes.
func TestPlainRowMatchesCells(t *testing.T) {
	for _, cells := range plainRowCases {
		t.Run(rowName(cells), func(t *testing.T) { checkPlainRow(t, cells) })
	}
	if _, ok := appendPlainCells(nil, plainRowCases[0]); !ok {
		t.Errorf("a customer's row %q is not written as it is", rowName(plainRowCases[0]))
	}
}

func FuzzPlainRow(f *testing.F) {
	for _, cells := range plainRowCases {
		var vals []string
		for _, c := range cells {
			vals = append(vals, c.Value)
		}
		f.Add(strings.Join(vals, "\x00"), uint8(len(cells)))
	}
	f.Fuzz(func(t *testing.T, joined string, numeric uint8) {
		var cells []Cell
		for i, v := range strings.Split(joined, "\x00") {
			cells = append(cells, Cell{Value: v, Numeric: numeric>>(i%8)&1 == 1})
		}
		checkPlainRow(t, cells)
	})
}

func checkPlainRow(t *testing.T, cells []Cell) {
	t.Helper()
	want := appendCells(nil, cells)
	got, ok := appendPlainCells(nil, cells)
	if ok && !bytes.Equal(got, want) {
		t.Errorf("%q written as %q, want %q", rowName(cells), got, want)
	}
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	if err := w.WriteRow(cells); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if line := strings.TrimPrefix(buf.String(), utf8BOM); line != string(want)+"\r\n" {
		t.Errorf("%q: WriteRow wrote %q, want %q", rowName(cells), line, want)
	}
}

func rowName(cells []Cell) string {
	var vals []string
	for _, c := range cells {
		vals = append(vals, c.Value)
	}
	return strings.Join(vals, "|")
}
