package mapping

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCatalogMatchesSpec(t *testing.T) {
	fields := Fields()
	if got, want := len(fields), 53; got != want {
		t.Fatalf("got %d fields, want %d (52 Main fields in the specification plus EditItem)", got, want)
	}
	tests := []struct {
		code, typ, label, def string
	}{
		{"CCODE", "S(16)", "客戶代號", ""},
		{"CNAM2", "S(12)", "客戶簡稱", "=CCODE"},
		{"CNAM1", "S(100)", "客戶名稱", "=CNAM2"},
		{"Sex", "Int", "客戶性別", "0"},
		{"CADD2", "S(50)", "發票地址", ""},
		{"CBELE", "Decimal", "信用額度", ""},
		{"CRDAT", "S(2)", "結帳日期", ""},
		{"C1", "Int", "郵遞標籤列印", "1"},
		{"CTAX1", "Int", "發票開立稅別", "9"},
		{"CDISC", "Decimal", "產品售價折數", "0"},
		{"CWEBB", "S(9)", "網站啟用日", ""},
		{"PosPhoneCarrierId", "S(8)", "POS專用手機載具", ""},
		{"GRADENO", "S(4)", "客戶等級(其他)", ""},
		{"AutoCCODE", "Bool", "使用自動編號客戶代號", ""},
		{"EditItem", "Int", "客戶編輯", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			f, ok := Lookup(tt.code)
			if !ok {
				t.Fatalf("Lookup(%q) failed", tt.code)
			}
			if got := f.TypeName(); got != tt.typ {
				t.Errorf("type: got %q, want %q", got, tt.typ)
			}
			if f.Label != tt.label {
				t.Errorf("label: got %q, want %q", f.Label, tt.label)
			}
			if f.AddDefault != tt.def {
				t.Errorf("default: got %q, want %q", f.AddDefault, tt.def)
			}
		})
	}
	ctax := MustLookup("CTAX1")
	if got := ctax.ChoiceValues(); got != "0, 1, 2, 3, 9" {
		t.Errorf("CTAX1 choices: got %q", got)
	}
	if !ctax.Allows(9) || ctax.Allows(4) {
		t.Error("CTAX1 Allows wrong")
	}
	labels := map[string]string{}
	for _, f := range fields {
		if prev, dup := labels[f.Label]; dup {
			t.Errorf("label %q used by %s and %s", f.Label, prev, f.Code)
		}
		labels[f.Label] = f.Code
		if f.Kind == String && f.MaxLen == 0 {
			t.Errorf("%s: S field without length", f.Code)
		}
	}
}

func TestMatchHeader(t *testing.T) {
	tests := []struct {
		header, want, by string
	}{
		{"CCODE", "CCODE", "code"},
		{"ccode", "CCODE", "code"},
		{"CPhone", "CPHONE", "code"},
		{" cwebm ", "CwebM", "code"},
		{"客戶代號", "CCODE", "label"},
		{"客戶名稱", "CNAM1", "label"},
		{"統一編號", "CTCOD", "label"},
		{"統編", "CTCOD", "alias"},
		{"手機號碼", "CPHONE", "alias"},
		{"E-mail", "EMAIL", "code"},
		{"Ｅ－ｍａｉｌ", "EMAIL", "code"},
		{"電子信箱", "EMAIL", "alias"},
		{"身分證字號", "CIDNO", "alias"},
		{"身份證號", "CIDNO", "label"},
		{"*客戶代號", "CCODE", "label"},
		{"客戶等級(其他)", "GRADENO", "label"},
		{"客戶等級（其他）", "GRADENO", "label"},
		{"客戶等級", "CGRAD", "label"},
		{"備註", "CBAK1", "label"},
		// Headers office staff write.
		{"公司全名", "CNAM1", "alias"},
		{"公司名稱", "CNAM1", "alias"},
		{"公司簡稱", "CNAM2", "alias"},
		{"聯絡地址", "CADD1", "alias"},
		{"公司電話", "CTELE", "alias"},
		{"市話", "CTELE", "alias"},
		{"公司傳真", "CTFAX", "alias"},
		{"聯絡手機", "CPHONE", "alias"},
		{"業務", "CSCOD", "alias"},
		{"與我無關", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			f, by := MatchHeader(tt.header)
			got := ""
			if f != nil {
				got = f.Code
			}
			if got != tt.want || by != tt.by {
				t.Errorf("got %q by %q, want %q by %q", got, by, tt.want, tt.by)
			}
		})
	}
}

// The spellings offices write land on the field they mean, and no label
// or alias of one field is shadowed by another's (it would silently feed
// the wrong field).
func TestOfficeSpellings(t *testing.T) {
	for _, f := range Fields() {
		for _, text := range append([]string{f.Label}, f.Aliases...) {
			if got, _ := MatchHeader(text); got == nil || got.Code != f.Code {
				t.Errorf("%s's %q matches %v", f.Code, text, got)
			}
		}
	}
	tests := []struct{ header, want string }{
		{"連絡電話", "CTELE"}, {"聯絡電話", "CTELE"}, {"聯繫電話", "CTELE"}, {"連絡人", "CMAN1"}, {"連絡地址", "CADD1"},
		{"連絡手機", "CPHONE"}, {"TEL", "CTELE"}, {"Tel.", "CTELE"}, {"Tel No.", "CTELE"}, {"電話", "CTELE"},
		{"手機", "CPHONE"}, {"行動", "CPHONE"}, {"行動電話", "CPHONE"}, {"Mobile", "CPHONE"}, {"Mobile Phone", "CPHONE"},
		{"統編", "CTCOD"}, {"統一編號", "CTCOD"}, {"公司統編", "CTCOD"}, {"營利事業統一編號", "CTCOD"}, {"UBN", "CTCOD"},
		{"負責人", "CSNA3"}, {"代表人", "CSNA3"}, {"地址", "CADD1"}, {"住址", "CADD1"}, {"公司地址", "CADD1"},
		{"營業地址", "CADD1"}, {"傳真", "CTFAX"}, {"FAX", "CTFAX"}, {"Fax No.", "CTFAX"}, {"e-mail", "EMAIL"},
		{"Email", "EMAIL"}, {"E-Mail Address", "EMAIL"}, {"電子信箱", "EMAIL"}, {"備註", "CBAK1"}, {"說明", "CBAK1"},
		{"Memo", "CBAK1"}, {"特殊備註", "CBAK2"}, {"發票地址", "CADD2"}, {"聯絡人電話", "CTELE"}, {"聯絡人姓名", "CMAN1"},
		{"身分證統一編號", "CIDNO"}, {"網頁", "URL"}, {"出生年月日", "CBIRD"}, {"信用額", "CBELE"},
		// Not fields: kept unknown (warned about), never guessed.
		{"送貨地址", ""}, {"姓名", ""}, {"客戶", ""}, {"職稱", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got := ""
			if f, _ := MatchHeader(tt.header); f != nil {
				got = f.Code
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFindHeader(t *testing.T) {
	file, err := ParseFile([]byte("columns:\n  舊編號: CCODE\n  內部: ignore\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		rows    [][]string
		file    *File
		wantRow int
		want    string // field codes by column, "-" unknown, "!" ignored, "R" results column
		wantErr error
	}{
		{"first row", [][]string{{"客戶代號", "客戶名稱", "Foo"}, {"C1", "x"}}, nil, 0, "CCODE CNAM1 -", nil},
		{"title row", [][]string{{"2024 客戶清單"}, {""}, {"客戶代號", "統編"}}, nil, 2, "CCODE CTCOD", nil},
		{"mapping file", [][]string{{"舊編號", "內部", "名稱"}}, file, 0, "CCODE ! CNAM1", nil},
		{"results file", [][]string{{"CCODE", "ImportStatus", "ImportCCODE"}}, nil, 0, "CCODE R R", nil},
		{"duplicate", [][]string{{"統編", "統一編號"}}, nil, 0, "", ErrDuplicateField},
		{"nothing", [][]string{{"a", "b"}, {"c", "d"}}, nil, 0, "", ErrNoKnownColumn},
		{"empty", nil, nil, 0, "", ErrEmptyHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := FindHeader(tt.rows, tt.file)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Row != tt.wantRow {
				t.Errorf("row: got %d, want %d", h.Row, tt.wantRow)
			}
			var codes []string
			for _, c := range h.Columns {
				switch {
				case c.Field != nil:
					codes = append(codes, c.Field.Code)
				case c.Ignored:
					codes = append(codes, "!")
				case c.Result != "":
					codes = append(codes, "R")
				default:
					codes = append(codes, "-")
				}
			}
			if got := strings.Join(codes, " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolveDuplicateMessage(t *testing.T) {
	_, err := Resolve([]string{"x", "統編", "統一編號"}, nil)
	want := `CTCOD 統一編號: column B "統編" and column C "統一編號"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want it to contain %q", err, want)
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d): got %q, want %q", i, got, want)
		}
	}
}

func TestParseFile(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"ok", "columns:\n  A: ccode\ndefaults:\n  cbele: 0\ndate_formats:\n  CWEBB: roc\n", ""},
		{"empty", "", ""},
		{"unknown field", "columns:\n  A: NOPE\n", `"A" maps to unknown field "NOPE"`},
		{"unknown default", "defaults:\n  NOPE: 1\n", `defaults: unknown field "NOPE"`},
		{"not a date", "date_formats:\n  CCODE: roc\n", `"CCODE" is not a date field`},
		{"bad format", "date_formats:\n  CBIRD: iso\n", `unknown format "iso"`},
		{"roc_dot", "date_formats:\n  CBIRD: roc_dot\n  CWEBB: western_dash\n", ""},
		{"unknown key", "colums:\n  A: CCODE\n", "field colums not found"},
		{"bad yaml", "columns: [", "did not find expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFile([]byte(tt.yaml))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrMappingFile) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an ErrMappingFile containing %q", err, tt.wantErr)
			}
			_ = f
		})
	}
	f, err := ParseFile([]byte("defaults:\n  cbele: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Defaults["CBELE"]; got != "0" {
		t.Errorf("default CBELE: got %q, want %q", got, "0")
	}
}

func FuzzFindHeader(f *testing.F) {
	f.Add("客戶代號\t統編\tFoo", "title", "")
	f.Add("CCODE\tCCODE", "", "")
	f.Add("", "", "")
	f.Add("客戶代號\t聯絡電話\t", "", "\t市話\t手機")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		rows := [][]string{strings.Split(b, "\t"), strings.Split(a, "\t"), strings.Split(c, "\t")}
		h, err := FindHeader(rows, nil)
		if h.Last != h.Row && h.Last != h.Row+1 || h.Last >= len(rows) {
			t.Fatalf("header rows %d-%d of %d", h.Row, h.Last, len(rows))
		}
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range h.Fields() {
			if seen[c.Field.Code] {
				t.Fatalf("field %s mapped twice without error", c.Field.Code)
			}
			seen[c.Field.Code] = true
		}
		if len(seen) == 0 {
			t.Fatal("no field mapped without error")
		}
	})
}

func TestCatalogValue(t *testing.T) {
	cat := NewCatalog("products", "PCODE", []Field{
		{Code: "PCODE", Label: "產品代號", Kind: String, MaxLen: 6, Aliases: []string{"品號"}},
		{Code: "PNAME", Label: "品名", Kind: String, MaxLen: 40},
	})
	if f, ok := cat.Lookup("pcode"); !ok || f.Code != "PCODE" {
		t.Errorf("Lookup: got %v %v", f.Code, ok)
	}
	if _, ok := cat.Lookup(CCODE); ok {
		t.Error("a customer field found in the products catalog")
	}
	h, err := cat.FindHeader([][]string{{"title"}, {"品號", "品名", "客戶代號"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Row != 1 || !h.Has("PCODE") || !h.Has("PNAME") || h.Has(CCODE) || len(h.Unknown()) != 1 {
		t.Errorf("header: row %d, columns %+v", h.Row, h.Columns)
	}
	if got := strings.Join(cat.Codes(), ","); got != "PCODE,PNAME" {
		t.Errorf("Codes: got %q", got)
	}
	if Customers.Len() != len(Fields()) || MustLookup(CBELE).Code != Customers.MustLookup("cbele").Code {
		t.Error("package functions do not read Customers")
	}
}

func TestFindHeaderTwoRows(t *testing.T) {
	tests := []struct {
		name            string
		rows            [][]string
		wantRow, wantLa int
		want            string // field codes by column, "-" for none
	}{
		{"merged 聯絡電話 over 市話 and 手機",
			[][]string{{"客戶代號", "客戶名稱", "聯絡電話", ""}, {"", "", "市話", "手機"}, {"C1", "甲", "02-23456789", "0912345678"}},
			0, 1, "CCODE CNAM1 CTELE CPHONE"},
		{"under a title row",
			[][]string{{"2024 客戶清單"}, {"客戶代號", "聯絡電話", "", "傳真"}, {"", "電話", "行動電話", ""}, {"C1"}},
			1, 2, "CCODE CTELE CPHONE CTFAX"},
		{"group titles that name no field: the second row is the header",
			[][]string{{"基本資料", "", "聯絡方式", ""}, {"客戶代號", "客戶名稱", "市話", "手機"}, {"C1", "甲", "1", "2"}},
			1, 1, "CCODE CNAM1 CTELE CPHONE"},
		{"a data row is not a sub-header",
			[][]string{{"客戶代號", "客戶名稱", ""}, {"C1", "王小明", "備註"}},
			0, 0, "CCODE CNAM1 -"},
		{"a data row of field-like words under labelled columns",
			[][]string{{"客戶代號", "備註", ""}, {"", "手機", "公司"}},
			0, 0, "CCODE CBAK1 -"},
		{"one-row header", [][]string{{"客戶代號", "統編"}, {"C1", "04595257"}}, 0, 0, "CCODE CTCOD"},
		{"a lone title cell that is an alias is not the header",
			[][]string{{"說明"}, {"請勿修改欄位名稱"}, {"客戶代號", "客戶名稱"}, {"C1", "甲"}},
			2, 2, "CCODE CNAM1"},
		{"a one-column list by label", [][]string{{"客戶名稱"}, {"甲"}}, 0, 0, "CNAM1"},
		// Parents merged over sub-headings that are not fields on their own.
		{"電話 over 公司 and 手機",
			[][]string{{"客戶代號", "客戶名稱", "電話", "", "備註"}, {"", "", "公司", "手機", ""}, {"C1", "甲", "02-23456789", "0912345678", ""}},
			0, 1, "CCODE CNAM1 CTELE CPHONE CBAK1"},
		{"地址 over 公司, 發票 and 送貨",
			[][]string{{"客戶代號", "地址", "", ""}, {"", "公司", "發票", "送貨"}, {"C1", "台北市", "台北市", "新北市"}},
			0, 1, "CCODE CADD1 CADD2 -"},
		{"聯絡人 over 姓名 and 電話",
			[][]string{{"客戶代號", "客戶名稱", "聯絡人", ""}, {"", "", "姓名", "電話"}, {"C1", "甲", "王小明", "02-23456789"}},
			0, 1, "CCODE CNAM1 CMAN1 CTELE"},
		{"every group at once, under a title",
			[][]string{{"客戶名單"}, {"客戶代號", "客戶名稱", "電話", "", "", "地址", "", "", "聯絡人", ""},
				{"", "", "公司", "手機", "傳真", "公司", "發票", "送貨", "姓名", "職稱"}},
			1, 2, "CCODE CNAM1 CTELE CPHONE CTFAX CADD1 CADD2 - CMAN1 -"},
		{"the sub-headings name more fields than the parents",
			[][]string{{"名單"}, {"代號", "電話", "", "", ""}, {"", "市話", "手機", "傳真", "分機"}},
			1, 2, "CCODE CTELE CPHONE CTFAX CPOS1"},
		{"a parent's own column with a blank sub-heading",
			[][]string{{"客戶代號", "電話", "", ""}, {"", "", "手機", "傳真"}},
			0, 1, "CCODE CTELE CPHONE CTFAX"},
		{"a data row under a merged parent",
			[][]string{{"客戶代號", "電話", ""}, {"C1", "02-23456789", "0912345678"}},
			0, 0, "CCODE CTELE -"},
		{"a blank-code data row under a merged parent",
			[][]string{{"客戶代號", "客戶名稱", ""}, {"", "王小明", "手機"}},
			0, 0, "CCODE CNAM1 -"},
		{"data that is a field's code (C1) under 客戶代號",
			[][]string{{"客戶代號", "電話", ""}, {"C1", "公司", "手機"}},
			0, 0, "CCODE CTELE -"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := FindHeader(tt.rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			if h.Row != tt.wantRow || h.Last != tt.wantLa {
				t.Errorf("rows: got %d-%d, want %d-%d", h.Row, h.Last, tt.wantRow, tt.wantLa)
			}
			var codes []string
			for _, c := range h.Columns {
				if c.Field != nil {
					codes = append(codes, c.Field.Code)
				} else {
					codes = append(codes, "-")
				}
			}
			if got := strings.Join(codes, " "); got != tt.want {
				t.Errorf("columns: got %q, want %q", got, tt.want)
			}
		})
	}
}

// A column under a merged parent is named parent/sub-heading: in the
// unknown-column warning, and as a mapping file names it.
func TestTwoRowHeaderNames(t *testing.T) {
	rows := [][]string{{"客戶代號", "地址", "", ""}, {"", "公司", "發票", "送貨"}}
	h, err := FindHeader(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Columns[3].Header; got != "地址/送貨" || len(h.Unknown()) != 1 {
		t.Errorf("unknown column: %q, %v", got, h.Unknown())
	}
	if got := h.Columns[2].Header; got != "地址/發票" {
		t.Errorf("column C: %q", got)
	}
	file, err := ParseFile([]byte("columns:\n  地址/送貨: CADD3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if h, err = FindHeader(rows, file); err != nil || !h.Has("CADD3") || h.Columns[3].By != "mapping file" {
		t.Errorf("mapped by the file: %v %+v", err, h.Columns[3])
	}
}

// A cover sheet whose only text is a word that happens to be an alias
// (說明) has no header.
func TestLoneAliasIsNoHeader(t *testing.T) {
	for _, rows := range [][][]string{{{"說明"}, {"1. 請填寫第二頁"}}, {{"地址"}}} {
		if h, err := FindHeader(rows, nil); !errors.Is(err, ErrNoKnownColumn) {
			t.Errorf("%q: got %+v, %v; want ErrNoKnownColumn", rows, h, err)
		}
	}
}

func TestUnlabelled(t *testing.T) {
	// 聯絡電話 merged over two columns, no sub-header row: the second
	// half has data and no header.
	h, err := FindHeader([][]string{{"客戶代號", "聯絡電話", "", "備註"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		cells []string
		want  string
	}{
		{[]string{"C1", "02-1234", "0912345678", "x"}, "[2]"},
		{[]string{"C1", "02-1234", " ", "x", "", "extra"}, "[5]"},
		{[]string{"C1"}, "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(h.Unlabelled(tt.cells)); got != tt.want {
			t.Errorf("Unlabelled(%q): got %s, want %s", tt.cells, got, tt.want)
		}
	}
}
