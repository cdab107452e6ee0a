package mapping

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/width"
)

func TestMatchHeaderDecorated(t *testing.T) {
	tests := []struct {
		header, want string
	}{
		// The reported headers: each must feed CCODE, or every row creates
		// a new customer.
		{"客戶代號(必填)", "CCODE"},
		{"客戶代號（必填）", "CCODE"},
		{"*客戶代號", "CCODE"},
		{"客戶ID", "CCODE"},
		{"客户代号", "CCODE"},
		// More decorations.
		{"\u3000客戶代號\u3000", "CCODE"},
		{"＊客戶代號", "CCODE"},
		{"※客戶代號", "CCODE"},
		{"客戶代號*", "CCODE"},
		{"客戶代號 [必填]", "CCODE"},
		{"客戶代號【必填】", "CCODE"},
		{"客戶代號(CCODE)", "CCODE"},
		{"*客戶代號（必填）＊", "CCODE"},
		{"客户ID", "CCODE"},
		{"客戶ｉｄ", "CCODE"},
		{"ＣＣＯＤＥ", "CCODE"},
		{"客戶編號", "CCODE"},
		{"客户编号", "CCODE"},
		// Other fields.
		{"客戶名稱(選填)", "CNAM1"},
		{"客户名称", "CNAM1"},
		{"统一编号", "CTCOD"},
		{"統一編號（8碼）", "CTCOD"},
		{"电话", "CTELE"},
		{"手机", "CPHONE"},
		{"地址", "CADD1"},
		{"联络人", "CMAN1"},
		{"电子邮件", "EMAIL"},
		{"生日(YYYY/MM/DD)", "CBIRD"},
		{"生日（yyyy-mm-dd）", "CBIRD"},
		{"網站啟用日(民國YYY/MM/DD)", "CWEBB"},
		{"性別(0:未設定 1:男 2:女)", "Sex"},
		{"結帳日期(1-31)", "CRDAT"},
		{"*信用額度", "CBELE"},
		{"账单地址", "CADD3"},
		{"业务员代号[必填]", "CSCOD"},
		{"客戶電話2(選填)", "CTEL2"},
		{"電話(2)", "CTEL2"},
		// A note that is part of the name is kept: no guess.
		{"客戶等級(其他)", "GRADENO"},
		{"客戶等級(其他)(必填)", "GRADENO"},
		{"客戶等級(必填)", "CGRAD"},
		{"地址(發票)", ""},
		{"電話(分機2)", ""},
		{"(必填)", ""},
		{"*", ""},
		{"客戶識別碼", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			f, _ := MatchHeader(tt.header)
			got := ""
			if f != nil {
				got = f.Code
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// toSimplified writes s with the simplified characters of the folding
// table, the way a user in Simplified Chinese would type it.
func toSimplified(s string) string {
	return strings.Map(func(r rune) rune {
		if t, ok := simplified[r]; ok {
			return t
		}
		return r
	}, s)
}

// TestHeaderKeysUnique normalises every code, label and alias in the
// catalog: no two fields may share a key, and each text — plain,
// decorated, full-width or in Simplified Chinese — must find its own field.
func TestHeaderKeysUnique(t *testing.T) {
	owner := map[string]string{}
	for _, f := range Fields() {
		for _, text := range append([]string{f.Code, f.Label}, f.Aliases...) {
			key := headerKey(text)
			if key == "" {
				t.Errorf("%s: %q normalises to nothing", f.Code, text)
				continue
			}
			if prev, ok := owner[key]; ok && prev != f.Code {
				t.Errorf("%q (%s) and a text of %s both normalise to %q", text, f.Code, prev, key)
			}
			owner[key] = f.Code
			for _, variant := range []string{
				text,
				" " + text + "\u3000",
				"*" + text + "(必填)",
				"＊" + text + "（必填）",
				"※" + text + " [選填]",
				text + "【必填】*",
				width.Widen.String(text),
				toSimplified(text),
				toSimplified("*" + text + "（必填）"),
			} {
				got := ""
				if g, _ := MatchHeader(variant); g != nil {
					got = g.Code
				}
				if got != f.Code {
					t.Errorf("MatchHeader(%q): got %q, want %q", variant, got, f.Code)
				}
			}
		}
	}
}

func TestSimplifiedTable(t *testing.T) {
	for trad, simp := range simplified {
		if trad == simp {
			t.Errorf("%c maps to itself", trad)
		}
		if next, ok := simplified[simp]; ok && trad != '賬' {
			t.Errorf("%c → %c → %c: chained mapping", trad, simp, next)
		}
	}
}

func TestResolveNoCodeColumn(t *testing.T) {
	ignore, err := ParseFile([]byte("columns:\n  客戶識別碼: ignore\n"))
	if err != nil {
		t.Fatal(err)
	}
	asCode, err := ParseFile([]byte("columns:\n  客戶識別碼: CCODE\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		header  []string
		file    *File
		wantErr bool
	}{
		{"customer identifier", []string{"客戶識別碼", "客戶名稱", "電話"}, nil, true},
		{"customer identifier simplified", []string{"客户识别码", "客户名称"}, nil, true},
		{"decorated identifier", []string{"客戶名稱", "客戶識別碼(舊系統)"}, nil, true},
		{"old system number", []string{"舊系統編號", "客戶名稱"}, nil, true},
		{"customer code abbreviated", []string{"客代", "客戶名稱"}, nil, true},
		{"old system customer codes", []string{"客戶名稱", "原系統客戶編號", "原ERP客戶編號", "舊ERP客戶代號", "原始客戶代號", "鼎新客戶代號", "正航客編"}, nil, true},
		{"old generic codes", []string{"客戶名稱", "舊編號"}, nil, true},
		{"old generic code 2", []string{"客戶名稱", "原代號"}, nil, true},
		{"customer serial numbers", []string{"客戶名稱", "客戶序號", "客戶流水號"}, nil, true},
		{"second customer code", []string{"客戶名稱", "客戶代號2"}, nil, true},
		{"old customer id in english", []string{"Name", "Cust ID (old)"}, nil, true},
		{"customer note is no code", []string{"客戶名稱", "Customer Note"}, nil, false},
		{"customer number", []string{"客戶號碼", "客戶名稱"}, nil, true},
		{"old system code", []string{"客戶名稱", "原客戶代號"}, nil, true},
		{"customer number", []string{"Cust No", "Name"}, nil, true},
		{"erp id", []string{"ERP ID", "客戶名稱"}, nil, true},
		{"bare id", []string{"ID", "客戶名稱"}, nil, true},
		{"code present", []string{"客戶代號", "客戶識別碼", "客戶名稱"}, nil, false},
		{"decorated code present", []string{"客戶代號(必填)", "舊系統編號", "客戶名稱"}, nil, false},
		{"mapped to CCODE", []string{"客戶識別碼", "客戶名稱"}, asCode, false},
		{"mapped to ignore", []string{"客戶識別碼", "客戶名稱"}, ignore, false},
		{"new customers", []string{"客戶名稱", "電話", "手機", "地址"}, nil, false},
		{"salesperson code", []string{"客戶名稱", "業務員代號", "業務主管代號(必填)"}, nil, false},
		{"tax id and vip", []string{"客戶名稱", "統一編號", "會員編號", "手機載具"}, nil, false},
		{"other entities' numbers", []string{"客戶名稱", "訂單編號", "區域代號", "發票號碼", "員工編號"}, nil, false},
		{"messaging ids", []string{"客戶名稱", "LINE ID", "Email ID", "WeChat ID"}, nil, false},
		{"row number", []string{"No.", "序號", "客戶名稱"}, nil, false},
		{"numbered columns stay apart", []string{"客戶代號", "地址(1)", "地址(2)", "備註(1)", "備註(2)"}, nil, false},
		{"other codes of new customers", []string{"客戶名稱", "客戶類別代號", "客戶分類代碼", "客戶等級代號", "付款方式代碼", "付款條件代號", "幣別代碼", "稅別代碼", "通路代號", "集團代號"}, nil, false},
		{"other customer numbers", []string{"客戶名稱", "客戶電話號碼", "客戶傳真號碼", "客戶LINE ID", "UUID", "GUID", "Row ID"}, nil, false},
		{"results columns", []string{"客戶名稱", "ImportStatus", "ImportCCODE"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(tt.header, tt.file)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			if !errors.Is(err, ErrNoCodeColumn) {
				t.Fatalf("got error %v, want %v", err, ErrNoCodeColumn)
			}
		})
	}
}

func TestResolveNoCodeColumnMessage(t *testing.T) {
	_, err := Resolve([]string{"客戶名稱", "客戶識別碼"}, nil)
	if err == nil {
		t.Fatal("got no error")
	}
	for _, want := range []string{`column B "客戶識別碼"`, "客戶代號", "mapping file", `columns: {"客戶識別碼": CCODE}`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to contain %q", err.Error(), want)
		}
	}
	if strings.Contains(err.Error(), "--") {
		t.Errorf("got %q: the library names a command-line flag", err.Error())
	}
	// The suggested mapping file works.
	file, err := ParseFile([]byte(`columns: {"客戶識別碼": CCODE}`))
	if err != nil {
		t.Fatal(err)
	}
	h, err := Resolve([]string{"客戶名稱", "客戶識別碼"}, file)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Has(CCODE) {
		t.Errorf("got no CCODE column with the suggested mapping file")
	}
}

func TestFindHeaderDecorated(t *testing.T) {
	rows := [][]string{
		{"客戶資料匯入"},
		{"*客戶代號（必填）", "客户名称", "統一編號(8碼)", "備註"},
		{"C001", "甲公司", "12345675", ""},
	}
	h, err := FindHeader(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Row != 1 {
		t.Errorf("row: got %d, want %d", h.Row, 1)
	}
	var codes []string
	for _, c := range h.Fields() {
		codes = append(codes, c.Field.Code)
	}
	if got, want := strings.Join(codes, " "), "CCODE CNAM1 CTCOD CBAK1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
