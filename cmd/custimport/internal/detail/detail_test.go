package detail

import (
	"errors"
	"fmt"
	"testing"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/source"
)

// Of speaks only of the errors it knows, found through any wrapping, and
// names the file the error names. (Every text is checked word for word
// by the command line's fatal-line tests and the page's.)
func TestOf(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		zh, file string
	}{
		{"unknown", errors.New("something else"), "", ""},
		{"a sentinel alone carries no fields", fmt.Errorf("x: %w", source.ErrTooLarge), "", ""},
		{"damaged rows, wrapped", fmt.Errorf("reading: %w", &importer.DamagedRowsError{Input: "b.xlsx", Row: 3, After: 5}), "活頁簿已損壞:第 3 列出現在第 5 列之後 (列號重複或倒退)", "b.xlsx"},
		{"too large", &source.TooLargeError{File: "big.csv", Size: 3 << 20, Limit: 1 << 20}, "檔案太大:3.0 MB,超過 1.0 MB 的上限", "big.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			what, file := Of(tt.err, "zh")
			if what != tt.zh || file != tt.file {
				t.Errorf("Of = %q, %q; want %q, %q", what, file, tt.zh, tt.file)
			}
		})
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{999: "999 bytes", 1 << 20: "1.0 MB", 15 << 20: "15 MB"} {
		if got := size("en", n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}
