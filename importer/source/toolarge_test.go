package source

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// Each way a file is too large is a *TooLargeError saying what went over
// which limit, still ErrTooLarge, with the same English sentence.
func TestTooLargeErrorFields(t *testing.T) {
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0"?><worksheet ` + nsMain + `><sheetData>`)
	for sheet.Len() < 2<<20 {
		sheet.WriteString(`<row><c t="inlineStr"><is><t>` + strings.Repeat("A", 1000) + `</t></is></c></row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	parts := handmade("", "", "", "")
	parts[4][1] = sheet.String()
	bomb, err := os.ReadFile(zipParts(t, t.TempDir(), "bomb.xlsx", parts...))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		open func() error
		want TooLargeError // text left out; Size -1: any above Limit
		text string        // "": starts with the file's name and the sentinel
	}{
		{"csv over the limit", func() error {
			_, err := OpenReaderAt("big.csv", bytes.NewReader(bytes.Repeat([]byte("a,b\n"), 500)), 2000, Options{MaxBytes: 1000})
			return err
		}, TooLargeError{File: "big.csv", What: TooLargeFile, Size: 2000, Limit: 1000},
			"big.csv: the file is too large: 2000 bytes is bigger than the 1000 bytes limit"},
		{"csv read past the limit", func() error {
			r, err := NewCSVReader(strings.NewReader(strings.Repeat("a,b\n", 1000)), "s.csv", Options{MaxBytes: 100})
			for err == nil {
				_, err = r.Read()
			}
			return err
		}, TooLargeError{File: "s.csv", What: TooLargeFile, Limit: 100},
			"s.csv: the file is too large: the file is bigger than the 100 bytes limit"},
		{"workbook unpacks too large", func() error {
			_, err := OpenReaderAt("bomb.xlsx", bytes.NewReader(bomb), int64(len(bomb)), Options{MaxBytes: 1 << 20})
			return err
		}, TooLargeError{File: "bomb.xlsx", What: TooLargeUnpacked, Size: -1, Limit: 1 << 20}, ""},
		{"shared texts", func() error {
			return sstLimit{maxText: 10, maxBytes: 40}.checkText("t.xlsx", 11)
		}, TooLargeError{File: "t.xlsx", What: TooLargeSharedTexts, Limit: 40},
			"t.xlsx: the file is too large: its table of shared texts holds more than 10 bytes of text, more than a workbook within the 40 bytes limit can use; save the workbook again in Excel, or split it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.open()
			var te *TooLargeError
			if !errors.As(err, &te) || !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v (%T), want a *TooLargeError that is ErrTooLarge", err, err)
			}
			got := *te
			got.text = ""
			if tt.want.Size < 0 && got.Size > got.Limit {
				got.Size = -1
			}
			if got != tt.want {
				t.Errorf("fields %+v, want %+v", got, tt.want)
			}
			if tt.text != "" && err.Error() != tt.text {
				t.Errorf("Error()\n got %q\nwant %q", err.Error(), tt.text)
			}
			if !strings.HasPrefix(err.Error(), tt.want.File+": the file is too large: ") {
				t.Errorf("Error() %q, want the file and the sentinel first", err.Error())
			}
		})
	}
}
