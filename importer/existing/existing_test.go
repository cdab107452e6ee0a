package existing

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/ledger"
)

// writeXLSX writes a workbook of sheets (in order) at path.
func writeXLSX(t *testing.T, path string, sheets [][2]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		name := s[0].(string)
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s[1].([][]string) {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				f.SetCellStr(name, cell, v)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestReadWorkbook(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "客戶資料.xlsx")
	writeXLSX(t, path, [][2]any{
		{"說明", [][]string{{"這是 TMS 匯出的客戶資料"}}},
		{"客戶", [][]string{
			{"客戶資料一覽表"}, // a title row
			{"客戶代號", "客戶簡稱", "客戶名稱", "統一編號", "電話", "手機", "地址", "備註欄"},
			{"0456", "北極星", "北極星貿易有限公司", "04595257", "02-23456789", "0912345678", "台北市", ""},
			{"B001", "南風", "南風企業社", "", "", "", "", ""},
			{"", "", "", "", "", "", "", ""},
			{"", "無代號", "", "", "", "", "", ""},
			{"ＣＯ０１", "全形", "全形代號有限公司", "２２０９９１３１", "", "", "", ""},
			{"B001", "重複", "", "", "", "", "", ""},
			{"9.12346E+11", "壞", "", "", "", "", "", ""},
			{"合計", "3 筆", "", "", "", "", "", ""},
		}},
	})
	asOf := time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)
	rep, err := Read(path, Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.Customer{
		{CCODE: "0456", Names: ledger.Names{Name: "北極星貿易有限公司", ShortName: "北極星", TaxID: "04595257"}, Phone: "02-23456789", Mobile: "0912345678", Row: 3},
		{CCODE: "B001", Names: ledger.Names{Name: "南風企業社", ShortName: "南風"}, Row: 4},
		{CCODE: "CO01", Names: ledger.Names{Name: "全形代號有限公司", ShortName: "全形", TaxID: "22099131"}, Row: 7},
	}
	if !reflect.DeepEqual(rep.List.Customers, want) {
		t.Errorf("customers:\n%+v\nwant\n%+v", rep.List.Customers, want)
	}
	info := rep.List.Info
	if info.Source != path || info.Sheet != "客戶" || info.AsOf != asOf || len(info.SHA256) != 64 {
		t.Errorf("info = %+v", info)
	}
	if rep.HeaderLine != 2 || rep.Rows != 7 || rep.WithTaxID != 2 || rep.NoCode != 2 {
		t.Errorf("header line %d, rows %d, with tax id %d, no code %d; want 2, 7, 2, 2", rep.HeaderLine, rep.Rows, rep.WithTaxID, rep.NoCode)
	}
	if rep.Duplicates.Count != 1 || !slices.Equal(rep.Duplicates.Codes, []string{"B001"}) {
		t.Errorf("duplicates = %+v", rep.Duplicates)
	}
	if rep.Damaged.Count != 1 || !slices.Equal(rep.Damaged.Codes, []string{"9.12346E+11"}) {
		t.Errorf("damaged = %+v", rep.Damaged)
	}
	if len(rep.Columns) != 6 || rep.Columns[0] != `A CCODE "客戶代號"` {
		t.Errorf("columns = %q", rep.Columns)
	}
}

func TestReadCSVAndUpload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "list.csv")
	data := []byte("\ufeffCCODE,CNAM1,統編\r\nA1,甲公司,04595257\r\nA2,乙公司,\r\n")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	os.Chtimes(path, old, old)
	rep, err := Read(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.List.Customers) != 2 || !rep.List.Info.AsOf.Equal(old) {
		t.Errorf("file: %d customers as of %v; want 2 as of the file's time %v", len(rep.List.Customers), rep.List.Info.AsOf, old)
	}
	up, err := Read("upload.csv", Options{Data: bytes.NewReader(data), Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(up.List.Customers, rep.List.Customers) || up.List.Info.SHA256 != rep.List.Info.SHA256 {
		t.Errorf("upload read differently: %+v", up.List)
	}
	if time.Since(up.List.Info.AsOf) > time.Minute {
		t.Errorf("upload as of %v, want now", up.List.Info.AsOf)
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	noCode := filepath.Join(dir, "names.csv")
	os.WriteFile(noCode, []byte("客戶名稱,統一編號\n甲,04595257\n"), 0o600)
	if _, err := Read(noCode, Options{}); !errors.Is(err, ErrNoCodeColumn) {
		t.Errorf("a list without a code column: %v, want ErrNoCodeColumn", err)
	}
	book := filepath.Join(dir, "book.xlsx")
	writeXLSX(t, book, [][2]any{{"A", [][]string{{"x"}}}, {"B", [][]string{{"客戶名稱"}, {"甲"}}}})
	if _, err := Read(book, Options{}); !errors.Is(err, ErrNoCodeColumn) {
		t.Errorf("a workbook without a code column: %v, want ErrNoCodeColumn", err)
	}
	if _, err := Read(filepath.Join(dir, "missing.csv"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

func TestSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tenant := ledger.Tenant{URL: "https://tms.example.com", PNO: "P", ProNum: "P"}
	db, err := ledger.Open(ctx, filepath.Join(dir, "state"), tenant, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, "list.csv")
	os.WriteFile(path, []byte("客戶代號,客戶名稱\nA1,甲\n"), 0o600)

	if changed, err := Changed(ctx, nil, path); !changed || err != nil {
		t.Errorf("Changed with no ledger = %v, %v; want true", changed, err)
	}
	steps := []struct {
		name    string
		content string
		loaded  bool
		codes   []string
	}{
		{"first", "", true, []string{"A1"}},
		{"unchanged", "", false, []string{"A1"}},
		{"changed", "客戶代號,客戶名稱\nA1,甲\nA2,乙\n", true, []string{"A1", "A2"}},
		{"unchanged again", "", false, []string{"A1", "A2"}},
	}
	for _, s := range steps {
		if s.content != "" {
			os.WriteFile(path, []byte(s.content), 0o600)
		}
		_, loaded, err := Sync(ctx, db, path, Options{})
		if err != nil || loaded != s.loaded {
			t.Fatalf("%s: Sync = %v, %v; want loaded %v", s.name, loaded, err, s.loaded)
		}
		list, ok, err := db.Existing(ctx)
		var codes []string
		for _, c := range list.Customers {
			codes = append(codes, c.CCODE)
		}
		if !ok || err != nil || !slices.Equal(codes, s.codes) {
			t.Errorf("%s: the ledger holds %q (%v, %v), want %q", s.name, codes, ok, err, s.codes)
		}
	}
	// A list the ledger got elsewhere (the page) is replaced by the file.
	if err := db.LoadExisting(ctx, ledger.ExistingList{Info: ledger.ExistingInfo{SHA256: "other"}, Customers: []ledger.Customer{{CCODE: "Z"}}}); err != nil {
		t.Fatal(err)
	}
	if _, loaded, err := Sync(ctx, db, path, Options{}); !loaded || err != nil {
		t.Errorf("after another list was loaded: Sync = %v, %v; want loaded", loaded, err)
	}
	// A broken file changes nothing.
	os.WriteFile(path, []byte("名稱\n甲\n"), 0o600)
	if _, loaded, err := Sync(ctx, db, path, Options{}); loaded || err == nil {
		t.Errorf("a broken file: Sync = %v, %v; want an error", loaded, err)
	}
	if list, _, _ := db.Existing(ctx); len(list.Customers) != 2 {
		t.Errorf("a broken file replaced the list: %+v", list)
	}
}
