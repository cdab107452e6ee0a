package validate

import (
	"testing"

	"github.com/custimport/custimport/mapping"
)

func TestSummaryRow(t *testing.T) {
	h, err := mapping.FindHeader([][]string{{"序號", "客戶代號", "客戶名稱", "統一編號", "手機", "信用額度", "備註", "ImportStatus"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cells  []string
		reason string // "" for a customer row
	}{
		{"合計 with a sum", []string{"", "", "合計", "", "", "1,250,000"}, "合計"},
		{"合計 in the code column", []string{"合計", "", "", "", "", "NT$1,250,000"}, "合計"},
		{"spaced 合 計 in the first column", []string{"合 計", "", "", "", "", "1250000"}, "合 計"},
		{"小計 with a colon", []string{"", "小計:", "", "", "", "300,000"}, "小計:"},
		{"總計 and a count", []string{"總計", "共 11 筆", "", "", "", "5,000,000"}, "總計"},
		{"count line", []string{"共 11 筆"}, "共 11 筆"},
		{"count of customers", []string{"", "", "共11家客戶"}, "共11家客戶"},
		{"Total in English", []string{"", "", "Total", "", "", "12,000"}, "Total"},
		{"Subtotal with a count", []string{"Subtotal: 3"}, "Subtotal: 3"},
		{"full-width 合計：", []string{"合計：", "", "", "", "", "１２，０００"}, "合計："},
		{"signature with names", []string{"製表人:王小明", "", "審核:", "", "核准:"}, "製表人:王小明"},
		{"signature labels and names in cells", []string{"製表人", "王小明", "審核", "陳大文", "", "", "製表日期", "2024/05/01"}, "製表人"},
		{"製表 date", []string{"", "", "製表日期: 2024/05/01"}, "製表日期: 2024/05/01"},
		{"以下空白", []string{"", "以下空白"}, "以下空白"},
		{"fed-back results columns are not looked at", []string{"", "", "合計", "", "", "100", "", "SKIPPED"}, "合計"},
		// Customers.
		{"a customer named 合計企業社 with a 統編", []string{"1", "", "合計企業社", "04595257", "", "5000"}, ""},
		{"a customer named 合計企業社 without anything else", []string{"", "", "合計企業社"}, ""},
		{"a total label next to a code", []string{"", "C001", "合計", "", "", "100"}, ""},
		{"a total label next to a 統編", []string{"", "", "合計", "04595257"}, ""},
		{"a total label with a real name", []string{"合計", "", "王小明", "", "", "100"}, ""},
		{"a total label with a remark", []string{"", "", "合計", "", "", "100", "含稅"}, ""},
		{"a signature word inside a name", []string{"", "", "審核顧問有限公司", "", "", "100"}, ""},
		{"a customer row", []string{"1", "C001", "王小明", "04595257", "0912345678", "5000"}, ""},
		{"a row of numbers only", []string{"1", "", "", "", "", "5000"}, ""},
		{"blank row", []string{"", " "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := SummaryRow(h, tt.cells)
			if ok != (tt.reason != "") || reason != tt.reason {
				t.Errorf("got %q, %v; want %q, %v", reason, ok, tt.reason, tt.reason != "")
			}
		})
	}
	if got, want := SummaryMessage("合計", "zh"), `合計、小計或簽核列 "合計",不是客戶,未匯入`; got != want {
		t.Errorf("message zh: got %q, want %q", got, want)
	}
	if got, want := SummaryMessage("Total", "en"), `a totals, subtotal or signature row ("Total"), not a customer; not imported`; got != want {
		t.Errorf("message en: got %q, want %q", got, want)
	}
}
