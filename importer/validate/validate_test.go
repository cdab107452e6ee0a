package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/mapping"
)

// rowOf builds a row from code, text pairs; the columns are numbered 0, 1, ...
func rowOf(pairs ...string) []Value {
	vals := make([]Value, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		vals = append(vals, Value{Field: ptr(mapping.MustLookup(pairs[i])), Column: i / 2, Text: pairs[i+1]})
	}
	return vals
}

func mustNew(t testing.TB, cfg Config) *Validator {
	t.Helper()
	v, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return v
}

func payloadJSON(t *testing.T, p Payload) string {
	t.Helper()
	if p == nil {
		return "null"
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("marshal payload: %v", err)
	}
	return string(b)
}

func dump(o Outcome) string {
	var b strings.Builder
	for _, p := range o.Problems {
		b.WriteString("\n\t" + p.Severity.String() + " col " + strconv.Itoa(p.Column) + " " + p.Message)
	}
	return b.String()
}

func TestPayloadJSON(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		row  []Value
		want string
	}{
		{"upsert by default, blanks omitted", Config{},
			rowOf("CCODE", "C001", "CNAM1", "王小明", "CADD1", "  ", "CTELE", ""),
			`{"CCODE":"C001","CNAM1":"王小明","EditItem":2}`},
		{"decimal text exact, ints as numbers", Config{},
			rowOf("CCODE", "C001", "CBELE", "1234567.89", "CDISC", "0.850", "Sex", "1", "CwebM", "1,000", "BonusPoint", "1,234.50"),
			`{"BonusPoint":1234.50,"CBELE":1234567.89,"CCODE":"C001","CDISC":0.850,"CwebM":1000,"EditItem":2,"Sex":1}`},
		{"decimal canonical forms", Config{},
			rowOf("CCODE", "C001", "CBELE", "+007", "CDISC", ".5", "BonusPoint", "-3."),
			`{"BonusPoint":-3,"CBELE":7,"CCODE":"C001","CDISC":0.5,"EditItem":2}`},
		{"blank code creates with an automatic code", Config{},
			rowOf("CCODE", "", "CNAM2", "小明", "CNAM1", "王小明", "CBELE", "0", "CPHONE", "0933555666"),
			`{"AutoCCODE":1,"CBELE":0,"CCODE":"","CNAM1":"王小明","CNAM2":"小明","CPHONE":"0933555666","EditItem":0}`},
		{"no CCODE column at all creates too", Config{},
			rowOf("CNAM1", "王小明", "CBELE", "5000"),
			`{"AutoCCODE":1,"CBELE":5000,"CCODE":"","CNAM1":"王小明","EditItem":0}`},
		{"create mode", Config{Mode: "create"},
			rowOf("CCODE", "C001", "CBELE", "100"),
			`{"CBELE":100,"CCODE":"C001","EditItem":0}`},
		{"update mode", Config{Mode: "update"},
			rowOf("CCODE", "0", "CNAM1", "TMS獲利王", "CADD1", "台中市XX路XXX號"),
			`{"CADD1":"台中市XX路XXX號","CCODE":"0","CNAM1":"TMS獲利王","EditItem":1}`},
		{"EditItem column overrides the mode", Config{Mode: "create"},
			rowOf("CCODE", "C001", "EditItem", "1 編輯客戶"),
			`{"CCODE":"C001","EditItem":1}`},
		{"defaults fill blanks and absent fields", Config{Defaults: map[string]string{"CBELE": "50000", "C1": "0", "CADD1": "未提供"}},
			rowOf("CCODE", "", "CNAM1", "甲", "C1", " "),
			`{"AutoCCODE":1,"C1":0,"CADD1":"未提供","CBELE":50000,"CCODE":"","CNAM1":"甲","EditItem":0}`},
		{"a cell wins over its default", Config{Defaults: map[string]string{"CBELE": "50000"}},
			rowOf("CNAM1", "甲", "CBELE", "1"),
			`{"AutoCCODE":1,"CBELE":1,"CCODE":"","CNAM1":"甲","EditItem":0}`},
		{"CRDAT leading zero dropped", Config{},
			rowOf("CCODE", "C001", "CRDAT", "05"),
			`{"CCODE":"C001","CRDAT":"5","EditItem":2}`},
		{"dates western and ROC", Config{},
			rowOf("CCODE", "C001", "CBIRD", "1990-5-1", "CWEBB", "2024/05/01 00:00:00", "CWEBE", "民國113年12月31日"),
			`{"CBIRD":"1990/05/01","CCODE":"C001","CWEBB":"113.05.01","CWEBE":"113.12.31","EditItem":2}`},
		{"ROC dates with dots read, years under 100 padded", Config{},
			rowOf("CCODE", "C001", "CWEBB", "113.05.01", "CWEBE", "99.1.2"),
			`{"CCODE":"C001","CWEBB":"113.05.01","CWEBE":"099.01.02","EditItem":2}`},
		{"every format selectable", Config{DateFormats: map[string]string{"CBIRD": "western_dash", "CWEBB": "roc", "CWEBE": "roc_dot"}},
			rowOf("CCODE", "C001", "CBIRD", "79.5.1", "CWEBB", "2024-05-01", "CWEBE", "113/12/31"),
			`{"CBIRD":"1990-05-01","CCODE":"C001","CWEBB":"113/05/01","CWEBE":"113.12.31","EditItem":2}`},
		{"birthday as ROC with dots", Config{DateFormats: map[string]string{"CBIRD": "roc_dot"}},
			rowOf("CCODE", "C001", "CBIRD", "1990/05/01"),
			`{"CBIRD":"079.05.01","CCODE":"C001","EditItem":2}`},
		{"date formats configured", Config{DateFormats: map[string]string{"CBIRD": "roc"}},
			rowOf("CCODE", "C001", "CBIRD", "2024.5.1"),
			`{"CBIRD":"113/05/01","CCODE":"C001","EditItem":2}`},
		{"full-width narrowed in codes, phones, numbers, e-mail; text kept", Config{},
			rowOf("CCODE", "Ｃ００１", "CPHONE", "０９３３５５５６６６", "CBELE", "１２３", "EMAIL", "ａ＠ｂ．ｃｏｍ", "CNAM1", "ＡＢＣ公司"),
			`{"CBELE":123,"CCODE":"C001","CNAM1":"ＡＢＣ公司","CPHONE":"0933555666","EMAIL":"a@b.com","EditItem":2}`},
		{"trim full-width space, NBSP, tabs", Config{},
			rowOf("CCODE", "\u3000C001\u00a0", "CNAM1", "\t王小明\u3000", "CBAK1", " a  b "),
			`{"CBAK1":"a  b","CCODE":"C001","CNAM1":"王小明","EditItem":2}`},
		{"enumerated by label, English label, dropdown form", Config{},
			rowOf("CCODE", "C001", "Sex", "女性", "OFFER", "At Month End", "CTAX1", "9 混稅", "CGRAD", "２．Ｂ級", "PAUSE", "1　暫停出貨"),
			`{"CCODE":"C001","CGRAD":2,"CTAX1":9,"EditItem":2,"OFFER":1,"PAUSE":1,"Sex":2}`},
		{"AutoCCODE spellings", Config{},
			rowOf("AutoCCODE", "是", "CNAM1", "甲", "CBELE", "1"),
			`{"AutoCCODE":1,"CBELE":1,"CCODE":"","CNAM1":"甲","EditItem":0}`},
		{"AutoCCODE 0 kept on a row with a code", Config{},
			rowOf("CCODE", "C9", "AutoCCODE", "N"),
			`{"AutoCCODE":0,"CCODE":"C9","EditItem":2}`},
		{"identifiers upper-cased", Config{},
			rowOf("CCODE", "C001", "CIDNO", "a123456789", "PosPhoneCarrierId", "/ABC+-.9", "CTCOD", "04595257"),
			`{"CCODE":"C001","CIDNO":"A123456789","CTCOD":"04595257","EditItem":2,"PosPhoneCarrierId":"/ABC+-.9"}`},
		{"a non-ID CIDNO kept as typed", Config{},
			rowOf("CCODE", "C001", "CIDNO", "ab12345"),
			`{"CCODE":"C001","CIDNO":"ab12345","EditItem":2}`},
		{"warnings do not stop the row", Config{},
			rowOf("CCODE", "C001", "EMAIL", "not-an-email", "CPHONE", "933555666"),
			`{"CCODE":"C001","CPHONE":"0933555666","EMAIL":"not-an-email","EditItem":2}`},
		{"a landline that lost its 0 is sent as it is", Config{},
			rowOf("CCODE", "C001", "CTELE", "224222299"),
			`{"CCODE":"C001","CTELE":"224222299","EditItem":2}`},
		{"same value from two columns", Config{},
			rowOf("CCODE", "C001", "CNAM1", "甲", "CNAM1", " 甲 "),
			`{"CCODE":"C001","CNAM1":"甲","EditItem":2}`},
		{"Big5 unit counts bytes", Config{LengthUnit: "big5"},
			rowOf("CCODE", "C001", "CNAM2", "王小明公司AB"),
			`{"CCODE":"C001","CNAM2":"王小明公司AB","EditItem":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustNew(t, tt.cfg).Validate(2, tt.row)
			if !o.Valid() {
				t.Fatalf("row invalid:%s", dump(o))
			}
			if got := payloadJSON(t, o.Payload); got != tt.want {
				t.Errorf("payload: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOutcomeFields(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		row      []Value
		code     string
		editItem int
		create   bool
	}{
		{"upsert", Config{}, rowOf("CCODE", " Ｃ1 "), "C1", 2, false},
		{"create mode", Config{Mode: "create"}, rowOf("CCODE", "C1", "CBELE", "1"), "C1", 0, true},
		{"update mode", Config{Mode: "UPDATE"}, rowOf("CCODE", "C1"), "C1", 1, false},
		{"auto code", Config{Mode: "create"}, rowOf("CNAM1", "x", "CBELE", "1"), "", 0, true},
		{"EditItem column 0", Config{}, rowOf("CCODE", "C1", "EditItem", "新增客戶", "CBELE", "1"), "C1", 0, true},
		{"EditItem column 2 with a blank code sends 0", Config{}, rowOf("EditItem", "2", "CNAM1", "x", "CBELE", "1"), "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustNew(t, tt.cfg).Validate(2, tt.row)
			if !o.Valid() {
				t.Fatalf("row invalid:%s", dump(o))
			}
			if o.Code != tt.code {
				t.Errorf("Code: got %q, want %q", o.Code, tt.code)
			}
			if o.EditItem != tt.editItem || o.Create != tt.create {
				t.Errorf("EditItem, Create: got %d %v, want %d %v", o.EditItem, o.Create, tt.editItem, tt.create)
			}
			if got, want := string(o.Payload["EditItem"].(json.Number)), strconv.Itoa(tt.editItem); got != want {
				t.Errorf("payload EditItem: got %q, want %q", got, want)
			}
		})
	}
}

// problemCase expects one exact problem in a row's outcome.
type problemCase struct {
	name string
	cfg  Config
	row  []Value
	want wp
}

// wp is the expected part of a Problem: where, how bad, and its message
// as a catalog code and arguments (the words are the catalog's: a few
// tests below assert them, the rest only the code).
type wp struct {
	Field    string
	Column   int
	Severity Severity
	Code     string
	Args     []string
}

func args(a ...string) []string { return a }

func (w wp) is(p Problem) bool {
	return w.Field == p.Field && w.Column == p.Column && w.Severity == p.Severity && w.Code == p.Code && slices.Equal(w.Args, p.Args)
}

func checkProblem(t *testing.T, tt problemCase) Outcome {
	t.Helper()
	o := mustNew(t, tt.cfg).Validate(2, tt.row)
	for _, p := range o.Problems {
		if p.Code == "" {
			t.Errorf("problem %q has no code", p.Message)
		}
		lang := tt.cfg.Lang
		if got := p.Render(lang); got != p.Message {
			t.Errorf("Render(%q): got %q, want the Message %q", lang, got, p.Message)
		}
		if tt.want.is(p) {
			return o
		}
	}
	for _, p := range o.Problems {
		if p.Field == tt.want.Field {
			t.Errorf("problem: got %s %q (col %d, %v: %s), want %s %q (col %d, %v)", p.Code, p.Args, p.Column, p.Severity, p.Message,
				tt.want.Code, tt.want.Args, tt.want.Column, tt.want.Severity)
			return o
		}
	}
	t.Errorf("problem: got none for %s:%s, want %s %q", tt.want.Field, dump(o), tt.want.Code, tt.want.Args)
	return o
}

func TestErrors(t *testing.T) {
	en := Config{Lang: "en"}
	long13 := "一二三四五六七八九十一二三"
	tests := []problemCase{
		// S(n) lengths.
		{"length zh", Config{}, rowOf("CCODE", "C1", "CNAM2", long13),
			wp{"CNAM2", 1, Error, "too_long", args("12", "13", long13)}},
		{"length en", en, rowOf("CCODE", "C1", "CSCOD", "ABCDE"),
			wp{"CSCOD", 1, Error, "too_long", args("4", "5", "ABCDE")}},
		{"length of a code after narrowing", Config{}, rowOf("CCODE", "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱ"),
			wp{"CCODE", 0, Error, "too_long", args("16", "17", "ABCDEFGHIJKLMNOPQ")}},
		{"length Big5 zh", Config{LengthUnit: "big5"}, rowOf("CCODE", "C1", "CNAM2", "王小明股份有限公司"),
			wp{"CNAM2", 1, Error, "too_long_big5", args("12", "18", "王小明股份有限公司")}},
		{"length Big5 en", Config{LengthUnit: "big5", Lang: "en"}, rowOf("CCODE", "C1", "CSNA3", "王大明AB1"),
			wp{"CSNA3", 1, Error, "too_long_big5", args("8", "9", "王大明AB1")}},
		{"not Big5 en", Config{LengthUnit: "big5", Lang: "en"}, rowOf("CCODE", "C1", "CNAM1", "A😀"),
			wp{"CNAM1", 1, Error, "not_big5", args("😀", "A😀")}},
		{"not Big5 zh", Config{LengthUnit: "big5"}, rowOf("CCODE", "C1", "CNAM1", "王𠮷"),
			wp{"CNAM1", 1, Error, "not_big5", args("𠮷", "王𠮷")}},
		// Int, Bool, Decimal.
		{"int zh", Config{}, rowOf("CCODE", "C1", "CDAYS", "3天"),
			wp{"CDAYS", 1, Error, "not_int", args("3天")}},
		{"int fraction en", en, rowOf("CCODE", "C1", "CwebM", "1.5"),
			wp{"CwebM", 1, Error, "not_int", args("1.5")}},
		{"int range zh", Config{}, rowOf("CCODE", "C1", "CwebM", "99999999999"),
			wp{"CwebM", 1, Error, "int_range", args("99999999999")}},
		{"enum zh", Config{}, rowOf("CCODE", "C1", "Sex", "3"),
			wp{"Sex", 1, Error, "not_choice", args("3")}},
		{"enum dropdown mismatch en", en, rowOf("CCODE", "C1", "Sex", "1 女性"),
			wp{"Sex", 1, Error, "not_choice", args("1 女性")}},
		{"CTAX1 gap", en, rowOf("CCODE", "C1", "CTAX1", "5"),
			wp{"CTAX1", 1, Error, "not_choice", args("5")}},
		{"bool zh", Config{}, rowOf("AutoCCODE", "maybe", "CBELE", "1"),
			wp{"AutoCCODE", 0, Error, "not_choice", args("maybe")}},
		{"bool 2 en", en, rowOf("AutoCCODE", "2", "CBELE", "1"),
			wp{"AutoCCODE", 0, Error, "not_choice", args("2")}},
		{"decimal 1.2.3 zh", Config{}, rowOf("CCODE", "C1", "CBELE", "1.2.3"),
			wp{"CBELE", 1, Error, "not_decimal", args("1.2.3")}},
		{"decimal abc en", en, rowOf("CCODE", "C1", "CBELE", "abc"),
			wp{"CBELE", 1, Error, "not_decimal", args("abc")}},
		{"decimal NaN", en, rowOf("CCODE", "C1", "CDISC", "NaN"),
			wp{"CDISC", 1, Error, "not_decimal", args("NaN")}},
		{"decimal exponent", en, rowOf("CCODE", "C1", "CDISC", "1e5"),
			wp{"CDISC", 1, Error, "not_decimal", args("1e5")}},
		{"decimal bad grouping", en, rowOf("CCODE", "C1", "CBELE", "1,23"),
			wp{"CBELE", 1, Error, "not_decimal", args("1,23")}},
		{"decimal too many digits", en, rowOf("CCODE", "C1", "CBELE", "12345678901234567890.123456789"),
			wp{"CBELE", 1, Error, "decimal_digits", args("28", "12345678901234567890.123456789")}},
		// CRDAT.
		{"CRDAT zh", Config{}, rowOf("CCODE", "C1", "CRDAT", "32"),
			wp{"CRDAT", 1, Error, "closing_day", args("32")}},
		{"CRDAT en", en, rowOf("CCODE", "C1", "CRDAT", "32"),
			wp{"CRDAT", 1, Error, "closing_day", args("32")}},
		{"CRDAT 0", en, rowOf("CCODE", "C1", "CRDAT", "0"),
			wp{"CRDAT", 1, Error, "closing_day", args("0")}},
		{"CRDAT text", Config{}, rowOf("CCODE", "C1", "CRDAT", "月中"),
			wp{"CRDAT", 1, Error, "closing_day", args("月中")}},
		{"CRDAT 32日", Config{}, rowOf("CCODE", "C1", "CRDAT", "32日"),
			wp{"CRDAT", 1, Error, "closing_day", args("32日")}},
		{"salesperson name zh", Config{}, rowOf("CCODE", "C1", "CSCOD", "王小明"),
			wp{"CSCOD", 1, Error, "staff_name", args("王小明")}},
		{"sales manager name en", en, rowOf("CCODE", "C1", "CSCO1", "陳經理"),
			wp{"CSCO1", 1, Error, "staff_name", args("陳經理")}},
		{"amount with words", en, rowOf("CCODE", "C1", "CBELE", "五千元"),
			wp{"CBELE", 1, Error, "not_decimal", args("五千元")}},
		{"amount currency twice", en, rowOf("CCODE", "C1", "CBELE", "$$5"),
			wp{"CBELE", 1, Error, "not_decimal", args("$$5")}},
		{"sex unclear", en, rowOf("CCODE", "C1", "Sex", "男女"),
			wp{"Sex", 1, Error, "not_choice", args("男女")}},
		{"yes/no word on a choice field that is not 0/1", en, rowOf("CCODE", "C1", "OFFER", "是"),
			wp{"OFFER", 1, Error, "not_choice", args("是")}},
		// Carrier.
		{"carrier short zh", Config{}, rowOf("CCODE", "C1", "PosPhoneCarrierId", "/ABC12"),
			wp{"PosPhoneCarrierId", 1, Error, "carrier_format", args("/ABC12")}},
		{"carrier missing its slash zh", Config{}, rowOf("CCODE", "C1", "PosPhoneCarrierId", "abc1234"),
			wp{"PosPhoneCarrierId", 1, Error, "carrier_slash", args("abc1234", "/ABC1234")}},
		{"carrier missing its slash en", en, rowOf("CCODE", "C1", "PosPhoneCarrierId", "ABC.123"),
			wp{"PosPhoneCarrierId", 1, Error, "carrier_slash", args("ABC.123", "/ABC.123")}},
		{"carrier no slash en", en, rowOf("CCODE", "C1", "PosPhoneCarrierId", "ABC12345"),
			wp{"PosPhoneCarrierId", 1, Error, "carrier_format", args("ABC12345")}},
		{"carrier bad char", en, rowOf("CCODE", "C1", "PosPhoneCarrierId", "/ABC_234"),
			wp{"PosPhoneCarrierId", 1, Error, "carrier_format", args("/ABC_234")}},
		// 統一編號.
		{"CTCOD 7 digits zh", Config{}, rowOf("CCODE", "C1", "CTCOD", "1234567"),
			wp{"CTCOD", 1, Error, "biz_id_7", args("1234567")}},
		{"CTCOD 7 digits en", en, rowOf("CCODE", "C1", "CTCOD", "1234567"),
			wp{"CTCOD", 1, Error, "biz_id_7", args("1234567")}},
		{"CTCOD 7 digits, the padded form passes zh", Config{}, rowOf("CCODE", "C1", "CTCOD", "4595257"),
			wp{"CTCOD", 1, Error, "biz_id_7_fix", args("4595257", "04595257")}},
		{"CTCOD 7 digits, the padded form passes en", en, rowOf("CCODE", "C1", "CTCOD", "4595257"),
			wp{"CTCOD", 1, Error, "biz_id_7_fix", args("4595257", "04595257")}},
		{"CTCOD letters", Config{}, rowOf("CCODE", "C1", "CTCOD", "1234567A"),
			wp{"CTCOD", 1, Error, "biz_id_digits", args("1234567A")}},
		{"CTCOD checksum zh", Config{}, rowOf("CCODE", "C1", "CTCOD", "12345678"),
			wp{"CTCOD", 1, Error, "biz_id_checksum", args("12345678")}},
		{"CTCOD checksum en", en, rowOf("CCODE", "C1", "CTCOD", "04595253"),
			wp{"CTCOD", 1, Error, "biz_id_checksum", args("04595253")}},
		// CBELE on add.
		{"CBELE blank code zh", Config{}, rowOf("CCODE", "", "CNAM1", "甲"),
			wp{"CBELE", -1, Error, "required_on_add", args()}},
		{"CBELE create mode en", Config{Lang: "en", Mode: "create"}, rowOf("CCODE", "C1"),
			wp{"CBELE", -1, Error, "required_on_add", args()}},
		{"CBELE EditItem 0 column blank cell", en, rowOf("CCODE", "C1", "EditItem", "0", "CBELE", " "),
			wp{"CBELE", 2, Error, "required_on_add", args()}},
		// Dates.
		{"impossible date zh", Config{}, rowOf("CCODE", "C1", "CBIRD", "2025/02/30"),
			wp{"CBIRD", 1, Error, "date_impossible", args("2025/02/30")}},
		{"impossible ROC date en", en, rowOf("CCODE", "C1", "CWEBB", "113/13/01"),
			wp{"CWEBB", 1, Error, "date_impossible", args("113/13/01")}},
		{"Excel serial 60 is 1900/02/29", en, rowOf("CCODE", "C1", "CBIRD", "60"),
			wp{"CBIRD", 1, Error, "date_impossible", args("60")}},
		{"unrecognised date zh", Config{}, rowOf("CCODE", "C1", "CBIRD", "五月一日"),
			wp{"CBIRD", 1, Error, "date_format", args("五月一日")}},
		{"unrecognised date en", en, rowOf("CCODE", "C1", "CBIRD", "5/1/2024"),
			wp{"CBIRD", 1, Error, "date_format", args("5/1/2024")}},
		{"before ROC year 1", Config{}, rowOf("CCODE", "C1", "CWEBB", "1900/01/01"),
			wp{"CWEBB", 1, Error, "date_before_roc", args("1900/01/01")}},
		{"ROC year over 999", Config{DateFormats: map[string]string{"CBIRD": "roc"}}, rowOf("CCODE", "C1", "CBIRD", "3000/01/01"),
			wp{"CBIRD", 1, Error, "date_roc_range", args("3000/01/01")}},
		{"ROC year over 999 in S(9)", Config{}, rowOf("CCODE", "C1", "CWEBE", "3000/01/01"),
			wp{"CWEBE", 1, Error, "date_roc_range", args("3000/01/01")}},
		// Excel damage.
		{"formula error in text field zh", Config{}, rowOf("CCODE", "C1", "CNAM1", "#REF!"),
			wp{"CNAM1", 1, Error, "formula", args("#REF!")}},
		{"formula error in int field en", en, rowOf("CCODE", "C1", "Sex", "#N/A"),
			wp{"Sex", 1, Error, "formula", args("#N/A")}},
		{"scientific code en", en, rowOf("CCODE", "9.12346E+11"),
			wp{"CCODE", 0, Error, "scientific", args("9.12346E+11")}},
		{"scientific phone zh", Config{}, rowOf("CCODE", "C1", "CPHONE", "9.33556E+08"),
			wp{"CPHONE", 1, Error, "scientific", args("9.33556E+08")}},
		// Codes, modes, AutoCCODE, EditItem.
		{"EditItem 3 zh", Config{}, rowOf("CCODE", "C1", "EditItem", "3"),
			wp{"EditItem", 1, Error, "not_choice", args("3")}},
		{"update mode blank code zh", Config{Mode: "update"}, rowOf("CCODE", "", "CNAM1", "甲"),
			wp{"CCODE", 0, Error, "update_needs_code", args()}},
		{"update mode no code column en", Config{Mode: "update", Lang: "en"}, rowOf("CNAM1", "甲"),
			wp{"CCODE", -1, Error, "update_needs_code", args()}},
		{"EditItem 1 blank code en", en, rowOf("CCODE", "", "EditItem", "1", "CNAM1", "甲"),
			wp{"CCODE", 0, Error, "edit_needs_code", args()}},
		{"AutoCCODE with code zh", Config{}, rowOf("CCODE", "C001", "AutoCCODE", "1"),
			wp{"AutoCCODE", 1, Error, "auto_with_code", args("C001", "1")}},
		{"AutoCCODE with code en", en, rowOf("CCODE", "C001", "AutoCCODE", "TRUE"),
			wp{"AutoCCODE", 1, Error, "auto_with_code", args("C001", "TRUE")}},
		{"AutoCCODE 0 with blank code", Config{}, rowOf("AutoCCODE", "否", "CBELE", "1"),
			wp{"AutoCCODE", 0, Error, "blank_code_no_auto", args("否")}},
		{"two columns disagree en", en, rowOf("CCODE", "C1", "CNAM1", "甲", "CNAM1", "乙"),
			wp{"CNAM1", 2, Error, "conflict", args("甲", "乙")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := checkProblem(t, tt)
			if o.Valid() || o.Payload != nil {
				t.Errorf("Valid() = %v, payload %v; want invalid, nil", o.Valid(), o.Payload)
			}
		})
	}
}

func TestFormulaErrors(t *testing.T) {
	for _, e := range []string{"#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", " #n/a "} {
		for _, code := range []string{"CNAM1", "CBELE", "CBIRD", "CPHONE", "CTCOD", "Sex"} {
			t.Run(e+" in "+code, func(t *testing.T) {
				f := mapping.MustLookup(code)
				want := f.Name("en") + `: formula error in the cell: "` + strings.TrimSpace(e) + `"; fix the formula in the spreadsheet`
				o := checkProblem(t, problemCase{cfg: Config{Lang: "en"}, row: rowOf("CCODE", "C1", code, e),
					want: wp{code, 1, Error, "formula", args(strings.TrimSpace(e))}})
				if len(o.Problems) == 0 || o.Problems[0].Message != want {
					t.Errorf("message: got %v, want %q", o.Problems, want)
				}
			})
		}
	}
}

func TestWarnings(t *testing.T) {
	en := Config{Lang: "en"}
	tests := []problemCase{
		{"email zh", Config{}, rowOf("CCODE", "C1", "EMAIL", "a@b"),
			wp{"EMAIL", 1, Warning, "email", args("a@b")}},
		{"email display name en", en, rowOf("CCODE", "C1", "EMAIL", "Wang <a@b.com>"),
			wp{"EMAIL", 1, Warning, "email", args("Wang <a@b.com>")}},
		{"email two at signs", en, rowOf("CCODE", "C1", "EMAIL", "a@@b.com"),
			wp{"EMAIL", 1, Warning, "email", args("a@@b.com")}},
		{"email list", en, rowOf("CCODE", "C1", "EMAIL", "a@b.com;c@d.com"),
			wp{"EMAIL", 1, Warning, "email", args("a@b.com;c@d.com")}},
		{"ID format zh", Config{}, rowOf("CCODE", "C1", "CIDNO", "12345"),
			wp{"CIDNO", 1, Warning, "id_format", args("12345")}},
		{"ID format second digit", en, rowOf("CCODE", "C1", "CIDNO", "A323456789"),
			wp{"CIDNO", 1, Warning, "id_format", args("A323456789")}},
		{"ID checksum en", en, rowOf("CCODE", "C1", "CIDNO", "A123456788"),
			wp{"CIDNO", 1, Warning, "id_checksum", args("A123456788")}},
		{"ID checksum zh lower-case", Config{}, rowOf("CCODE", "C1", "CIDNO", "ac01234568"),
			wp{"CIDNO", 1, Warning, "id_checksum", args("AC01234568")}},
		{"phone zero zh", Config{}, rowOf("CCODE", "C1", "CTELE", "424222299"),
			wp{"CTELE", 1, Warning, "phone_zero", args("424222299")}},
		{"phone zero en", en, rowOf("CCODE", "C1", "CTFAX", "224222299"),
			wp{"CTFAX", 1, Warning, "phone_zero", args("224222299")}},
		{"mobile zero put back zh", Config{}, rowOf("CCODE", "C1", "CPHONE", "933555666"),
			wp{"CPHONE", 1, Warning, "mobile_zero", args("933555666", "0933555666")}},
		{"mobile zero put back en, any phone field", en, rowOf("CCODE", "C1", "CTELE", "912345678"),
			wp{"CTELE", 1, Warning, "mobile_zero", args("912345678", "0912345678")}},
		{"landline lost its 0 zh", Config{}, rowOf("CCODE", "C1", "CTELE", "224222299"),
			wp{"CTELE", 1, Warning, "phone_zero", args("224222299")}},
		{"phone 2 lost its 0 en", en, rowOf("CCODE", "C1", "CTEL2", "424222299"),
			wp{"CTEL2", 1, Warning, "phone_zero", args("424222299")}},
		{"fax lost its 0 en", en, rowOf("CCODE", "C1", "CTFAX", "37123456"+"7"),
			wp{"CTFAX", 1, Warning, "phone_zero", args("371234567")}},
		{"PosBonus on upsert zh", Config{}, rowOf("CCODE", "C1", "PosBonus", "100"),
			wp{"PosBonus", 1, Warning, "add_only", args("2", "100")}},
		{"PosBonus on update en", Config{Lang: "en", Mode: "update"}, rowOf("CCODE", "C1", "PosBonus", "100"),
			wp{"PosBonus", 1, Warning, "add_only", args("1", "100")}},
		{"web dates reversed zh", Config{}, rowOf("CCODE", "C1", "CWEBB", "2024/06/01", "CWEBE", "113/05/31"),
			wp{"CWEBB", 1, Warning, "date_order", args("113.05.31", "113.06.01")}},
		{"web dates reversed en", en, rowOf("CCODE", "C1", "CWEBB", "114/01/01", "CWEBE", "2024/12/31"),
			wp{"CWEBB", 1, Warning, "date_order", args("113.12.31", "114.01.01")}},
		{"carrier lower-case zh", Config{}, rowOf("CCODE", "C1", "PosPhoneCarrierId", "/abc.123"),
			wp{"PosPhoneCarrierId", 1, Warning, "carrier_upper", args("/abc.123", "/ABC.123")}},
		{"carrier lower-case en", en, rowOf("CCODE", "C1", "PosPhoneCarrierId", "／ａｂｃ＋１２３"),
			wp{"PosPhoneCarrierId", 1, Warning, "carrier_upper", args("/abc+123", "/ABC+123")}},
		{"Excel serial date en", en, rowOf("CCODE", "C1", "CBIRD", "45413"),
			wp{"CBIRD", 1, Warning, "date_serial", args("45413", "2024/05/01")}},
		{"Excel serial date zh ROC", Config{}, rowOf("CCODE", "C1", "CWEBB", "45413"),
			wp{"CWEBB", 1, Warning, "date_serial", args("45413", "113.05.01")}},
		{"time dropped zh", Config{}, rowOf("CCODE", "C1", "CBIRD", "2024/05/01 13:45:00"),
			wp{"CBIRD", 1, Warning, "date_time", args("2024/05/01 13:45:00")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := checkProblem(t, tt)
			if !o.Valid() || o.Payload == nil {
				t.Errorf("row invalid or payload nil:%s", dump(o))
			}
			if o.Errors() != "" {
				t.Errorf("Errors(): got %q, want %q", o.Errors(), "")
			}
			var p Problem
			for _, q := range o.Problems {
				if tt.want.is(q) {
					p = q
				}
			}
			if p.Message == "" || !strings.Contains(o.Warnings(), p.Message) {
				t.Errorf("Warnings(): got %q, want it to contain the %s warning %q", o.Warnings(), tt.want.Code, p.Message)
			}
		})
	}
}

// TestNoProblem lists values that must pass without any problem.
func TestNoProblem(t *testing.T) {
	tests := []struct{ code, text string }{
		{"EMAIL", "wang.xiaoming@example.com.tw"},
		{"CIDNO", "A123456789"},  // national ID, male
		{"CIDNO", "F131104093"},  // national ID
		{"CIDNO", "A800000014"},  // new-format resident certificate
		{"CIDNO", "AC01234567"},  // old-format resident certificate
		{"CPHONE", "0933555666"}, // 10 digits
		{"CTELE", "04-24222299"},
		{"CTELE", "24222299"}, // 8 digits: a local number, not a lost zero
		{"CTCOD", "04595257"},
		{"CTCOD", "22099131"},
		{"CTCOD", "12345675"}, // 7th digit 7: (sum+1) divisible by 5
		{"CTCOD", "04595252"}, // sum 35: valid only under the rule divisible by 5
		{"CNAM1", "9.12346E+11"},
		{"CCODE", "12E3"}, // no exponent sign: a code, not Excel damage
		{"CRDAT", "31"},
		{"CRDAT", "1"},
		{"PosPhoneCarrierId", "/1234567"},
		{"CBIRD", "20240501"},
		{"CBIRD", "2024-05-01T00:00:00"},
		{"CWEBB", "1130501"},
		{"CWEBB", "113-5-1"},
		{"CWEBB", "民國 113 年 5 月 1 日"},
		{"CWEBB", "2024年5月1日"},
		{"CWEBE", "001/01/01"},
		{"EditItem", "由系統判斷,代號不存在為新增,存在為編輯"},
		{"EditItem", "add or edit by code"},
		{"CwebM", "-5"},
		{"CGRAD", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.code+" "+tt.text, func(t *testing.T) {
			r := rowOf("CCODE", "C1", tt.code, tt.text)
			if tt.code == "CCODE" {
				r = r[1:]
			}
			o := mustNew(t, Config{}).Validate(2, r)
			if len(o.Problems) != 0 {
				t.Errorf("problems: got %q, want none", o.Errors()+o.Warnings())
			}
			if o.Payload == nil || o.Payload[mapping.MustLookup(tt.code).Code] == nil {
				t.Errorf("payload: got %v, want %s present", o.Payload, tt.code)
			}
		})
	}
}

func TestSeveralProblemsOrdered(t *testing.T) {
	v := mustNew(t, Config{Lang: "en"})
	o := v.Validate(7, rowOf(
		"EMAIL", "bad", // warning
		"CRDAT", "40", // error
		"CCODE", "C1",
		"CPHONE", "912345678", // warning
		"CNAM2", "ABCDEFGHIJKLMN", // error
		"Sex", "9", // error
	))
	var got []string
	for _, p := range o.Problems {
		got = append(got, p.Severity.String()+" "+p.Field+" "+strconv.Itoa(p.Column))
	}
	want := []string{"error CNAM2 4", "error Sex 5", "error CRDAT 1", "warning CPHONE 3", "warning EMAIL 0"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("problems: got %q, want %q", got, want)
	}
	if o.Payload != nil {
		t.Errorf("payload: got %v, want nil", o.Payload)
	}
	if n := strings.Count(o.Errors(), "; ") + 1; n != 3 {
		t.Errorf("Errors(): got %d messages in %q, want 3", n, o.Errors())
	}
}

// A blank-code row creates a customer: with nothing that names it (no
// name, no short name, no 統編) it is a stray row, never a customer
// called 000001, even when a default fills 信用額度.
func TestNoNameOnCreate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		row  []Value
		want bool // the no_name error
	}{
		{"only a limit", Config{}, rowOf("CCODE", "", "CBELE", "3000"), true},
		{"only a phone, limit by default", Config{Defaults: map[string]string{"CBELE": "0"}}, rowOf("CTELE", "02-23456789"), true},
		{"no code column at all", Config{Defaults: map[string]string{"CBELE": "0"}}, rowOf("CADD1", "台北市"), true},
		{"an ID number is not a name", Config{Defaults: map[string]string{"CBELE": "0"}}, rowOf("CIDNO", "A123456789"), true},
		{"create mode", Config{Mode: "create", Defaults: map[string]string{"CBELE": "0"}}, rowOf("CCODE", " ", "CMAN1", "王"), true},
		{"a name", Config{}, rowOf("CCODE", "", "CNAM1", "甲", "CBELE", "1"), false},
		{"a short name", Config{}, rowOf("CNAM2", "甲", "CBELE", "1"), false},
		{"a 統編", Config{}, rowOf("CTCOD", "04595257", "CBELE", "1"), false},
		{"a name by default", Config{Defaults: map[string]string{"CNAM1": "散客", "CBELE": "0"}}, rowOf("CTELE", "02-23456789"), false},
		{"a code", Config{}, rowOf("CCODE", "C1", "CBELE", "1"), false},
		{"update mode has its own error", Config{Mode: "update"}, rowOf("CBELE", "1"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustNew(t, tt.cfg).Validate(2, tt.row)
			got := false
			for _, p := range o.Problems {
				if p.Code == "no_name" {
					got = true
					if p.Severity != Error || p.Field != "CNAM1" || !strings.Contains(p.Message, "沒有客戶名稱") {
						t.Errorf("problem: %+v", p)
					}
				}
			}
			if got != tt.want || (tt.want && o.Payload != nil) {
				t.Errorf("no_name: got %v, want %v; problems %v", got, tt.want, o.Problems)
			}
		})
	}
}

func TestDuplicates(t *testing.T) {
	v := mustNew(t, Config{})
	steps := []struct {
		line int
		code string
		dup  string // expected CCODE error, "" for none
	}{
		{5, "C001", ""},
		{6, "C002", ""},
		{7, "C001", `CCODE 客戶代號: 與第 5 列重複「C001」`},
		{8, "", ""},
		{9, "", ""}, // blank codes are never duplicates
		{10, "Ｃ００１", `CCODE 客戶代號: 與第 5 列重複「C001」`},
		{11, " C002 ", `CCODE 客戶代號: 與第 6 列重複「C002」`},
		{12, "c001", ""}, // exact compare (a warning, see TestCaseDuplicates)
	}
	for _, s := range steps {
		t.Run(strconv.Itoa(s.line), func(t *testing.T) {
			o := v.Validate(s.line, rowOf("CCODE", s.code, "CNAM1", "x", "CBELE", "1"))
			if got := o.Errors(); got != s.dup {
				t.Errorf("errors: got %q, want %q", got, s.dup)
			}
		})
	}
	en := mustNew(t, Config{Lang: "en"})
	en.Validate(3, rowOf("CCODE", "X", "CNAM2", "this short name is far too long")) // invalid, still remembered
	o := en.Validate(4, rowOf("CCODE", "X"))
	if got, want := o.Errors(), `CCODE (customer code): duplicates row 3: "X"`; got != want {
		t.Errorf("errors: got %q, want %q", got, want)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"lang", Config{Lang: "fr"}, `unknown language "fr"`},
		{"unit", Config{LengthUnit: "bytes"}, `unknown length unit "bytes"`},
		{"mode", Config{Mode: "merge"}, `unknown mode "merge"`},
		{"date format", Config{DateFormats: map[string]string{"CBIRD": "iso"}}, `unknown date format "iso" for CBIRD`},
		{"date format on non-date", Config{DateFormats: map[string]string{"CNAM1": "roc"}}, `date format for "CNAM1", which is not a date field`},
		{"western too long for CWEBB", Config{DateFormats: map[string]string{"CWEBB": "western"}}, `writes 10 characters, more than its S(9)`},
		{"unknown default", Config{Defaults: map[string]string{"NOPE": "1"}}, `default for unknown field "NOPE"`},
		{"CCODE default", Config{Defaults: map[string]string{"CCODE": "C1"}}, `CCODE cannot have a default`},
		{"bad default zh", Config{Defaults: map[string]string{"CRDAT": "40"}}, `CRDAT 結帳日期: 須為 1-31,實際為「40」`},
		{"bad default en", Config{Lang: "en", Defaults: map[string]string{"Sex": "x"}}, `Sex (sex): must be one of`},
		{"bad default Big5", Config{LengthUnit: "big5", Defaults: map[string]string{"CSNA3": "王大明先生"}}, `實際為 10 個位元組`},
		{"two spellings of one default", Config{Defaults: map[string]string{"sex": "1", "SEX": "2"}}, `two defaults for Sex`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New: got %v, nil, want an error", v)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("errors.Is(%v, ErrConfig) = false", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error: got %q, want it to contain %q", err.Error(), tt.want)
			}
		})
	}
	for _, cfg := range []Config{{}, {Lang: "EN", LengthUnit: "Big5", Mode: "Create"}, {DateFormats: map[string]string{"cbird": "ROC", "CWEBE": "roc"}},
		{Defaults: map[string]string{"cbele": "1,000", "CBIRD": "2000/1/1", "CIDNO": "A123456788", "CNAM1": ""}}} {
		if _, err := New(cfg); err != nil {
			t.Errorf("New(%+v): got %v, want nil", cfg, err)
		}
	}
}

func TestBizID(t *testing.T) {
	// Checked by hand: weights 1,2,1,2,1,2,4,1, digit sums of the products.
	tests := []struct {
		id   string
		want bool
	}{
		{"04595257", true},  // 0+8+5+(1+8)+5+4+(2+0)+7 = 40
		{"22099131", true},  // 2+4+0+(1+8)+9+2+(1+2)+1 = 30
		{"12345675", true},  // 1+4+3+8+5+(1+2)+(2+8)+5 = 39; 7th digit 7: 39+1 = 40
		{"12345670", true},  // 34; 7th digit 7: 35
		{"04595252", true},  // 35: divisible by 5 (not by 10, the pre-2023 rule)
		{"12345678", false}, // 42, and 43 (7th digit 7)
		{"04595253", false}, // 36
		{"1234567", false},
		{"1234567A", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := bizIDValid(tt.id); got != tt.want {
				t.Errorf("bizIDValid(%q): got %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestIDCheck(t *testing.T) {
	// Checked by hand: A=10 → 1×1 + 0×9; A123456789: 1 + 1×8 + 2×7 + 3×6 +
	// 4×5 + 5×4 + 6×3 + 7×2 + 8×1 + 9×1 = 130.
	tests := []struct {
		id   string
		want idKind
	}{
		{"A123456789", idValid},
		{"A123456788", idBadSum},
		{"F131104093", idValid},  // F=15: 1 + 45 + 8 + 21 + 6 + 5 + 0 + 12 + 0 + 9 + 3 = 110
		{"B223456782", idValid},  // B=11: 1 + 9 + 16 + 14 + 18 + 20 + 20 + 18 + 14 + 8 + 2 = 140
		{"A800000014", idValid},  // new resident certificate: 1 + 64 + 1 + 4 = 70
		{"A900000013", idBadSum}, // 1 + 72 + 1 + 3 = 77
		{"AC01234567", idValid},  // old resident certificate, C=12 → 2: 1 + 16 + 56 + 7 = 80
		{"AC01234568", idBadSum}, // 81
		{"A323456789", idNotID},  // second digit 3
		{"AE01234567", idNotID},  // second letter E
		{"A12345678", idNotID},   // 9 characters
		{"1123456789", idNotID},  // no letter
		{"A12345678X", idNotID},  // letter at the end
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := idCheck(tt.id); got != tt.want {
				t.Errorf("idCheck(%q): got %d, want %d", tt.id, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // western text, or "bad", "impossible"
		res  dateResult
	}{
		{"2024/05/01", "2024/05/01", dateOK},
		{"2024-5-1", "2024/05/01", dateOK},
		{"2024.05.01", "2024/05/01", dateOK},
		{"20240501", "2024/05/01", dateOK},
		{"2024/05/01 00:00:00", "2024/05/01", dateOK},
		{"2024/05/01 00:00", "2024/05/01", dateOK},
		{"2024/05/01 08:30:00", "2024/05/01", dateWithTime},
		{"113/05/01", "2024/05/01", dateOK},
		{"113.5.1", "2024/05/01", dateOK},
		{"113-5-1", "2024/05/01", dateOK},
		{"99/12/31", "2010/12/31", dateOK},
		{"1130501", "2024/05/01", dateOK},
		{"民國113年5月1日", "2024/05/01", dateOK},
		{"113年05月01日", "2024/05/01", dateOK},
		{"2024年5月1日", "2024/05/01", dateOK},
		{"民國113/5/1", "2024/05/01", dateOK},
		{"45413", "2024/05/01", dateSerial},
		{"45413.75", "2024/05/01", dateSerial},
		{"1", "1900/01/01", dateSerial},
		{"59", "1900/02/28", dateSerial},
		{"61", "1900/03/01", dateSerial},
		{"2024/02/29", "2024/02/29", dateOK},
		{"2025/02/29", "impossible", dateImpossible},
		{"2025/02/30", "impossible", dateImpossible},
		{"113/13/01", "impossible", dateImpossible},
		{"0/1/1", "impossible", dateImpossible},
		{"1131301", "impossible", dateImpossible},
		{"60", "impossible", dateImpossible},
		{"民國2024/5/1", "bad", dateBad},
		{"2024/05", "bad", dateBad},
		{"2024/05/01/02", "bad", dateBad},
		{"2024/05/01 25:00:00", "bad", dateBad},
		{"20240501000", "bad", dateBad},
		{"0", "bad", dateBad},
		{"hello", "bad", dateBad},
		{"", "bad", dateBad},
		{"5/1/2024", "bad", dateBad},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, res := parseDate(tt.in)
			got := "bad"
			switch res {
			case dateImpossible:
				got = "impossible"
			case dateOK, dateSerial, dateWithTime:
				got, _ = formatDate(d, formatWestern)
			}
			if got != tt.want || res != tt.res {
				t.Errorf("parseDate(%q): got %q (%d), want %q (%d)", tt.in, got, res, tt.want, tt.res)
			}
		})
	}
	if got, ok := formatDate(date{1999, 1, 2}, formatROC); got != "088/01/02" || !ok {
		t.Errorf("formatDate ROC: got %q %v, want %q true", got, ok, "088/01/02")
	}
}

func TestCanonicalDecimal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1234567.89", "1234567.89"},
		{"1,234.50", "1234.50"},
		{"1,234,567", "1234567"},
		{"-0.5", "-0.5"},
		{"+12", "12"},
		{"0012.3400", "12.3400"},
		{".5", "0.5"},
		{"5.", "5"},
		{"0", "0"},
		{"1.2.3", "!"},
		{"1,23", "!"},
		{"12,345,67", "!"},
		{",123", "!"},
		{"1e5", "!"},
		{"NaN", "!"},
		{"Inf", "!"},
		{".", "!"},
		{"-", "!"},
		{"", "!"},
		{"1 000", "!"},
		{"0x10", "!"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, _, ok := canonicalDecimal(tt.in)
			if !ok {
				got = "!"
			}
			if got != tt.want {
				t.Errorf("canonicalDecimal(%q): got %q, want %q", tt.in, got, tt.want)
			}
			if ok && !json.Valid([]byte(got)) {
				t.Errorf("canonicalDecimal(%q) = %q: not a JSON number", tt.in, got)
			}
		})
	}
}

func TestBig5Length(t *testing.T) {
	v := mustNew(t, Config{LengthUnit: "big5"})
	tests := []struct {
		in   string
		n    int
		good bool
	}{
		{"ABC", 3, true},
		{"王小明", 6, true},
		{"台中市A1", 8, true},
		{"ＡＢ", 4, true}, // full-width letters are double-byte in Big5
		{"😀", 0, false},
		{"\xff", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, _, ok := v.NewChecker().big5Bytes(tt.in)
			if n != tt.n || ok != tt.good {
				t.Errorf("big5Bytes(%q): got %d %v, want %d %v", tt.in, n, ok, tt.n, tt.good)
			}
		})
	}
	// The same value passes in characters and fails in Big5 bytes.
	r := rowOf("CCODE", "C1", "CSNA3", "王大明先生") // 5 characters, 10 bytes, S(8)
	if o := mustNew(t, Config{}).Validate(2, r); !o.Valid() {
		t.Errorf("char unit: got %q, want valid", o.Errors())
	}
	if o := v.Validate(2, r); o.Valid() {
		t.Errorf("big5 unit: got valid, want a length error")
	}
}

func TestUnknownField(t *testing.T) {
	f := mapping.Field{Code: "XTRA", Label: "額外", LabelEN: "extra", Kind: mapping.String, MaxLen: 3}
	o := mustNew(t, Config{}).Validate(2, []Value{
		{Field: ptr(mapping.MustLookup("CCODE")), Column: 0, Text: "C1"},
		{Field: &f, Column: 1, Text: "ABCD"},
		{Field: &f, Column: 2, Text: "ABCD"},
	})
	if got, want := o.Errors(), `XTRA 額外: 最長 3 個字元,實際為 4 個字元「ABCD」`; got != want {
		t.Errorf("errors: got %q, want %q", got, want)
	}
}

// FuzzValidate assigns random strings to random fields under random
// configurations and checks the outcome's invariants.
func FuzzValidate(f *testing.F) {
	f.Add([]byte{0, 17, 4}, "C001|32|男性", uint8(0))
	f.Add([]byte{2, 3, 15}, "王小明股份有限公司|ＡＢＣ|04595257", uint8(5))
	f.Add([]byte{1, 16, 34}, "1|1,234.50|45413", uint8(2))
	f.Add([]byte{0, 52, 49}, "Ｃ００１|1|/abc1234", uint8(7))
	f.Add([]byte{0, 46, 47}, "C1|2024/06/01|113/05/31", uint8(1))
	f.Add([]byte{0, 14, 27}, "9.12346E+11|933555666|a123456789", uint8(3))
	f.Add([]byte{0, 16, 17, 4}, "C1|NT$5,000|每月月底|男", uint8(0))
	fields := mapping.Fields()
	f.Fuzz(func(t *testing.T, sel []byte, text string, cfgSel uint8) {
		cfg := Config{
			Lang:       []string{"zh", "en"}[cfgSel&1],
			LengthUnit: []string{"char", "big5"}[cfgSel>>1&1],
			Mode:       []string{"upsert", "create", "update", "upsert"}[cfgSel>>2&3],
		}
		if cfgSel&16 != 0 {
			cfg.Defaults = map[string]string{"CBELE": "0", "Sex": "1"}
		}
		v := mustNew(t, cfg)
		if len(sel) == 0 {
			sel = []byte{0}
		}
		var vals []Value
		for i, s := range strings.Split(text, "|") {
			vals = append(vals, Value{Field: &fields[int(sel[i%len(sel)])%len(fields)], Column: i, Text: s})
		}
		for line := 2; line < 4; line++ { // twice: the second may be a duplicate
			o := v.Validate(line, vals)
			if !o.Valid() {
				if o.Payload != nil {
					t.Fatalf("invalid outcome with a payload: %v", o.Payload)
				}
				for _, p := range o.Problems {
					if p.Severity == Error && p.Field != "" && !strings.HasPrefix(p.Message, p.Field+" ") {
						t.Fatalf("error message %q does not name field %s", p.Message, p.Field)
					}
				}
				continue
			}
			if o.Payload == nil {
				t.Fatalf("valid outcome without a payload")
			}
			if _, err := json.Marshal(o.Payload); err != nil {
				t.Fatalf("marshal payload: %v", err)
			}
			for code, x := range o.Payload {
				fd, ok := mapping.Lookup(code)
				if !ok {
					t.Fatalf("payload has unknown field %q", code)
				}
				switch x := x.(type) {
				case string:
					if fd.Kind != mapping.String {
						t.Fatalf("%s: string %q for kind %v", code, x, fd.Kind)
					}
					if k, _ := v.NewChecker().checkLength(&fd, x); k != "" {
						t.Fatalf("%s: %q longer than S(%d) in %s", code, x, fd.MaxLen, cfg.LengthUnit)
					}
				case json.Number:
					if fd.Kind == mapping.String {
						t.Fatalf("%s: number %q for a string field", code, x)
					}
					if fd.Kind == mapping.Int || fd.Kind == mapping.Bool {
						n, err := strconv.Atoi(string(x))
						if err != nil || !fd.Allows(n) {
							t.Fatalf("%s: %q not a whole number in its choices", code, x)
						}
					}
				default:
					t.Fatalf("%s: unexpected type %T", code, x)
				}
			}
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	b.Run("payload", func(b *testing.B) { benchmarkValidate(b, Config{}) })
	b.Run("check-only", func(b *testing.B) { benchmarkValidate(b, Config{NoPayload: true}) })
}

func benchmarkValidate(b *testing.B, cfg Config) {
	v := mustNew(b, cfg)
	r := rowOf("CCODE", "C000001", "CNAM2", "小明", "CNAM1", "王小明股份有限公司", "Sex", "1 男性",
		"CADD1", "台中市西屯區XX路123號", "CTELE", "04-24222299", "CPOS1", "111", "CPHONE", "０９３３５５５６６６",
		"CTCOD", "04595257", "CBELE", "1,234,567.89", "CRDAT", "05", "EMAIL", "wang@example.com.tw",
		"CIDNO", "A123456789", "CBIRD", "1990/5/1", "PosPhoneCarrierId", "/ABC1234")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r[0].Text = "C" + strconv.Itoa(i)
		if o := v.Validate(i, r); !o.Valid() {
			b.Fatal(o.Errors())
		}
	}
}

// Every code renders in both languages, with as many verbs as the other
// language, and a problem renders as its Message in either language's
// validator.
func TestMessagesRender(t *testing.T) {
	codes := Codes()
	if len(codes) < 30 {
		t.Fatalf("Codes(): got %d codes, want every message", len(codes))
	}
	f := mapping.MustLookup("Sex")
	for _, code := range codes {
		t.Run(code, func(t *testing.T) {
			m := messages[code]
			if m.ZH() == "" || m.EN() == "" {
				t.Fatalf("got %+v, want zh and en", m)
			}
			if got, want := msg.Args(m.EN()), msg.Args(m.ZH()); !slices.Equal(got, want) {
				t.Errorf("arguments of en %q: got %v, want %v as in zh %q", m.EN(), got, want, m.ZH())
			}
			n := 0
			for _, v := range msg.Verbs(m.ZH()) {
				n = max(n, v.Arg+1)
			}
			if choices[code] {
				n--
			}
			args := make([]string, n)
			for i := range args {
				args[i] = "V" + strconv.Itoa(i)
			}
			for _, lang := range []string{"zh", "en"} {
				got, ok := Render(code, lang, f, args)
				if !ok || strings.Contains(got, "%!") || !strings.HasPrefix(got, f.Name(lang)+": ") {
					t.Errorf("Render(%s, %s): got %q (ok %v)", code, lang, got, ok)
				}
				for _, a := range args {
					if !strings.Contains(got, a) {
						t.Errorf("Render(%s, %s): %q lacks argument %s", code, lang, got, a)
					}
				}
			}
		})
	}
	if _, ok := Render("no_such_code", "zh", f, nil); ok {
		t.Error("Render of an unknown code: got ok")
	}
}

func TestProblemRenderOtherLanguage(t *testing.T) {
	zh := mustNew(t, Config{}).Validate(2, rowOf("CCODE", "C1", "CRDAT", "32", "Sex", "9"))
	en := mustNew(t, Config{Lang: "en"}).Validate(2, rowOf("CCODE", "C1", "CRDAT", "32", "Sex", "9"))
	if len(zh.Problems) != 2 || len(en.Problems) != 2 {
		t.Fatalf("got %d and %d problems, want 2 each", len(zh.Problems), len(en.Problems))
	}
	for i, p := range zh.Problems {
		if got, want := p.Render("en"), en.Problems[i].Message; got != want {
			t.Errorf("zh problem rendered in en: got %q, want %q", got, want)
		}
		if p.Code != en.Problems[i].Code || strings.Join(p.Args, "|") != strings.Join(en.Problems[i].Args, "|") {
			t.Errorf("code/args differ by language: %q %q vs %q %q", p.Code, p.Args, en.Problems[i].Code, en.Problems[i].Args)
		}
	}
	if p := zh.Problems[0]; p.Code != "not_choice" || len(p.Args) != 1 || p.Args[0] != "9" {
		t.Errorf("Sex problem: got code %q args %q, want not_choice [9]", p.Code, p.Args)
	}
	plain := Problem{Message: "自訂訊息"}
	if got := plain.Render("en"); got != "自訂訊息" {
		t.Errorf("a problem without a code: got %q, want its Message", got)
	}
}

// The template's dropdowns show each choice as "N label", the label cut
// at its first comma; every such text must be read back as N.
func TestTemplateDropdownTextsAreAccepted(t *testing.T) {
	v, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mapping.Fields() {
		if f.Kind != mapping.Int {
			continue
		}
		for _, c := range f.Choices {
			short, _, _ := strings.Cut(c.Label, ",")
			for _, text := range []string{fmt.Sprintf("%d %s", c.Value, short), short} {
				t.Run(f.Code+"/"+text, func(t *testing.T) {
					got, _, ok := v.parseInt(&f, text)
					if !ok || got != c.Value {
						t.Errorf("got %d (ok %v), want %d", got, ok, c.Value)
					}
				})
			}
		}
	}
}

// Another entity is another catalog: its fields name their checks, and
// the validator applies them without knowing the fields' codes.
func TestOtherCatalog(t *testing.T) {
	fields := []mapping.Field{
		{Code: "PCODE", Label: "產品代號", LabelEN: "product code", Kind: mapping.String, MaxLen: 6, Class: mapping.Code},
		{Code: "MAKERID", Label: "廠商統編", LabelEN: "maker business ID", Kind: mapping.String, MaxLen: 8, Class: mapping.Code, Check: mapping.CheckBizID},
		{Code: "HOTLINE", Label: "客服電話", LabelEN: "hotline", Kind: mapping.String, MaxLen: 20, Class: mapping.Phone, Check: mapping.CheckLeadingZero},
		{Code: "PRICE", Label: "售價", LabelEN: "price", Kind: mapping.Decimal, Class: mapping.Number, RequiredOnAdd: true},
	}
	cat := mapping.NewCatalog("products", "PCODE", fields)
	v := mustNew(t, Config{Lang: "en", Catalog: cat})
	val := func(code, text string, col int) Value {
		return Value{Field: ptr(cat.MustLookup(code)), Column: col, Text: text}
	}
	o := v.Validate(2, []Value{val("PCODE", "P1", 0), val("MAKERID", "12345678", 1), val("HOTLINE", "412345678", 2)})
	var got []string
	for _, p := range o.Problems {
		got = append(got, p.Field+" "+p.Code)
	}
	want := "MAKERID biz_id_checksum|PRICE required_on_add|HOTLINE phone_zero"
	if strings.Join(got, "|") != want {
		t.Errorf("problems: got %q, want %q", strings.Join(got, "|"), want)
	}
	if msg := o.Problems[0].Message; msg != `MAKERID (maker business ID): fails the Ministry of Finance checksum, found "12345678"` {
		t.Errorf("message: got %q", msg)
	}
	bad := mapping.NewCatalog("bad", "", []mapping.Field{{Code: "X", Kind: mapping.String, MaxLen: 1, Check: "no_such_rule"}})
	if _, err := New(Config{Catalog: bad}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "no_such_rule") {
		t.Errorf("unknown check: got %v, want ErrConfig naming it", err)
	}
}

// Words people type for numbers, choices and days are read as they mean.
func TestWordsPeopleType(t *testing.T) {
	tests := []struct {
		code, text, want string
		warning          string // expected warning code, "" for none
	}{
		{"Sex", "男", "1", ""},
		{"Sex", "女", "2", ""},
		{"Sex", "m", "1", ""},
		{"Sex", "F", "2", ""},
		{"Sex", "小姐", "2", ""},
		{"AutoCCODE", "否", "0", ""}, // Bool, as before
		{"C1", "是", "1", ""},
		{"C1", "否", "0", ""},
		{"PAUSE", "Y", "1", ""},
		{"PAUSE", "n", "0", ""},
		{"CAGRE", "有", "1", ""},
		{"CAGRE", "無", "0", ""},
		{"CAGRE", "TRUE", "1", ""},
		{"CAGRE", "false", "0", ""},
		{"CBELE", "NT$5,000", "5000", ""},
		{"CBELE", "NT$ 5,000", "5000", ""},
		{"CBELE", "$1,200", "1200", ""},
		{"CBELE", "5,000元", "5000", ""},
		{"CBELE", "５,０００", "5000", ""},
		{"CBELE", "５，０００元", "5000", ""},
		{"CBELE", "ＮＴ＄３００", "300", ""},
		{"CBELE", "-$1,200.50", "-1200.50", ""},
		{"CBELE", "ntd 300", "300", ""},
		{"BonusPoint", "1,000元", "1000", ""},
		{"CwebM", "NT$1,500", "1500", ""},
		{"CwebS", "80元", "80", ""},
		{"CRDAT", "25日", "25", ""},
		{"CRDAT", "每月25日", "25", ""},
		{"CRDAT", "每月 5 號", "5", ""},
		{"CRDAT", "月底", "31", "month_end"},
		{"CRDAT", "每月月底", "31", "month_end"},
		{"CSCOD", "S001", "S001", ""},
		{"CSCOD", "北01", "北01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code+" "+tt.text, func(t *testing.T) {
			o := mustNew(t, Config{}).Validate(2, rowOf("CCODE", "C1", tt.code, tt.text))
			if !o.Valid() {
				t.Fatalf("invalid:%s", dump(o))
			}
			if got := fmt.Sprint(o.Payload[mapping.MustLookup(tt.code).Code]); got != tt.want {
				t.Errorf("sent %q, want %q", got, tt.want)
			}
			var codes []string
			for _, p := range o.Problems {
				codes = append(codes, p.Code)
			}
			if got := strings.Join(codes, ","); got != tt.warning {
				t.Errorf("problems: got %q, want %q", got, tt.warning)
			}
		})
	}
}

func FuzzNumberWords(f *testing.F) {
	for _, s := range []string{"NT$5,000", "-$1,200.50", "5,000元", "$", "NT$-5", "元", "每月25日", "月底", "+NT 3", "1.5萬", "-", "10k", "NT$3萬元", "-2.0001億"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, ok := amountWords(s); ok {
			// An amount read is a JSON number, already canonical.
			if d, _, ok := canonicalDecimal(a); !ok || !json.Valid([]byte(a)) || (d != a && !strings.Contains(a, ".")) {
				t.Fatalf("amountWords(%q) = %q: not a canonical number", s, a)
			}
		}
		out := stripCurrency(s)
		if out != s && (out == "" || len(out) >= len(s)) {
			t.Fatalf("stripCurrency(%q) = %q: not shorter", s, out)
		}
		if d, _, ok := canonicalDecimal(out); ok {
			if !json.Valid([]byte(d)) {
				t.Fatalf("canonicalDecimal(stripCurrency(%q)) = %q, not a JSON number", s, d)
			}
		}
		if summaryLabel(s) != notLabel && summaryLabel(s+"企業社") != notLabel && !strings.Contains(foldLabel(s), ":") {
			t.Fatalf("%q and %q are both summary labels: a name would be skipped", s, s+"企業社")
		}
		_ = numberish(s)
		if day, end := dayWords(s); !end {
			if n, ok, err := parseWhole(day); ok && err == nil && n >= 1 && n <= 31 && !strings.Contains(s, strconv.Itoa(n%10)) {
				t.Fatalf("dayWords(%q) = %q: a day not in the text", s, day)
			}
		}
	})
}

// A code shorter than the file's zero-padded codes lost its zeros.
func TestCodeLostZeros(t *testing.T) {
	v := mustNew(t, Config{Lang: "en"})
	steps := []struct{ code, vip, want string }{
		{"123", "", ""},       // nothing padded seen yet
		{"00042", "", ""},     // padded: width 5
		{"C7", "", ""},        // not all digits
		{"00043", "0099", ""}, // padded
		{"44", "12", `CCODE (customer code): may have lost its leading zeros (other codes such as "00042" have them; Excel drops leading zeros of numbers), found "44"; format the column as text and add them back|VIPNO (VIP number): may have lost its leading zeros (other codes such as "0099" have them; Excel drops leading zeros of numbers), found "12"; format the column as text and add them back`},
		{"12345", "", ""}, // as long as the padded codes
	}
	for i, s := range steps {
		o := v.Validate(i+2, rowOf("CCODE", s.code, "VIPNO", s.vip))
		var got []string
		for _, p := range o.Problems {
			if p.Severity == Warning {
				got = append(got, p.Message)
			}
		}
		if strings.Join(got, "|") != s.want {
			t.Errorf("%s: got %q, want %q", s.code, strings.Join(got, "|"), s.want)
		}
	}
}

// FuzzParseDate: every date read is written in every format, and each
// written form reads back as the same date.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"113.05.01", "99.1.2", "2024/05/01", "民國113年5月1日", "1130501", "45413", "2024-05-01T00:00:00", "1.1.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, res := parseDate(s)
		if res == dateBad || res == dateImpossible {
			return
		}
		for _, format := range mapping.DateFormatNames() {
			out, ok := formatDate(d, format)
			if !ok {
				if d.y > 1911 && d.y <= 2910 {
					t.Fatalf("%q: %v not written as %s", s, d, format)
				}
				continue
			}
			back, res := parseDate(out)
			if back != d || (res != dateOK && d.y >= 1000) {
				t.Fatalf("%q → %s %q → %v (%v), want %v", s, format, out, back, res, d)
			}
		}
	})
}

func TestCaseDuplicates(t *testing.T) {
	v := mustNew(t, Config{})
	steps := []struct {
		line       int
		code, warn string
		err        string
	}{
		{2, "a001", "", ""},
		{3, "A001", `CCODE 客戶代號: 與第 2 列的客戶代號只差英文大小寫,TMS 可能視為同一位客戶,請確認,實際為「A001」`, ""},
		{4, "A001", "", `CCODE 客戶代號: 與第 3 列重複「A001」`},
		{5, "Ａ００１", "", `CCODE 客戶代號: 與第 3 列重複「A001」`},
		{6, "b-01", "", ""},
		{7, "B-01", `CCODE 客戶代號: 與第 6 列的客戶代號只差英文大小寫,TMS 可能視為同一位客戶,請確認,實際為「B-01」`, ""},
		{8, "001", "", ""},
		// Upper case first: found in the exact set, not kept twice.
		{9, "C-09", "", ""},
		{10, "c-09", `CCODE 客戶代號: 與第 9 列的客戶代號只差英文大小寫,TMS 可能視為同一位客戶,請確認,實際為「c-09」`, ""},
		{11, "C-09", "", `CCODE 客戶代號: 與第 9 列重複「C-09」`},
		{12, "dE1", "", ""},
		{13, "De1", `CCODE 客戶代號: 與第 12 列的客戶代號只差英文大小寫,TMS 可能視為同一位客戶,請確認,實際為「De1」`, ""},
	}
	for _, s := range steps {
		o := v.Validate(s.line, rowOf("CCODE", s.code, "CBELE", "1"))
		if o.Warnings() != s.warn || o.Errors() != s.err {
			t.Errorf("row %d %q: got warnings %q errors %q, want %q %q", s.line, s.code, o.Warnings(), o.Errors(), s.warn, s.err)
		}
	}
}

func ptr(f mapping.Field) *mapping.Field { return &f }

// A zero-padded default of a code_zeros field sets the width from the
// first row: a short code is warned about at once, as before the check
// moved to Remember.
func TestDefaultZeroPaddedCode(t *testing.T) {
	v := mustNew(t, Config{Defaults: map[string]string{"VIPNO": "00042"}})
	o := v.Validate(2, rowOf("CCODE", "A1", "CNAM1", "n", "CBELE", "1", "VIPNO", "42"))
	for _, p := range o.Problems {
		if p.Code == msgCodeZero && p.Field == "VIPNO" {
			return
		}
	}
	t.Errorf("VIPNO 42 with a default of 00042: problems %v, want the lost-zeros warning", o.Problems)
}

// Values people type: a 統編 grouped with a space or a dash, the words
// for 男/女, an accountant's "-" and amounts in 萬, 千 or k (read, with a
// warning saying how).
func TestValuesPeopleType(t *testing.T) {
	tests := []struct {
		name      string
		row       []Value
		field     string
		want      string // the value sent; "" when the row is invalid
		warnRead  string // the amount_read warning's reading, "" for none
		wantError bool
	}{
		{"統編 with a space", rowOf("CCODE", "V1", "CTCOD", "0459 5257"), "CTCOD", "04595257", "", false},
		{"統編 with a dash", rowOf("CCODE", "V1", "CTCOD", "0459-5257"), "CTCOD", "04595257", "", false},
		{"統編 full-width with a full-width space", rowOf("CCODE", "V1", "CTCOD", "０４５９　５２５７"), "CTCOD", "04595257", "", false},
		{"統編 grouped but wrong", rowOf("CCODE", "V1", "CTCOD", "0459 5258"), "CTCOD", "", "", true},
		{"統編 with letters", rowOf("CCODE", "V1", "CTCOD", "0459-AB57"), "CTCOD", "", "", true},
		{"男生", rowOf("CCODE", "V1", "Sex", "男生"), "Sex", "1", "", false},
		{"女生", rowOf("CCODE", "V1", "Sex", "女生"), "Sex", "2", "", false},
		{"先生", rowOf("CCODE", "V1", "Sex", "先生"), "Sex", "1", "", false},
		{"小姐", rowOf("CCODE", "V1", "Sex", "小姐"), "Sex", "2", "", false},
		{"女士", rowOf("CCODE", "V1", "Sex", "女士"), "Sex", "2", "", false},
		{"an accountant's zero", rowOf("CCODE", "V1", "CBELE", "-"), "CBELE", "0", "0", false},
		{"a full-width dash", rowOf("CCODE", "V1", "CBELE", "－"), "CBELE", "0", "0", false},
		{"5萬", rowOf("CCODE", "V1", "CBELE", "5萬"), "CBELE", "50000", "50000", false},
		{"1.5萬", rowOf("CCODE", "V1", "CBELE", "1.5萬"), "CBELE", "15000", "15000", false},
		{"1.23456萬", rowOf("CCODE", "V1", "CBELE", "1.23456萬"), "CBELE", "12345.6", "12345.6", false},
		{"10k", rowOf("CCODE", "V1", "CBELE", "10k"), "CBELE", "10000", "10000", false},
		{"NT$3萬元", rowOf("CCODE", "V1", "CBELE", "NT$3萬元"), "CBELE", "30000", "30000", false},
		{"-2千", rowOf("CCODE", "V1", "CBELE", "-2千"), "CBELE", "-2000", "-2000", false},
		{"an Int amount in 千", rowOf("CCODE", "V1", "CwebM", "3千"), "CwebM", "3000", "3000", false},
		{"an Int amount that is not whole", rowOf("CCODE", "V1", "CwebM", "1.2345k"), "CwebM", "", "", true},
		{"a choice is not an amount", rowOf("CCODE", "V1", "CGRAD", "-"), "CGRAD", "", "", true},
		{"萬 alone", rowOf("CCODE", "V1", "CBELE", "萬"), "CBELE", "", "", true},
		{"a plain number needs no reading", rowOf("CCODE", "V1", "CBELE", "1,500"), "CBELE", "1500", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustNew(t, Config{}).Validate(2, tt.row)
			if !o.Valid() != tt.wantError {
				t.Fatalf("valid %v, problems %v", o.Valid(), o.Problems)
			}
			if !tt.wantError {
				if got := fmt.Sprint(o.Payload[tt.field]); got != tt.want {
					t.Errorf("%s sent as %q, want %q", tt.field, got, tt.want)
				}
			}
			read := ""
			for _, p := range o.Problems {
				if p.Code == "amount_read" {
					read = p.Args[1]
					if p.Severity != Warning || !strings.Contains(p.Message, "讀作") {
						t.Errorf("problem %+v", p)
					}
				}
			}
			if read != tt.warnRead {
				t.Errorf("read as %q, want %q", read, tt.warnRead)
			}
		})
	}
	o := mustNew(t, Config{Lang: "en"}).Validate(2, rowOf("CCODE", "V1", "CBELE", "1.5萬"))
	if got, want := o.Warnings(), `CBELE (credit limit): "1.5萬" read as 15000, please check`; got != want {
		t.Errorf("en: got %q, want %q", got, want)
	}
}

// BlankOnAdd names the field a create needs when a row that is not a
// create by itself leaves it blank: the importer decides whether the row
// creates (the code is new to TMS).
func TestBlankOnAdd(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		row      []Value
		field    string
		column   int
		problems int
	}{
		{"upsert, no credit column", Config{}, rowOf("CCODE", "C1", "CNAM1", "甲"), "CBELE", -1, 0},
		{"upsert, credit blank", Config{}, rowOf("CCODE", "C1", "CBELE", " "), "CBELE", 1, 0},
		{"upsert, credit given", Config{}, rowOf("CCODE", "C1", "CBELE", "0"), "", 0, 0},
		{"upsert, credit by default", Config{Defaults: map[string]string{"CBELE": "0"}}, rowOf("CCODE", "C1"), "", 0, 0},
		{"update", Config{Mode: ModeUpdate}, rowOf("CCODE", "C1"), "CBELE", -1, 0},
		{"a create: an error instead", Config{}, rowOf("CCODE", "", "CNAM1", "甲"), "", 0, 1},
		{"create mode: an error instead", Config{Mode: ModeCreate}, rowOf("CCODE", "C1"), "", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustNew(t, tt.cfg).Validate(2, tt.row)
			if o.BlankOnAdd != tt.field || (tt.field != "" && o.BlankOnAddColumn != tt.column) || len(o.Problems) != tt.problems {
				t.Errorf("BlankOnAdd %q column %d, %d problems (%s); want %q column %d, %d problems",
					o.BlankOnAdd, o.BlankOnAddColumn, len(o.Problems), o.Errors(), tt.field, tt.column, tt.problems)
			}
		})
	}
}

// A few messages in words, both languages: values are shown as people
// type them, in the language's quotes, never escaped (a full-width
// space stays one; a tab becomes a visible symbol).
func TestMessageWords(t *testing.T) {
	tests := []struct {
		lang, value, want string
	}{
		{"zh", "合　計", `CRDAT 結帳日期: 須為 1-31,實際為「合　計」`},
		{"en", "合　計", `CRDAT (closing day): must be 1-31, found "合　計"`},
		{"zh", "3\t1", "CRDAT 結帳日期: 須為 1-31,實際為「3␉1」"},
		{"en", `"32"`, `CRDAT (closing day): must be 1-31, found ""32""`},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.value, func(t *testing.T) {
			got, ok := Render(msgClosingDay, tt.lang, mapping.MustLookup("CRDAT"), []string{tt.value})
			if !ok || got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if strings.Contains(got, `\u`) || strings.Contains(got, `\t`) {
				t.Errorf("%q escapes the value", got)
			}
		})
	}
}

// BenchmarkCheckCustomers checks and remembers rows as a check of
// bench/speed's CSV does (no payload; the code, names, 統編, phones,
// address, e-mail, credit limit and birthday), each with its own code.
func BenchmarkCheckCustomers(b *testing.B) {
	v := mustNew(b, Config{NoPayload: true})
	k := v.NewChecker()
	r := rowOf("CCODE", "C0000001", "CNAM1", "順發電機有限公司", "CNAM2", "順發台北", "CTCOD", "04595257",
		"CTELE", "02-2345-6789", "CPHONE", "0912-345-678", "CADD1", "台北市中山區南京東路二段103號6樓",
		"EMAIL", "service1@example.com.tw", "CBELE", "300000.25", "CBIRD", "1973/06/24")
	codes := make([]string, 1<<16)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%07d", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%len(codes) == 0 {
			v = mustNew(b, Config{NoPayload: true}) // the codes come again
			k = v.NewChecker()
		}
		r[0].Text = codes[i%len(codes)]
		if o := v.Remember(i+2, k.Check(r)); !o.Valid() || len(o.Problems) > 0 {
			b.Fatal(o.Problems)
		}
	}
}

// Expect makes room for the codes of about n rows in the table of the
// codes, not in that of the upper-cased ones (few in a file).
func TestValidatorExpect(t *testing.T) {
	v, err := New(Config{Lang: "en", NoPayload: true})
	if err != nil {
		t.Fatal(err)
	}
	v.Expect(100_000)
	if n := v.seen.Slots(); n*3 < 100_000*4 {
		t.Errorf("%d slots for 100000 codes", n)
	}
	if n := v.folded.Slots(); n*3 >= 100_000*4 {
		t.Errorf("the upper-cased codes' table has %d slots, want the few of a new set", n)
	}
}
