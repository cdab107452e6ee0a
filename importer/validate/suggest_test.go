package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/custimport/custimport/mapping"
)

func TestSuggest(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string // "column:field ..." ; "" for none
	}{
		{"mobiles", []string{"客戶名稱", "行動號碼"}, [][]string{{"甲", "0912-345-678"}, {"乙", "0933111222"}, {"丙", ""}}, "1:CPHONE"},
		{"mobiles Excel stripped of their 0", []string{"客戶名稱", "行動號碼"}, [][]string{{"甲", "912345678"}}, "1:CPHONE"},
		{"a mobile column when 手機 is taken", []string{"客戶名稱", "手機", "行動號碼"}, [][]string{{"甲", "0912345678", "0933111222"}}, "2:CTELE"},
		{"landlines and mobiles", []string{"客戶名稱", "連絡方式"}, [][]string{{"甲", "(02)2345-6789"}, {"乙", "0912 345 678"}, {"丙", "04-2422-2299#12"}}, "1:CTELE"},
		{"+886", []string{"客戶名稱", "Cell"}, [][]string{{"甲", "+886 912 345 678"}}, "1:CPHONE"},
		{"統編s", []string{"客戶名稱", "稅號"}, [][]string{{"甲", "04595257"}, {"乙", "12345675"}}, "1:CTCOD"},
		{"8 digits failing the checksum are not 統編s", []string{"客戶名稱", "稅號"}, [][]string{{"甲", "12345678"}}, ""},
		{"e-mail", []string{"客戶名稱", "聯絡信箱地址"}, [][]string{{"甲", "a@example.com.tw"}, {"乙", "ｂ@example.com"}}, "1:EMAIL"},
		{"dates", []string{"客戶名稱", "生辰"}, [][]string{{"甲", "1985/03/04"}, {"乙", "民國74年3月4日"}, {"丙", "1990-12-31 00:00:00"}}, "1:CBIRD"},
		{"mostly dates: four in five", []string{"客戶名稱", "生辰"}, [][]string{{"", "1985/03/04"}, {"", "1985/03/04"}, {"", "1985/03/04"}, {"", "1985/03/04"}, {"", "不詳"}}, "1:CBIRD"},
		{"half dates", []string{"客戶名稱", "生辰"}, [][]string{{"", "1985/03/04"}, {"", "不詳"}}, ""},
		{"amounts are nothing", []string{"客戶名稱", "營業額"}, [][]string{{"甲", "1,000,000"}, {"乙", "20240501"}}, ""},
		{"names are nothing", []string{"客戶名稱", "職稱"}, [][]string{{"甲", "經理"}}, ""},
		{"a mapped column is not looked at", []string{"客戶名稱", "電話"}, [][]string{{"甲", "0912345678"}}, ""},
		{"e-mail taken", []string{"客戶名稱", "Email", "備用信箱"}, [][]string{{"甲", "a@b.tw", "c@d.tw"}}, ""},
		{"blank column", []string{"客戶名稱", "其他"}, [][]string{{"甲", ""}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := mapping.Resolve(tt.header, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range Suggest(h, tt.rows) {
				got = append(got, fmt.Sprintf("%d:%s", s.Column, s.Field))
				if s.Header != tt.header[s.Column] || s.Example == "" {
					t.Errorf("suggestion %+v", s)
				}
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
	s := Suggestion{Column: 1, Header: "行動號碼", Field: "CPHONE", Example: "0912-345-678"}
	if got, want := SuggestMessage(s, "en"), `column B "行動號碼" maps to no field and is not imported, but its data looks like CPHONE (mobile) (e.g. "0912-345-678"): if it is, map it in a mapping file (columns: {"行動號碼": CPHONE}) or choose its field when you import`; got != want {
		t.Errorf("en:\n got %s\nwant %s", got, want)
	}
	if got := SuggestMessage(s, "zh"); !strings.Contains(got, "CPHONE 手機") || !strings.Contains(got, `"行動號碼"`) {
		t.Errorf("zh: %s", got)
	}
}
