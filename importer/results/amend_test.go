package results

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// amendCase is a sheet written twice: once with its final values, once
// with first values that are then amended. The two files must be the
// same, byte for byte: an amended row reads exactly as if it had been
// written that way, and every other row is copied untouched.
type amendCase struct {
	name  string
	rows  [][]Cell          // nil: a blank row
	final map[[2]int]string // (row index in rows, col) → final value
}

var amendCases = []amendCase{
	{
		name: "rows of every kind",
		rows: [][]Cell{
			{{Value: "C001"}, {Value: "Acme, Inc."}, {Value: "12.5", Numeric: true}, {Value: ""}},
			{{Value: "C002"}, {Value: "line\r\nbreak \"quoted\""}, {Value: "x", Problem: "bad number"}, {Value: "old warning"}},
			nil,
			{{Value: "=HYPERLINK(1)"}, {Value: "台北"}, {Value: "-3", Numeric: true}, {Value: ""}},
			{{Value: "C005"}},
			nil,
			{{Value: "C007"}, {Value: "last"}, {Value: "1", Numeric: true}, {Value: "w"}},
		},
		final: map[[2]int]string{
			{0, 3}: "TMS gave code H1 to row 5 too",
			{1, 3}: "old warning; TMS gave code H1 to row 2 too",
			{2, 3}: "a blank row amended",
			{3, 1}: "+886 (a formula look-alike, escaped)",
			{4, 3}: "a short row amended past its end",
			{6, 0}: "C007 amended first column",
		},
	},
	{
		name:  "a single amended row",
		rows:  [][]Cell{{{Value: "A"}, {Value: "B"}, {Value: ""}, {Value: ""}}},
		final: map[[2]int]string{{0, 2}: "W"},
	},
}

// writeAmendCase writes c to path; amended: with the first values and
// Amend, else with the final values directly.
func writeAmendCase(t *testing.T, path string, c amendCase, amended bool) {
	t.Helper()
	w, err := Create(path, Options{Above: [][]string{{"Title"}, nil}, TextColumns: []int{0, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"CCODE", "CNAM1", "CBELE", "ImportWarnings"}); err != nil {
		t.Fatal(err)
	}
	const firstRow = 4 // two rows above, the header
	finalRow := func(i int) []Cell {
		var cells []Cell
		if c.rows[i] != nil {
			cells = append(cells, c.rows[i]...)
		}
		for k, v := range c.final {
			if k[0] != i {
				continue
			}
			for len(cells) <= k[1] {
				cells = append(cells, Cell{})
			}
			cells[k[1]] = Cell{Value: v}
		}
		return cells
	}
	for i, r := range c.rows {
		switch {
		case amended && r == nil:
			err = w.WriteBlank(1)
		case amended:
			err = w.WriteRow(r)
		case r == nil && len(finalRow(i)) == 0:
			err = w.WriteBlank(1)
		default:
			err = w.WriteRow(finalRow(i))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if amended {
		for k, v := range c.final {
			if err := w.Amend(firstRow+k[0], k[1], v); err != nil {
				t.Fatalf("Amend(%d, %d): %v", firstRow+k[0], k[1], err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestAmend(t *testing.T) {
	for _, c := range amendCases {
		for _, ext := range []string{".csv", ".xlsx"} {
			t.Run(c.name+ext, func(t *testing.T) {
				dir := t.TempDir()
				direct, amended := filepath.Join(dir, "direct"+ext), filepath.Join(dir, "amended"+ext)
				writeAmendCase(t, direct, c, false)
				writeAmendCase(t, amended, c, true)
				var want, got string
				if ext == ".csv" {
					want, got = readFile(t, direct), readFile(t, amended)
				} else {
					want, got = readZipPart(t, direct, "xl/worksheets/sheet1.xml"), readZipPart(t, amended, "xl/worksheets/sheet1.xml")
					if slices.Contains(zipNames(t, direct), "xl/comments1.xml") {
						if a, b := readZipPart(t, direct, "xl/comments1.xml"), readZipPart(t, amended, "xl/comments1.xml"); a != b {
							t.Errorf("comments differ:\n%s\n%s", a, b)
						}
					}
				}
				if got != want {
					t.Errorf("amended file differs from the one written with the final values:\n got %q\nwant %q", got, want)
				}
				if names := dirNames(t, dir); len(names) != 2 {
					t.Errorf("the folder holds %v, want the two files only", names)
				}
			})
		}
	}
}

func TestAmendRefused(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".xlsx"} {
		w, err := Create(filepath.Join(dir, "r"+ext), Options{})
		if err != nil {
			t.Fatal(err)
		}
		w.WriteHeader([]string{"A"})
		w.WriteRow([]Cell{{Value: "x"}})
		for _, rc := range [][2]int{{3, 0}, {0, 0}, {2, -1}} {
			if err := w.Amend(rc[0], rc[1], "v"); !errors.Is(err, ErrCannotAmend) {
				t.Errorf("%s Amend(%d, %d): %v, want ErrCannotAmend", ext, rc[0], rc[1], err)
			}
		}
		w.Abort()
	}
	cw := NewCSVWriter(&discard{})
	cw.WriteHeader([]string{"A"})
	if err := cw.Amend(1, 0, "v"); !errors.Is(err, ErrCannotAmend) {
		t.Errorf("a CSVWriter on an io.Writer: Amend: %v, want ErrCannotAmend", err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
