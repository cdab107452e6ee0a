package validate

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/custimport/custimport/mapping"
)

// reporter reports problems about the cell being checked.
type reporter struct {
	v     *Validator
	c     *cell
	probs *[]ordered
}

// add reports a problem about the cell.
func (p *reporter) add(sev Severity, k msgKey, args ...string) {
	*p.probs = append(*p.probs, ordered{p.v.problem(p.c.f, p.c.col, sev, k, args...), p.c.order})
}

// rule is one mapping.Check: it checks an S(n) value (trimmed, narrowed
// unless Text) and returns the text to send, or ok false after reporting
// an error.
type rule func(k *Checker, c *cell, text string, rep *reporter) (string, bool)

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

// checkCell normalises c and checks it on its own, setting c.text, c.ok,
// c.num, c.n and c.d.
func (k *Checker) checkCell(c *cell, probs *[]ordered) {
	f := c.f
	k.rep = reporter{v: k.v, c: c, probs: probs}
	rep := &k.rep
	c.text = c.raw
	if len(c.raw) > 1 && c.raw[0] == '#' && formulaErrors[strings.ToUpper(c.raw)] {
		rep.add(Error, msgFormula, c.raw)
		return
	}
	text := c.raw
	if f.Class != mapping.Text {
		text = trim(narrow(text))
	}
	c.text = text
	if (f.Class == mapping.Code || f.Class == mapping.Phone) && isScientific(text) {
		rep.add(Error, msgScientific, text)
		return
	}
	switch f.Kind {
	case mapping.Int, mapping.Bool:
		k.checkInt(c, text, rep)
		return
	case mapping.Decimal:
		k.checkDecimal(c, text, rep)
		return
	}
	ok := true
	switch {
	case f.Check != "":
		text, ok = k.v.rule(c)(k, c, text, rep)
	case f.Class == mapping.Date:
		text, ok = k.checkDate(c, text, rep)
	}
	if !ok {
		return
	}
	if key, args := k.checkLength(f, text); key != "" {
		rep.add(Error, key, args...)
		c.hasD = false
		return
	}
	c.text = text
	c.ok = true
}

// checkInt reads an Int or Bool value. An amount field (an Int that is
// not a choice: 運費, 免運門檻) also takes the amounts people type (5萬,
// 10k, -), with a warning saying what was read.
func (k *Checker) checkInt(c *cell, text string, rep *reporter) {
	n, key, ok := k.v.parseInt(c.f, text)
	if !ok && c.f.Choices == nil && c.f.Kind == mapping.Int {
		if amount, read := amountWords(text); read {
			if m, whole, err := parseWhole(amount); whole && err == nil {
				rep.add(Warning, msgAmountRead, text, amount)
				n, ok = m, true
			}
		}
	}
	if !ok {
		rep.add(Error, key, text)
		return
	}
	c.n, c.text = n, strconv.Itoa(n)
	c.ok, c.num = true, true
}

// checkDecimal reads a Decimal value.
func (k *Checker) checkDecimal(c *cell, text string, rep *reporter) {
	s, digits, ok := canonicalDecimal(text)
	if !ok {
		s, digits, ok = canonicalDecimal(stripCurrency(text))
	}
	if !ok {
		var read bool
		if s, read = amountWords(text); read {
			_, digits, ok = canonicalDecimal(s)
			rep.add(Warning, msgAmountRead, text, s)
		}
	}
	if !ok {
		rep.add(Error, msgNotDecimal, text)
		return
	}
	if digits > maxDecimalDigits {
		rep.add(Error, msgDecimalDigits, strconv.Itoa(maxDecimalDigits), text)
		return
	}
	c.text = s
	c.ok, c.num = true, true
}

// checkDate reads a date and writes it in the field's format.
func (k *Checker) checkDate(c *cell, text string, rep *reporter) (string, bool) {
	d, res := parseDate(text)
	switch res {
	case dateBad:
		rep.add(Error, msgDateFormat, text)
		return "", false
	case dateImpossible:
		rep.add(Error, msgDateImpossible, text)
		return "", false
	}
	format := k.v.dateFormat(c)
	if format == "" {
		format = formatWestern
		if formatLen(format) > c.f.MaxLen {
			format = formatROC
		}
	}
	out, ok := formatDateLike(d, format, text)
	if !ok {
		key := msgDateBeforeROC
		if d.y > 1911 {
			key = msgDateROCRange
		}
		rep.add(Error, key, text)
		return "", false
	}
	switch res {
	case dateSerial:
		rep.add(Warning, msgDateSerial, text, out)
	case dateWithTime:
		rep.add(Warning, msgDateTime, text)
	}
	c.d, c.hasD = d, true
	return out, true
}

// checkDayOfMonth: 1-31, sent without leading zeros; "25日", "每月25號"
// are 25, and "月底" (month end) is 31 with a warning.
func checkDayOfMonth(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	day, monthEnd := dayWords(text)
	if monthEnd {
		rep.add(Warning, msgMonthEnd, text)
		return "31", true
	}
	n, ok, err := parseWhole(day)
	if !ok || err != nil || n < 1 || n > 31 {
		rep.add(Error, msgClosingDay, text)
		return "", false
	}
	return strconv.Itoa(n), true
}

// checkBizID: 8 digits passing the 統一編號 checksum. Spaces and dashes
// people type to group the digits ("1234 5601", "1234-5601") are dropped,
// as full-width digits are narrowed.
func checkBizID(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	if strings.IndexByte(text, ' ') >= 0 || strings.IndexByte(text, '-') >= 0 {
		if t := strings.NewReplacer(" ", "", "-", "").Replace(text); allDigits(t) && t != "" {
			text = t
		}
	}
	switch {
	case len(text) == 7 && allDigits(text) && bizIDValid("0"+text):
		rep.add(Error, msgBizID7Fix, text, "0"+text)
		return "", false
	case len(text) == 7 && allDigits(text):
		rep.add(Error, msgBizID7, text)
		return "", false
	case len(text) != 8 || !allDigits(text):
		rep.add(Error, msgBizIDDigits, text)
		return "", false
	case !bizIDValid(text):
		rep.add(Error, msgBizIDChecksum, text)
		return "", false
	}
	return text, true
}

// checkCarrier: a mobile barcode carrier, upper-cased with a warning.
func checkCarrier(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	up := strings.ToUpper(text)
	if !carrierValid(up) && carrierValid("/"+up) {
		rep.add(Error, msgCarrierSlash, text, "/"+up)
		return "", false
	}
	if !carrierValid(up) {
		rep.add(Error, msgCarrierFormat, text)
		return "", false
	}
	if up != text {
		rep.add(Warning, msgCarrierUpper, text, up)
	}
	return up, true
}

// checkNationalID warns about a value that is not a valid national ID or
// resident certificate number; it is upper-cased only when it has the form
// of one (other numbers, a passport's, are kept as typed).
func checkNationalID(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	switch up := strings.ToUpper(text); idCheck(up) {
	case idNotID:
		rep.add(Warning, msgIDFormat, text)
	case idBadSum:
		rep.add(Warning, msgIDChecksum, up)
		return up, true
	default:
		return up, true
	}
	return text, true
}

// checkEmail warns about a value that does not look like an address.
func checkEmail(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	if !emailValid(text) {
		rep.add(Warning, msgEmail, text)
	}
	return text, true
}

// checkLeadingZero warns about a phone number that lost its leading 0:
// nine bare digits starting 2-9. Every Taiwan number with its 0 has 9 or
// 10 digits (mobile 09xx-xxx-xxx, 02-xxxx-xxxx, 04-xxxx-xxxx, 037-xxxxxx,
// ...), and a local number without its area code has at most 8, so nine
// digits without the 0 are a number Excel stored as a number.
//
// Nine digits starting with 9 can only be a mobile number (no area code
// starts with 09): it is sent with its 0 put back, with a warning. The
// others could be 0 + area code + number in more than one way, so they
// are sent as they are, with a warning.
func checkLeadingZero(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	if len(text) != 9 || text[0] < '2' || !allDigits(text) {
		return text, true
	}
	if text[0] == '9' {
		fixed := "0" + text
		rep.add(Warning, msgMobileZero, text, fixed)
		return fixed, true
	}
	rep.add(Warning, msgPhoneZero, text)
	return text, true
}

// checkCodeZeros warns about an all-digit code shorter than the file's
// zero-padded codes of the same field ("123" after "00042"): Excel drops
// the leading zeros of a code it stores as a number.
//
// The comparison needs the rows before, so it is left to Remember.
func checkCodeZeros(k *Checker, c *cell, text string, _ *reporter) (string, bool) {
	if text != "" && allDigits(text) {
		k.r.zeros = append(k.r.zeros, pendingZero{f: c.f, col: c.col, order: c.order, text: text})
	}
	return text, true
}

// checkStaffCode refuses a person's name where a staff code is expected:
// two to four Chinese characters and nothing else ("王小明"). A code that
// mixes letters or digits with Chinese ("北01") passes.
func checkStaffCode(_ *Checker, _ *cell, text string, rep *reporter) (string, bool) {
	n := 0
	for _, r := range text {
		if !unicode.Is(unicode.Han, r) {
			return text, true
		}
		n++
	}
	if n >= 2 {
		rep.add(Error, msgStaffName, text)
		return "", false
	}
	return text, true
}
