package prepare

import (
	"errors"
	"strconv"
	"testing"

	"github.com/custimport/custimport/importer/source"
)

// A row number repeated or going back is a *DamagedRowsError naming the
// two rows, still ErrDamagedRows, with the same English sentence.
func TestRowOrderDamagedRowsError(t *testing.T) {
	tests := []struct {
		name      string
		lines     []int
		row, last int
	}{
		{"going back", []int{2, 5, 3}, 3, 5},
		{"repeated", []int{2, 7, 7}, 7, 7},
		{"first row zero", []int{0}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o RowOrder
			var err error
			for _, l := range tt.lines {
				if err = o.Check("b.xlsx", source.Record{Line: l}); err != nil {
					break
				}
			}
			var de *DamagedRowsError
			if !errors.As(err, &de) || !errors.Is(err, ErrDamagedRows) {
				t.Fatalf("err = %v (%T), want a *DamagedRowsError that is ErrDamagedRows", err, err)
			}
			if *de != (DamagedRowsError{Input: "b.xlsx", Row: tt.row, After: tt.last}) {
				t.Errorf("fields %+v, want row %d after %d", *de, tt.row, tt.last)
			}
			want := "b.xlsx: row " + itoa(tt.row) + " comes after row " + itoa(tt.last) + ": the workbook is damaged: its row numbers repeat or go backwards; open it in Excel and save it again"
			if err.Error() != want {
				t.Errorf("Error()\n got %q\nwant %q", err.Error(), want)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
