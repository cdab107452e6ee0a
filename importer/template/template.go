// Package template owns the blank input workbook that `custimport template`
// writes: one column per field with its Chinese label as the header, built
// from the field catalog, with dropdown lists for enumerated fields, length
// limits for S(n) fields, number checks and an input hint in plain words on
// every column, for the whole sheet.
package template

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/mapping"
)

// SheetName is the name of the template's sheet.
const SheetName = "Customers"

// Rows is how many rows below the header carry the validations: every row
// of the sheet (Excel's last row is 1,048,576).
const Rows = excelize.TotalRows - 1

// DropValue is the dropdown text of one choice: "1 男性". The importer
// accepts it as the value 1.
func DropValue(c mapping.Choice) string {
	label, _, _ := strings.Cut(c.Label, ",")
	return fmt.Sprintf("%d %s", c.Value, label)
}

// Header is the template's header text of a field: its Chinese label,
// which the importer reads back as the field. A field a new customer needs
// (信用額度) is marked by Required, in a note on its header cell and at
// the start of its input hint.
func Header(fd mapping.Field, lang string) string { return fd.Label }

// Required is the mark of a field a new customer needs.
func Required(lang string) string {
	return word(lang == "en", "required_for_new_customers")
}

// Write writes the template to path (an .xlsx file).
func Write(path string, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	fields := mapping.Fields()
	// One header row: the plain API suits this small sheet, and data
	// validations cannot be added to a streamed one.
	if err := f.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := columns(f, fields, lang); err != nil {
		return err
	}
	if err := header(f, fields, lang); err != nil {
		return err
	}
	for i, fd := range fields {
		if err := validation(f, mapping.ColumnName(i), fd, lang); err != nil {
			return fmt.Errorf("%s: %w", fd.Code, err)
		}
	}
	return f.SaveAs(path)
}

// columns sets each column's width and, for text fields, the text format
// that keeps leading zeros.
func columns(f *excelize.File, fields []mapping.Field, lang string) error {
	textFmt, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text, so leading zeros stay
	if err != nil {
		return err
	}
	for i, fd := range fields {
		col := mapping.ColumnName(i)
		if err := f.SetColWidth(SheetName, col, col, ColumnWidth(fd, lang)); err != nil {
			return err
		}
		if fd.Kind == mapping.String {
			if err := f.SetColStyle(SheetName, col, textFmt); err != nil {
				return err
			}
		}
	}
	return nil
}

// header writes the header row in one style; it runs after the column
// styles, which would otherwise restyle the text columns' headers.
func header(f *excelize.File, fields []mapping.Field, lang string) error {
	style, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		NumFmt:    49,
	})
	if err != nil {
		return err
	}
	row := make([]any, len(fields))
	for i, fd := range fields {
		row[i] = Header(fd, lang)
	}
	if err := f.SetSheetRow(SheetName, "A1", &row); err != nil {
		return err
	}
	for i, fd := range fields {
		if !fd.RequiredOnAdd {
			continue
		}
		note := Required(lang) + ": " + Hint(fd, lang)
		if err := f.AddComment(SheetName, excelize.Comment{Cell: mapping.ColumnName(i) + "1", Author: "custimport", Text: note}); err != nil {
			return err
		}
	}
	return f.SetCellStyle(SheetName, "A1", mapping.ColumnName(len(fields)-1)+"1", style)
}

// ColumnWidth is a column's width in Excel's character units: the header
// text (a Chinese character counts two) with some room, at least 10; wide
// text fields (addresses, names) get room for their values.
func ColumnWidth(fd mapping.Field, lang string) float64 {
	w := float64(results.DisplayWidth(Header(fd, lang))) + 4
	if fd.Kind == mapping.String && fd.MaxLen >= 50 && w < 30 {
		w = 30
	}
	return max(w, 10)
}

// validation adds the column's data validation, for every row below the
// header: a dropdown, a length limit or a number check, with the hint.
func validation(f *excelize.File, col string, fd mapping.Field, lang string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, Rows+1)
	switch {
	case len(fd.Choices) > 0:
		var list []string
		for _, c := range fd.Choices {
			list = append(list, DropValue(c))
		}
		if err := dv.SetDropList(list); err != nil {
			return err
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
	title := msg.Clip(fd.Label+" "+fd.Code, 32)
	hint := Hint(fd, lang)
	dv.SetInput(title, msg.Clip(hint, 255))
	dv.SetError(excelize.DataValidationErrorStyleStop, title, msg.Clip(hint, 225))
	return f.AddDataValidation(SheetName, dv)
}

// Hint is a column's input hint in plain words: what to type, how long it
// may be, and the specification's remark.
func Hint(fd mapping.Field, lang string) string {
	en := lang == "en"
	var parts []string
	if fd.RequiredOnAdd {
		parts = append(parts, Required(lang))
	}
	switch {
	case len(fd.Choices) > 0:
		parts = append(parts, word(en, "pick_one_from_the_list"))
	case fd.Class == mapping.Date:
		parts = append(parts, dateHint(fd, en))
	case fd.Kind == mapping.String && fd.Check == mapping.CheckDayOfMonth:
		parts = append(parts, word(en, "day_of_the_month_1"))
	case fd.Kind == mapping.String:
		parts = append(parts, word(en, "text_at_most_d_characters", fd.MaxLen))
	case fd.Kind == mapping.Int:
		parts = append(parts, word(en, "a_whole_number"))
	case fd.Kind == mapping.Decimal:
		parts = append(parts, word(en, "a_number_decimals_allowed"))
	}
	note := fd.Note
	if en {
		note = fd.NoteEN
	}
	if note != "" && fd.Class != mapping.Date && fd.Check != mapping.CheckDayOfMonth {
		parts = append(parts, note)
	}
	return strings.Join(parts, word(en, "sentence_end"))
}

// dateHint describes a date field's input.
func dateHint(fd mapping.Field, en bool) string {
	if fd.DateFormat == mapping.DateROC || fd.DateFormat == mapping.DateROCDot {
		return word(en, "a_date_e_g_113")
	}
	return word(en, "a_date_e_g_2024")
}

// word is one of templateTexts in English (en) or Chinese.
func word(en bool, code string, args ...any) string {
	return msg.In(map[bool]string{true: "en", false: "zh"}[en]).Sprint("template."+code, args...)
}

// The template's words are registered in the one catalog (namespace "template").
var _ = msg.Register("template", msg.Table{
	"a_date_e_g_113":             {"日期,例如 113.05.01(民國)或 2024/05/01", "a date, e.g. 113.05.01 (ROC year) or 2024/05/01"},
	"a_date_e_g_2024":            {"日期,例如 2024/05/01", "a date, e.g. 2024/05/01"},
	"a_number_decimals_allowed":  {"數字,可有小數", "a number, decimals allowed"},
	"a_whole_number":             {"整數", "a whole number"},
	"day_of_the_month_1":         {"每月幾號,1 到 31", "day of the month, 1 to 31"},
	"pick_one_from_the_list":     {"請從清單選擇", "pick one from the list"},
	"required_for_new_customers": {"新客戶必填", "required for new customers"},
	"text_at_most_d_characters":  {"文字,最多 %d 個字", "text, at most %d characters"},
	"sentence_end":               {"。", ". "},
})
