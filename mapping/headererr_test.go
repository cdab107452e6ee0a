package mapping

import (
	"errors"
	"reflect"
	"testing"
)

// Each header error carries the columns it is about as fields, is still
// its sentinel, and keeps its English sentence (scripts read it).
func TestHeaderErrorFields(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		kind error
		want HeaderError // text left out
		text string
	}{
		{"no known column", [][]string{{"foo", "bar"}}, ErrNoKnownColumn,
			HeaderError{Headers: []string{"foo", "bar"}},
			`no column matches a field: found headers "foo", "bar"; expected field codes or Chinese labels such as CCODE/客戶代號, CNAM1/客戶名稱, CTCOD/統一編號 (run ` + "`custimport fields`" + ` for the list)`},
		{"duplicate field", [][]string{{"CCODE", "CNAM1", "客戶名稱"}}, ErrDuplicateField,
			HeaderError{Duplicates: []Duplicate{{Field: "CNAM1", Label: "客戶名稱", First: HeaderColumn{"B", "CNAM1"}, Second: HeaderColumn{"C", "客戶名稱"}}}},
			`two columns map to the same field: CNAM1 客戶名稱: column B "CNAM1" and column C "客戶名稱" (keep one, or map the other with a mapping file)`},
		{"no code column", [][]string{{"客戶識別碼", "客戶名稱"}}, ErrNoCodeColumn,
			HeaderError{Columns: []HeaderColumn{{"A", "客戶識別碼"}}},
			`no column maps to CCODE 客戶代號, but a column looks like a customer code: column A "客戶識別碼"; rename the customer-code column to 客戶代號 (or CCODE), or map it in a mapping file (columns: {"客戶識別碼": CCODE}, or "客戶識別碼": ignore if it is not the customer code); without a CCODE column every row would create a new customer`},
		{"empty header", nil, ErrEmptyHeader, HeaderError{}, "the file has no header row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FindHeader(tt.rows, nil)
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("FindHeader: %v (%T), want a *HeaderError", err, err)
			}
			if !errors.Is(err, tt.kind) || he.Kind != tt.kind {
				t.Errorf("Kind %v, want errors.Is %v", he.Kind, tt.kind)
			}
			got := *he
			got.text, got.Kind = "", nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields %+v, want %+v", got, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("Error()\n got %q\nwant %q", err.Error(), tt.text)
			}
		})
	}
}
