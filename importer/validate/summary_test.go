package validate

import (
	"fmt"
	"strings"
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
		{"sign-off cells 經理 副理 會計", []string{"", "", "經理", "", "副理", "", "會計"}, "經理"},
		{"sign-off cells in the code column", []string{"", "主管", "經辦", "承辦", "覆核", "出納"}, "主管"},
		{"sign-off words with a colon and a name", []string{"", "", "經理:王大明", "會計： 林小美", "出納:"}, "經理:王大明"},
		{"sign-off word then the name in the next cell", []string{"", "", "副理", "陳大文"}, "副理"},
		{"fed-back results columns are not looked at", []string{"", "", "合計", "", "", "100", "", "SKIPPED"}, "合計"},
		// Customers.
		{"a customer named 合計企業社 with a 統編", []string{"1", "", "合計企業社", "04595257", "", "5000"}, ""},
		{"a customer named 合計企業社 without anything else", []string{"", "", "合計企業社"}, ""},
		{"a total label next to a code", []string{"", "C001", "合計", "", "", "100"}, ""},
		{"a total label next to a 統編", []string{"", "", "合計", "04595257"}, ""},
		{"a total label with a real name", []string{"合計", "", "王小明", "", "", "100"}, ""},
		{"a total label with a remark", []string{"", "", "合計", "", "", "100", "含稅"}, ""},
		{"a signature word inside a name", []string{"", "", "審核顧問有限公司", "", "", "100"}, ""},
		{"a sign-off word inside a name", []string{"", "", "會計師事務所", "", "", "100"}, ""},
		{"a sign-off word inside a name, with a space", []string{"", "", "經理 王大明商行", "", "", "100"}, ""},
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
	if got, want := SummaryMessage("合計", "zh"), `合計、小計或簽核列「合計」,不是客戶,未匯入`; got != want {
		t.Errorf("message zh: got %q, want %q", got, want)
	}
	if got, want := SummaryMessage("Total", "en"), `a totals, subtotal or signature row ("Total"), not a customer; not imported`; got != want {
		t.Errorf("message en: got %q, want %q", got, want)
	}
}

func TestSumRow(t *testing.T) {
	h, err := mapping.FindHeader([][]string{{"序號", "客戶代號", "客戶名稱", "統一編號", "手機", "信用額度", "紅利點數", "本月營業額", "備註", "ImportStatus"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		cells []string
		cols  string // "" for not a sum row
	}{
		{"a sum under 信用額度", []string{"", "", "", "", "", "3000"}, "F 信用額度"},
		{"sums with commas and a currency", []string{"", "", "", "", "", "NT$1,250,000", "12,000"}, "F 信用額度|G 紅利點數"},
		{"an accountant's zero and a full-width sum", []string{"", "", "", "", "", "-", "１２０"}, "F 信用額度|G 紅利點數"},
		{"a sum under an unknown column too", []string{"", "", "", "", "", "3000", "", "99000"}, "F 信用額度"},
		{"a fed-back status is not looked at", []string{"", "", "", "", "", "3000", "", "", "", "SKIPPED"}, "F 信用額度"},
		{"beyond the header", []string{"", "", "", "", "", "3000", "", "", "", "", "7"}, "F 信用額度"},
		// Not sum rows.
		{"a row number and a limit", []string{"1", "", "", "", "", "5000"}, ""},
		{"a name", []string{"", "", "王小明", "", "", "5000"}, ""},
		{"a code", []string{"", "C1", "", "", "", "5000"}, ""},
		{"a 統編", []string{"", "", "", "04595257", "", "5000"}, ""},
		{"a phone of digits", []string{"", "", "", "", "0912345678", "5000"}, ""},
		{"a note", []string{"", "", "", "", "", "5000", "", "", "含稅"}, ""},
		{"text under an unknown column", []string{"", "", "", "", "", "5000", "", "見附件"}, ""},
		{"a number under an unknown column only", []string{"", "", "", "", "", "", "", "99000"}, ""},
		{"text under 信用額度", []string{"", "", "", "", "", "三千"}, ""},
		{"blank", []string{"", " "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, ok := SumRow(h, tt.cells)
			if got := strings.Join(cols, "|"); ok != (tt.cols != "") || got != tt.cols {
				t.Errorf("got %q, %v; want %q", got, ok, tt.cols)
			}
		})
	}
	if got, want := SumMessage([]string{"F 信用額度", "G 紅利點數"}, "en"), "a sum row without a label (numbers only under F 信用額度, G 紅利點數), not a customer; not imported"; got != want {
		t.Errorf("message en: got %q, want %q", got, want)
	}
	if got, want := SumMessage([]string{"F 信用額度"}, "zh"), "沒有標籤的合計列(只有 F 信用額度 有數字),不是客戶,未匯入"; got != want {
		t.Errorf("message zh: got %q, want %q", got, want)
	}
}

func TestMissingOnAdd(t *testing.T) {
	tests := []struct {
		name     string
		present  []string
		defaults map[string]string
		want     string
	}{
		{"no credit limit column", []string{"CCODE", "CNAM1"}, nil, "CBELE"},
		{"a blank default provides nothing", []string{"CCODE"}, map[string]string{"CBELE": " "}, "CBELE"},
		{"a column", []string{"CCODE", "cbele"}, nil, ""},
		{"a default", []string{"CNAM1"}, map[string]string{"cbele": "0"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range MissingOnAdd(tt.present, tt.defaults) {
				got = append(got, f.Code)
			}
			if fmt.Sprint(got) != fmt.Sprint(strings.Fields(tt.want)) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	f := mapping.MustLookup(mapping.CBELE)
	zh := MissingOnAddProblem(f, "zh")
	if want := `CBELE 信用額度: 新增客戶時必填,但檔案沒有這一欄,對應檔也沒有預設值:沒有代號的列,以及 TMS 尚無此代號的列,都會新增失敗。請加上「信用額度」欄,或在對應檔 (mapping) 寫 defaults: {CBELE: 0}`; zh.Message != want {
		t.Errorf("zh: got %q, want %q", zh.Message, want)
	}
	if zh.Severity != Warning || zh.Column != -1 || zh.Code != "missing_on_add" {
		t.Errorf("problem: got %+v", zh)
	}
	if got, want := zh.Render("en"), `CBELE (credit limit): required when a customer is created, but the file has no such column and the mapping file no default: rows without a code, and rows whose code TMS does not know yet, will fail. Add a column "信用額度", or write defaults: {CBELE: 0} in the mapping file`; got != want {
		t.Errorf("en: got %q, want %q", got, want)
	}
}

// mayBeLabel on the first cells of a customer list's rows, which are no
// labels: what every row read costs the totals-row check.
func BenchmarkMayBeLabel(b *testing.B) {
	texts := []string{"C0000001", "曾建宏", "04-6641-2373", "service1@example.com", "300000.25", "1973/06/24", "彰化縣彰化市"}
	for b.Loop() {
		for _, s := range texts {
			mayBeLabel(s)
		}
	}
}
