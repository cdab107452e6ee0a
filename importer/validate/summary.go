package validate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/custimport/custimport/mapping"
)

// Totals, subtotal and signature rows: office lists end with a 合計 row
// (sums in the number columns), a 共 11 筆 line, or 製表人/審核/核准
// signatures. They are not customers.

var (
	// totalWords start a totals label: "合計", "小計:", "Total 11".
	totalWords = []string{"總合計", "本頁合計", "本頁小計", "合計", "小計", "總計", "總和", "共計", "累計", "總數", "總額", "加總",
		"grandtotal", "subtotal", "total", "sum", "以下空白", "以下空白"}
	// totalRest is what may follow a totals word: a colon, a count or a sum.
	totalRest = regexp.MustCompile(`^[:=]?共?[-+0-9,.$元筆家位戶個件人名]*$`)
	// countLine is a count line such as "共 11 筆" or "共11家客戶".
	countLine = regexp.MustCompile(`^共[0-9,]+(筆|家|位|戶|個|件|人|名)(資料|客戶)?$`)
	// signWords start a signature label; a colon and a name or date may
	// follow ("製表人:王小明", "經理:"), or nothing: a sign-off row
	// written as separate cells (經理 | 副理 | 會計).
	signWords = []string{"製表日期", "製表人", "製表", "製單", "核准", "審核", "覆核", "經辦", "承辦", "主管", "簽核", "簽名",
		"總經理", "經理", "副理", "會計", "出納",
		"preparedby", "approvedby", "checkedby", "reviewedby"}
)

// labelKind says what a cell's text is.
type labelKind int

const (
	notLabel labelKind = iota
	totalLabel
	signLabel
)

// foldLabel narrows, lower-cases and removes the spaces of a cell's text
// ("合 計" is written to align).
func foldLabel(s string) string {
	s = strings.ToLower(narrow(s))
	s = strings.ReplaceAll(s, "：", ":")
	return strings.Join(strings.Fields(s), "")
}

// labelWords are the words a folded label starts with (共: countLine),
// and labelsByFirst the same by their first character (a lower-case
// ASCII letter or a narrowed rune), for mayBeLabel.
var (
	labelWords    = append(append([]string{"共"}, totalWords...), signWords...)
	labelsByFirst = func() map[rune][]string {
		m := map[rune][]string{}
		for _, w := range labelWords {
			r, _ := utf8.DecodeRuneInString(w)
			m[r] = append(m[r], w)
		}
		return m
	}()
	// asciiLabels is labelsByFirst for ASCII: the first character of
	// most cells (codes, numbers, phones) is looked up without hashing.
	asciiLabels = func() (a [utf8.RuneSelf][]string) {
		for r, words := range labelsByFirst {
			if r < utf8.RuneSelf {
				a[r] = words
			}
		}
		return a
	}()
)

// mayBeLabel reports whether text, folded, could start like a label: its
// first three characters, folded, start a label word or a word starts
// them. A cheap test before foldLabel, which most cells fail: the words
// that start with the first character are few, and an ASCII one is found
// in an array (the code "C0000001" is told from "checkedby" at its second
// character, with no map lookup).
func mayBeLabel(text string) bool {
	var buf [16]byte
	b, n := buf[:0], 0
	var words []string
	for _, r := range text {
		if unicode.IsSpace(r) {
			continue
		}
		if r >= utf8.RuneSelf {
			if w := width.LookupRune(r).Narrow(); w != 0 {
				r = w
			}
		}
		r = unicode.ToLower(r)
		b = utf8.AppendRune(b, r)
		if n == 0 {
			if r < utf8.RuneSelf {
				words = asciiLabels[r]
			} else {
				words = labelsByFirst[r]
			}
		}
		prefix := false
		for _, w := range words {
			if len(w) >= len(b) && w[:len(b)] == string(b) {
				if len(w) == len(b) {
					return true // a whole word starts the text
				}
				prefix = true
			}
		}
		if !prefix {
			return false // no word starts so: most cells, at once
		}
		if n++; n == 3 {
			break
		}
	}
	return n > 0
}

// summaryLabel tells whether a cell is a totals or signature label. A
// name that merely starts with such a word ("合計企業社", "審核顧問社")
// is not.
func summaryLabel(text string) labelKind {
	if !mayBeLabel(text) {
		return notLabel
	}
	return labelOf(text)
}

// labelOf is summaryLabel without its cheap first test.
func labelOf(text string) labelKind {
	s := foldLabel(text)
	for _, w := range signWords {
		if rest, ok := strings.CutPrefix(s, w); ok && (rest == "" || rest[0] == ':') {
			return signLabel
		}
	}
	for _, w := range totalWords {
		if rest, ok := strings.CutPrefix(s, w); ok && totalRest.MatchString(rest) {
			return totalLabel
		}
	}
	if countLine.MatchString(s) {
		return totalLabel
	}
	return notLabel
}

// numberish reports whether a cell holds a sum, a count or a date, as a
// totals or signature row may.
func numberish(text string) bool {
	s := trim(narrow(text))
	s = strings.TrimSuffix(s, "%")
	if _, _, ok := canonicalDecimal(stripCurrency(s)); ok {
		return true
	}
	if countLine.MatchString(foldLabel(s)) || totalRest.MatchString(foldLabel(s)) {
		return true
	}
	_, res := parseDate(s)
	return res == dateOK || res == dateWithTime
}

// identifying reports whether a column identifies a customer whatever it
// holds: the record's key, a 統一編號 or an ID number.
func identifying(f *mapping.Field) bool {
	return f != nil && (f.Code == mapping.Customers.Key() || f.Check == mapping.CheckBizID || f.Check == mapping.CheckNationalID)
}

// SummaryRow reports whether a row of cells under header h is a totals,
// subtotal or signature row rather than a customer: it has a label such
// as 合計, 小計, 總計, 共 N 筆, Total, 製表人, 審核 or 核准, and besides
// labels only sums, counts, dates, and the names written after a
// signature label; nothing that identifies a customer (no code, 統編 or
// ID number, no name or other text). reason is the first label's text,
// for the message (see SummaryMessage). Results columns of a fed-back
// file are not looked at.
func SummaryRow(h mapping.Header, cells []string) (reason string, ok bool) {
	afterSign := false
	for i, text := range cells {
		if trim(text) == "" {
			continue
		}
		var col mapping.Column
		if i < len(h.Columns) {
			col = h.Columns[i]
		}
		if col.Result != "" || col.Ignored {
			continue
		}
		kind := summaryLabel(text)
		switch {
		case kind != notLabel:
			if reason == "" {
				reason = trim(text)
			}
		case afterSign: // the name after 製表人 or 審核, in whichever column
		case identifying(col.Field):
			return "", false
		case numberish(text):
		default:
			return "", false
		}
		afterSign = kind == signLabel
	}
	return reason, reason != ""
}

// amountField reports whether a field holds an amount a sum row adds up:
// a Decimal, or an Int that is not a choice (運費, 紅利).
func amountField(f *mapping.Field) bool {
	return f != nil && (f.Kind == mapping.Decimal || (f.Kind == mapping.Int && f.Choices == nil))
}

// rowNumberHeader matches the folded header of a row-number column (序號,
// 項次, No.): a number there is a row's, not a sum.
var rowNumberHeader = regexp.MustCompile(`^(序號|序|項次|項|流水號|no\.?|#|nr|row)$`)

// sumNumber reports whether a cell holds a number as a sum row shows it:
// digits with commas, a currency mark or a %, or an accountant's "-".
func sumNumber(text string) bool {
	s := trim(narrow(text))
	if s == "-" {
		return true
	}
	s = strings.TrimSuffix(s, "%")
	_, _, ok := canonicalDecimal(stripCurrency(s))
	return ok
}

// SumRow reports whether a row with no label is a sum row: it holds
// numbers only, at least one under an amount column (信用額度, 紅利點數,
// 運費), the others under amount columns or columns that feed no field
// (a row number's excepted), and nothing else — so no code, no name and
// no 統編. cols names the amount columns that hold a number, for the
// message (see SumMessage). Results columns of a fed-back file and
// ignored columns are not looked at.
func SumRow(h mapping.Header, cells []string) (cols []string, ok bool) {
	for i, text := range cells {
		if trim(text) == "" {
			continue
		}
		var col mapping.Column
		if i < len(h.Columns) {
			col = h.Columns[i]
		}
		switch {
		case col.Result != "" || col.Ignored:
			continue
		case col.Field != nil && !amountField(col.Field): // a code, a name, a phone: most rows, at once
			return nil, false
		case !sumNumber(text):
			return nil, false
		case col.Field != nil:
			cols = append(cols, mapping.ColumnName(i)+" "+trim(col.Header))
		case rowNumberHeader.MatchString(foldLabel(col.Header)):
			return nil, false
		}
	}
	return cols, len(cols) > 0
}

// SumMessage is the message of a row SumRow recognised, in lang; its
// code is "sum_row" with the columns as argument.
func SumMessage(cols []string, lang string) string {
	sep := "、"
	if normLang(lang) == "en" {
		sep = ", "
	}
	msg, _ := Render(msgSumRow, lang, mapping.Field{}, []string{strings.Join(cols, sep)})
	return msg
}

// SummaryMessage is the message of a row SummaryRow recognised, in lang
// ("zh" or "en"); its code is "summary_row" with the label as argument.
func SummaryMessage(reason, lang string) string {
	msg, _ := Render(msgSummaryRow, lang, mapping.Field{}, []string{reason})
	return msg
}
