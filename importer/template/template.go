// Package template owns the blank input workbook that `custimport template`
// writes: one column per field with its Chinese label as the header, built
// from the field catalog, with dropdown lists for enumerated fields, length
// limits for S(n) fields, number checks and an input hint on every column.
package template

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/mapping"
)

// SheetName is the name of the template's sheet.
const SheetName = "Customers"

// Rows is how many rows below the header carry the validations.
const Rows = 10000

// DropValue is the dropdown text of one choice: "1 男性". The importer
// accepts it as the value 1.
func DropValue(c mapping.Choice) string {
	label, _, _ := strings.Cut(c.Label, ",")
	return fmt.Sprintf("%d %s", c.Value, label)
}

// Write writes the template to path (an .xlsx file).
func Write(path string, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	fields := mapping.Fields()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	textFmt, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text, so leading zeros stay
	if err != nil {
		return err
	}
	// One header row: the plain API suits this small sheet, and data
	// validations cannot be added to a streamed one.
	if err := f.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(fields))
	for i, fd := range fields {
		header[i] = fd.Label
	}
	if err := f.SetSheetRow(SheetName, "A1", &header); err != nil {
		return err
	}
	last := mapping.ColumnName(len(fields) - 1)
	if err := f.SetCellStyle(SheetName, "A1", last+"1", bold); err != nil {
		return err
	}
	for i, fd := range fields {
		col := mapping.ColumnName(i)
		ref := fmt.Sprintf("%s2:%s%d", col, col, Rows+1)
		width := 14.0
		if fd.MaxLen >= 50 {
			width = 28
		}
		if err := f.SetColWidth(SheetName, col, col, width); err != nil {
			return err
		}
		if fd.Kind == mapping.String {
			if err := f.SetColStyle(SheetName, col, textFmt); err != nil {
				return err
			}
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = ref
		hint := hintText(fd, lang)
		switch {
		case len(fd.Choices) > 0:
			var list []string
			for _, c := range fd.Choices {
				list = append(list, DropValue(c))
			}
			if err := dv.SetDropList(list); err != nil {
				return fmt.Errorf("%s: %w", fd.Code, err)
			}
		case fd.Kind == mapping.String:
			if err := dv.SetRange(0, fd.MaxLen, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
		case fd.Kind == mapping.Int:
			if err := dv.SetRange(-2147483648, 2147483647, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
		case fd.Kind == mapping.Decimal:
			if err := dv.SetRange(-1e15, 1e15, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
		}
		dv.SetInput(clip(fd.Code, 32), clip(hint, 255))
		dv.SetError(excelize.DataValidationErrorStyleStop, clip(fd.Code, 32), clip(hint, 225))
		if err := f.AddDataValidation(SheetName, dv); err != nil {
			return fmt.Errorf("%s: %w", fd.Code, err)
		}
	}
	return f.SaveAs(path)
}

func hintText(fd mapping.Field, lang string) string {
	note := fd.Note
	if lang == "en" {
		note = fd.NoteEN
	}
	s := fd.Code + " " + fd.TypeName()
	if fd.Kind == mapping.String {
		if lang == "en" {
			s += fmt.Sprintf(": at most %d characters", fd.MaxLen)
		} else {
			s += fmt.Sprintf(": 最多 %d 字", fd.MaxLen)
		}
	}
	if note != "" {
		s += ". " + note
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
