package source

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

// An upload read through OpenReaderAt gives the same rows as the same
// bytes opened as a file, for both formats, and the same errors.
func TestOpenReaderAtMatchesOpen(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	for i, row := range [][]any{{"CCODE", "CNAM1"}, {"A001", "台北商行"}, {"A002", "高雄企業社"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := dir + "/book.xlsx"
	if err := f.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	csvPath := writeFile(t, dir, "big5.csv", []byte("CCODE,CNAM1\r\nA001,\xa5\x78\xa5\x5f\r\n"))
	for _, path := range []string{xlsx, csvPath} {
		t.Run(path[len(dir)+1:], func(t *testing.T) {
			want := readPath(t, path)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r, err := OpenReaderAt("upload", bytes.NewReader(data), int64(len(data)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, got, want)
		})
	}
	t.Run("empty", func(t *testing.T) {
		_, err := OpenReaderAt("upload.csv", bytes.NewReader(nil), 0, Options{})
		if !errors.Is(err, ErrEmptyFile) {
			t.Fatalf("err = %v, want ErrEmptyFile", err)
		}
	})
}

func readPath(t *testing.T, path string) []Record {
	t.Helper()
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: %d records", path, len(recs))
	}
	return recs
}
