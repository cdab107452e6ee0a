package source

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// formatKind says how a numeric cell is shown.
type formatKind uint8

const (
	kindGeneral  formatKind = iota // plain number
	kindDate                       // YYYY/MM/DD
	kindDateTime                   // YYYY/MM/DD HH:MM:SS
	kindTime                       // HH:MM:SS
	kindZeroPad                    // integer padded with zeros to width
)

// numFormat is what this package needs to know of a number format.
type numFormat struct {
	kind  formatKind
	width int // kindZeroPad
}

// builtinFormat classifies Excel's built-in number formats by id, including
// the zh-TW locale's date formats (27-36, 50-58).
func builtinFormat(id int) numFormat {
	switch id {
	case 14, 15, 16, 17, 27, 28, 29, 30, 31, 36, 50, 51, 54, 57, 58:
		return numFormat{kind: kindDate}
	case 22:
		return numFormat{kind: kindDateTime}
	case 18, 19, 20, 21, 32, 33, 34, 35, 45, 46, 47, 52, 53, 55, 56:
		return numFormat{kind: kindTime}
	}
	return numFormat{}
}

// classifyFormat classifies a custom number format code: date, date and
// time, time, zero padding, or anything else (shown as a plain number). Only
// the first section (positive numbers) is considered.
//
// Only real date and time tokens make a date: y, d, m (a month unless it
// sits in a time), h, s, the elapsed-time sections [h], [m] and [s],
// AM/PM, A/P and 上午/下午, and the era and calendar tokens e, g, b and aaa
// (weekday) when no digit placeholder shows the value is a number. Quoted
// text ("元"), escaped and spacing characters (\x, _x, *x), other [...]
// sections (colours, conditions, locale tags such as [$-404]), the
// scientific exponent (E+, E-) and the General token in any locale
// ("General", "G/通用格式") are not tokens, so a code such as
// G/通用格式"元" or 0"天" is a number format.
func classifyFormat(code string) numFormat {
	var f formatScan
	lower := strings.ToLower(code)
	for i := 0; i < len(lower); {
		if next, ok := f.token(lower, i); ok {
			i = next
			continue
		}
		f.letter(lower[i])
		i++
	}
	return f.result()
}

// formatScan is what classifyFormat has seen of a number format so far.
type formatScan struct {
	hasDate, hasTime, hasWeakDate, hasMonthOrMinute, hasDigit bool
	zeros, other                                              int
}

// token reads the token of several bytes at lower[i:] (a quoted or
// escaped literal, [..], General, AM/PM, an exponent, a non-ASCII
// literal, the end of the first section) and returns the index after it;
// ok is false at a single format letter.
func (f *formatScan) token(lower string, i int) (next int, ok bool) {
	c, rest := lower[i], lower[i:]
	// skipRune returns the index just past the rune starting at j.
	skipRune := func(j int) int {
		if j >= len(lower) {
			return j
		}
		_, n := utf8.DecodeRuneInString(lower[j:])
		return j + n
	}
	switch {
	case c == ';':
		return len(lower), true // first section only
	case c == '"':
		j := strings.IndexByte(lower[i+1:], '"')
		if j < 0 {
			return len(lower), true
		}
		f.other++
		return i + j + 2, true
	case c == '\\' || c == '_' || c == '*':
		// Escaped literal, or a spacing/fill character.
		f.other++
		return skipRune(i + 1), true
	case c == '[':
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return len(lower), true
		}
		if isElapsedToken(rest[1:j]) {
			f.hasTime = true // elapsed time [h]:mm, [mm]:ss
		}
		return i + j + 1, true
	case strings.HasPrefix(rest, "general"):
		f.other++
		return i + len("general"), true
	case strings.HasPrefix(rest, "g/") && len(rest) > 2 && rest[2] >= utf8.RuneSelf:
		// The General token of a localised Excel or WPS:
		// G/通用格式 (Chinese), G/標準 (Japanese), ...
		i += 2
		for i < len(lower) && lower[i] >= utf8.RuneSelf {
			i = skipRune(i)
		}
		f.other++
		return i, true
	}
	for _, t := range []string{"am/pm", "a/p", "上午/下午"} {
		if strings.HasPrefix(rest, t) {
			f.hasTime = true
			return i + len(t), true
		}
	}
	switch {
	case strings.HasPrefix(rest, "aaa"):
		f.hasWeakDate = true // weekday (星期三)
		return i + len("aaa"), true
	case strings.HasPrefix(rest, "e+") || strings.HasPrefix(rest, "e-"):
		f.other++ // scientific notation 0.00E+00
		return i + 2, true
	case c >= utf8.RuneSelf:
		f.other++ // unquoted literal such as 年
		return skipRune(i), true
	}
	return i, false
}

// letter takes one format letter.
func (f *formatScan) letter(c byte) {
	switch c {
	case 'y', 'd':
		f.hasDate = true
	case 'e', 'g', 'b':
		f.hasWeakDate = true // era or Buddhist year: e"年", ggge, bbbb
	case 'h', 's':
		f.hasTime = true
	case 'm':
		f.hasMonthOrMinute = true
	case '0':
		f.zeros++
		f.hasDigit = true
	case '#', '?':
		f.hasDigit = true
		f.other++
	default:
		f.other++
	}
}

// result is the kind of format seen.
func (f *formatScan) result() numFormat {
	hasDate := f.hasDate
	if f.hasWeakDate && !f.hasDigit {
		hasDate = true
	}
	if f.hasMonthOrMinute && !f.hasTime && !f.hasDigit {
		hasDate = true // m, mmm: month
	}
	switch {
	case hasDate && f.hasTime:
		return numFormat{kind: kindDateTime}
	case hasDate:
		return numFormat{kind: kindDate}
	case f.hasTime:
		return numFormat{kind: kindTime}
	case f.zeros >= 2 && f.other == 0:
		return numFormat{kind: kindZeroPad, width: f.zeros}
	}
	return numFormat{}
}

// isElapsedToken reports whether the text inside [...] of a number format is
// an elapsed-time token: [h], [hh], [m], [mm], [s], [ss].
func isElapsedToken(inner string) bool {
	if inner == "" {
		return false
	}
	for i := 1; i < len(inner); i++ {
		if inner[i] != inner[0] {
			return false
		}
	}
	return inner[0] == 'h' || inner[0] == 'm' || inner[0] == 's'
}

// formatGeneral formats a number as Excel's General format would show it in
// a wide column: at most 15 significant digits, no exponent for ordinary
// magnitudes, no trailing zeros.
func formatGeneral(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if r == 0 {
		return "0"
	}
	if a := math.Abs(r); a >= 1e15 || a < 1e-15 {
		// More than 15 digits cannot be shown, so Excel's General format
		// switches to scientific notation, as the user sees it (and the
		// validator flags it as damage in code and phone columns).
		mant, exp, _ := strings.Cut(strconv.FormatFloat(r, 'E', 5, 64), "E")
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		return mant + "E" + exp
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// maxSerial is the serial number of 9999-12-31, Excel's last date.
const maxSerial = 2958465

// formatSerial converts an Excel date serial to text by pure arithmetic (no
// time zone): 1900 date system with its fictitious 1900-02-29 (serial 60),
// or the 1904 system. ok is false for serials Excel cannot show as a date.
func formatSerial(v float64, date1904 bool, kind formatKind) (string, bool) {
	if math.IsNaN(v) || v < 0 || v >= maxSerial+1 {
		return "", false
	}
	var days, secs int64
	if kind == kindDate {
		days = int64(math.Floor(v))
	} else {
		total := int64(math.Round(v * 86400))
		days, secs = total/86400, total%86400
	}
	var buf [24]byte
	b := buf[:0]
	if kind != kindTime {
		y, m, d := serialToDate(days, date1904)
		b = appendPadded(b, int64(y), 4)
		b = append(b, '/')
		b = appendPadded(b, int64(m), 2)
		b = append(b, '/')
		b = appendPadded(b, int64(d), 2)
		if kind == kindDate || secs == 0 {
			// A date-time at midnight is a date typed in a cell
			// formatted with a time (yyyy/m/d h:mm): shown as the date.
			return string(b), true
		}
		b = append(b, ' ')
	}
	b = appendPadded(b, secs/3600, 2)
	b = append(b, ':')
	b = appendPadded(b, secs/60%60, 2)
	b = append(b, ':')
	b = appendPadded(b, secs%60, 2)
	return string(b), true
}

// appendPadded appends n as fmt's %0*d does with the given width.
func appendPadded(b []byte, n int64, width int) []byte {
	if n < 0 {
		return fmt.Appendf(b, "%0*d", width, n)
	}
	digits := 1
	for m := n; m >= 10; m /= 10 {
		digits++
	}
	for ; digits < width; digits++ {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, n, 10)
}

// serialToDate returns the calendar date of a whole serial day number.
func serialToDate(days int64, date1904 bool) (y, m, d int) {
	if date1904 {
		return civilFromDays(daysFromCivil(1904, 1, 1) + days)
	}
	switch {
	case days == 0:
		return 1900, 1, 0 // Excel shows 1900/1/0
	case days == 60:
		return 1900, 2, 29 // Lotus 1-2-3's leap-year bug, kept by Excel
	case days < 60:
		return civilFromDays(daysFromCivil(1899, 12, 31) + days)
	}
	return civilFromDays(daysFromCivil(1899, 12, 30) + days)
}

// daysFromCivil returns the number of days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

// parseISODate parses the ISO 8601 value of a t="d" cell:
// YYYY-MM-DD, optionally followed by THH:MM[:SS[.fff]] and a zone suffix,
// which is ignored (the wall-clock time is what the user typed).
func parseISODate(s string) (y, mo, d, h, mi, sec int, ok bool) {
	num := func(t string) (int, bool) {
		n, err := strconv.Atoi(t)
		return n, err == nil
	}
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return
	}
	var ok1, ok2, ok3 bool
	y, ok1 = num(s[0:4])
	mo, ok2 = num(s[5:7])
	d, ok3 = num(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return
	}
	rest := s[10:]
	if rest == "" {
		return y, mo, d, 0, 0, 0, true
	}
	if rest[0] != 'T' && rest[0] != ' ' || len(rest) < 6 || rest[3] != ':' {
		return
	}
	h, ok1 = num(rest[1:3])
	mi, ok2 = num(rest[4:6])
	if !ok1 || !ok2 || h > 23 || mi > 59 {
		return
	}
	if len(rest) >= 9 && rest[6] == ':' {
		if sec, ok1 = num(rest[7:9]); !ok1 || sec > 59 {
			return
		}
	}
	return y, mo, d, h, mi, sec, true
}
