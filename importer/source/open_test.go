package source

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestOpenSniffsContent(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"name", "phone"}))
	must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"王小明", "0933555666"}))
	xlsx := saveBook(t, f, dir, "real.xlsx")
	xlsxBytes, err := os.ReadFile(xlsx)
	must(t, err)

	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	legacy := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 2000)...)
	copy(legacy[600:], utf16le("Workbook"))

	csvWant := []Record{rec(1, "name", "phone"), rec(2, "王小明", "0933555666")}
	tests := []struct {
		name     string
		file     string
		data     []byte
		opts     Options
		wantType string
		want     []Record
		err      error
	}{
		{name: "xlsx that is csv", file: "list.xlsx", data: []byte("name,phone\n王小明,0933555666\n"), wantType: "csv", want: csvWant},
		{name: "csv that is xlsx", file: "list.csv", data: xlsxBytes, wantType: "xlsx", want: csvWant},
		{name: "no extension csv", file: "list", data: []byte("\xEF\xBB\xBFname;phone\n王小明;0933555666\n"), wantType: "csv", want: csvWant},
		{name: "legacy xls", file: "old.xls", data: legacy, err: ErrLegacyXLS},
		{name: "random binary", file: "x.csv", data: garbage, err: ErrNotSpreadsheet},
		{name: "utf-16 without BOM", file: "u.csv", data: []byte("n\x00a\x00m\x00e\x00,\x00p\x00\n\x00"), err: ErrNotSpreadsheet},
		{name: "gzip", file: "x.csv.gz", data: []byte("\x1f\x8b\x08\x00rest"), err: ErrNotSpreadsheet},
		{name: "empty", file: "empty.csv", data: nil, err: ErrEmptyFile},
		{name: "zip that is not a workbook", file: "a.xlsx", data: nil, err: ErrNotSpreadsheet},
		{name: "truncated xlsx", file: "t.xlsx", data: xlsxBytes[:len(xlsxBytes)/2], err: ErrCorrupt},
		{name: "csv over MaxBytes", file: "big.csv", data: make([]byte, 2000), opts: Options{MaxBytes: 1000}, err: ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p string
			if tc.name == "zip that is not a workbook" {
				p = zipParts(t, t.TempDir(), tc.file, [2]string{"hello.txt", "hi"})
			} else {
				data := tc.data
				if tc.name == "csv over MaxBytes" {
					for i := range data {
						data[i] = 'a'
					}
				}
				p = writeFile(t, t.TempDir(), tc.file, data)
			}
			r, err := Open(p, tc.opts)
			if tc.err != nil {
				checkErr(t, err, tc.err, 0, tc.file)
				return
			}
			must(t, err)
			defer r.Close()
			switch r.(type) {
			case *CSVReader:
				if tc.wantType != "csv" {
					t.Errorf("got a CSV reader, want %s", tc.wantType)
				}
			case *XLSXReader:
				if tc.wantType != "xlsx" {
					t.Errorf("got an XLSX reader, want %s", tc.wantType)
				}
			}
			got, err := readAll(t, r)
			must(t, err)
			checkRecords(t, got, tc.want)
		})
	}
}

func TestOpenMissingFile(t *testing.T) {
	if _, err := Open(t.TempDir()+"/nope.csv", Options{}); !os.IsNotExist(err) {
		t.Errorf("got %v, want a not-exist error", err)
	}
	if _, err := Open(t.TempDir(), Options{}); err == nil {
		t.Errorf("opening a folder: got no error, want one")
	}
}
