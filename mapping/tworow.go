package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Two-row headers: a parent heading merged over the sub-headings of its
// columns, the way offices group columns:
//
//	客戶代號 | 電話        |      | 地址        |      |      | 聯絡人
//	         | 公司        | 手機 | 公司        | 發票 | 送貨 | 姓名 | 電話
//
// Merged cells leave the parent's text in its first column and blanks
// after it, so a column's parent is the nearest heading to its left in
// the top row. Each column under a parent is read as parent and
// sub-heading together: 電話/公司 is 公司電話 (CTELE), 地址/發票 is
// 發票地址 (CADD2), 聯絡人/姓名 is 聯絡人姓名 (CMAN1), 電話/手機 is 手機
// (CPHONE); 地址/送貨 names no field and is an unknown column, warned
// about like any other.

// twoRow reads top and sub as one two-row header when sub is a row of
// sub-headings: at least one of its cells sits under a blank top cell
// (the rest of a merged parent), at least one column it heads names a
// field, and none of its cells looks like data (a value under a column
// that is not a group, a number, an e-mail, a long text). ok is false
// for a data row.
func (cat *Catalog) twoRow(top, sub []string, file *File) (cells []headerCell, ok bool) {
	n := max(len(top), len(sub))
	at := func(row []string, j int) string {
		if j < len(row) {
			return strings.TrimSpace(row[j])
		}
		return ""
	}
	cells = make([]headerCell, n)
	underBlank, names := false, false
	parent := ""
	for j := range n {
		t, s := at(top, j), at(sub, j)
		if t != "" {
			parent = t
		}
		if j < len(top) {
			cells[j] = headerCell{text: top[j]}
		}
		if s == "" {
			continue
		}
		named := cat.names(j, s, file)
		group := parent != "" && (t == "" || (at(top, j+1) == "" && at(sub, j+1) != ""))
		if !group {
			// Under a heading of its own (客戶代號, merged down) a
			// sub-heading row is blank: text there is data (C001, or C1,
			// which happens to be a field's code). Under a blank cell
			// with no parent, it must name a field.
			if t != "" || !named {
				return nil, false
			}
			underBlank, names = true, true
			cells[j] = headerCell{text: sub[j]}
			continue
		}
		if !named && !labelLike(s) {
			return nil, false
		}
		if t == "" {
			underBlank = true
		}
		looks := []string{parent + s, s + parent}
		if cat.related(parent, s, file) {
			looks = append(looks, s)
		}
		cells[j] = headerCell{text: parent + "/" + s, looks: looks}
		if c := cat.resolveCell(j, cells[j], file); c.Field != nil || c.Ignored {
			names = true
		}
	}
	return cells, underBlank && names
}

// names reports whether a header text names a field or is ignored by
// the mapping file.
func (cat *Catalog) names(j int, text string, file *File) bool {
	c := cat.resolveColumn(j, text, file)
	return c.Field != nil || c.Ignored
}

// related reports whether a sub-heading may name its field on its own
// under parent: when the parent names no field (聯絡方式 over 市話), or
// a field of the same kind (電話 over 手機: both phones). 備註 over 手機
// is not a group but a remark and a phone number typed as data.
func (cat *Catalog) related(parent, sub string, file *File) bool {
	p := cat.resolveColumn(0, parent, file)
	c := cat.resolveColumn(0, sub, file)
	return p.Field == nil || c.Field == nil || p.Field.Class == c.Field.Class
}

// labelLike reports whether a cell reads as a heading rather than data:
// short, at most two digits, no @ or address punctuation.
func labelLike(s string) bool {
	if utf8.RuneCountInString(s) > 12 || strings.ContainsAny(s, "@:/\\") {
		return false
	}
	digits := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	return digits <= 2
}
