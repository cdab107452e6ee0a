package validate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/custimport/custimport/mapping"
	"golang.org/x/text/width"
)

// Number and date parsing. All functions take text that has already been
// trimmed and narrowed to half-width.

// maxDecimalDigits bounds a Decimal's digits: 28 is what a .NET/SQL
// decimal holds, more than any credit limit or discount needs.
const maxDecimalDigits = 28

// splitNumber splits an optionally signed number with optional thousands
// commas and an optional fraction into sign, integer digits (commas
// removed) and fraction digits. ok is false for anything else, including
// exponents, NaN, Inf, misplaced commas, and text without digits.
func splitNumber(s string) (neg bool, intPart, frac string, hasPoint, ok bool) {
	if s == "" {
		return
	}
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac, hasPoint = s[:i], s[i+1:], true
	} else {
		intPart = s
	}
	if !allDigits(frac) {
		return
	}
	if strings.IndexByte(intPart, ',') >= 0 {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
			return
		}
		for _, g := range groups[1:] {
			if len(g) != 3 || !allDigits(g) {
				return
			}
		}
		intPart = strings.Join(groups, "")
	} else if !allDigits(intPart) {
		return
	}
	if intPart == "" && frac == "" {
		return
	}
	ok = true
	return
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// errRange reports a whole number outside the 32-bit range.
var errRange = fmt.Errorf("out of range")

// parseWhole parses a whole number as a spreadsheet may show it: "12",
// "+12", "-3", "1,000", "5.0" (a zero fraction). It returns ok false for
// anything else, and errRange (ok true) outside the 32-bit range the
// server's Int holds.
func parseWhole(s string) (n int, ok bool, err error) {
	neg, intPart, frac, _, good := splitNumber(s)
	if !good || intPart == "" || strings.Trim(frac, "0") != "" {
		return 0, false, nil
	}
	v, perr := strconv.ParseInt(intPart, 10, 32)
	if perr != nil {
		return 0, true, errRange
	}
	if neg {
		v = -v
	}
	return int(v), true, nil
}

// canonicalDecimal returns s as exact JSON number text: thousands commas
// removed, "+" dropped, leading zeros of the integer part removed ("007" →
// "7", ".5" → "0.5"), a bare trailing point removed ("5." → "5"); trailing
// zeros of the fraction are kept ("1234.50" stays). digits counts the
// significant digits kept.
func canonicalDecimal(s string) (out string, digits int, ok bool) {
	neg, intPart, frac, _, good := splitNumber(s)
	if !good {
		return "", 0, false
	}
	intPart = strings.TrimLeft(intPart, "0")
	digits = len(intPart) + len(frac)
	if intPart == "" {
		intPart = "0"
	}
	b := make([]byte, 0, 64)
	if neg {
		b = append(b, '-')
	}
	b = append(b, intPart...)
	if frac != "" {
		b = append(b, '.')
		b = append(b, frac...)
	}
	if string(b) == s {
		return s, digits, true // already canonical: no copy
	}
	return string(b), digits, true
}

// date is a calendar date without a time zone.
type date struct{ y, m, d int }

func (d date) before(e date) bool {
	if d.y != e.y {
		return d.y < e.y
	}
	if d.m != e.m {
		return d.m < e.m
	}
	return d.d < e.d
}

// valid reports whether the date exists in the proleptic Gregorian
// calendar.
func (d date) valid() bool {
	if d.y < 1 || d.y > 9999 || d.m < 1 || d.m > 12 || d.d < 1 {
		return false
	}
	days := monthDays[d.m]
	if d.m == 2 && d.y%4 == 0 && (d.y%100 != 0 || d.y%400 == 0) {
		days = 29
	}
	return d.d <= days
}

// monthDays is the length of each month (1-12) in a common year.
var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// Date output formats (see mapping.DateFormatNames).
const (
	formatWestern = mapping.DateWestern // YYYY/MM/DD
	formatROC     = mapping.DateROC     // YYY/MM/DD, ROC year zero-padded to 3 digits
)

// formatDate writes d in a format; ok is false when the format is an ROC
// one and the ROC year is not 1-999 (a 4-digit ROC year would read as a
// Western one).
func formatDate(d date, format string) (string, bool) { return formatDateLike(d, format, "") }

// formatDateLike is formatDate returning like itself when the date
// written is like: a date already in its format is not copied.
func formatDateLike(d date, format, like string) (string, bool) {
	y, sep := d.y, "/"
	switch format {
	case mapping.DateWesternDash:
		sep = "-"
	case mapping.DateROC, mapping.DateROCDot:
		y -= 1911
		if y < 1 || y > 999 {
			return "", false
		}
		if format == mapping.DateROCDot {
			sep = "."
		}
		return datePadded(y, 3, sep, d, like), true
	}
	return datePadded(y, 4, sep, d, like), true
}

// datePadded writes y zero-padded to yearDigits digits (more when it is
// longer), then the month and day as two digits, separated by sep; it
// returns like when that is what it writes.
func datePadded(y, yearDigits int, sep string, d date, like string) string {
	b := make([]byte, 0, 16)
	for n, w := y, 1; w < yearDigits; w++ {
		if n /= 10; n == 0 {
			b = append(b, '0')
		}
	}
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, sep...)
	b = append(b, byte('0'+d.m/10%10), byte('0'+d.m%10))
	b = append(b, sep...)
	b = append(b, byte('0'+d.d/10%10), byte('0'+d.d%10))
	if string(b) == like {
		return like
	}
	return string(b)
}

// formatLen is the length of a date written in a format (for years with
// 4 Western or 3 ROC digits).
func formatLen(format string) int {
	if format == mapping.DateROC || format == mapping.DateROCDot {
		return len("113/05/01")
	}
	return len("2024/05/01")
}

// dateResult says how parseDate read its text.
type dateResult int

const (
	dateBad        dateResult = iota // not a date format
	dateImpossible                   // a date format, but no such day
	dateOK                           // a date
	dateSerial                       // an Excel serial number
	dateWithTime                     // a date with a non-zero time, dropped
)

// Excel serial numbers: 1 is 1900-01-01, 60 the non-existent 1900-02-29
// (Excel's Lotus-compatible bug), 2958465 is 9999-12-31.
const maxSerial = 2958465

// parseDate reads the date formats the importer accepts:
//
//	2024/05/01 2024-5-1 2024.05.01 20240501   Western, 4-digit year
//	2024/05/01 00:00:00 (also with T, or HH:MM)   the reader's date-time; a non-zero time is dropped (dateWithTime)
//	113/05/01 113.5.1 113-5-1 1130501 民國113/5/1   ROC (民國) year of 1-3 digits
//	民國113年5月1日 113年5月1日 2024年5月1日
//	45413 (1-6 digits, optional fraction)   an Excel serial number (dateSerial)
//
// Seven bare digits are an ROC YYYMMDD date, not a serial (serials of 7
// digits are after the year 4637).
func parseDate(s string) (date, dateResult) {
	s = strings.TrimSpace(s)
	roc := false
	if rest, ok := strings.CutPrefix(s, "民國"); ok {
		roc, s = true, strings.TrimSpace(rest)
	}
	result := dateOK
	// Time part of a date-time.
	if i := indexSpaceOrT(s); i > 0 && strings.Contains(s[i:], ":") {
		t := strings.TrimSpace(s[i+1:])
		s = s[:i]
		zero, ok := parseTime(t)
		if !ok {
			return date{}, dateBad
		}
		if !zero {
			result = dateWithTime
		}
	}
	var ys, ms, ds string
	switch {
	case len(s) == 10 && (s[4] == '/' || s[4] == '-' || s[4] == '.') && s[7] == s[4] &&
		allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:]):
		// 2024/05/01, most dates of most files: what the case of
		// separators below finds, without looking for them.
		ys, ms, ds = s[:4], s[5:7], s[8:]
	case strings.Contains(s, "年"):
		y, rest, ok1 := strings.Cut(s, "年")
		m, rest, ok2 := strings.Cut(rest, "月")
		d := strings.TrimSuffix(strings.TrimSpace(rest), "日")
		if !ok1 || !ok2 {
			return date{}, dateBad
		}
		ys, ms, ds = strings.TrimSpace(y), strings.TrimSpace(m), strings.TrimSpace(d)
	case strings.ContainsAny(s, "/-."):
		parts, n := dateFields(s)
		if n == 2 && !roc && result == dateOK && allDigits(parts[0]) && allDigits(parts[1]) && len(parts[0]) <= 6 &&
			strings.Count(s, ".") == 1 && !strings.ContainsAny(s, "/-") {
			return serialDate(parts[0])
		}
		if n != 3 || strings.Count(s, "/")+strings.Count(s, "-")+strings.Count(s, ".") != 2 {
			return date{}, dateBad
		}
		ys, ms, ds = parts[0], parts[1], parts[2]
	case allDigits(s) && len(s) == 8 && !roc:
		ys, ms, ds = s[:4], s[4:6], s[6:]
	case allDigits(s) && len(s) == 7:
		ys, ms, ds, roc = s[:3], s[3:5], s[5:], true
	case allDigits(s) && len(s) >= 1 && len(s) <= 6 && !roc && result == dateOK:
		return serialDate(s)
	default:
		return date{}, dateBad
	}
	if !allDigits(ys) || !allDigits(ms) || !allDigits(ds) || ys == "" || ms == "" || ds == "" ||
		len(ys) > 4 || len(ms) > 2 || len(ds) > 2 {
		return date{}, dateBad
	}
	if len(ys) <= 3 {
		roc = true
	} else if roc {
		return date{}, dateBad // 民國 with a 4-digit year
	}
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if roc {
		if y < 1 {
			return date{}, dateImpossible
		}
		y += 1911
	}
	dt := date{y, m, d}
	if !dt.valid() {
		return date{}, dateImpossible
	}
	return dt, result
}

// dateFields splits s at '/', '-' and '.' like strings.FieldsFunc (empty
// fields dropped), into a small array: a date has at most 3 fields, and
// a longer result only has to be told apart from 2 or 3.
// n is how many fields there are; only the first 4 are kept.
func dateFields(s string) (parts [4]string, n int) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '/' && s[i] != '-' && s[i] != '.' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if n < len(parts) {
				parts[n] = s[start:i]
			}
			n++
			start = -1
		}
	}
	return parts, n
}

// parseTime reads HH:MM or HH:MM:SS (seconds may have a fraction) and
// reports whether it is midnight.
func parseTime(s string) (zero, ok bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false, false
	}
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		if !allDigits(frac) {
			return false, false
		}
		parts[2] = sec
		if strings.Trim(frac, "0") != "" {
			parts = append(parts, "1")
		}
	}
	zero = true
	for _, p := range parts {
		if p == "" || len(p) > 2 || !allDigits(p) {
			return false, false
		}
		if strings.Trim(p, "0") != "" {
			zero = false
		}
	}
	h, _ := strconv.Atoi(parts[0])
	mi, _ := strconv.Atoi(parts[1])
	if h > 23 || mi > 59 {
		return false, false
	}
	return zero, true
}

// serialDate converts the whole part of an Excel serial number.
func serialDate(s string) (date, dateResult) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxSerial {
		return date{}, dateBad
	}
	if n == 60 {
		return date{}, dateImpossible // 1900-02-29 does not exist
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if n < 60 {
		base = base.AddDate(0, 0, 1)
	}
	t := base.AddDate(0, 0, n)
	return date{t.Year(), int(t.Month()), t.Day()}, dateSerial
}

// knownFormat reports whether format is a date output format.
func knownFormat(format string) bool {
	return slices.Contains(mapping.DateFormatNames(), format)
}

// currencyPrefixes and currencySuffixes are the marks people type around
// an amount: NT$5,000, $1,200, NTD 300, 5,000元.
var (
	currencyPrefixes = []string{"NT$", "NTD", "TWD", "NT", "$"}
	currencySuffixes = []string{"元整", "元", "圓"}
)

// stripCurrency removes a currency mark before or after an amount ("NT$
// 5,000", "-$1,200", "5,000元"), keeping the sign; other text is returned
// unchanged.
func stripCurrency(s string) string {
	sign, t := "", s
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		sign, t = t[:1], t[1:]
	}
	found := false
	for _, p := range currencyPrefixes {
		if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
			t, found = strings.TrimSpace(t[len(p):]), true
			break
		}
	}
	for _, suf := range currencySuffixes {
		if cut, ok := strings.CutSuffix(t, suf); ok {
			t, found = strings.TrimSpace(cut), true
			break
		}
	}
	if !found || t == "" || t[0] == '-' || t[0] == '+' {
		return s
	}
	return sign + t
}

// amountMultipliers are the units people write after an amount: 5萬
// (50,000), 1.5萬, 3千, 10k, 2億; each is a power of ten.
var amountMultipliers = []struct {
	suffix string
	zeros  int
}{{"萬", 4}, {"万", 4}, {"千", 3}, {"仟", 3}, {"k", 3}, {"K", 3}, {"億", 8}, {"亿", 8}}

// amountWords reads an amount as people type it where a number is
// expected: "-" (an accountant's zero) is 0; a number followed by 萬, 千,
// 億 or k ("5萬", "1.5萬", "10k", "NT$3萬元") is that many units. It returns
// the amount as exact decimal text; ok is false for anything else,
// including a plain number (which needs no reading).
func amountWords(s string) (string, bool) {
	if s == "-" || s == "—" {
		return "0", true
	}
	t := stripCurrency(s)
	for _, suf := range currencySuffixes {
		t = strings.TrimSuffix(t, suf) // 3萬元
	}
	for _, m := range amountMultipliers {
		num, found := strings.CutSuffix(t, m.suffix)
		if !found {
			continue
		}
		num = stripCurrency(strings.TrimSpace(num))
		neg, intPart, frac, _, ok := splitNumber(num)
		if !ok || len(intPart)+len(frac) > maxDecimalDigits {
			return "", false
		}
		// Shift the point m.zeros places right.
		for len(frac) < m.zeros {
			frac += "0"
		}
		digits := intPart + frac[:m.zeros]
		out, _, ok := canonicalDecimal(digits + "." + frac[m.zeros:])
		if !ok {
			return "", false
		}
		out = strings.TrimSuffix(out, ".")
		if strings.Contains(out, ".") {
			out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
		}
		if neg && out != "0" {
			out = "-" + out
		}
		return out, true
	}
	return "", false
}

// dayWords reads the words people type for a day of the month: "25日",
// "25號", "每月25日", "每月 25 號" give "25"; "月底", "月末", "每月月底"
// and "每月底" are the month end. Other text is returned unchanged.
func dayWords(s string) (day string, monthEnd bool) {
	t := strings.TrimSpace(strings.TrimPrefix(s, "每月"))
	switch t {
	case "月底", "月末", "底", "最後一天", "月最後一天":
		return "", true
	}
	for _, suf := range []string{"日", "號", "号"} {
		if cut, ok := strings.CutSuffix(t, suf); ok {
			return strings.TrimSpace(cut), false
		}
	}
	if t != s {
		return t, false
	}
	return s, false
}

// narrow turns full-width letters, digits and signs into their ASCII
// forms; ASCII text, the common case, is returned as it is, without
// allocating.
func narrow(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return width.Narrow.String(s)
		}
	}
	return s
}

// indexSpaceOrT is strings.IndexAny(s, " T") without building its set
// of bytes each call.
func indexSpaceOrT(s string) int {
	i, j := strings.IndexByte(s, ' '), strings.IndexByte(s, 'T')
	if i < 0 || (j >= 0 && j < i) {
		return j
	}
	return i
}
