package validate

import (
	"strconv"
	"strings"

	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/mapping"
)

// Suggestion is the field an unmapped column's data looks like: a column
// of phone numbers, 統編s, e-mail addresses or dates whose header names
// nothing. It is only a suggestion: the column is not imported until the
// user maps it (a mapping file, or the page's dropdown, which pre-selects
// it).
type Suggestion struct {
	Column  int    // 0-based input column
	Header  string // the column's header text
	Field   string // the field code it looks like
	Example string // one of its values
}

// valueKind is what a value looks like.
type valueKind int

const (
	kindOther valueKind = iota
	kindMobile
	kindPhone
	kindBizID
	kindEmail
	kindDate
)

// kindFields are the fields a kind of column may feed, the first free one
// suggested.
var kindFields = map[valueKind][]string{
	kindMobile: {"CPHONE", "CTELE", "CTEL2"},
	kindPhone:  {"CTELE", "CTEL2"},
	kindBizID:  {mapping.CTCOD},
	kindEmail:  {mapping.EMAIL},
	kindDate:   {mapping.CBIRD},
}

// phoneDigits returns the digits of a phone number as typed (02-2345-6789,
// (02)2345 6789, 0912-345-678, +886 912 345 678), "" for anything else. An
// extension (#123, 分機 123, ext. 123) is left out.
func phoneDigits(s string) string {
	for _, ext := range []string{"#", "分機", "轉", "ext", "EXT", "Ext", "x"} {
		if i := strings.Index(s, ext); i > 0 {
			s = s[:i]
		}
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == '-', r == ' ', r == '(', r == ')', r == '.':
		default:
			return ""
		}
	}
	d := b.String()
	if strings.HasPrefix(s, "+886") {
		d = "0" + strings.TrimPrefix(d, "886")
	}
	return d
}

// kindOf tells what a cell's value looks like.
func kindOf(text string) valueKind {
	s := trim(narrow(text))
	switch {
	case s == "":
		return kindOther
	case strings.Contains(s, "@"):
		if emailValid(s) {
			return kindEmail
		}
		return kindOther
	case len(s) == 8 && allDigits(s) && bizIDValid(s):
		return kindBizID
	}
	if d := phoneDigits(s); d != "" {
		switch {
		case len(d) == 10 && strings.HasPrefix(d, "09"), len(d) == 9 && d[0] == '9' && allDigits(s):
			return kindMobile
		case (len(d) == 9 || len(d) == 10) && d[0] == '0' && d[1] != '0':
			return kindPhone
		}
	}
	if strings.ContainsAny(s, "/-.年") {
		if _, res := parseDate(s); res == dateOK || res == dateWithTime {
			return kindDate
		}
	}
	return kindOther
}

// columnKind is the kind most of a column's values are (at least four
// in five), or kindOther. Mobiles among phones make a column of phones;
// a column of mobiles only is a column of mobiles.
func columnKind(values []string) (valueKind, string) {
	counts := map[valueKind]int{}
	n := 0
	example := map[valueKind]string{}
	for _, v := range values {
		if trim(v) == "" {
			continue
		}
		n++
		k := kindOf(v)
		counts[k]++
		if example[k] == "" {
			example[k] = trim(v)
		}
	}
	if n == 0 {
		return kindOther, ""
	}
	enough := func(c int) bool { return c*5 >= n*4 }
	switch {
	case enough(counts[kindMobile]):
		return kindMobile, example[kindMobile]
	case enough(counts[kindMobile] + counts[kindPhone]):
		if example[kindPhone] == "" {
			return kindPhone, example[kindMobile]
		}
		return kindPhone, example[kindPhone]
	}
	for _, k := range []valueKind{kindBizID, kindEmail, kindDate} {
		if enough(counts[k]) {
			return k, example[k]
		}
	}
	return kindOther, ""
}

// Suggest looks at the data rows under header h (a sample of them: the
// first rows below the header) and returns, for each column that maps to
// nothing (not ignored, not a results column), the field its data looks
// like, when a field of that kind is still free.
func Suggest(h mapping.Header, rows [][]string) []Suggestion {
	taken := map[string]bool{}
	for _, c := range h.Fields() {
		taken[c.Field.Code] = true
	}
	var out []Suggestion
	for _, c := range h.Columns {
		if c.Field != nil || c.Ignored || c.Result != "" || strings.TrimSpace(c.Header) == "" {
			continue // a column without a header is warned about on its own
		}
		values := make([]string, 0, len(rows))
		for _, r := range rows {
			if c.Index < len(r) {
				values = append(values, r[c.Index])
			}
		}
		kind, example := columnKind(values)
		for _, code := range kindFields[kind] {
			if !taken[code] {
				taken[code] = true
				out = append(out, Suggestion{Column: c.Index, Header: c.Header, Field: code, Example: example})
				break
			}
		}
	}
	return out
}

// HintChooseColumn is what else than a mapping file maps a column: the
// page's field chooser, the command line's --mapping (msg.Hint; the
// catalog's neutral words name neither).
const HintChooseColumn msg.Hint = "validate.choose_column"

var _ = msg.Register("hint.validate", msg.Table{
	"choose_column": {"或在匯入時選擇它對應的欄位", "or choose its field when you import"},
})

// SuggestMessage is the warning about a suggestion, in lang; its code is
// "column_looks_like".
func SuggestMessage(s Suggestion, lang string) string { return SuggestText(s, msg.In(lang)) }

// SuggestText is SuggestMessage rendered by a front end's Printer (its
// words for HintChooseColumn).
func SuggestText(s Suggestion, p msg.Printer) string {
	lang := normLang(p.Lang)
	f, ok := mapping.Lookup(s.Field)
	name := s.Field
	if ok {
		name = f.Name(lang)
	}
	header := strings.TrimSpace(s.Header)
	return p.Format(messages[msgColumnLooksLike], mapping.ColumnName(s.Column), shorten(header), name, shorten(s.Example), yamlString(header), s.Field, HintChooseColumn)
}

// yamlString is a header as a mapping file writes it: in double quotes,
// as typed; escaped only where YAML needs it (a quote, a backslash, a
// control character).
func yamlString(s string) string {
	if strings.ContainsAny(s, "\"\\") || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return `"` + s + `"`
}
