package ui

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/source"
)

// TestUploadErrorsSpeakZh: a file the page cannot read or check, made
// the ways such files are made, gets a message in the page's language
// that says what is wrong: never Go's or the library's English.
func TestUploadErrorsSpeakZh(t *testing.T) {
	var brokenZip bytes.Buffer
	zw := zip.NewWriter(&brokenZip)
	w, _ := zw.Create("xl/workbook.xml")
	w.Write([]byte("<workbook"))
	zw.Close()
	tests := []struct {
		name string
		file string
		data []byte
		want string // in the zh message
	}{
		{"unbalanced quote", "a.csv", []byte("客戶代號,客戶名稱\nC1,\"甲\nC2,乙\n"), "第 2 列的引號"},
		{"NUL bytes (UTF-16 without a BOM)", "a.csv", []byte("\x00客\x00戶\x00代\x00號\n"), "CSV"},
		{"binary", "a.csv", bytes.Repeat([]byte{0xff, 0xfe, 0x00, 0x01, 0x9c}, 400), ""},
		{"empty", "a.csv", nil, "空的"},
		{"a legacy .xls", "a.xls", append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 600)...), ".xlsx"},
		{"a damaged workbook", "a.xlsx", brokenZip.Bytes(), ""},
		{"a truncated workbook", "a.xlsx", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), ""},
		{"only a header", "a.csv", []byte("客戶代號,客戶名稱\n"), ""},
		{"no header at all", "a.csv", []byte("1,2,3\n4,5,6\n"), ""},
		{"a huge cell", "a.csv", []byte("客戶代號,客戶名稱\nC1," + strings.Repeat("甲", 400_000) + "\n"), "第 2 列有一格太長"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t, Config{})
			p := u.upload(tt.file, tt.data)
			seen := p.body + u.get("/view").body
			if m := goErrorText.FindString(seen); m != "" {
				t.Errorf("the page shows Go error text %q", m)
			}
			// The encoding's name and file extensions are data.
			shown := regexp.MustCompile(`編碼 [a-z0-9-]+|\.xlsx?\b`).ReplaceAllString(seen, "")
			if w := englishWords(shown); len(w) > 0 {
				t.Errorf("the zh page shows the English words %q", w)
			}
			if tt.want != "" && !strings.Contains(seen, tt.want) {
				t.Errorf("the page does not say %q", tt.want)
			}
		})
	}
}

// TestFileMessageFallback: an error the page has no words of its own for
// is not shown as it is (Go's or the library's English): the message
// says what to try, and a row the reader could not read says why.
func TestFileMessageFallback(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		zh, en string
	}{
		{"a Go error", fmt.Errorf("reading the upload: %w", errors.New("unexpected EOF")), "無法讀取檔案:請確認它是 Excel (.xlsx) 或 CSV 檔", "check that it is an Excel (.xlsx) or CSV file"},
		{"a quote left open", &source.ParseError{File: "a.csv", Line: 7, Err: source.ErrQuote}, "第 7 列的引號 (\") 沒有成對", `row 7: a quote (") is not closed`},
		{"a cell too long", &source.ParseError{File: "a.csv", Line: 3, Err: fmt.Errorf("%w: cell 2 is 9000000 bytes long", source.ErrCellTooLarge)}, "第 3 列有一格太長", "row 3: a cell is too long"},
		{"a row that cannot be read otherwise", &source.ParseError{File: "a.csv", Line: 4, Err: errors.New("something else")}, "無法讀取檔案:第 4 列", "could not be read: row 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fileMessage("zh", tt.err); !strings.Contains(got, tt.zh) || englishWords(regexp.MustCompile(`\.xlsx|CSV|Excel`).ReplaceAllString(got, "")) != nil {
				t.Errorf("zh: %q, want it to say %q and no English", got, tt.zh)
			}
			if got := fileMessage("en", tt.err); !strings.Contains(got, tt.en) || strings.Contains(got, "unexpected EOF") || strings.Contains(got, "something else") {
				t.Errorf("en: %q, want it to say %q and not the error's own text", got, tt.en)
			}
		})
	}
}
