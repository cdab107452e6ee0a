package collect

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

func TestReorder(t *testing.T) {
	var b reorder
	seqs := func(items []*row.Item) []int {
		var out []int
		for _, it := range items {
			out = append(out, it.Seq)
		}
		return out
	}
	steps := []struct {
		add  int
		want []int
	}{
		{2, nil}, {1, nil}, {0, []int{0, 1, 2}}, {4, nil}, {3, []int{3, 4}}, {5, []int{5}},
	}
	for _, s := range steps {
		got := seqs(b.add(&row.Item{Seq: s.add}))
		if len(got) != len(s.want) {
			t.Fatalf("add %d: got %v, want %v", s.add, got, s.want)
		}
		for i := range got {
			if got[i] != s.want[i] {
				t.Fatalf("add %d: got %v, want %v", s.add, got, s.want)
			}
		}
	}
	if len(b.pending) != 0 {
		t.Errorf("%d rows left in the buffer", len(b.pending))
	}
}

// sheet records what a collector writes, row by row number.
type sheet struct {
	next int
	rows map[int][]string
}

func (s *sheet) WriteHeader([]string) error { return nil }
func (s *sheet) WriteRow(cells []results.Cell) error {
	var vals []string
	for _, c := range cells {
		vals = append(vals, c.Value)
	}
	s.rows[s.next] = vals
	s.next++
	return nil
}
func (s *sheet) WriteBlank(n int) error { s.next += n; return nil }
func (s *sheet) Amend(line, col int, v string) error {
	s.rows[line][col] = v
	return nil
}
func (s *sheet) WriteSummary([][]results.Cell) error { return nil }
func (s *sheet) Close() error                        { return nil }
func (s *sheet) Abort() error                        { return nil }

type texts struct{}

func (texts) SameCodeInRun(code string, lines []int) string {
	return fmt.Sprint("same ", code, " ", lines)
}

// finished is a row of the list below, sent: a create TMS gave code.
func finished(seq, line int, code string) *row.Item {
	it := &row.Item{Seq: seq, Rec: source.Record{Line: line, Cells: []string{fmt.Sprint("客戶", seq)}}}
	it.To(row.Move{Status: row.StatusValid})
	it.To(row.Move{Status: row.StatusOK, CCODE: code, Attempts: 1})
	return it
}

// TestCollectorWritesInInputOrder: rows finishing out of order are
// written at their own row numbers (a blank row between them stays
// blank), and two new customers TMS gave one code both say so, the
// one written first amended.
func TestCollectorWritesInInputOrder(t *testing.T) {
	s, c := newTestCollector(t)
	var order []int
	for _, it := range []*row.Item{finished(1, 3, "C9"), finished(2, 5, "C7"), finished(0, 2, "C7")} {
		ready, err := c.Add(it)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ready {
			order = append(order, r.Rec.Line)
		}
	}
	if fmt.Sprint(order) != "[2 3 5]" {
		t.Errorf("rows given back in order %v, want [2 3 5]", order)
	}
	if _, ok := s.rows[4]; ok {
		t.Errorf("row 4, blank in the input, was written: %v", s.rows[4])
	}
	wantWritten(t, s, c, 2, map[int]string{
		2: "[客戶0 OK C7   same C7 [5]]",
		3: "[客戶1 OK C9   ]",
		5: "[客戶2 OK C7   same C7 [2]]",
	})
}

// TestCollectorSharedCodes: a code TMS gave several creates is matched
// whatever its case; each row's own warnings are kept when the later rows
// amend it (the first row's too, which is remembered apart from its
// code); a third row amends both earlier ones; codes given once stay
// without a word.
func TestCollectorSharedCodes(t *testing.T) {
	s, c := newTestCollector(t)
	items := []*row.Item{finished(0, 2, "A1"), finished(1, 3, "X5"), finished(2, 4, "a1"), finished(3, 5, "Y6"), finished(4, 6, "A1")}
	items[0].Warn("own warning")
	for _, it := range items {
		if _, err := c.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	wantWritten(t, s, c, 3, map[int]string{
		2: "[客戶0 OK A1   own warning; same a1 [4]; same A1 [6]]",
		3: "[客戶1 OK X5   ]",
		4: "[客戶2 OK a1   same a1 [2]; same A1 [6]]",
		5: "[客戶3 OK Y6   ]",
		6: "[客戶4 OK A1   same A1 [2 4]]",
	})
}

// newTestCollector returns a collector of a one-column list (客戶名稱)
// writing from row 2 into the sheet it returns.
func newTestCollector(t *testing.T) (*sheet, *Collector) {
	t.Helper()
	hdr, err := mapping.FindHeader([][]string{{"客戶名稱"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &sheet{next: 2, rows: map[int][]string{}}
	return s, New(s, NewLayout(hdr), 2, texts{}, slog.New(slog.DiscardHandler))
}

// wantWritten checks the rows the sheet holds, by row number, and how
// many rows the collector counts as sharing a code.
func wantWritten(t *testing.T, s *sheet, c *Collector, shared int, want map[int]string) {
	t.Helper()
	for line, w := range want {
		if got := fmt.Sprint(s.rows[line]); got != w {
			t.Errorf("row %d: %s, want %s", line, got, w)
		}
	}
	if c.Shared() != shared {
		t.Errorf("Shared() = %d, want %d", c.Shared(), shared)
	}
}

// A results row holds the input's cells, each error's message on its
// column, and the Import* columns; the row after one with errors has
// none of them (the row's storage is used again).
func TestLayoutCells(t *testing.T) {
	hdr, err := mapping.FindHeader([][]string{{"客戶代號", "客戶名稱", "信用額度"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lay := NewLayout(hdr)
	bad := &row.Item{Rec: source.Record{Line: 2, Cells: []string{"A1", "甲", "x"}}}
	bad.Outcome.Problems = []validate.Problem{
		{Column: 2, Severity: validate.Error, Message: "not a number"},
		{Column: 2, Severity: validate.Error, Message: "too long"},
		{Column: 1, Severity: validate.Warning, Message: "a warning"},
	}
	bad.Extra = []validate.Problem{{Column: 0, Severity: validate.Error, Message: "taken"}}
	bad.To(row.Move{Status: row.StatusInvalid, Message: "errors", Warning: "a warning"})
	good := &row.Item{Rec: source.Record{Line: 3, Cells: []string{"A2", "乙"}}} // short of a cell
	good.To(row.Move{Status: row.StatusValid, CCODE: "A2"})
	tests := []struct {
		name string
		it   *row.Item
		want []results.Cell
	}{
		{"errors", bad, []results.Cell{{Value: "A1", Problem: "taken"}, {Value: "甲"}, {Value: "x", Numeric: true, Problem: "not a number; too long"},
			{Value: "INVALID"}, {}, {}, {Value: "errors"}, {Value: "a warning"}}},
		{"valid after errors", good, []results.Cell{{Value: "A2"}, {Value: "乙"}, {Numeric: true},
			{Value: "VALID"}, {Value: "A2"}, {}, {}, {}}},
		{"errors again", bad, []results.Cell{{Value: "A1", Problem: "taken"}, {Value: "甲"}, {Value: "x", Numeric: true, Problem: "not a number; too long"},
			{Value: "INVALID"}, {}, {}, {Value: "errors"}, {Value: "a warning"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lay.cells(tt.it)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("cells =\n %v\nwant\n %v", got, tt.want)
			}
		})
	}
}

// The results row of a valid row of bench/speed's CSV: what writing each
// row of a check costs before the writer.
func BenchmarkLayoutCells(b *testing.B) {
	header := []string{"客戶代號", "客戶名稱", "客戶簡稱", "統一編號", "客戶電話", "手機", "客戶地址", "電子郵件", "信用額度", "生日"}
	hdr, err := mapping.FindHeader([][]string{header}, nil)
	if err != nil {
		b.Fatal(err)
	}
	lay := NewLayout(hdr)
	it := &row.Item{Rec: source.Record{Line: 2, Cells: []string{"C0000001", "曾建宏", "曾建宏", "", "04-6641-2373",
		"0915-143-097", "彰化縣彰化市中山路二段103號6樓", "service1@example.com", "300000.25", "1973/06/24"}}}
	it.To(row.Move{Status: row.StatusValid, CCODE: "C0000001"})
	for b.Loop() {
		if cells := lay.cells(it); len(cells) != len(lay.Header) {
			b.Fatalf("%d cells for %d columns", len(cells), len(lay.Header))
		}
	}
}
