package results

import (
	"encoding/xml"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The results sheet's rows are written as XML by the writer itself, byte
// for byte as excelize's StreamWriter.SetRow writes them (which costs
// several allocations per cell: a cell name, an escaped copy of the text, a
// regular expression pass), and spliced into the sheet by postprocess.
// TestRowXMLMatchesExcelize and FuzzRowXML compare the two.

// cellKind is what an xcell holds.
type cellKind uint8

const (
	cellNone   cellKind = iota // no cell at all (nil in excelize's SetRow)
	cellEmpty                  // a cell with a style and no value
	cellText                   // an inline string
	cellNumber                 // a number
)

// xcell is one cell of a results row.
type xcell struct {
	kind  cellKind
	style int
	text  string
	num   float64
}

// rowXML appends rows to the sheet XML; it caches the column names.
type rowXML struct {
	cols []string // cols[i] is the name of column i+1
}

// colName returns the letters of the 1-based column col.
func (x *rowXML) colName(col int) string {
	for len(x.cols) < col {
		name, _ := excelize.ColumnNumberToName(len(x.cols) + 1)
		x.cols = append(x.cols, name)
	}
	return x.cols[col-1]
}

// appendRow appends row number row holding cells. It fails, as SetRow
// does, on a cell beyond Excel's last column.
func (x *rowXML) appendRow(b []byte, row int, cells []xcell) ([]byte, error) {
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, `">`...)
	for i, c := range cells {
		if c.kind == cellNone {
			continue
		}
		if i+1 > excelize.MaxColumns {
			_, err := excelize.CoordinatesToCellName(i+1, row)
			return append(b, `</row>`...), err
		}
		b = x.appendCell(b, i+1, row, c)
	}
	return append(b, `</row>`...), nil
}

// appendCell appends one cell as excelize's writeCell does.
func (x *rowXML) appendCell(b []byte, col, row int, c xcell) []byte {
	b = append(b, `<c r="`...)
	b = append(b, x.colName(col)...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, '"')
	if c.style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(c.style), 10)
		b = append(b, '"')
	}
	switch c.kind {
	case cellNumber:
		if math.IsNaN(c.num) || math.IsInf(c.num, 0) {
			return appendInlineStr(b, strconv.FormatFloat(c.num, 'g', -1, 64))
		}
		b = append(b, `><v>`...)
		b = appendCellFloat(b, c.num)
		return append(b, `</v></c>`...)
	case cellText:
		return appendInlineStr(b, c.text)
	}
	return append(b, `></c>`...)
}

// appendInlineStr appends the rest of an inline string cell after its
// style.
func appendInlineStr(b []byte, s string) []byte {
	b = append(b, ` t="inlineStr"><is><t`...)
	text, preserve := s, false
	if !plainCellText(s) {
		text, preserve = trimCellValue(s)
	}
	if preserve {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = append(b, text...)
	return append(b, `</t></is></c>`...)
}

// plainCellText reports whether excelize writes s as it is: short enough,
// nothing to escape, no _xHHHH_ look-alike, no space to preserve.
func plainCellText(s string) bool {
	if s == "" || len(s) > excelize.TotalCellChars {
		return s == ""
	}
	switch s[0] {
	case ' ', '\t', '\n', '\r':
		return false
	}
	switch s[len(s)-1] {
	case ' ', '\t', '\n', '\r':
		return false
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20, c == '"', c == '\'', c == '&', c == '<', c == '>':
			return false
		case c == '_' && i+1 < len(s) && s[i+1] == 'x':
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if ascii {
		return true
	}
	return utf8.ValidString(s) && !strings.Contains(s, "\uFFFE") && !strings.Contains(s, "\uFFFF")
}

// appendCellFloat appends formatCellFloat(v) (digits, '-' and '.': nothing
// to escape).
func appendCellFloat(b []byte, v float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	significant := 0
	for _, c := range b[start:] {
		if c >= '1' && c <= '9' || c == '0' && significant > 0 {
			significant++
		}
	}
	if significant <= 15 {
		return b
	}
	return append(b[:start], formatCellFloat(v)...)
}

// trimCellValue is excelize's trimCellValue(value, true): the text of an
// inline string cell, cut to Excel's limit, XML-escaped (line feeds kept)
// and with _xHHHH_ look-alikes escaped; preserve is set when it starts or
// ends with white space.
func trimCellValue(value string) (text string, preserve bool) {
	if countUTF16(value) > excelize.TotalCellChars {
		value = truncateUTF16(value, excelize.TotalCellChars)
	}
	if value != "" {
		prefix, suffix := value[0], value[len(value)-1]
		for _, c := range []byte{9, 10, 13, 32} {
			if prefix == c || suffix == c {
				preserve = true
				break
			}
		}
		var sb strings.Builder
		_ = xml.EscapeText(&sb, []byte(value))
		value = strings.ReplaceAll(sb.String(), "&#xA;", "\n")
	}
	return bstrMarshal(value), preserve
}

func countUTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's bstrMarshal (v2.11.1, BSD-3-Clause), kept as
// it is, quirks included: it escapes the _xHHHH_ sequences of a text.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// formatCellFloat is excelize's formatCellFloat(value, -1, 64): the
// shortest text of value, cut to Excel's 15 significant digits.
func formatCellFloat(value float64) string {
	str := strconv.FormatFloat(value, 'f', -1, 64)
	if math.Abs(value) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}
