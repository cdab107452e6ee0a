package template

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/mapping"
)

func TestWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.xlsx")
	if err := Write(path, "zh"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	fields := mapping.Fields()
	if len(rows) != 1 || len(rows[0]) != len(fields) {
		t.Fatalf("got %d rows, header of %d cells; want 1 row of %d", len(rows), len(rows[0]), len(fields))
	}
	for i, fd := range fields {
		if rows[0][i] != Header(fd, "zh") {
			t.Errorf("column %s: got %q, want %q", mapping.ColumnName(i), rows[0][i], Header(fd, "zh"))
		}
		// Every header maps back to its own field: the template is an input.
		if got, _ := mapping.MatchHeader(rows[0][i]); got == nil || got.Code != fd.Code {
			t.Errorf("header %q does not map back to %s", rows[0][i], fd.Code)
		}
	}
	dvs, err := f.GetDataValidations(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		byRef[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv
	}
	col := func(code string) string {
		for i, fd := range fields {
			if fd.Code == code {
				return mapping.ColumnName(i) + "2"
			}
		}
		t.Fatalf("no field %s", code)
		return ""
	}
	tests := []struct {
		code, typ, formula string
	}{
		{"Sex", "list", `"0 未設定,1 男性,2 女性"`},
		{"CTAX1", "list", `"0 不開立發票,1 應稅,2 零稅,3 免稅,9 混稅"`},
		{"EditItem", "list", `"0 新增客戶,1 編輯客戶,2 由系統判斷"`},
		{"CCODE", "textLength", "0"},
		{"CDAYS", "whole", "-2147483648"},
		{"CBELE", "decimal", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			dv := byRef[col(tt.code)]
			if dv == nil {
				t.Fatalf("no data validation at %s", col(tt.code))
			}
			if dv.Type != tt.typ {
				t.Errorf("type: got %q, want %q", dv.Type, tt.typ)
			}
			if tt.formula != "" && dv.Formula1 != tt.formula {
				t.Errorf("formula: got %q, want %q", dv.Formula1, tt.formula)
			}
			if dv.PromptTitle == nil || !strings.HasSuffix(*dv.PromptTitle, " "+tt.code) {
				t.Errorf("input hint title: got %v, want the label and %q", dv.PromptTitle, tt.code)
			}
		})
	}
	if dv := byRef[col("CCODE")]; dv != nil && dv.Formula2 != "16" {
		t.Errorf("CCODE length limit: got %q, want 16", dv.Formula2)
	}
}

func TestDropValueIsAccepted(t *testing.T) {
	for _, fd := range mapping.Fields() {
		for _, c := range fd.Choices {
			v := DropValue(c)
			if strings.Contains(v, ",") {
				t.Errorf("%s: dropdown value %q has a comma, which splits Excel's list", fd.Code, v)
			}
		}
	}
}

// The template looks finished: one header style, widths that fit the
// labels, hints in plain words, 信用額度 marked for new customers, and
// validations down to the sheet's last row.
func TestTemplateFinished(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.xlsx")
			if err := Write(path, lang); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fields := mapping.Fields()
			first, _ := f.GetCellStyle(SheetName, "A1")
			for i, fd := range fields {
				col := mapping.ColumnName(i)
				if st, _ := f.GetCellStyle(SheetName, col+"1"); st != first {
					t.Errorf("%s (%s) header style %d, want %d as A1", col, fd.Code, st, first)
				}
				w, _ := f.GetColWidth(SheetName, col)
				text, _ := f.GetCellValue(SheetName, col+"1")
				need := 0.0
				for _, r := range text {
					need += map[bool]float64{true: 1, false: 2}[r < 0x2000]
				}
				if w < need {
					t.Errorf("%s (%s) width %.0f for %q", col, fd.Code, w, text)
				}
				if got, _ := mapping.MatchHeader(text); got == nil || got.Code != fd.Code {
					t.Errorf("header %q does not map back to %s", text, fd.Code)
				}
			}
			dvs, err := f.GetDataValidations(SheetName)
			if err != nil {
				t.Fatal(err)
			}
			if len(dvs) != len(fields) {
				t.Fatalf("got %d validations, want %d", len(dvs), len(fields))
			}
			for _, dv := range dvs {
				if !strings.HasSuffix(dv.Sqref, "1048576") {
					t.Errorf("validation %s does not reach the last row", dv.Sqref)
				}
				if dv.Prompt == nil || strings.Contains(*dv.Prompt, "S(") || strings.Contains(*dv.Prompt, "Decimal") {
					t.Errorf("hint %v is not in plain words", dv.Prompt)
				}
			}
			cbele := mapping.MustLookup(mapping.CBELE)
			wantMark := map[string]string{"zh": "新客戶必填", "en": "required for new customers"}[lang]
			if !strings.HasPrefix(Hint(cbele, lang), wantMark) {
				t.Errorf("信用額度 hint %q; want it to start with %q", Hint(cbele, lang), wantMark)
			}
			comments, err := f.GetComments(SheetName)
			if err != nil {
				t.Fatal(err)
			}
			var marked []string
			for _, c := range comments {
				text := c.Text
				for _, r := range c.Paragraph {
					text += r.Text
				}
				if strings.Contains(text, wantMark) {
					marked = append(marked, c.Cell)
				}
			}
			for i, fd := range fields {
				if fd.Code == mapping.CBELE && !slices.Equal(marked, []string{mapping.ColumnName(i) + "1"}) {
					t.Errorf("header notes saying %q: got %v, want only 信用額度's %s1", wantMark, marked, mapping.ColumnName(i))
				}
			}
		})
	}
}

func TestHint(t *testing.T) {
	tests := []struct{ code, lang, want string }{
		{"CCODE", "zh", "文字,最多 16 個字。空白時以自動編號新增"},
		{"CNAM2", "en", "text, at most 12 characters. on add, the customer code when not sent"},
		{"CBELE", "zh", "新客戶必填。數字,可有小數。新增時,此欄位不可空白"},
		{"Sex", "en", "pick one from the list. on add, 0 when not sent"},
		{"CRDAT", "zh", "每月幾號,1 到 31"},
		{"CWEBB", "zh", "日期,例如 113.05.01(民國)或 2024/05/01"},
		{"CBIRD", "en", "a date, e.g. 2024/05/01"},
		{"CDAYS", "en", "a whole number. on add, 0 when not sent"},
	}
	for _, tt := range tests {
		if got := Hint(mapping.MustLookup(tt.code), tt.lang); got != tt.want {
			t.Errorf("Hint(%s, %s): got %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
}
