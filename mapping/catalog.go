// Package mapping owns the field catalog of the TMS /Cust/Add `Main`
// object — every field's code, Chinese label, kind, S(n) length, allowed
// values and add-time default, as the API specification lists them — and
// header resolution: which spreadsheet column feeds which field (by code,
// by Chinese label, by alias, or by an explicit mapping file).
//
// Everything else (the validator, the template, `custimport fields`, the
// simulator) reads field facts from here, so a fact about a field is
// written once. The customer catalog is the value Customers; the
// package-level functions (Fields, Lookup, FindHeader, ...) read it.
// Another entity would be another Catalog built with NewCatalog: each field
// names its own check (Field.Check), so the validator needs no fork.
package mapping

import (
	"strconv"
	"strings"
)

// Kind is the API type of a field.
type Kind int

// Field kinds as the specification names them.
const (
	String  Kind = iota // S(n): text of at most n characters
	Int                 // Int: a whole number, often from a fixed set
	Decimal             // Decimal: an exact decimal number
	Bool                // Bool: 0 or 1
)

// String returns the specification's name of the kind.
func (k Kind) String() string {
	switch k {
	case String:
		return "S"
	case Int:
		return "Int"
	case Decimal:
		return "Decimal"
	case Bool:
		return "Bool"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Class says how a field's text is normalised before it is checked.
type Class int

// Normalisation classes.
const (
	Text   Class = iota // names, addresses, notes: kept as typed (trimmed)
	Code                // codes and identifiers: full-width letters and digits become half-width
	Phone               // phone numbers and extensions: half-width
	Number              // numbers: half-width
	Email               // e-mail: half-width
	Date                // dates: half-width, then normalised to a date format
)

// Choice is one allowed value of an enumerated Int field.
type Choice struct {
	Value   int
	Label   string // Chinese, as in the specification
	LabelEN string
	Words   []string // other words people type for it ("男"), matched case-insensitively
}

// Field is one member of the API's Main object.
type Field struct {
	Code    string // exactly as the specification spells it, e.g. "CPHONE", "CwebM"
	Label   string // Chinese label from the specification
	LabelEN string // English label
	Kind    Kind
	MaxLen  int      // S(n): n; 0 for other kinds
	Choices []Choice // allowed values for enumerated Int/Bool fields; nil: any whole number
	// Required is true for fields the specification marks M (mandatory).
	Required bool
	// AddDefault is the value the server fills in on add when the field is
	// not sent, as the specification describes it ("" when it says nothing).
	// A value of the form "=CODE" means "copied from field CODE".
	AddDefault string
	// AddOnly fields only take effect when a customer is created.
	AddOnly bool
	Class   Class
	// Note is the specification's remark, for the template and `fields`.
	Note    string
	NoteEN  string
	Aliases []string // other header texts that mean this field
	// Check is the rule the validator applies to the value beyond its
	// kind, length and choices; "" for none.
	Check Check
	// RequiredOnAdd fields must have a value when a record is created.
	RequiredOnAdd bool
	// DateFormat is a date field's default output format (DateWestern,
	// DateROC, ...); "" for other fields.
	DateFormat string
	// NotAfter names the date field this date must not be later than
	// (a warning), "" for none.
	NotAfter string
}

// Check names a validation rule. The rules live in the validator; the
// catalog only says which field gets which, so a rule reused by another
// field (or another entity's catalog) is one line here.
type Check string

// Checks.
const (
	CheckDayOfMonth  Check = "day_of_month" // 1-31, sent without leading zeros
	CheckBizID       Check = "biz_id"       // 統一編號: 8 digits passing the checksum
	CheckCarrier     Check = "carrier"      // POS mobile barcode carrier: / and 7 of A-Z 0-9 + - .
	CheckNationalID  Check = "national_id"  // 身分證/居留證 number (a warning when it is not one)
	CheckEmail       Check = "email"        // an e-mail address (a warning)
	CheckLeadingZero Check = "leading_zero" // a phone number Excel may have stripped of its leading 0 (a warning)
	CheckStaffCode   Check = "staff_code"   // a staff member's code, not their name
	CheckCodeZeros   Check = "code_zeros"   // a code Excel may have stripped of its leading zeros (a warning)
)

// Allows reports whether v is one of the field's choices (true for fields
// without a fixed set).
func (f Field) Allows(v int) bool {
	if f.Choices == nil {
		return true
	}
	for _, c := range f.Choices {
		if c.Value == v {
			return true
		}
	}
	return false
}

// ChoiceValues returns the allowed values as text, e.g. "0, 1, 2".
func (f Field) ChoiceValues() string {
	vals := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		vals[i] = strconv.Itoa(c.Value)
	}
	return strings.Join(vals, ", ")
}

// TypeName returns the specification's notation: "S(16)", "Int", ...
func (f Field) TypeName() string {
	if f.Kind == String {
		return "S(" + strconv.Itoa(f.MaxLen) + ")"
	}
	return f.Kind.String()
}

// Name returns "CODE 中文名稱" (or the English label with lang "en"), the
// way every message names a field.
func (f Field) Name(lang string) string {
	if lang == "en" {
		return f.Code + " (" + f.LabelEN + ")"
	}
	return f.Code + " " + f.Label
}

func s(code, label, labelEN string, n int, class Class, aliases ...string) Field {
	return Field{Code: code, Label: label, LabelEN: labelEN, Kind: String, MaxLen: n, Class: class, Aliases: aliases}
}

func check(f Field, c Check) Field {
	f.Check = c
	return f
}

func leadingZero(f Field) Field { return check(f, CheckLeadingZero) }

func staff(f Field) Field { return check(f, CheckStaffCode) }

// words adds the words people type to choices: value, words..., value, ...
func words(cs []Choice, pairs ...any) []Choice {
	at := -1
	for _, p := range pairs {
		switch p := p.(type) {
		case int:
			for i := range cs {
				if cs[i].Value == p {
					at = i
				}
			}
		case string:
			cs[at].Words = append(cs[at].Words, p)
		}
	}
	return cs
}

func choices(pairs ...any) []Choice {
	var cs []Choice
	for i := 0; i < len(pairs); i += 3 {
		cs = append(cs, Choice{Value: pairs[i].(int), Label: pairs[i+1].(string), LabelEN: pairs[i+2].(string)})
	}
	return cs
}

func withDefault(f Field, def, note, noteEN string) Field {
	f.AddDefault, f.Note, f.NoteEN = def, note, noteEN
	return f
}

// Codes of fields the importer treats specially.
const (
	CCODE             = "CCODE"
	AutoCCODE         = "AutoCCODE"
	EditItem          = "EditItem"
	CBELE             = "CBELE"
	CRDAT             = "CRDAT"
	CTCOD             = "CTCOD"
	CIDNO             = "CIDNO"
	EMAIL             = "EMAIL"
	CBIRD             = "CBIRD"
	CWEBB             = "CWEBB"
	CWEBE             = "CWEBE"
	PosPhoneCarrierId = "PosPhoneCarrierId"
	PosBonus          = "PosBonus"
	CNAM1             = "CNAM1"
	CNAM2             = "CNAM2"
)

// EditItem values.
const (
	EditAdd    = 0 // 新增客戶
	EditUpdate = 1 // 編輯客戶
	EditAuto   = 2 // 由系統判斷
)

const addDefaultZero = "新增時,未填寫此欄位,會自動填入0"
const addDefaultZeroEN = "on add, 0 when not sent"

// customerFields are the fields of /Cust/Add Main, in the specification's order.
var customerFields = []Field{
	{Code: CCODE, Label: "客戶代號", LabelEN: "customer code", Kind: String, MaxLen: 16, Required: true, Class: Code, Check: CheckCodeZeros,
		Note: "空白時以自動編號新增", NoteEN: "blank: created with an automatic code",
		Aliases: []string{"客戶編號", "客戶代碼", "客戶編碼", "客戶ID", "客戶No", "客編", "代號", "編號", "customer code", "customer id", "customer no", "code"}},
	{Code: AutoCCODE, Label: "使用自動編號客戶代號", LabelEN: "automatic customer code", Kind: Bool, Class: Number,
		Choices: choices(0, "不使用自動編號", "no", 1, "使用自動編號", "yes"),
		Note:    "僅新增時有用,且客戶代號須留空", NoteEN: "only on add, and the customer code must be blank",
		AddOnly: true, Aliases: []string{"自動編號"}},
	withDefault(s(CNAM2, "客戶簡稱", "short name", 12, Text, "簡稱", "公司簡稱", "short name"),
		"="+CCODE, "新增時,未填寫此欄位,會自動填客戶代號", "on add, the customer code when not sent"),
	withDefault(s(CNAM1, "客戶名稱", "customer name", 100, Text, "客戶全名", "客戶全稱", "公司名稱", "公司全名", "公司全稱", "公司名", "名稱", "商號", "商號名稱", "寶號",
		"customer name", "name", "company", "company name"),
		"="+CNAM2, "新增時,未填寫此欄位,會自動填客戶簡稱", "on add, the short name when not sent"),
	{Code: "Sex", Label: "客戶性別", LabelEN: "sex", Kind: Int, Class: Number,
		Choices:    words(choices(0, "未設定", "not set", 1, "男性", "male", 2, "女性", "female"), 1, "男", "M", "先生", "男生", "男士", 2, "女", "F", "小姐", "女士", "女生"),
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"性別", "gender"}},
	s("CADD1", "客戶地址", "address", 150, Text, "地址", "地址1", "住址", "住所", "公司地址", "公司住址", "營業地址", "登記地址",
		"通訊地址", "通訊處", "聯絡地址", "聯絡住址", "address"),
	s("CADD2", "發票地址", "invoice address", 50, Text, "發票寄送地址", "發票郵寄地址", "invoice address"),
	s("CADD3", "帳單地址", "billing address", 150, Text, "帳單寄送地址", "帳單郵寄地址", "對帳地址", "billing address"),
	leadingZero(s("CTELE", "客戶電話", "phone", 20, Phone, "電話", "公司電話", "電話1", "聯絡電話", "電話號碼", "市話", "室內電話", "辦公室電話", "辦公電話",
		"營業電話", "聯絡人電話", "phone", "tel", "telephone", "tel no", "phone no", "phone number")),
	s("CPOS1", "客戶電話1分機", "phone extension", 6, Phone, "分機", "分機1", "電話分機", "ext"),
	leadingZero(s("CTEL2", "客戶電話2", "phone 2", 20, Phone, "電話2", "電話二", "其他電話", "phone 2", "tel 2")),
	s("CPOS2", "客戶電話2分機", "phone 2 extension", 6, Phone, "分機2"),
	leadingZero(s("CTFAX", "客戶傳真", "fax", 20, Phone, "傳真", "公司傳真", "傳真號碼", "傳真電話", "傳真機", "fax", "fax no", "fax number")),
	s("CMAN1", "聯絡人", "contact person", 40, Text, "聯絡人姓名", "聯絡人員", "聯絡窗口", "窗口", "聯絡對象",
		"contact", "contact person", "contact name"),
	leadingZero(s("CPHONE", "手機", "mobile", 20, Phone, "手機號碼", "手機號", "行動", "行動電話", "行動電話號碼", "手提電話", "聯絡手機", "聯絡人手機",
		"mobile", "mobile phone", "mobile no", "cell phone")),
	{Code: CTCOD, Label: "統一編號", LabelEN: "business ID (統編)", Kind: String, MaxLen: 8, Class: Code, Check: CheckBizID,
		Note: "8 碼數字,須通過財政部檢查碼", NoteEN: "8 digits passing the Ministry of Finance checksum",
		Aliases: []string{"統編", "統編號碼", "公司統編", "公司統一編號", "營利事業統一編號", "營業人統一編號",
			"business id", "tax id", "vat", "vat no", "ubn"}},
	{Code: CBELE, Label: "信用額度", LabelEN: "credit limit", Kind: Decimal, Class: Number, RequiredOnAdd: true,
		Note: "新增時,此欄位不可空白", NoteEN: "required on add",
		Aliases: []string{"額度", "信用額", "信用限額", "授信額度", "credit limit", "credit"}},
	{Code: CRDAT, Label: "結帳日期", LabelEN: "closing day", Kind: String, MaxLen: 2, Class: Number, Check: CheckDayOfMonth,
		Note: "填寫時 範圍請填在1-31之間", NoteEN: "1-31 when given", Aliases: []string{"結帳日", "每月結帳日", "月結日", "結算日", "closing day"}},
	s("CBAK1", "備註", "remarks", 50, Text, "說明", "附註", "備考", "remark", "remarks", "note", "notes", "memo", "comment", "comments"),
	staff(s("CSCOD", "業務員代號", "salesperson code", 4, Code, "業務員", "業務代號", "業務", "salesperson")),
	{Code: "C1", Label: "郵遞標籤列印", LabelEN: "print mailing label", Kind: Int, Class: Number,
		Choices:    choices(0, "不列印", "do not print", 1, "列印", "print"),
		AddDefault: "1", Note: "新增時,未填寫此欄位,會自動填入1", NoteEN: "on add, 1 when not sent"},
	s("URL", "網址", "web site", 50, Email, "網站", "網頁", "公司網址", "官網", "website", "web", "homepage"),
	check(s(EMAIL, "電子郵件", "e-mail", 50, Email, "email", "e-mail", "電子信箱", "電子郵件信箱", "電子郵箱", "信箱", "郵件", "郵件地址", "電郵", "mail",
		"email address"), CheckEmail),
	{Code: "OFFER", Label: "發票開立方式", LabelEN: "invoicing", Kind: Int, Class: Number,
		Choices:    choices(0, "隨貨附發票", "with the goods", 1, "月底開立", "at month end", 2, "不開立", "none"),
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN},
	{Code: "PAUSE", Label: "暫停出貨", LabelEN: "shipping paused", Kind: Int, Class: Number,
		Choices:    choices(0, "非暫停出貨", "not paused", 1, "暫停出貨", "paused"),
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN},
	s("CUSTID", "網站帳號", "web account", 100, Code),
	s("CUSTPW", "網站密碼", "web password", 20, Text),
	check(s("VIPNO", "VIP號碼", "VIP number", 20, Code, "VIP", "會員編號"), CheckCodeZeros),
	{Code: CIDNO, Label: "身份證號", LabelEN: "national ID", Kind: String, MaxLen: 10, Class: Code, Check: CheckNationalID,
		Aliases: []string{"身分證號", "身分證字號", "身份證字號", "身分證", "身份證", "身分證號碼", "身分證統一編號", "居留證號", "national id"}},
	s("CTIME", "客戶上下班時間", "office hours", 40, Text, "上下班時間", "營業時間"),
	s("CNAM3", "客戶發票抬頭", "invoice title", 100, Text, "發票抬頭", "抬頭"),
	{Code: "CUNIT", Label: "產品售價等級", LabelEN: "price level", Kind: Int, Class: Number,
		Choices:    choices(0, "單價1", "price 1", 1, "單價2", "price 2", 2, "單價3", "price 3", 3, "單價4", "price 4", 4, "最低售價", "lowest price"),
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"售價等級"}},
	{Code: "CDISC", Label: "產品售價折數", LabelEN: "price discount", Kind: Decimal, Class: Number,
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"折數"}},
	{Code: CBIRD, Label: "生日", LabelEN: "birthday", Kind: String, MaxLen: 10, Class: Date, DateFormat: DateWestern,
		Note: "YYYY/MM/DD", NoteEN: "YYYY/MM/DD", Aliases: []string{"出生日期", "出生年月日", "出生日", "生日日期", "birthday", "date of birth"}},
	staff(s("CSCO1", "業務主管代號", "sales manager code", 4, Code, "業務主管")),
	staff(s("CSCO2", "業務助理代號", "sales assistant code", 4, Code, "業務助理")),
	s("CSNA3", "負責人名稱", "owner", 8, Text, "負責人", "負責人姓名", "公司負責人", "代表人", "owner"),
	s("CSNA4", "會計名稱", "accountant", 8, Text, "會計", "會計人員", "會計姓名"),
	s("CSNA5", "介紹人名稱", "referrer", 8, Text, "介紹人"),
	s("CBAK2", "特殊備註", "special remarks", 50, Text),
	{Code: "CGRAD", Label: "客戶等級", LabelEN: "customer grade", Kind: Int, Class: Number,
		Choices:    choices(0, "不區分", "none", 1, "A級", "A", 2, "B級", "B", 3, "C級", "C", 4, "D級", "D", 5, "E級", "E"),
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"等級"}},
	{Code: "CDAYS", Label: "維修預定還貨天數", LabelEN: "repair return days", Kind: Int, Class: Number,
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN},
	{Code: "CAGRE", Label: "有無合約", LabelEN: "has contract", Kind: Int, Class: Number,
		Choices:    choices(0, "無合約", "no contract", 1, "有合約", "contract"),
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"合約"}},
	{Code: "CTAX1", Label: "發票開立稅別", LabelEN: "invoice tax type", Kind: Int, Class: Number,
		Choices:    choices(0, "不開立發票", "no invoice", 1, "應稅", "taxable", 2, "零稅", "zero-rated", 3, "免稅", "exempt", 9, "混稅", "mixed"),
		AddDefault: "9", Note: "新增時,未填寫此欄位,會自動填入9", NoteEN: "on add, 9 when not sent", Aliases: []string{"稅別"}},
	{Code: "CwebM", Label: "免運費門檻金額", LabelEN: "free-shipping threshold", Kind: Int, Class: Number,
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"免運門檻"}},
	{Code: "CwebS", Label: "基本運費", LabelEN: "base shipping fee", Kind: Int, Class: Number,
		AddDefault: "*", Note: "新增時,未填寫此欄位,會抓取預設值", NoteEN: "on add, the system default when not sent", Aliases: []string{"運費"}},
	{Code: CWEBB, Label: "網站啟用日", LabelEN: "web start date", Kind: String, MaxLen: 9, Class: Date, DateFormat: DateROCDot, NotAfter: CWEBE,
		Note: "民國 YYY.MM.DD", NoteEN: "ROC date YYY.MM.DD"},
	{Code: CWEBE, Label: "網站停用日", LabelEN: "web end date", Kind: String, MaxLen: 9, Class: Date, DateFormat: DateROCDot,
		Note: "民國 YYY.MM.DD", NoteEN: "ROC date YYY.MM.DD"},
	{Code: "BonusPoint", Label: "紅利點數", LabelEN: "bonus points", Kind: Decimal, Class: Number,
		AddDefault: "0", Note: addDefaultZero, NoteEN: addDefaultZeroEN, Aliases: []string{"紅利"}},
	{Code: PosBonus, Label: "POS紅利點數", LabelEN: "POS bonus points", Kind: Int, Class: Number, AddOnly: true,
		AddDefault: "0", Note: "POS紅利點數的期初資料,僅限新增客戶時使用,未填寫此欄位,會自動填入0", NoteEN: "opening POS bonus, only on add; 0 when not sent"},
	{Code: PosPhoneCarrierId, Label: "POS專用手機載具", LabelEN: "mobile barcode carrier", Kind: String, MaxLen: 8, Class: Code, Check: CheckCarrier,
		Note:    "半形斜線(/)加上7位英文大寫、數字或 + - .",
		NoteEN:  "a slash (/) and 7 of A-Z 0-9 + - .",
		Aliases: []string{"手機載具", "載具", "手機條碼", "carrier"}},
	s("GRADENO", "客戶等級(其他)", "customer grade (other)", 4, Code),
	{Code: EditItem, Label: "客戶編輯", LabelEN: "edit mode", Kind: Int, Required: true, Class: Number,
		Choices: choices(0, "新增客戶", "add", 1, "編輯客戶", "edit", 2, "由系統判斷,代號不存在為新增,存在為編輯", "add or edit by code"),
		Note:    "0 新增 1 編輯 2 由系統判斷", NoteEN: "0 add, 1 edit, 2 decide by code", Aliases: []string{"編輯方式"}},
}

// Customers is the catalog of the /Cust/Add Main object.
var Customers = NewCatalog("customers", CCODE, customerFields)

// Fields returns every field of Main, in the specification's order
// (EditItem last). The slice is a copy.
func Fields() []Field { return Customers.Fields() }

// Lookup finds a customer field by its code, case-insensitively ("CPhone"
// finds CPHONE, as the specification's own example spells it).
func Lookup(code string) (Field, bool) { return Customers.Lookup(code) }

// MustLookup is Lookup for codes known at compile time; it panics on an
// unknown code, which is a programming error.
func MustLookup(code string) Field { return Customers.MustLookup(code) }

// Codes returns every customer field code, sorted, for messages that list
// them.
func Codes() []string { return Customers.Codes() }
