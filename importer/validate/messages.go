package validate

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/mapping"
)

// msgKey is a problem's stable message code (Problem.Code): one entry of
// the catalog below.
type msgKey = string

// Message codes. They are stable: front ends and logs may key on them.
const (
	msgFormula         msgKey = "formula"
	msgScientific      msgKey = "scientific"
	msgTooLongChars    msgKey = "too_long"
	msgTooLongBig5     msgKey = "too_long_big5"
	msgNotBig5         msgKey = "not_big5"
	msgNotInt          msgKey = "not_int"
	msgIntRange        msgKey = "int_range"
	msgNotChoice       msgKey = "not_choice"
	msgNotDecimal      msgKey = "not_decimal"
	msgDecimalDigits   msgKey = "decimal_digits"
	msgClosingDay      msgKey = "closing_day"
	msgCarrierFormat   msgKey = "carrier_format"
	msgCarrierUpper    msgKey = "carrier_upper"
	msgBizIDDigits     msgKey = "biz_id_digits"
	msgBizID7          msgKey = "biz_id_7"
	msgBizIDChecksum   msgKey = "biz_id_checksum"
	msgCreditRequired  msgKey = "required_on_add"
	msgDateFormat      msgKey = "date_format"
	msgDateImpossible  msgKey = "date_impossible"
	msgDateBeforeROC   msgKey = "date_before_roc"
	msgDateSerial      msgKey = "date_serial"
	msgDateTime        msgKey = "date_time"
	msgDuplicate       msgKey = "duplicate"
	msgUpdateNeedsCode msgKey = "update_needs_code"
	msgEditNeedsCode   msgKey = "edit_needs_code"
	msgAutoWithCode    msgKey = "auto_with_code"
	msgBlankCodeNoAuto msgKey = "blank_code_no_auto"
	msgConflict        msgKey = "conflict"
	msgEmail           msgKey = "email"
	msgIDFormat        msgKey = "id_format"
	msgIDChecksum      msgKey = "id_checksum"
	msgPhoneZero       msgKey = "phone_zero"
	msgPosBonus        msgKey = "add_only"
	msgWebDates        msgKey = "date_order"
	msgMonthEnd        msgKey = "month_end"
	msgStaffName       msgKey = "staff_name"
	msgCodeZero        msgKey = "code_zero"
	msgDateROCRange    msgKey = "date_roc_range"
	msgSummaryRow      msgKey = "summary_row"
	msgSumRow          msgKey = "sum_row"
	msgNoName          msgKey = "no_name"
	msgColumnLooksLike msgKey = "column_looks_like"
	msgAmountRead      msgKey = "amount_read"
	msgMissingOnAdd    msgKey = "missing_on_add"
	msgCaseDuplicate   msgKey = "case_duplicate"
	msgCarrierSlash    msgKey = "carrier_slash"
	msgBizID7Fix       msgKey = "biz_id_7_fix"
	msgMobileZero      msgKey = "mobile_zero"
)

// messages holds every problem text, Traditional Chinese and English,
// registered in the one catalog (namespace "validate"): fmt formats whose
// verbs take the problem's Args in order (%q shows a value as typed, in
// the language's quotes; %s writes it as is). A problem's message is the
// field's name (mapping.Field.Name) + ": " + the formatted text.
var messages = msg.Register("validate", msg.Table{
	msgCarrierSlash: {
		"須以半形斜線 / 開頭,實際為%q;應為%q",
		"must start with a slash /, found %q; did you mean %q"},
	msgCaseDuplicate: {
		"與第 %s 列的客戶代號只差英文大小寫,TMS 可能視為同一位客戶,請確認,實際為%q",
		"differs from the code on row %s only by upper/lower case; TMS may treat them as one customer, please check, found %q"},
	msgMissingOnAdd: {
		"新增客戶時必填,但檔案沒有這一欄,對應檔也沒有預設值:沒有代號的列,以及 TMS 尚無此代號的列,都會新增失敗。請加上「%s」欄,或在對應檔 (mapping) 寫 defaults: {%s: 0}",
		"required when a customer is created, but the file has no such column and the mapping file no default: rows without a code, and rows whose code TMS does not know yet, will fail. Add a column %q, or write defaults: {%s: 0} in the mapping file"},
	msgSummaryRow: {
		"合計、小計或簽核列%q,不是客戶,未匯入",
		"a totals, subtotal or signature row (%q), not a customer; not imported"},
	msgSumRow: {
		"沒有標籤的合計列(只有 %s 有數字),不是客戶,未匯入",
		"a sum row without a label (numbers only under %s), not a customer; not imported"},
	msgNoName: {
		"沒有客戶名稱:客戶代號空白的列會新增客戶,須填客戶名稱、客戶簡稱或統一編號,實際皆為空白",
		"no customer name: a row with a blank customer code creates a customer, and needs a name, a short name or a business ID; all are blank"},
	msgColumnLooksLike: {
		"欄 %s%q沒有對應的欄位,未匯入,但內容像是 %s (例如%q):若是,請在對應檔 (mapping) 寫 columns: {%s: %s},%s",
		"column %s %q maps to no field and is not imported, but its data looks like %s (e.g. %q): if it is, map it in a mapping file (columns: {%s: %s}) %s"},
	msgAmountRead: {
		"%q讀作 %s,請確認",
		"%q read as %s, please check"},
	msgDateROCRange: {
		"民國年超過 999 年的日期無法以民國年表示,實際為%q",
		"a date after ROC year 999 (2910) cannot be written as an ROC date, found %q"},
	msgCodeZero: {
		"可能遺失開頭的 0(其他代號如%[2]q有補 0,Excel 會刪掉數字開頭的 0),實際為%[1]q;請將欄位格式設為文字並補回 0",
		"may have lost its leading zeros (other codes such as %[2]q have them; Excel drops leading zeros of numbers), found %[1]q; format the column as text and add them back"},
	msgBizID7Fix: {
		"須為 8 碼數字,實際為 7 碼%q;Excel 可能刪掉了開頭的 0,應為%q(通過檢查碼),請將欄位格式設為文字後改正",
		"must be 8 digits, found 7 in %q; Excel may have dropped a leading 0: %q passes the checksum (format the column as text and enter it)"},
	msgMonthEnd: {
		"%q以 31 送出(每月最後一天),請確認 TMS 對小月的處理",
		"%q sent as 31 (the last day of the month); check how TMS treats shorter months"},
	msgStaffName: {
		"須為人員代號(例如 S001),實際像是姓名%q;請改填代號,或在對應檔 (mapping) 把此欄設為 ignore",
		"must be a staff code (e.g. S001), found what looks like a name %q; fill in the code, or map the column to ignore in the mapping file"},
	msgFormula: {
		"儲存格是公式錯誤%q,請修正試算表中的公式",
		"formula error in the cell: %q; fix the formula in the spreadsheet"},
	msgScientific: {
		"Excel 已把數值改成科學記號%q,部分數字已遺失;請將欄位格式設為文字後重新輸入",
		"Excel damaged the value into scientific notation %q and digits were lost; format the column as text and re-type it"},
	msgTooLongChars: {
		"最長 %s 個字元,實際為 %s 個字元%q",
		"at most %s characters, found %s in %q"},
	msgTooLongBig5: {
		"最長 %s 個位元組(Big5,中文字每字 2 個位元組),實際為 %s 個位元組%q",
		"at most %s Big5 bytes (2 per Chinese character), found %s in %q"},
	msgNotBig5: {
		"含有 Big5 無法表示的字元%q,實際為%q",
		"contains %q, which Big5 cannot encode, in %q"},
	msgNotInt: {
		"須為整數,實際為%q",
		"must be a whole number, found %q"},
	msgIntRange: {
		"數值超出範圍,實際為%q",
		"number out of range, found %q"},
	msgNotChoice: {
		"須為 %s 其中之一,實際為%q",
		"must be one of %s, found %q"}, // choices
	msgNotDecimal: {
		"須為數字(可有小數點及千分位逗號),實際為%q",
		"must be a decimal number (a point and thousands commas allowed), found %q"},
	msgDecimalDigits: {
		"數字最多 %s 位,實際為%q",
		"at most %s digits, found %q"},
	msgClosingDay: {
		"須為 1-31,實際為%q",
		"must be 1-31, found %q"},
	msgCarrierFormat: {
		"須為半形斜線 / 加上 7 碼英文大寫、數字或 + - .,實際為%q",
		"must be a slash / followed by 7 of A-Z 0-9 + - ., found %q"},
	msgCarrierUpper: {
		"英文字母須為大寫,已將%q轉為%q",
		"letters must be upper-case; %q sent as %q"},
	msgBizIDDigits: {
		"須為 8 碼數字,實際為%q",
		"must be 8 digits, found %q"},
	msgBizID7: {
		"須為 8 碼數字,實際為 7 碼%q;Excel 可能刪掉了開頭的 0,請將欄位格式設為文字並補回 0",
		"must be 8 digits, found 7 in %q; Excel may have dropped a leading 0 (format the column as text and add it back)"},
	msgBizIDChecksum: {
		"檢查碼錯誤,不是有效的統一編號,實際為%q",
		"fails the Ministry of Finance checksum, found %q"},
	msgCreditRequired: {
		"新增時,此欄位不可空白(或在對應檔設定預設值),實際為空白",
		"must not be blank when a customer is created (or give a default in the mapping file), found a blank"},
	msgDateFormat: {
		"無法辨識的日期,請用 YYYY/MM/DD 或民國 YYY/MM/DD,實際為%q",
		"unrecognised date, use YYYY/MM/DD or ROC YYY/MM/DD, found %q"},
	msgDateImpossible: {
		"不存在的日期,實際為%q",
		"no such date, found %q"},
	msgDateBeforeROC: {
		"民國元年(1912)以前的日期無法以民國年表示,實際為%q",
		"a date before 1912 cannot be written as an ROC date, found %q"},
	msgDateSerial: {
		"Excel 以數字儲存日期,已將%q讀成%q,請確認",
		"Excel stored the date as a number; %q read as %q, please check"},
	msgDateTime: {
		"只送出日期,時間已捨棄,實際為%q",
		"only the date is sent, the time was dropped, found %q"},
	msgDuplicate: {
		"與第 %s 列重複%q",
		"duplicates row %s: %q"},
	msgUpdateNeedsCode: {
		"更新模式(update)須填客戶代號,實際為空白",
		"update mode needs a customer code, found a blank"},
	msgEditNeedsCode: {
		"編輯客戶(EditItem 1)須填客戶代號,實際為空白",
		"editing a customer (EditItem 1) needs a customer code, found a blank"},
	msgAutoWithCode: {
		"僅新增時有用,且客戶代號須留空;客戶代號為%q,實際為%q",
		"only on add, and the customer code must be blank; the code is %q, found %q"},
	msgBlankCodeNoAuto: {
		"客戶代號空白時以自動編號新增,AutoCCODE 不可為 0,實際為%q",
		"a blank customer code creates with an automatic code, so AutoCCODE cannot be 0, found %q"},
	msgConflict: {
		"多個欄位對應到此欄位且內容不同:%q與%q",
		"mapped from several columns with different values: %q and %q"},
	msgEmail: {
		"電子郵件格式可能有誤,實際為%q",
		"does not look like an e-mail address, found %q"},
	msgIDFormat: {
		"不是身分證或居留證號的格式,實際為%q",
		"is not in the form of a national ID or resident certificate number, found %q"},
	msgIDChecksum: {
		"身分證/居留證號檢查碼錯誤,實際為%q",
		"national ID / resident certificate checksum fails, found %q"},
	msgMobileZero: {
		"手機號碼少了開頭的 0(Excel 會刪掉數字開頭的 0),實際為%q,已補回 0 以%q送出;請將欄位格式設為文字",
		"a mobile number without its leading 0 (Excel drops leading zeros of numbers), found %q, sent as %q; format the column as text"},
	msgPhoneZero: {
		"可能遺失開頭的 0(Excel 會刪掉數字開頭的 0),實際為%q",
		"may have lost its leading 0 (Excel drops leading zeros of numbers), found %q"},
	msgPosBonus: {
		"僅限新增客戶時使用;此列不是新增(EditItem %s),客戶已存在時伺服器會忽略,實際為%q",
		"only used when a customer is created; this row is not a create (EditItem %s), so the server ignores it for an existing customer, found %q"},
	msgWebDates: {
		"晚於網站停用日 CWEBE%q,實際為%q",
		"is later than the web end date CWEBE %q, found %q"},
})

// choices are the codes whose text starts with the field's allowed
// values, in front of the problem's Args.
var choices = map[msgKey]bool{msgNotChoice: true}

// Codes returns every message code, sorted.
func Codes() []string {
	out := make([]string, 0, len(messages))
	for k := range messages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxQuoted is how many characters of a value a message quotes.
const maxQuoted = 60

// shorten cuts a value to maxQuoted characters, the way messages show it.
func shorten(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		s = string(r[:maxQuoted]) + "…"
	}
	return s
}

// lang returns "en" or "zh" for a language name.
func normLang(lang string) string {
	if strings.EqualFold(lang, "en") {
		return "en"
	}
	return "zh"
}

// Render writes the message code names about field f with args, in lang
// ("zh", the default, or "en"): the field's name, ": ", the text. A code
// that is not in the catalog renders as "" (ok false).
func Render(code, lang string, f mapping.Field, args []string) (string, bool) {
	t, ok := messages[code]
	if !ok {
		return "", false
	}
	lang = normLang(lang)
	vals := make([]any, 0, len(args)+1)
	if choices[code] {
		vals = append(vals, choiceList(f, lang))
	}
	for _, a := range args {
		vals = append(vals, shorten(a))
	}
	text := msg.In(lang).Format(t, vals...)
	if f.Code != "" {
		text = fieldName(f, lang) + ": " + text
	}
	return text, true
}

// fieldName is f.Name, or the bare code for a field without labels.
func fieldName(f mapping.Field, lang string) string {
	if f.Label == "" && f.LabelEN == "" {
		return f.Code
	}
	return f.Name(lang)
}

// Render writes the problem's message in lang ("zh" or "en") from the
// message catalog; a problem without a catalog code (one a caller built
// with only a Message) renders as its Message.
func (p Problem) Render(lang string) string {
	if p.Code == "" {
		return p.Message
	}
	f := mapping.Field{Code: p.Field}
	switch {
	case p.field != nil:
		f = *p.field
	case p.Field != "":
		if cf, ok := mapping.Lookup(p.Field); ok {
			f = cf
		}
	}
	if msg, ok := Render(p.Code, lang, f, p.Args); ok {
		return msg
	}
	return p.Message
}

// problem builds a problem about field f ("" code for a row-level one).
func (v *Validator) problem(f *mapping.Field, col int, sev Severity, k msgKey, args ...string) Problem {
	if _, ok := messages[k]; !ok {
		panic("validate: no message " + k)
	}
	p := Problem{Field: f.Code, Column: col, Severity: sev, Code: k, Args: args, field: f}
	p.Message = p.Render(v.lang)
	return p
}

// choiceList renders a field's allowed values with their labels, e.g.
// "0 未設定、1 男性、2 女性" or "0 not set, 1 male, 2 female"; a Bool
// field adds the words it also accepts.
func choiceList(f mapping.Field, lang string) string {
	parts := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		label := c.Label
		if lang == "en" {
			label = c.LabelEN
		}
		parts[i] = fmt.Sprintf("%d %s", c.Value, label)
	}
	sep := "、"
	if lang == "en" {
		sep = ", "
	}
	s := strings.Join(parts, sep)
	if binary(&f) {
		s += " (Y/N, TRUE/FALSE, 是/否, 有/無)"
	}
	return s
}
