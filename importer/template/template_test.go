package template

import (
	"path/filepath"
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
		if rows[0][i] != fd.Label {
			t.Errorf("column %s: got %q, want %q", mapping.ColumnName(i), rows[0][i], fd.Label)
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
			if dv.PromptTitle == nil || *dv.PromptTitle != tt.code {
				t.Errorf("input hint title: got %v, want %q", dv.PromptTitle, tt.code)
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
