package ui

import (
	"strings"
	"testing"
)

func TestSerialAsDate(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"45292", "2024/01/01", true},
		{"45292.75", "2024/01/01", true},
		{" 1 ", "1900/01/01", true},
		{"59", "1900/02/28", true},
		{"61", "1900/03/01", true},
		{"60", "", false}, // 1900-02-29 never was
		{"0", "", false},
		{"2958465", "", false}, // 7 digits: a 民國 date to the validator
		{"1130101", "", false},
		{"20240101", "", false},
		{"2024/01/01", "", false},
		{"45292.", "", false},
		{"4529a", "", false},
		{"", "", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := serialAsDate(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("serialAsDate(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestDateCellShowsADate: a serial in a date column shows as the date
// (the serial in the tooltip and data-raw); the same number in another
// column stays a number; the row checks as the date.
func TestDateCellShowsADate(t *testing.T) {
	t.Parallel()
	u := newTestUI(t, Config{})
	p := u.upload("a.csv", big5CSV(t, "客戶代號,客戶名稱,信用額度,生日", "A001,甲,45292,45292"))
	if !strings.Contains(p.body, `data-col="3" tabindex="-1" title="Excel 日期序號 45292`) || !strings.Contains(p.body, `data-raw="45292">2024/01/01</td>`) {
		i := strings.Index(p.body, `data-col="3"`)
		t.Errorf("the date cell:\n%s", p.body[max(0, i-20):min(len(p.body), i+200)])
	}
	if !strings.Contains(p.body, `data-col="2" tabindex="-1">45292</td>`) {
		t.Error("the amount became a date")
	}
}
