package validate

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/custimport/custimport/mapping"
)

// adder reports a problem about the cell being checked.
type adder func(sev Severity, k msgKey, args ...string)

// rule is one mapping.Check: it checks an S(n) value (trimmed, narrowed
// unless Text) and returns the text to send, or ok false after reporting
// an error.
type rule func(v *Validator, c *cell, text string, add adder) (string, bool)

// rules maps each check a catalog field may name to its implementation.
// A new kind of rule is a function here and its messages; giving a field
// an existing rule is one line in its catalog.
var rules = map[mapping.Check]rule{
	mapping.CheckDayOfMonth:  checkDayOfMonth,
	mapping.CheckBizID:       checkBizID,
	mapping.CheckCarrier:     checkCarrier,
	mapping.CheckNationalID:  checkNationalID,
	mapping.CheckEmail:       checkEmail,
	mapping.CheckLeadingZero: checkLeadingZero,
	mapping.CheckStaffCode:   checkStaffCode,
	mapping.CheckCodeZeros:   checkCodeZeros,
}

// checkCell normalises c and checks it on its own, setting c.text, c.out
// (nil on error), c.n and c.d.
func (v *Validator) checkCell(c *cell, probs *[]ordered) {
	f := c.f
	add := func(sev Severity, k msgKey, args ...string) {
		*probs = append(*probs, ordered{v.problem(f, c.col, sev, k, args...), c.order})
	}
	c.text = c.raw
	if formulaErrors[strings.ToUpper(c.raw)] {
		add(Error, msgFormula, c.raw)
		return
	}
	text := c.raw
	if f.Class != mapping.Text {
		text = trim(narrow(text))
	}
	c.text = text
	if (f.Class == mapping.Code || f.Class == mapping.Phone) && isScientific(text) {
		add(Error, msgScientific, text)
		return
	}
	switch f.Kind {
	case mapping.Int, mapping.Bool:
		v.checkInt(c, text, add)
		return
	case mapping.Decimal:
		v.checkDecimal(c, text, add)
		return
	}
	ok := true
	switch {
	case f.Check != "":
		text, ok = rules[f.Check](v, c, text, add)
	case f.Class == mapping.Date:
		text, ok = v.checkDate(c, text, add)
	}
	if !ok {
		return
	}
	if k, args := v.checkLength(f, text); k != "" {
		add(Error, k, args...)
		c.hasD = false
		return
	}
	c.text = text
	c.out = text
}

// checkInt reads an Int or Bool value.
func (v *Validator) checkInt(c *cell, text string, add adder) {
	n, k, ok := v.parseInt(c.f, text)
	if !ok {
		add(Error, k, text)
		return
	}
	c.n, c.text = n, strconv.Itoa(n)
	c.out = json.Number(c.text)
}

// checkDecimal reads a Decimal value.
func (v *Validator) checkDecimal(c *cell, text string, add adder) {
	s, digits, ok := canonicalDecimal(text)
	if !ok {
		s, digits, ok = canonicalDecimal(stripCurrency(text))
	}
	if !ok {
		add(Error, msgNotDecimal, text)
		return
	}
	if digits > maxDecimalDigits {
		add(Error, msgDecimalDigits, strconv.Itoa(maxDecimalDigits), text)
		return
	}
	c.text = s
	c.out = json.Number(s)
}

// checkDate reads a date and writes it in the field's format.
func (v *Validator) checkDate(c *cell, text string, add adder) (string, bool) {
	d, res := parseDate(text)
	switch res {
	case dateBad:
		add(Error, msgDateFormat, text)
		return "", false
	case dateImpossible:
		add(Error, msgDateImpossible, text)
		return "", false
	}
	format := v.dates[c.f.Code]
	if format == "" {
		format = formatWestern
		if formatLen(format) > c.f.MaxLen {
			format = formatROC
		}
	}
	out, ok := formatDate(d, format)
	if !ok {
		k := msgDateBeforeROC
		if d.y > 1911 {
			k = msgDateROCRange
		}
		add(Error, k, text)
		return "", false
	}
	switch res {
	case dateSerial:
		add(Warning, msgDateSerial, text, out)
	case dateWithTime:
		add(Warning, msgDateTime, text)
	}
	c.d, c.hasD = d, true
	return out, true
}

// checkDayOfMonth: 1-31, sent without leading zeros; "25日", "每月25號"
// are 25, and "月底" (month end) is 31 with a warning.
func checkDayOfMonth(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	day, monthEnd := dayWords(text)
	if monthEnd {
		add(Warning, msgMonthEnd, text)
		return "31", true
	}
	n, ok, err := parseWhole(day)
	if !ok || err != nil || n < 1 || n > 31 {
		add(Error, msgClosingDay, text)
		return "", false
	}
	return strconv.Itoa(n), true
}

// checkBizID: 8 digits passing the 統一編號 checksum.
func checkBizID(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	switch {
	case len(text) == 7 && allDigits(text) && bizIDValid("0"+text):
		add(Error, msgBizID7Fix, text, "0"+text)
		return "", false
	case len(text) == 7 && allDigits(text):
		add(Error, msgBizID7, text)
		return "", false
	case len(text) != 8 || !allDigits(text):
		add(Error, msgBizIDDigits, text)
		return "", false
	case !bizIDValid(text):
		add(Error, msgBizIDChecksum, text)
		return "", false
	}
	return text, true
}

// checkCarrier: a mobile barcode carrier, upper-cased with a warning.
func checkCarrier(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	up := strings.ToUpper(text)
	if !carrierValid(up) && carrierValid("/"+up) {
		add(Error, msgCarrierSlash, text, "/"+up)
		return "", false
	}
	if !carrierValid(up) {
		add(Error, msgCarrierFormat, text)
		return "", false
	}
	if up != text {
		add(Warning, msgCarrierUpper, text, up)
	}
	return up, true
}

// checkNationalID warns about a value that is not a valid national ID or
// resident certificate number; it is upper-cased only when it has the form
// of one (other numbers, a passport's, are kept as typed).
func checkNationalID(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	switch up := strings.ToUpper(text); idCheck(up) {
	case idNotID:
		add(Warning, msgIDFormat, text)
	case idBadSum:
		add(Warning, msgIDChecksum, up)
		return up, true
	default:
		return up, true
	}
	return text, true
}

// checkEmail warns about a value that does not look like an address.
func checkEmail(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	if !emailValid(text) {
		add(Warning, msgEmail, text)
	}
	return text, true
}

// checkLeadingZero warns about a phone number that lost its leading 0:
// nine bare digits starting 2-9. Every Taiwan number with its 0 has 9 or
// 10 digits (mobile 09xx-xxx-xxx, 02-xxxx-xxxx, 04-xxxx-xxxx, 037-xxxxxx,
// ...), and a local number without its area code has at most 8, so nine
// digits without the 0 are a number Excel stored as a number.
func checkLeadingZero(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	if len(text) == 9 && text[0] >= '2' && text[0] <= '9' && allDigits(text) {
		add(Warning, msgPhoneZero, text)
	}
	return text, true
}

// checkCodeZeros warns about an all-digit code shorter than the file's
// zero-padded codes of the same field ("123" after "00042"): Excel drops
// the leading zeros of a code it stores as a number.
func checkCodeZeros(v *Validator, c *cell, text string, add adder) (string, bool) {
	if text == "" || !allDigits(text) {
		return text, true
	}
	w := v.codeWidth[c.f.Code]
	switch {
	case text[0] == '0' && len(text) > len(w):
		v.codeWidth[c.f.Code] = text
	case w != "" && len(text) < len(w) && text[0] != '0':
		add(Warning, msgCodeZero, text, w)
	}
	return text, true
}

// checkStaffCode refuses a person's name where a staff code is expected:
// two to four Chinese characters and nothing else ("王小明"). A code that
// mixes letters or digits with Chinese ("北01") passes.
func checkStaffCode(_ *Validator, _ *cell, text string, add adder) (string, bool) {
	n := 0
	for _, r := range text {
		if !unicode.Is(unicode.Han, r) {
			return text, true
		}
		n++
	}
	if n >= 2 {
		add(Error, msgStaffName, text)
		return "", false
	}
	return text, true
}
