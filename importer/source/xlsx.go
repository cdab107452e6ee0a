package source

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	kflate "github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// Excel's sheet limits.
const (
	maxExcelRows = 1048576
	maxExcelCols = 16384
)

// XLSXReader streams the rows of one worksheet of an XLSX workbook.
//
// The worksheet XML is decoded straight from the zip archive, one row at a
// time, by a tokenizer that accepts what encoding/xml does (xmlScanner), so
// memory is bounded by the shared-string table and one row, whatever the
// number of rows. (excelize's Rows iterator
// does not expose the style of each cell, which is needed to tell dates from
// numbers; excelize is still used to decrypt password-protected workbooks.)
//
// Cell texts follow what the user sees, with these choices:
//   - text cells as typed (leading zeros kept);
//   - formulas give their cached value; error values their text ("#REF!");
//     a formula without a cached value (a file written by a program that
//     does not calculate) reads as "" and its column is listed in the
//     record's NoValue, as its value is unknown;
//   - booleans give TRUE or FALSE;
//   - numbers give the plain number without exponent and without thousands
//     separators, currency symbols or rounding to the displayed decimals,
//     rounded to Excel's 15 significant digits (12000000, 0.3, 1234.5);
//     percentages give the stored fraction (0.05 for 5%); a format made only
//     of zeros ("0000000000", used for phone numbers and postcodes) pads
//     the number with leading zeros as Excel shows it;
//   - numbers with a date or time format give YYYY/MM/DD,
//     YYYY/MM/DD HH:MM:SS (the format shows a time) or HH:MM:SS (time only),
//     computed from the serial number without any time zone.
//
// Hidden rows (by hand, in a collapsed outline or filtered out) are
// returned like visible ones, with Record.Hidden set. Merged cells give their value
// in the top-left cell only.
type XLSXReader struct {
	name      string
	encrypted bool // the workbook needed a password
	closer    io.Closer
	zfiles    map[string]*zip.File
	sheets    []sheetInfo
	sheet     sheetInfo
	sst       sharedStrings
	kinds     []numFormat // by cell style (xf) index
	date1904  bool
	maxCell   int

	rc      io.ReadCloser
	ahead   *readAhead // reads rc on a goroutine of its own
	xs      *xmlScanner
	row     int  // number of the last row read
	inRow   bool // inside the <row> element of row
	err     error
	cells   []string
	noValue []int // columns of the current row whose formula has no saved value
	hidden  bool  // the current row is hidden
	buf     []byte
}

type sheetInfo struct {
	name   string
	hidden bool
	target string // part name in the zip, "" if unresolved
	chart  bool
}

// OpenXLSX opens the worksheet of an XLSX workbook chosen by Options.Sheet
// (default: the first visible sheet). An encrypted workbook is decrypted with
// Options.Password. The archive's total uncompressed size is checked against
// Options.MaxBytes before anything is unpacked.
func OpenXLSX(filePath string, opts Options) (*XLSXReader, error) {
	f, size, err := openFile(filePath)
	if err != nil {
		return nil, err
	}
	r, err := openXLSXAt(filepath.Base(filePath), f, size, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// openXLSXAt opens a workbook of size bytes read through ra.
func openXLSXAt(name string, ra io.ReaderAt, size int64, opts Options) (*XLSXReader, error) {
	head := make([]byte, min(size, 8))
	n, _ := ra.ReadAt(head, 0)
	head = head[:n]
	var zr *zip.Reader
	var err error
	switch {
	case n == 0:
		return nil, fileError(name, ErrEmptyFile, "")
	case bytes.Equal(head, oleMagic):
		if size > opts.maxBytes() {
			return nil, tooLarge(name, TooLargeFile, size, opts.maxBytes(), "%s is bigger than the %s limit", mb(size), mb(opts.maxBytes()))
		}
		raw, err := io.ReadAll(io.NewSectionReader(ra, 0, size))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pkg, err := decryptOLE(name, raw, opts.Password)
		if err != nil {
			return nil, err
		}
		if zr, err = zip.NewReader(bytes.NewReader(pkg), int64(len(pkg))); err != nil {
			return nil, fileError(name, ErrWrongPassword, "")
		}
	case bytes.Equal(head[:min(4, n)], zipMagic):
		if zr, err = zip.NewReader(ra, size); err != nil {
			return nil, fileError(name, ErrCorrupt, "the zip archive cannot be read: %v", err)
		}
	default:
		return nil, fileError(name, ErrNotSpreadsheet, "it is not an Excel .xlsx workbook")
	}
	// klauspost's inflate reads the sheet in two thirds of the time
	// compress/flate takes, and the reader is the run's critical path.
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	r, err := newXLSXReader(name, zr, opts)
	if err != nil {
		return nil, err
	}
	r.encrypted = bytes.Equal(head, oleMagic)
	return r, nil
}

// decryptOLE tells an encrypted OOXML package from a legacy .xls and
// decrypts the former.
func decryptOLE(name string, raw []byte, password string) (pkg []byte, err error) {
	if !bytes.Contains(raw, utf16le("EncryptedPackage")) {
		return nil, fileError(name, ErrLegacyXLS, "")
	}
	if password == "" {
		return nil, fileError(name, ErrNoPassword, "")
	}
	// Excel uses 100,000 hash rounds; a doctored file could ask for
	// billions and hang the decryption.
	if m := spinCountRe.FindSubmatch(raw); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err != nil || n > 10_000_000 {
			return nil, fileError(name, ErrEncrypted, "unsupported encryption settings (spinCount %s)", m[1])
		}
	}
	defer func() {
		if p := recover(); p != nil {
			pkg, err = nil, fileError(name, ErrEncrypted, "it cannot be decrypted (%v)", p)
		}
	}()
	pkg, err = excelize.Decrypt(raw, &excelize.Options{Password: password})
	if err != nil || len(pkg) < 4 || !bytes.HasPrefix(pkg, zipMagic) {
		return nil, fileError(name, ErrWrongPassword, "")
	}
	return pkg, nil
}

var spinCountRe = regexp.MustCompile(`spinCount="([^"]*)"`)

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

func newXLSXReader(name string, zr *zip.Reader, opts Options) (*XLSXReader, error) {
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
	}
	if max := opts.maxBytes(); total > uint64(max) {
		return nil, tooLarge(name, TooLargeUnpacked, int64(min(total, 1<<62)), max, "the workbook unpacks to %s, more than the %s limit", mb(int64(min(total, 1<<62))), mb(max))
	}
	r := &XLSXReader{name: name, zfiles: make(map[string]*zip.File, len(zr.File)), maxCell: opts.maxCellBytes()}
	for _, zf := range zr.File {
		r.zfiles[normPart(zf.Name)] = zf
	}

	// Package relationships → workbook part.
	wbPath := "xl/workbook.xml"
	if rels, err := r.readRels("_rels/.rels", ""); err == nil {
		for _, rel := range rels {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				wbPath = rel.target
				break
			}
		}
	}
	if r.zfiles[normPart(wbPath)] == nil {
		return nil, fileError(name, ErrNotSpreadsheet, "the zip archive holds no Excel workbook")
	}
	var wb xWorkbook
	if err := r.unmarshal(wbPath, &wb); err != nil {
		return nil, err
	}
	r.date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	rels, err := r.readRels(relsPath(wbPath), path.Dir(wbPath))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]xRel, len(rels))
	sstPath, stylesPath := "", ""
	for _, rel := range rels {
		byID[rel.ID] = rel
		switch {
		case strings.HasSuffix(rel.Type, "/sharedStrings"):
			sstPath = rel.target
		case strings.HasSuffix(rel.Type, "/styles"):
			stylesPath = rel.target
		}
	}
	for _, s := range wb.Sheets {
		rel := byID[s.RID]
		r.sheets = append(r.sheets, sheetInfo{
			name:   s.Name,
			hidden: s.State != "" && s.State != "visible",
			target: rel.target,
			chart:  strings.HasSuffix(rel.Type, "/chartsheet") || strings.HasSuffix(rel.Type, "/dialogsheet"),
		})
	}
	if err := r.pickSheet(opts.Sheet); err != nil {
		return nil, err
	}
	if stylesPath != "" {
		if err := r.readStyles(stylesPath); err != nil {
			return nil, err
		}
	}
	if sstPath != "" {
		var parts []*zip.File
		for _, s := range r.sheets {
			if !s.chart && s.target != "" {
				parts = append(parts, r.zfiles[normPart(s.target)])
			}
		}
		if err := r.readSST(sstPath, newSSTLimit(parts, opts.maxBytes())); err != nil {
			return nil, err
		}
	}
	zf := r.zfiles[normPart(r.sheet.target)]
	if zf == nil {
		return nil, fileError(name, ErrCorrupt, "the data of sheet %q is missing", r.sheet.name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fileError(name, ErrCorrupt, "sheet %q: %v", r.sheet.name, err)
	}
	r.rc = rc
	r.ahead = newReadAhead(rc, zf.UncompressedSize64)
	r.xs = newXMLScanner(r.ahead)
	return r, nil
}

func (r *XLSXReader) pickSheet(want string) error {
	list := func() string {
		var b strings.Builder
		for i, s := range r.sheets {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(s.name))
			if s.hidden {
				b.WriteString(" (hidden)")
			}
		}
		return b.String()
	}
	if want == "" {
		for _, s := range r.sheets {
			if !s.hidden && !s.chart {
				r.sheet = s
				return nil
			}
		}
		return fileError(r.name, ErrNoSheet, "the workbook has no visible worksheet (sheets: %s)", list())
	}
	found := -1
	for i, s := range r.sheets {
		if s.name == want {
			found = i
			break
		}
	}
	if found < 0 {
		for i, s := range r.sheets {
			if strings.EqualFold(strings.TrimSpace(s.name), strings.TrimSpace(want)) {
				found = i
				break
			}
		}
	}
	if found < 0 {
		return fileError(r.name, ErrNoSheet, "there is no sheet %q; the workbook has: %s", want, list())
	}
	if r.sheets[found].chart {
		return fileError(r.name, ErrNoSheet, "sheet %q is a chart, not a worksheet; the workbook has: %s", want, list())
	}
	r.sheet = r.sheets[found]
	return nil
}

// SheetNames returns the names of all sheets in workbook order, hidden ones
// included.
func (r *XLSXReader) SheetNames() []string {
	names := make([]string, len(r.sheets))
	for i, s := range r.sheets {
		names[i] = s.name
	}
	return names
}

// Sheet returns the name of the sheet being read.
func (r *XLSXReader) Sheet() string { return r.sheet.name }

// Close releases the file and the sheet stream. It is safe to call twice.
func (r *XLSXReader) Close() error {
	var err error
	if r.ahead != nil {
		r.ahead.Close()
		r.ahead = nil
	}
	if r.rc != nil {
		err = r.rc.Close()
		r.rc = nil
	}
	if r.closer != nil {
		if cerr := r.closer.Close(); err == nil {
			err = cerr
		}
		r.closer = nil
	}
	if r.err == nil {
		r.err = fmt.Errorf("%s: %w", r.name, os.ErrClosed)
	}
	return err
}

// Read returns the next non-blank row, or io.EOF after the last one. After an
// error every later call returns the same error.
func (r *XLSXReader) Read() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	for {
		ok, err := r.readRow()
		if err != nil {
			r.err = err
			return Record{}, err
		}
		if !ok {
			r.err = io.EOF
			return Record{}, io.EOF
		}
		if !isBlank(r.cells) || len(r.noValue) > 0 {
			rec := Record{Line: r.row, Cells: append([]string(nil), r.cells...), Hidden: r.hidden}
			if len(r.noValue) > 0 {
				rec.NoValue = append([]int(nil), r.noValue...)
			}
			return rec, nil
		}
	}
}

func (r *XLSXReader) corrupt(err error) error {
	line := r.row
	if !r.inRow {
		line++
	}
	return &ParseError{File: r.name, Line: line, Err: fmt.Errorf("%w: sheet %q: %v", ErrCorrupt, r.sheet.name, err)}
}

// next reads the next token of the sheet; the end of input is an error.
func (r *XLSXReader) next(text *[]byte, keep int) (tokKind, int, error) {
	kind, n, err := r.xs.next(text, keep)
	if err == nil && kind == tokEOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return tokEOF, 0, r.corrupt(err)
	}
	return kind, n, nil
}

// readRow reads the next <row> element into r.cells; ok is false at the end
// of the sheet data.
func (r *XLSXReader) readRow() (ok bool, err error) {
	for {
		kind, _, err := r.xs.next(nil, 0)
		if err != nil {
			return false, r.corrupt(err)
		}
		switch kind {
		case tokEOF:
			return false, nil
		case tokStart:
			if r.xs.is("row") {
				err := r.rowBody()
				r.inRow = false
				return true, err
			}
		case tokEnd:
			if r.xs.is("sheetData") {
				return false, nil
			}
		}
	}
}

// rowBody reads the cells of the row whose start tag was just read.
func (r *XLSXReader) rowBody() error {
	num := r.row + 1
	if v := r.xs.attr(attrR); len(v) > 0 {
		n, ok := parseSmall(v)
		if !ok || n < 1 || n > maxExcelRows {
			return r.corrupt(fmt.Errorf("bad row number %q", v))
		}
		num = n
	}
	r.row, r.inRow = num, true
	switch string(r.xs.attr(attrHidden)) {
	case "1", "true":
		r.hidden = true
	default:
		r.hidden = false
	}
	r.cells = r.cells[:0]
	r.noValue = r.noValue[:0]
	col := 0
	for {
		kind, _, err := r.next(nil, 0)
		if err != nil {
			return err
		}
		switch kind {
		case tokStart:
			if !r.xs.is("c") {
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			if ref := r.xs.attr(attrR); len(ref) > 0 {
				c, ok := colFromRef(ref)
				if !ok {
					return r.corrupt(fmt.Errorf("bad cell reference %q", ref))
				}
				col = c
			} else {
				col++
			}
			if col > maxExcelCols {
				return r.corrupt(fmt.Errorf("column %d is beyond Excel's last column", col))
			}
			val, err := r.cell(col)
			if err != nil {
				return err
			}
			if val == "" {
				continue
			}
			for len(r.cells) < col {
				r.cells = append(r.cells, "")
			}
			r.cells[col-1] = val
		case tokEnd:
			if r.xs.is("row") {
				return nil
			}
		}
	}
}

// skip skips to the end of the element whose start was just read.
func (r *XLSXReader) skip() error {
	depth := 1
	for depth > 0 {
		kind, _, err := r.next(nil, 0)
		if err != nil {
			return err
		}
		switch kind {
		case tokStart:
			depth++
		case tokEnd:
			depth--
		}
	}
	return nil
}

// Cell types (the t attribute).
const (
	typNumber = iota // "n" or anything unknown
	typShared        // "s"
	typInline        // "inlineStr"
	typStr           // "str"
	typError         // "e"
	typBool          // "b"
	typDate          // "d"
)

func cellType(t []byte) int {
	switch string(t) {
	case "s":
		return typShared
	case "inlineStr":
		return typInline
	case "str":
		return typStr
	case "e":
		return typError
	case "b":
		return typBool
	case "d":
		return typDate
	}
	return typNumber
}

// cellState follows where a <c> element's reader is.
type cellState struct {
	depth      int  // depth below <c>
	where      int  // 1 = in <v>, 2 = in <is>
	inT, inPh  int  // depth markers inside <is>
	hasF, hasV bool // <f> and <v> children seen
}

// keepsText reports whether character data read now is part of the value.
func (c *cellState) keepsText() bool {
	return (c.where == 1 && c.depth == 1) || (c.where == 2 && c.inT > 0 && c.inPh == 0)
}

// start follows a start tag; local is its local name.
func (c *cellState) start(xs *xmlScanner) {
	c.depth++
	switch {
	case c.depth == 1 && xs.is("v"):
		c.where, c.hasV = 1, true
	case c.depth == 1 && xs.is("f"):
		c.hasF = true
	case c.depth == 1 && xs.is("is"):
		c.where = 2
	case c.where == 2 && (xs.is("rPh") || xs.is("phoneticPr")):
		if c.inPh == 0 {
			c.inPh = c.depth
		}
	case c.where == 2 && xs.is("t") && c.inPh == 0:
		c.inT = c.depth
	}
}

// end follows an end tag; false at the end of the <c> element.
func (c *cellState) end() bool {
	if c.depth == 0 {
		return false
	}
	if c.depth == c.inT {
		c.inT = 0
	}
	if c.depth == c.inPh {
		c.inPh = 0
	}
	if c.depth == 1 {
		c.where = 0
	}
	c.depth--
	return true
}

// cellFastPath lets cell read the common cell shapes at once (see
// cellBody); tests turn it off to compare.
var cellFastPath = true

// cell reads the <c> element whose start tag was just read and returns its
// display text.
func (r *XLSXReader) cell(col int) (string, error) {
	typ := cellType(r.xs.attr(attrT))
	nf := r.styleFormat(r.xs.attr(attrS))
	r.buf = r.buf[:0]
	if cellFastPath && r.xs.cellBody(&r.buf, r.maxCell) != bodyNone {
		return r.value(r.buf, typ, nf, col)
	}
	var c cellState
	size := 0 // bytes of text, kept or not
	for more := true; more; {
		var text *[]byte
		if c.keepsText() {
			text = &r.buf
		}
		kind, n, err := r.next(text, r.maxCell+3)
		if err != nil {
			return "", err
		}
		switch kind {
		case tokStart:
			c.start(r.xs)
		case tokEnd:
			more = c.end()
		case tokText:
			if text == nil {
				break
			}
			if size += n; size > r.maxCell {
				return "", &ParseError{File: r.name, Line: r.row, Column: col,
					Err: fmt.Errorf("%w: cell %s is longer than the limit of %d bytes", ErrCellTooLarge, cellName(col, r.row), r.maxCell)}
			}
		}
	}
	if c.hasF && !c.hasV && typ != typInline {
		// Written by a program that does not calculate (excelize,
		// openpyxl, report tools): the value is unknown. Reading it as a
		// plain blank could turn an update into a new customer, so the
		// record says so.
		r.noValue = append(r.noValue, col-1)
		return "", nil
	}
	return r.value(r.buf, typ, nf, col)
}

// value returns the display text of a cell of type typ and number format nf
// whose <v> (or inline string) holds v.
func (r *XLSXReader) value(v []byte, typ int, nf numFormat, col int) (string, error) {
	switch typ {
	case typShared:
		idx, ok := parseSmall(v)
		if !ok {
			n, err := strconv.Atoi(strings.TrimSpace(string(v)))
			idx, ok = n, err == nil
		}
		if !ok || idx < 0 || idx >= r.sst.len() {
			if len(v) == 0 {
				return "", nil
			}
			return "", &ParseError{File: r.name, Line: r.row, Column: col,
				Err: fmt.Errorf("%w: cell %s points to shared text %q that does not exist", ErrCorrupt, cellName(col, r.row), v)}
		}
		if r.sst.long[idx] {
			return "", &ParseError{File: r.name, Line: r.row, Column: col,
				Err: fmt.Errorf("%w: cell %s is longer than the limit of %d bytes", ErrCellTooLarge, cellName(col, r.row), r.maxCell)}
		}
		return r.sst.at(idx), nil
	case typInline, typStr, typError:
		if bytes.Contains(v, []byte("_x")) {
			return unescapeXString(string(v)), nil
		}
		return string(v), nil
	case typBool:
		switch string(bytes.TrimSpace(v)) {
		case "1", "true":
			return "TRUE", nil
		case "0", "false":
			return "FALSE", nil
		}
		return string(v), nil
	case typDate:
		return r.isoDate(string(v), nf), nil
	}
	if len(v) == 0 {
		return "", nil
	}
	if s, ok := r.integer(v, nf); ok {
		return s, nil
	}
	return r.number(string(v), nf), nil
}

// styleFormat returns the number format of a cell style index attribute.
func (r *XLSXReader) styleFormat(style []byte) numFormat {
	if len(style) == 0 {
		return numFormat{}
	}
	i, ok := parseSmall(style)
	if !ok || i >= len(r.kinds) {
		return numFormat{}
	}
	return r.kinds[i]
}

// parseSmall parses a decimal number as strconv.Atoi does, for numbers that
// index something: a negative number other than -0 is refused, and numbers
// beyond 1<<40 read as 1<<40 or so.
func parseSmall(b []byte) (int, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < 1<<40 {
			n = n*10 + int(c-'0')
		}
	}
	if neg && n != 0 {
		return 0, false
	}
	return n, true
}

// integer is number for the common case of a whole number of at most 15
// digits written plainly; false for anything else.
func (r *XLSXReader) integer(v []byte, nf numFormat) (string, bool) {
	if len(v) == 0 || len(v) > 15 || v[0] == '0' && len(v) > 1 {
		return "", false
	}
	n := int64(0)
	for _, c := range v {
		if c < '0' || c > '9' {
			return "", false
		}
		n = n*10 + int64(c-'0')
	}
	switch nf.kind {
	case kindDate, kindDateTime, kindTime:
		if out, ok := formatSerial(float64(n), r.date1904, nf.kind); ok {
			return out, true
		}
	case kindZeroPad:
		if nf.width > len(v) {
			return strings.Repeat("0", nf.width-len(v)) + string(v), true
		}
	}
	return string(v), true
}

func (r *XLSXReader) number(s string, nf numFormat) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return s
	}
	switch nf.kind {
	case kindDate, kindDateTime, kindTime:
		if out, ok := formatSerial(v, r.date1904, nf.kind); ok {
			return out
		}
	case kindZeroPad:
		if v >= 0 && v < 1e15 && v == float64(int64(v)) {
			return fmt.Sprintf("%0*d", nf.width, int64(v))
		}
	}
	return formatGeneral(v)
}

func (r *XLSXReader) isoDate(s string, nf numFormat) string {
	y, mo, d, h, mi, sec, ok := parseISODate(strings.TrimSpace(s))
	if !ok {
		return s
	}
	switch {
	case nf.kind == kindTime:
		return fmt.Sprintf("%02d:%02d:%02d", h, mi, sec)
	case nf.kind == kindDateTime || (nf.kind != kindDate && h+mi+sec > 0):
		return fmt.Sprintf("%04d/%02d/%02d %02d:%02d:%02d", y, mo, d, h, mi, sec)
	}
	return fmt.Sprintf("%04d/%02d/%02d", y, mo, d)
}

// colFromRef returns the 1-based column of a cell reference like "AB12".
func colFromRef[T string | []byte](ref T) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			goto end
		}
		if col > maxExcelCols {
			return 0, false
		}
	}
end:
	if i == 0 {
		return 0, false
	}
	return col, true
}

// cellName returns the A1-style name of a cell.
func cellName(col, row int) string {
	var b []byte
	for c := col; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b) + strconv.Itoa(row)
}

// unescapeXString decodes the _xHHHH_ escapes of OOXML strings.
func unescapeXString(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(n))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// ---- package parts ----

func normPart(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimPrefix(name, "/")
	return strings.ToLower(path.Clean(name))
}

func relsPath(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

type xRel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
	Mode   string `xml:"TargetMode,attr"`
	target string
}

type xWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"id,attr"`
	} `xml:"sheets>sheet"`
}

type xStyles struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	CellXfs []struct {
		NumFmtID int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

func (r *XLSXReader) open(part string) (io.ReadCloser, error) {
	zf := r.zfiles[normPart(part)]
	if zf == nil {
		return nil, fileError(r.name, ErrCorrupt, "part %s is missing", part)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fileError(r.name, ErrCorrupt, "%s: %v", part, err)
	}
	return rc, nil
}

func (r *XLSXReader) unmarshal(part string, v any) error {
	rc, err := r.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(bufio.NewReader(rc)).Decode(v); err != nil {
		return fileError(r.name, ErrCorrupt, "%s: %v", part, err)
	}
	return nil
}

// readRels reads a relationships part; targets are resolved against dir.
func (r *XLSXReader) readRels(part, dir string) ([]xRel, error) {
	var rels struct {
		Rels []xRel `xml:"Relationship"`
	}
	if err := r.unmarshal(part, &rels); err != nil {
		return nil, err
	}
	for i := range rels.Rels {
		t := strings.ReplaceAll(rels.Rels[i].Target, "\\", "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		rels.Rels[i].target = t
	}
	return rels.Rels, nil
}

func (r *XLSXReader) readStyles(part string) error {
	var st xStyles
	if err := r.unmarshal(part, &st); err != nil {
		if errors.Is(err, ErrCorrupt) && r.zfiles[normPart(part)] == nil {
			return nil // missing styles: every number is General
		}
		return err
	}
	custom := make(map[int]string, len(st.NumFmts))
	for _, nf := range st.NumFmts {
		custom[nf.ID] = nf.Code
	}
	r.kinds = make([]numFormat, len(st.CellXfs))
	for i, xf := range st.CellXfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			r.kinds[i] = classifyFormat(code)
		} else {
			r.kinds[i] = builtinFormat(xf.NumFmtID)
		}
	}
	return nil
}

// readSST loads the shared-string table, streaming its XML, within lim
// (sstlimit.go): a table that declares more texts than that is refused
// before any is read, one that holds more as soon as it passes the limit.
// A text longer than a cell may be is not kept: a cell pointing to it is
// refused as too large.
func (r *XLSXReader) readSST(part string, lim sstLimit) error {
	rc, err := r.open(part)
	if err != nil {
		if r.zfiles[normPart(part)] == nil {
			return nil
		}
		return err
	}
	defer rc.Close()
	maxCount := lim.count()
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var buf []byte
	inSI, inT, inPh, depth := false, 0, 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			r.sst.done()
			return nil
		}
		if err != nil {
			return fileError(r.name, ErrCorrupt, "shared strings: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "sst":
				if n, ok := declaredCount(t); ok && depth == 1 {
					if err := lim.checkCount(r.name, n, true); err != nil {
						return err
					}
				}
			case "si":
				inSI, buf = true, buf[:0]
			case "rPh", "phoneticPr":
				if inPh == 0 {
					inPh = depth
				}
			case "t":
				if inSI && inPh == 0 {
					inT = depth
				}
			}
		case xml.EndElement:
			switch {
			case depth == inT:
				inT = 0
			case depth == inPh:
				inPh = 0
			}
			if t.Name.Local == "si" && inSI {
				inSI = false
				if len(buf) > r.maxCell {
					r.sst.addTooLong()
				} else {
					r.sst.addBytes(buf)
				}
				if r.sst.len() > maxCount {
					return lim.checkCount(r.name, r.sst.len(), false)
				}
				if err := lim.checkText(r.name, r.sst.textLen()); err != nil {
					return err
				}
			}
			depth--
		case xml.CharData:
			if inT > 0 && inPh == 0 && len(buf) <= r.maxCell {
				buf = append(buf, t...)
			}
		}
	}
}

// declaredCount reads the number of texts an <sst> element says it holds
// (uniqueCount); false when it says none, or nothing readable.
func declaredCount(sst xml.StartElement) (int, bool) {
	for _, a := range sst.Attr {
		if a.Name.Local == "uniqueCount" {
			n, err := strconv.Atoi(strings.TrimSpace(a.Value))
			if err != nil || n < 0 {
				return 0, false
			}
			return n, true
		}
	}
	return 0, false
}

// sharedStrings is the shared-string table, stored compactly: all texts
// in one string, and where each ends. A []string would take 16 bytes per
// text more (tens of millions of empty texts are a few MB zipped).
type sharedStrings struct {
	b    strings.Builder // while loading
	text string          // after done
	end  []uint32        // end[i] is where text i ends
	long map[int]bool    // texts longer than a cell may be (not kept)
}

// addTooLong adds a text longer than a cell may be, as "".
func (s *sharedStrings) addTooLong() {
	if s.long == nil {
		s.long = map[int]bool{}
	}
	s.long[len(s.end)] = true
	s.add("")
}

func (s *sharedStrings) add(t string) {
	s.b.WriteString(t)
	s.end = append(s.end, uint32(s.b.Len()))
}

// addBytes adds a text as it is in the XML, _xHHHH_ escapes decoded.
func (s *sharedStrings) addBytes(t []byte) {
	if bytes.Contains(t, []byte("_x")) {
		s.add(unescapeXString(string(t)))
		return
	}
	s.b.Write(t)
	s.end = append(s.end, uint32(s.b.Len()))
}

// done ends the loading.
func (s *sharedStrings) done() { s.text = s.b.String() }

// textLen is the length of all texts, in bytes.
func (s *sharedStrings) textLen() int64 { return int64(s.b.Len()) }

func (s *sharedStrings) len() int { return len(s.end) }

func (s *sharedStrings) at(i int) string {
	start := uint32(0)
	if i > 0 {
		start = s.end[i-1]
	}
	return s.text[start:s.end[i]]
}
