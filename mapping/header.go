package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Errors of header resolution; the returned errors wrap these.
var (
	ErrNoKnownColumn  = errors.New("no column matches a field")
	ErrDuplicateField = errors.New("two columns map to the same field")
	ErrEmptyHeader    = errors.New("the file has no header row")
	// ErrNoCodeColumn: no column feeds CCODE, but an unrecognised column
	// looks like the customer code. Importing anyway would send every row
	// with a blank CCODE, and TMS would create a new customer for each
	// instead of updating the existing ones.
	ErrNoCodeColumn = errors.New("no column maps to CCODE 客戶代號, but a column looks like a customer code")
)

// HeaderError is a header that cannot be resolved, with the details a
// message needs: Kind is the sentinel it is (errors.Is matches it), and
// the columns it is about. Error() is the English sentence.
type HeaderError struct {
	// Kind is ErrNoKnownColumn, ErrDuplicateField, ErrNoCodeColumn or
	// ErrEmptyHeader.
	Kind error
	// Headers are the header texts found (ErrNoKnownColumn).
	Headers []string
	// Duplicates are the pairs of columns feeding one field
	// (ErrDuplicateField).
	Duplicates []Duplicate
	// Columns are the unrecognised columns that look like the customer
	// code (ErrNoCodeColumn).
	Columns []HeaderColumn
	text    string
}

// HeaderColumn is one column of a header: its letter (C) and its text.
type HeaderColumn struct{ Name, Text string }

// Duplicate is two columns feeding one field (its code and label).
type Duplicate struct {
	Field, Label  string
	First, Second HeaderColumn
}

func (e *HeaderError) Error() string { return e.text }
func (e *HeaderError) Unwrap() error { return e.Kind }

// HeaderSearchRows is how many leading rows are searched for the header when
// the first row matches nothing (sheets often start with a title row).
const HeaderSearchRows = 10

// ResultColumns are the columns the importer appends to its results. A
// results file is a valid input: these columns are recognised and left out
// of the payload.
var ResultColumns = []string{"ImportStatus", "ImportCCODE", "ImportErrorCode", "ImportErrorMessage", "ImportWarnings"}

// Column is one input column after resolution.
type Column struct {
	Index  int    // 0-based position in the row
	Header string // the header text as found
	// Field is the field the column feeds; nil for an unknown, ignored or
	// results column.
	Field *Field
	// Result is the name of a results column (ImportStatus, ...), or "".
	Result string
	// Ignored is true for a column the mapping file maps to "ignore".
	Ignored bool
	// By says how the column was matched: "code", "label", "alias",
	// "mapping file"; "" when unmatched.
	By string
}

// Header is a resolved header: one row, or two when a row of sub-headers
// sits under it (聯絡電話 merged over 市話 and 手機).
type Header struct {
	// Row is the 0-based index, among the rows given to FindHeader, of the
	// (first) header row; the rows above it are titles.
	Row int
	// Last is the index of the last header row: Row, or Row+1 for a
	// two-row header. Data starts after Last.
	Last    int
	Columns []Column
}

// Unlabelled returns the indexes of a data row's cells that hold text
// under no header text: under a blank header cell (the second half of a
// merged header, say) or right of the header row. Such a column is not
// imported; a caller warns about it.
func (h Header) Unlabelled(cells []string) []int {
	var out []int
	for i, text := range cells {
		if strings.TrimSpace(text) == "" {
			continue
		}
		if i >= len(h.Columns) || strings.TrimSpace(h.Columns[i].Header) == "" {
			out = append(out, i)
		}
	}
	return out
}

// Fields returns the mapped columns, in column order.
func (h Header) Fields() []Column {
	var out []Column
	for _, c := range h.Columns {
		if c.Field != nil {
			out = append(out, c)
		}
	}
	return out
}

// Unknown returns the columns that match nothing (and are not ignored on
// purpose or results columns).
func (h Header) Unknown() []Column {
	var out []Column
	for _, c := range h.Columns {
		if c.Field == nil && c.Result == "" && !c.Ignored && strings.TrimSpace(c.Header) != "" {
			out = append(out, c)
		}
	}
	return out
}

// ResultColumn returns the index of results column name, or -1.
func (h Header) ResultColumn(name string) int {
	for _, c := range h.Columns {
		if c.Result == name {
			return c.Index
		}
	}
	return -1
}

// Has reports whether a column feeds the field with this code.
func (h Header) Has(code string) bool {
	for _, c := range h.Columns {
		if c.Field != nil && strings.EqualFold(c.Field.Code, code) {
			return true
		}
	}
	return false
}

// ColumnName returns a spreadsheet column letter for a 0-based index: 0 → A,
// 26 → AA.
func ColumnName(i int) string {
	name := ""
	for i >= 0 {
		name = string(rune('A'+i%26)) + name
		i = i/26 - 1
	}
	return name
}

type match struct {
	field *Field
	by    string
}

// MatchHeader returns the field a header text names, and how it matched.
// Decorations are tolerated: surrounding spaces, required markers (* ＊ ※),
// trailing notes such as (必填) or （YYYY/MM/DD）, full-width letters and
// Simplified Chinese ("客户代号").
func MatchHeader(text string) (*Field, string) { return Customers.MatchHeader(text) }

// MatchHeader returns the catalog's field a header text names, and how it
// matched (see the package-level MatchHeader).
func (c *Catalog) MatchHeader(text string) (*Field, string) {
	for _, key := range c.headerKeys(text) {
		if m, ok := c.index[key]; ok {
			return m.field, m.by
		}
	}
	return nil, ""
}

// Resolve maps one header row onto fields. The mapping file, when given,
// takes precedence over codes, labels and aliases. Two columns feeding the
// same field, or no column feeding any, is an error; so is no column feeding
// CCODE while an unrecognised column looks like a customer code (see
// ErrNoCodeColumn).
func Resolve(header []string, file *File) (Header, error) { return Customers.Resolve(header, file) }

// Resolve maps one header row onto the catalog's fields (see the
// package-level Resolve).
func (cat *Catalog) Resolve(header []string, file *File) (Header, error) {
	cells := make([]headerCell, len(header))
	for i, text := range header {
		cells[i] = headerCell{text: text}
	}
	return cat.resolve(cells, file)
}

// headerCell is one column of a header as found: the text shown for it
// and, for a column under a merged parent, the texts it is looked up by,
// most specific first (nil: the text itself).
type headerCell struct {
	text  string
	looks []string
}

// resolve is Resolve for header cells.
func (cat *Catalog) resolve(cells []headerCell, file *File) (Header, error) {
	h := Header{Columns: make([]Column, len(cells))}
	seen := make(map[string]int)
	var dups, texts []string
	var dupCols []Duplicate
	for i, cell := range cells {
		texts = append(texts, cell.text)
		c := cat.resolveCell(i, cell, file)
		h.Columns[i] = c
		if c.Field == nil {
			continue
		}
		if first, ok := seen[c.Field.Code]; ok {
			dups = append(dups, fmt.Sprintf("%s %s: column %s %q and column %s %q",
				c.Field.Code, c.Field.Label, ColumnName(first), cells[first].text, ColumnName(i), cell.text))
			dupCols = append(dupCols, Duplicate{Field: c.Field.Code, Label: c.Field.Label,
				First:  HeaderColumn{Name: ColumnName(first), Text: cells[first].text},
				Second: HeaderColumn{Name: ColumnName(i), Text: cell.text}})
			continue
		}
		seen[c.Field.Code] = i
	}
	if len(dups) > 0 {
		return h, &HeaderError{Kind: ErrDuplicateField, Duplicates: dupCols,
			text: fmt.Sprintf("%v: %s (keep one, or map the other with a mapping file)", ErrDuplicateField, strings.Join(dups, "; "))}
	}
	if len(seen) == 0 {
		return h, noKnownColumn(texts)
	}
	if _, ok := seen[cat.key]; !ok && cat.key != "" {
		var suspects []string
		var suspectCols []HeaderColumn
		example := ""
		for _, c := range h.Unknown() {
			if cat.codeLike(c.Header) {
				suspects = append(suspects, fmt.Sprintf("column %s %q", ColumnName(c.Index), c.Header))
				suspectCols = append(suspectCols, HeaderColumn{Name: ColumnName(c.Index), Text: c.Header})
				if example == "" {
					example = strings.TrimSpace(c.Header)
				}
			}
		}
		if len(suspects) > 0 {
			return h, &HeaderError{Kind: ErrNoCodeColumn, Columns: suspectCols,
				text: fmt.Sprintf("%v: %s; rename the customer-code column to 客戶代號 (or CCODE), or map it in a mapping file (columns: {%q: CCODE}, or %q: ignore if it is not the customer code); without a CCODE column every row would create a new customer",
					ErrNoCodeColumn, strings.Join(suspects, ", "), example, example)}
		}
	}
	return h, nil
}

// resolveCell resolves a header cell by the first of its texts that
// names a field (or is ignored, or a results column); the column keeps
// the cell's text.
func (cat *Catalog) resolveCell(i int, hc headerCell, file *File) Column {
	if hc.looks == nil {
		return cat.resolveColumn(i, hc.text, file)
	}
	for _, text := range hc.looks {
		if c := cat.resolveColumn(i, text, file); c.Field != nil || c.Ignored || c.Result != "" {
			c.Header = hc.text
			return c
		}
	}
	return Column{Index: i, Header: hc.text}
}

func noKnownColumn(header []string) error {
	return &HeaderError{Kind: ErrNoKnownColumn, Headers: slices.Clone(header),
		text: fmt.Sprintf("%v: found headers %s; expected field codes or Chinese labels such as CCODE/客戶代號, CNAM1/客戶名稱, CTCOD/統一編號 (run `custimport fields` for the list)",
			ErrNoKnownColumn, quoteList(header, 12))}
}

// matches counts the cells of a row that name a field. A row of one
// cell is a title or a note (說明, 地址: 台北市…) unless that cell names
// its field by code, label or the mapping file: an alias alone is too
// loose a word to make a header.
func (cat *Catalog) matches(row []string, file *File) int {
	filled, n, byAlias := 0, 0, false
	for j, text := range row {
		if strings.TrimSpace(text) == "" {
			continue
		}
		filled++
		if c := cat.resolveColumn(j, text, file); c.Field != nil {
			n++
			byAlias = c.By == "alias"
		}
	}
	if filled == 1 && n == 1 && byAlias {
		return 0
	}
	return n
}

// codeLike reports whether a header text, or the text without its notes,
// looks like a customer-code column.
func (cat *Catalog) codeLike(text string) bool {
	for _, key := range cat.headerKeys(text) {
		if looksLikeCode(key) {
			return true
		}
	}
	return false
}

func (cat *Catalog) resolveColumn(i int, text string, file *File) Column {
	c := Column{Index: i, Header: text}
	// The most specific key first: "客戶等級(其他)" is GRADENO before its
	// note could be dropped; within one key the mapping file comes first.
	for _, key := range cat.headerKeys(text) {
		if file != nil {
			if code, ok := file.column(key); ok {
				if code == Ignore {
					c.Ignored, c.By = true, "mapping file"
					return c
				}
				if fi, ok := cat.Index(code); ok {
					c.Field, c.By = &cat.fields[fi], "mapping file"
					return c
				}
			}
		}
		for _, r := range ResultColumns {
			if key == headerKey(r) {
				c.Result = r
				return c
			}
		}
		if m, ok := cat.index[key]; ok {
			c.Field, c.By = m.field, m.by
			return c
		}
	}
	return c
}

// FindHeader finds the header among the first rows of a sheet: the first
// row if it matches any field, otherwise the row among the first
// HeaderSearchRows with the most matches (see matches). When the row
// below it is a row of sub-headings (see twoRow), the two are read as one
// header: 電話 merged over 公司 and 手機 gives the columns 電話/公司
// (客戶電話) and 電話/手機 (手機). rows are the sheet's first non-blank
// rows; the returned Header.Row and Header.Last index them.
func FindHeader(rows [][]string, file *File) (Header, error) { return Customers.FindHeader(rows, file) }

// FindHeader finds the header among the first rows of a sheet (see the
// package-level FindHeader).
func (cat *Catalog) FindHeader(rows [][]string, file *File) (Header, error) {
	if len(rows) == 0 {
		return Header{}, &HeaderError{Kind: ErrEmptyHeader, text: ErrEmptyHeader.Error()}
	}
	best, bestCount := 0, 0
	counts := make([]int, min(len(rows), HeaderSearchRows))
	for i := range counts {
		counts[i] = cat.matches(rows[i], file)
		if counts[i] > bestCount {
			best, bestCount = i, counts[i]
		}
		if i == 0 && counts[i] > 0 {
			break
		}
	}
	if bestCount == 0 {
		return Header{}, noKnownColumn(rows[0])
	}
	if best > 0 && counts[best-1] > 0 {
		// The row found is the second of a two-row header whose first
		// row names fewer fields (代號 | 電話 over 市話 | 手機 | 傳真).
		if _, ok := cat.twoRow(rows[best-1], rows[best], file); ok {
			best--
		}
	}
	cells, last := plainCells(rows[best]), best
	if best+1 < len(rows) {
		if two, ok := cat.twoRow(rows[best], rows[best+1], file); ok {
			cells, last = two, best+1
		}
	}
	h, err := cat.resolve(cells, file)
	h.Row, h.Last = best, last
	return h, err
}

func plainCells(row []string) []headerCell {
	cells := make([]headerCell, len(row))
	for i, text := range row {
		cells[i] = headerCell{text: text}
	}
	return cells
}

func quoteList(items []string, max int) string {
	var b strings.Builder
	for i, s := range items {
		if i == max {
			fmt.Fprintf(&b, " … (%d more)", len(items)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	if len(items) == 0 {
		return "(none)"
	}
	return b.String()
}
