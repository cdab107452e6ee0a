package prepare

import (
	"fmt"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/source"
)

func TestExpectedRows(t *testing.T) {
	rowsOf := func(n int, cells ...string) []item {
		items := make([]item, n)
		for i := range items {
			items[i].Rec = source.Record{Cells: cells}
		}
		return items
	}
	for _, tc := range []struct {
		name  string
		size  int64
		items []item
		want  int
	}{
		// "C0000001,甲公司,1000" and a CRLF: 25 bytes.
		{"a full batch", 25_000_000, rowsOf(BatchRows, "C0000001", "甲公司", "1000"), 1_000_000},
		{"half a batch is enough", 2_500, rowsOf(BatchRows/2, "C0000001", "甲公司", "1000"), 100},
		{"too few rows to go by", 26_000_000, rowsOf(BatchRows/2-1, "C0000001", "甲公司", "1000"), 0},
		{"blank cells count their delimiters", 400, rowsOf(BatchRows, "", "", ""), 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := expectedRows(tc.size, tc.items); got != tc.want {
				t.Errorf("expectedRows = %d, want %d", got, tc.want)
			}
		})
	}
}

// A check that sizes the code set from the file's size finds the same
// duplicates as one that grows it, estimate short or long.
func TestCheckRowsExpectingCodes(t *testing.T) {
	lines := []string{"客戶代號,客戶名稱,信用額度"}
	for i := range 3 * BatchRows {
		lines = append(lines, fmt.Sprintf("C%05d,甲,1", i%(2*BatchRows)))
	}
	text := int64(len(strings.Join(lines, "\n")))
	for _, size := range []int64{0, text / 100, text, 100 * text} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			got := prepared(t, Config{TextBytes: size}, lines...)
			if len(got) != 3*BatchRows {
				t.Fatalf("%d rows", len(got))
			}
			for i, r := range got {
				want := row.StatusValid
				if i >= 2*BatchRows {
					want = row.StatusInvalid
				}
				if r.Status != want {
					t.Fatalf("row %d (line %d): %s, want %s", i, r.Line, r.Status, want)
				}
			}
		})
	}
}
