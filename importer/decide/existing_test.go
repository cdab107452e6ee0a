package decide

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"

	"github.com/custimport/custimport/importer/ledger"
)

func TestNormCompany(t *testing.T) {
	tests := []struct{ in, want string }{
		{"北極星貿易有限公司", "北極星貿易"},
		{"北極星貿易股份有限公司", "北極星貿易"},
		{"北極星貿易(股)公司", "北極星貿易"},
		{"北極星貿易（股）公司", "北極星貿易"},
		{" 北極星 貿易 ", "北極星貿易"},
		{"北極星貿易", "北極星貿易"},
		{"臺灣電力公司", "台灣電力"},
		{"台灣電力", "台灣電力"},
		{"南風企業社", "南風"},
		{"大同商行", "大同"},
		{"小美工作室", "小美"},
		{"ＡＣＭＥ　Ｔｒａｄｉｎｇ", "acmetrading"},
		{"Acme Trading Co., Ltd.", "acmetrading"},
		{"ACME TRADING CO LTD", "acmetrading"},
		{"Acme Trading Company Limited", "acmetrading"},
		{"Acme Inc.", "acme"},
		{"Costco", "costco"},     // "co" only as a word of its own
		{"Co.", "co"},            // only a form: kept
		{"有限公司", "有限公司"},         // only a form: kept
		{"北極星 Co., Ltd.", "北極星"}, // a Chinese name with an English form
		{"銀行", "銀行"},
		{"", ""},
		{"  ", ""},
	}
	for _, tt := range tests {
		if got := NormCompany(tt.in); got != tt.want {
			t.Errorf("NormCompany(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDigits(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"0456", "456", true}, {"456", "456", true}, {"000", "0", true}, {"0", "0", true},
		{"A456", "", false}, {"", "", false}, {"45 6", "", false}, {"０４５６", "", false},
	} {
		if got, ok := Digits(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Digits(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLostZeros(t *testing.T) {
	tests := []struct {
		code  string
		known []string
		want  []string
	}{
		{"456", []string{"0456"}, []string{"0456"}},
		{"456", []string{"000456", "0456"}, []string{"000456", "0456"}},
		{"456", []string{"0456", "456"}, nil},          // 456 is a code of its own
		{"0456", []string{"00456"}, []string{"00456"}}, // shorter, though not all its zeros are gone
		{"0456", []string{"456"}, nil},                 // longer than the known one: not shortened
		{"0456", []string{"0456"}, nil},
		{"456", nil, nil},
		{"456", []string{"1456", "4560"}, nil},
		{"A456", []string{"0A456"}, nil}, // not all digits
		{"456", []string{"0456", "0456"}, []string{"0456"}},
	}
	for _, tt := range tests {
		if got := LostZeros(tt.code, tt.known); !slices.Equal(got, tt.want) {
			t.Errorf("LostZeros(%q, %q) = %q, want %q", tt.code, tt.known, got, tt.want)
		}
	}
}

func TestCreationOf(t *testing.T) {
	tests := []struct {
		editItem      int
		known, listed bool
		want          Creation
	}{
		{0, true, true, Creates},
		{0, false, false, Creates},
		{1, false, true, NoCreate},
		{1, false, false, NoCreate},
		{2, true, true, NoCreate},
		{2, true, false, NoCreate},
		{2, false, true, Creates},
		{2, false, false, MayCreate},
	}
	for _, tt := range tests {
		if got := CreationOf(tt.editItem, tt.known, tt.listed); got != tt.want {
			t.Errorf("CreationOf(%d, known %v, listed %v) = %v, want %v", tt.editItem, tt.known, tt.listed, got, tt.want)
		}
	}
}

// existingFixture is a list of existing customers and the ledger's
// creates.
func existingFixture() *ExistingIndex {
	list := []ledger.Customer{
		{CCODE: "0456", Names: ledger.Names{Name: "北極星貿易有限公司", ShortName: "北極星", TaxID: "04595257"}},
		{CCODE: "B001", Names: ledger.Names{Name: "南風企業社", ShortName: "南風"}},
		{CCODE: "C100", Names: ledger.Names{Name: "大同商行台北店", ShortName: "大同北", TaxID: "22099131"}},
		{CCODE: "C101", Names: ledger.Names{Name: "大同商行台中店", ShortName: "大同中", TaxID: "22099131"}},
		{CCODE: "D1", Names: ledger.Names{ShortName: "小美"}}, // 客戶名稱 blank: TMS copied the short name
		{CCODE: "E1", Names: ledger.Names{Name: "東方實業", TaxID: "12345675"}},
		{CCODE: "", Names: ledger.Names{Name: "no code: left out"}},
	}
	creates := []ledger.Create{
		{ID: 1, State: ledger.Created, CCODE: "000123", Name: "西風有限公司", TaxID: "03795904"},
		{ID: 2, State: ledger.Unknown, Name: "未知公司"},                     // not confirmed: the ledger's own rule
		{ID: 3, State: ledger.Created, CCODE: "0456", Name: "北極星貿易有限公司"}, // also listed
	}
	return NewExistingIndex(list, true, creates)
}

func TestExistingIndex(t *testing.T) {
	ix := existingFixture()
	if ix.Len() != 7 || !ix.Listed() {
		t.Errorf("Len = %d, Listed = %v; want 7, true", ix.Len(), ix.Listed())
	}
	if k, ok := ix.Lookup("0456"); !ok || !k.Listed || !k.Created {
		t.Errorf("Lookup(0456) = %+v, %v: want listed and created", k, ok)
	}
	if k, ok := ix.Lookup("000123"); !ok || k.Listed || !k.Created {
		t.Errorf("Lookup(000123) = %+v, %v: want created only", k, ok)
	}
	if _, ok := ix.Lookup("未知"); ok {
		t.Error("an unconfirmed create is in the index")
	}
	if got := ix.WithDigits("456"); !slices.Equal(got, []string{"0456"}) {
		t.Errorf("WithDigits(456) = %q", got)
	}
	if got := ix.WithDigits("123"); !slices.Equal(got, []string{"000123"}) {
		t.Errorf("WithDigits(123) = %q", got)
	}
	var none *ExistingIndex
	if none.Listed() || none.Len() != 0 || none.Match(RowKeys("04595257", "", "")).By != ByNone {
		t.Error("a nil index matches something")
	}
	if NewExistingIndex(nil, false, nil).Listed() {
		t.Error("no list loaded, but Listed")
	}
}

func TestForExisting(t *testing.T) {
	ix := existingFixture()
	tests := []struct {
		name               string
		taxID, full, short string
		update             bool
		action             ExistingAction
		by                 By
		code               string
		others             []string
	}{
		{"nothing in common", "", "新客戶", "新", false, NotExisting, ByNone, "", nil},
		{"same tax id", "04595257", "另一個名字", "", false, RefuseExisting, ByTaxID, "0456", nil},
		{"same tax id, update", "04595257", "", "", true, UpdateExisting, ByTaxID, "0456", nil},
		{"same tax id full-width", "０４５９５２５７", "", "", false, RefuseExisting, ByTaxID, "0456", nil},
		{"same full name, suffix aside", "", "北極星貿易股份有限公司", "", false, RefuseExisting, ByName, "0456", nil},
		{"same full name, update: not by tax id", "", "北極星貿易", "", true, RefuseExisting, ByName, "0456", nil},
		{"same name, its tax id blank in the list", "04595257", "南風企業社", "", false, RefuseExisting, ByTaxID, "0456", nil},
		{"same name, the list's tax id blank", "87654321", "南風", "", false, RefuseExisting, ByName, "B001", nil},
		{"same name, another tax id", "04595257", "東方實業股份有限公司", "", false, RefuseExisting, ByTaxID, "0456", nil},
		{"same name only, other tax id", "03795904", "東方實業", "", false, RefuseExisting, ByTaxID, "000123", nil},
		{"name of one, tax id of none", "99999997", "東方實業", "", false, WarnExisting, ByNameOnly, "E1", nil},
		{"short name only", "", "北極星國際", "北極星", false, WarnExisting, ByShortName, "0456", nil},
		{"full name matches a blank-name customer's short name", "", "小美工作室", "", false, RefuseExisting, ByName, "D1", nil},
		{"created by custimport", "03795904", "", "", false, RefuseExisting, ByTaxID, "000123", nil},
		{"created by custimport, by name", "", "西風", "", false, RefuseExisting, ByName, "000123", nil},
		{"two branches of one tax id", "22099131", "大同", "", false, RefuseExisting, ByTaxID, "C100", []string{"C101"}},
		{"two branches, update: which one?", "22099131", "", "", true, RefuseExisting, ByTaxID, "C100", []string{"C101"}},
		{"two branches, the name tells", "22099131", "大同商行台中店", "", true, UpdateExisting, ByTaxID, "C101", []string{"C100"}},
		{"two branches, the name tells, no update", "22099131", "大同商行台中店", "", false, RefuseExisting, ByTaxID, "C101", []string{"C100"}},
		{"a damaged tax id matches nothing", "4595257", "", "", false, NotExisting, ByNone, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := RowKeys(tt.taxID, tt.full, tt.short)
			v := ForExisting(ix.Match(k), k, tt.update)
			var others []string
			for _, o := range v.Others {
				others = append(others, o.Code)
			}
			if v.Action != tt.action || v.By != tt.by || v.Customer.Code != tt.code || !slices.Equal(others, tt.others) {
				t.Errorf("got %v by %v code %q others %q; want %v by %v code %q others %q",
					v.Action, v.By, v.Customer.Code, others, tt.action, tt.by, tt.code, tt.others)
			}
		})
	}
}

// NormName folds widths only when there is something to fold: the same
// answer as folding always.
func TestNormNameFoldsLikeWidthFold(t *testing.T) {
	for _, s := range []string{"北極星", "ＡＢＣ　公司", "ｱｲｳ商行", "abc", "Ａcme Co.", "（股）", "\u3000台\u3000北"} {
		if got, want := NormName(s), NormName(width.Fold.String(s)); got != want {
			t.Errorf("NormName(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzNormCompany: any text normalises without panicking, to letters and
// digits only, the same for its full-width form; a name with a letter or
// digit keeps one. LostZeros only names longer codes of the same digits.
func FuzzNormCompany(f *testing.F) {
	for _, s := range []string{"北極星貿易股份有限公司", "Acme Trading Co., Ltd.", "有限公司有限公司", "(股)公司", "Co.", "臺灣", "0456", "ｱ", "\xff"} {
		f.Add(s, "0456")
	}
	f.Fuzz(func(t *testing.T, s, code string) {
		n := NormCompany(s)
		for _, r := range n {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("NormCompany(%q) = %q: has %q", s, n, r)
			}
		}
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) && n == "" && strings.TrimSpace(s) != "" {
			t.Fatalf("NormCompany(%q) is empty", s)
		}
		if w := NormCompany(width.Fold.String(s)); w != n {
			t.Fatalf("NormCompany(%q) = %q, of its folded form %q", s, n, w)
		}
		for _, k := range LostZeros(code, []string{"0" + code, "00" + code, code + "0", s}) {
			d1, _ := Digits(code)
			d2, ok := Digits(k)
			if !ok || d1 != d2 || len(k) <= len(code) {
				t.Fatalf("LostZeros(%q) named %q", code, k)
			}
		}
	})
}
