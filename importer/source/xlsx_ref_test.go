package source

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// refReader is the worksheet reader as it was before xmlScanner: the rows
// are read with encoding/xml's RawToken. It is kept as the reference that
// FuzzXLSXScanner compares XLSXReader with; the workbook parts (shared
// strings, styles) come from the embedded XLSXReader.
type refReader struct {
	*XLSXReader
	dec     *xml.Decoder
	rc      io.ReadCloser
	row     int  // number of the last row read
	inRow   bool // inside the <row> element of row
	err     error
	cells   []string
	noValue []int // columns of the current row whose formula has no saved value
	hidden  bool  // the current row is hidden
	buf     []byte
}

// newRefReader reads the sheet of r (which must not have been read) again
// with the reference reader.
func newRefReader(r *XLSXReader) (*refReader, error) {
	zf := r.zfiles[normPart(r.sheet.target)]
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	return &refReader{XLSXReader: r, rc: rc, dec: xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))}, nil
}

// Close closes the reference reader's sheet stream.
func (r *refReader) Close() error { return r.rc.Close() }

// refFormatSerial is formatSerial as it was, with fmt.
func refFormatSerial(v float64, date1904 bool, kind formatKind) (string, bool) {
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
	if kind == kindTime {
		return fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60), true
	}
	y, m, d := serialToDate(days, date1904)
	if kind == kindDate {
		return fmt.Sprintf("%04d/%02d/%02d", y, m, d), true
	}
	return fmt.Sprintf("%04d/%02d/%02d %02d:%02d:%02d", y, m, d, secs/3600, secs/60%60, secs%60), true
}

// Read returns the next non-blank row (the reference reader), or io.EOF after the last one. After an
// error every later call returns the same error.
func (r *refReader) Read() (Record, error) {
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

func (r *refReader) corrupt(err error) error {
	line := r.row
	if !r.inRow {
		line++
	}
	return &ParseError{File: r.name, Line: line, Err: fmt.Errorf("%w: sheet %q: %v", ErrCorrupt, r.sheet.name, err)}
}

// readRow reads the next <row> element into r.cells; ok is false at the end
// of the sheet data.
func (r *refReader) readRow() (ok bool, err error) {
	for {
		tok, err := r.dec.RawToken()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, r.corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				return true, r.rowBody(t)
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return false, nil
			}
		}
	}
}

func (r *refReader) rowBody(start xml.StartElement) error {
	num := r.row + 1
	if v := refAttr(start, "r"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxExcelRows {
			return r.corrupt(fmt.Errorf("bad row number %q", v))
		}
		num = n
	}
	r.row, r.inRow = num, true
	switch refAttr(start, "hidden") {
	case "1", "true":
		r.hidden = true
	default:
		r.hidden = false
	}
	defer func() { r.inRow = false }()
	r.cells = r.cells[:0]
	r.noValue = r.noValue[:0]
	col := 0
	for {
		tok, err := r.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return r.corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			if ref := refAttr(t, "r"); ref != "" {
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
			val, err := r.cell(t, col)
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
		case xml.EndElement:
			if t.Name.Local == "row" {
				return nil
			}
		}
	}
}

// skip skips to the end of the element whose start was just read.
func (r *refReader) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := r.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return r.corrupt(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// cell reads one <c> element and returns its display text.
func (r *refReader) cell(start xml.StartElement, col int) (string, error) {
	typ, style := refAttr(start, "t"), refAttr(start, "s")
	r.buf = r.buf[:0]
	depth := 0                 // depth below <c>
	where := 0                 // 1 = in <v>, 2 = in <is>
	inT, inPh := 0, 0          // depth markers inside <is>
	hasF, hasV := false, false // <f> and <v> children seen
	for {
		tok, err := r.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", r.corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local == "v":
				where, hasV = 1, true
			case depth == 1 && t.Name.Local == "f":
				hasF = true
			case depth == 1 && t.Name.Local == "is":
				where = 2
			case where == 2 && (t.Name.Local == "rPh" || t.Name.Local == "phoneticPr"):
				if inPh == 0 {
					inPh = depth
				}
			case where == 2 && t.Name.Local == "t" && inPh == 0:
				inT = depth
			}
		case xml.EndElement:
			if depth == 0 {
				goto done
			}
			if depth == inT {
				inT = 0
			}
			if depth == inPh {
				inPh = 0
			}
			if depth == 1 {
				where = 0
			}
			depth--
		case xml.CharData:
			if (where == 1 && depth == 1) || (where == 2 && inT > 0 && inPh == 0) {
				r.buf = append(r.buf, t...)
				if len(r.buf) > r.maxCell {
					return "", &ParseError{File: r.name, Line: r.row, Column: col,
						Err: fmt.Errorf("%w: cell %s is longer than the limit of %d bytes", ErrCellTooLarge, cellName(col, r.row), r.maxCell)}
				}
			}
		}
	}
done:
	if hasF && !hasV && typ != "inlineStr" {
		// Written by a program that does not calculate (excelize,
		// openpyxl, report tools): the value is unknown. Reading it as a
		// plain blank could turn an update into a new customer, so the
		// record says so.
		r.noValue = append(r.noValue, col-1)
		return "", nil
	}
	v := r.buf // text of <v>, or of <is> for inline strings
	switch typ {
	case "s":
		idx, err := strconv.Atoi(strings.TrimSpace(string(v)))
		if err != nil || idx < 0 || idx >= r.sst.len() {
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
	case "inlineStr", "str", "e":
		return unescapeXString(string(v)), nil
	case "b":
		switch strings.TrimSpace(string(v)) {
		case "1", "true":
			return "TRUE", nil
		case "0", "false":
			return "FALSE", nil
		}
		return string(v), nil
	case "d":
		return r.refIsoDate(string(v), style), nil
	}
	s := string(v)
	if s == "" {
		return "", nil
	}
	return r.refNumber(s, style), nil
}

// styleFormat returns the number format of a cell style index attribute.
func (r *refReader) refStyleFormat(style string) numFormat {
	if style == "" {
		return numFormat{}
	}
	i, err := strconv.Atoi(style)
	if err != nil || i < 0 || i >= len(r.kinds) {
		return numFormat{}
	}
	return r.kinds[i]
}

func (r *refReader) refNumber(s, style string) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return s
	}
	nf := r.refStyleFormat(style)
	switch nf.kind {
	case kindDate, kindDateTime, kindTime:
		if out, ok := refFormatSerial(v, r.date1904, nf.kind); ok {
			return out
		}
	case kindZeroPad:
		if v >= 0 && v < 1e15 && v == float64(int64(v)) {
			return fmt.Sprintf("%0*d", nf.width, int64(v))
		}
	}
	return formatGeneral(v)
}

func (r *refReader) refIsoDate(s, style string) string {
	y, mo, d, h, mi, sec, ok := parseISODate(strings.TrimSpace(s))
	if !ok {
		return s
	}
	kind := r.refStyleFormat(style).kind
	switch {
	case kind == kindTime:
		return fmt.Sprintf("%02d:%02d:%02d", h, mi, sec)
	case kind == kindDateTime || (kind != kindDate && h+mi+sec > 0):
		return fmt.Sprintf("%04d/%02d/%02d %02d:%02d:%02d", y, mo, d, h, mi, sec)
	}
	return fmt.Sprintf("%04d/%02d/%02d", y, mo, d)
}

// attr returns the value of the attribute with the given local name.
func refAttr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
