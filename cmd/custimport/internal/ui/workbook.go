package ui

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/source"
)

// writeWorkbook writes rows to an XLSX workbook in memory, each at its own
// row number (so the importer's row numbers stay the user's), hidden rows
// hidden, every cell a
// text cell (leading zeros and long numbers stay as typed). Rows above
// from (a row number; 0 for all) are left out: a picked header row is
// then the first row the importer finds. The sheet is named sheet ("":
// Excel's default).
//
// A workbook, not CSV: a cell holding a line break would move every later
// CSV row down a line, and the row numbers with it.
func writeWorkbook(rows []source.Record, from int, sheet string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetName(0)
	} else if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Line < from {
			continue
		}
		vals := make([]any, len(r.Cells))
		for i, c := range r.Cells {
			vals[i] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, r.Line)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, vals, excelize.RowOpts{Hidden: r.Hidden}); err != nil {
			return nil, fmt.Errorf("row %d: %w", r.Line, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
