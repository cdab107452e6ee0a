package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/custimport/custimport/mapping"
)

// msgKey names one message of the table below.
type msgKey int

const (
	msgFormula msgKey = iota
	msgScientific
	msgTooLongChars
	msgTooLongBig5
	msgNotBig5
	msgNotInt
	msgIntRange
	msgNotChoice
	msgNotDecimal
	msgDecimalDigits
	msgClosingDay
	msgCarrierFormat
	msgCarrierUpper
	msgBizIDDigits
	msgBizID7
	msgBizIDChecksum
	msgCreditRequired
	msgDateFormat
	msgDateImpossible
	msgDateBeforeROC
	msgDateSerial
	msgDateTime
	msgDuplicate
	msgUpdateNeedsCode
	msgEditNeedsCode
	msgAutoWithCode
	msgBlankCodeNoAuto
	msgConflict
	msgEmail
	msgIDFormat
	msgIDChecksum
	msgPhoneZero
	msgPosBonus
	msgWebDates
)

// messages holds every problem text, Traditional Chinese and English, as
// fmt formats. A problem's message is the field's name (mapping.Field.Name)
// + ": " + the formatted text.
var messages = map[msgKey]struct{ zh, en string }{
	msgFormula: {
		"儲存格是公式錯誤 %s,請修正試算表中的公式",
		"formula error in the cell: %s; fix the formula in the spreadsheet"},
	msgScientific: {
		"Excel 已把數值改成科學記號 %s,部分數字已遺失;請將欄位格式設為文字後重新輸入",
		"Excel damaged the value into scientific notation %s and digits were lost; format the column as text and re-type it"},
	msgTooLongChars: {
		"最長 %d 個字元,實際為 %d 個字元 %s",
		"at most %d characters, found %d in %s"},
	msgTooLongBig5: {
		"最長 %d 個位元組(Big5,中文字每字 2 個位元組),實際為 %d 個位元組 %s",
		"at most %d Big5 bytes (2 per Chinese character), found %d in %s"},
	msgNotBig5: {
		"含有 Big5 無法表示的字元 %s,實際為 %s",
		"contains %s, which Big5 cannot encode, in %s"},
	msgNotInt: {
		"須為整數,實際為 %s",
		"must be a whole number, found %s"},
	msgIntRange: {
		"數值超出範圍,實際為 %s",
		"number out of range, found %s"},
	msgNotChoice: {
		"須為 %s 其中之一,實際為 %s",
		"must be one of %s, found %s"},
	msgNotDecimal: {
		"須為數字(可有小數點及千分位逗號),實際為 %s",
		"must be a decimal number (a point and thousands commas allowed), found %s"},
	msgDecimalDigits: {
		"數字最多 %d 位,實際為 %s",
		"at most %d digits, found %s"},
	msgClosingDay: {
		"須為 1-31,實際為 %s",
		"must be 1-31, found %s"},
	msgCarrierFormat: {
		"須為半形斜線 / 加上 7 碼英文大寫、數字或 + - .,實際為 %s",
		"must be a slash / followed by 7 of A-Z 0-9 + - ., found %s"},
	msgCarrierUpper: {
		"英文字母須為大寫,已將 %s 轉為 %s",
		"letters must be upper-case; %s sent as %s"},
	msgBizIDDigits: {
		"須為 8 碼數字,實際為 %s",
		"must be 8 digits, found %s"},
	msgBizID7: {
		"須為 8 碼數字,實際為 7 碼 %s;Excel 可能刪掉了開頭的 0,請將欄位格式設為文字並補回 0",
		"must be 8 digits, found 7 in %s; Excel may have dropped a leading 0 (format the column as text and add it back)"},
	msgBizIDChecksum: {
		"檢查碼錯誤,不是有效的統一編號,實際為 %s",
		"fails the Ministry of Finance checksum, found %s"},
	msgCreditRequired: {
		"新增時,此欄位不可空白(或在對應檔設定預設值),實際為空白",
		"must not be blank when a customer is created (or give a default in the mapping file), found a blank"},
	msgDateFormat: {
		"無法辨識的日期,請用 YYYY/MM/DD 或民國 YYY/MM/DD,實際為 %s",
		"unrecognised date, use YYYY/MM/DD or ROC YYY/MM/DD, found %s"},
	msgDateImpossible: {
		"不存在的日期,實際為 %s",
		"no such date, found %s"},
	msgDateBeforeROC: {
		"民國元年(1912)以前的日期無法以民國年表示,實際為 %s",
		"a date before 1912 cannot be written as an ROC date, found %s"},
	msgDateSerial: {
		"Excel 以數字儲存日期,已將 %s 讀成 %s,請確認",
		"Excel stored the date as a number; %s read as %s, please check"},
	msgDateTime: {
		"只送出日期,時間已捨棄,實際為 %s",
		"only the date is sent, the time was dropped, found %s"},
	msgDuplicate: {
		"與第 %d 列重複 %s",
		"duplicates row %d: %s"},
	msgUpdateNeedsCode: {
		"更新模式(update)須填客戶代號,實際為空白",
		"update mode needs a customer code, found a blank"},
	msgEditNeedsCode: {
		"編輯客戶(EditItem 1)須填客戶代號,實際為空白",
		"editing a customer (EditItem 1) needs a customer code, found a blank"},
	msgAutoWithCode: {
		"僅新增時有用,且客戶代號須留空;客戶代號為 %s,實際為 %s",
		"only on add, and the customer code must be blank; the code is %s, found %s"},
	msgBlankCodeNoAuto: {
		"客戶代號空白時以自動編號新增,AutoCCODE 不可為 0,實際為 %s",
		"a blank customer code creates with an automatic code, so AutoCCODE cannot be 0, found %s"},
	msgConflict: {
		"多個欄位對應到此欄位且內容不同:%s 與 %s",
		"mapped from several columns with different values: %s and %s"},
	msgEmail: {
		"電子郵件格式可能有誤,實際為 %s",
		"does not look like an e-mail address, found %s"},
	msgIDFormat: {
		"不是身分證或居留證號的格式,實際為 %s",
		"is not in the form of a national ID or resident certificate number, found %s"},
	msgIDChecksum: {
		"身分證/居留證號檢查碼錯誤,實際為 %s",
		"national ID / resident certificate checksum fails, found %s"},
	msgPhoneZero: {
		"可能遺失開頭的 0(Excel 會刪掉數字開頭的 0),實際為 %s",
		"may have lost its leading 0 (Excel drops leading zeros of numbers), found %s"},
	msgPosBonus: {
		"僅限新增客戶時使用;此列不是新增(EditItem %d),客戶已存在時伺服器會忽略,實際為 %s",
		"only used when a customer is created; this row is not a create (EditItem %d), so the server ignores it for an existing customer, found %s"},
	msgWebDates: {
		"晚於網站停用日 CWEBE %s,實際為 %s",
		"is later than the web end date CWEBE %s, found %s"},
}

// maxQuoted is how many characters of a value a message quotes.
const maxQuoted = 60

// q quotes a value the way messages show it: %q-style, shortened to
// maxQuoted characters.
func q(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		s = string(r[:maxQuoted]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// text formats message k in the validator's language.
func (v *Validator) text(k msgKey, args ...any) string {
	m, ok := messages[k]
	if !ok {
		panic(fmt.Sprintf("validate: no message %d", k))
	}
	format := m.zh
	if v.lang == "en" {
		format = m.en
	}
	return fmt.Sprintf(format, args...)
}

// problem builds a problem about field f ("" code for a row-level one).
func (v *Validator) problem(f mapping.Field, col int, sev Severity, k msgKey, args ...any) Problem {
	msg := v.text(k, args...)
	if f.Code != "" {
		msg = f.Name(v.lang) + ": " + msg
	}
	return Problem{Field: f.Code, Column: col, Severity: sev, Message: msg}
}

// choiceList renders a field's allowed values with their labels, e.g.
// "0 未設定、1 男性、2 女性" or "0 not set, 1 male, 2 female".
func (v *Validator) choiceList(f mapping.Field) string {
	parts := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		label := c.Label
		if v.lang == "en" {
			label = c.LabelEN
		}
		parts[i] = fmt.Sprintf("%d %s", c.Value, label)
	}
	if v.lang == "en" {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, "、")
}
