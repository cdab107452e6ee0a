package results

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Amending rows already written.
//
// A row's outcome can change after it was written: a later row learns
// something about it (TMS gave both the same customer code, say). Amend
// records the new text of a cell; Close applies every amendment in one
// streaming pass over what was written — the CSV temporary file, or the
// XLSX rows spool before it is spliced into the sheet — copying every
// other row byte for byte. Nothing is kept per row, and nothing is
// rewritten when there is no amendment.

// ErrCannotAmend is returned by Amend on a writer that cannot go back:
// a CSVWriter writing to a caller's io.Writer, or a row not written yet.
var ErrCannotAmend = errors.New("results: cannot amend that row")

// amendments are the new texts of cells already written: row (1-based,
// as written, the rows above the header and the header counted) → column
// (0-based) → text.
type amendments map[int]map[int]string

func (a *amendments) set(row, col int, value string) {
	if *a == nil {
		*a = amendments{}
	}
	if (*a)[row] == nil {
		(*a)[row] = map[int]string{}
	}
	(*a)[row][col] = value
}

// Amend replaces the text of the cell in column col (0-based) of row
// (1-based, counting the rows above the header and the header, as in the
// file) with value, when the file is closed. The row must have been
// written; the cell is written as text, escaped as any text cell.
func (w *CSVWriter) Amend(row, col int, value string) error {
	if err := w.check(); err != nil {
		return err
	}
	if w.tmp == nil || row < 1 || row > w.records || col < 0 {
		return fmt.Errorf("%w: row %d, column %d", ErrCannotAmend, row, col)
	}
	w.amend.set(row, col, value)
	return nil
}

// rewriteCSV copies the CSV records of src to dst, replacing the amended
// cells. Records end with CRLF outside quotes (the writer's own output).
func rewriteCSV(src io.Reader, dst io.Writer, amend amendments) error {
	r := bufio.NewReaderSize(src, 64<<10)
	out := bufio.NewWriterSize(dst, 64<<10)
	cw := &csvRecords{w: out}
	var rec []byte
	row, inQuotes := 1, false
	for {
		b, err := r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rec = append(rec, b)
		switch {
		case b == '"':
			inQuotes = !inQuotes
		case b == '\n' && !inQuotes && bytes.HasSuffix(rec, []byte("\r\n")):
			if err := copyRecord(cw, out, rec, amend[row]); err != nil {
				return err
			}
			rec, row = rec[:0], row+1
		}
	}
	if len(rec) > 0 {
		if err := copyRecord(cw, out, rec, amend[row]); err != nil {
			return err
		}
	}
	return out.Flush()
}

// copyRecord writes one record (with its line end) as it is, or with the
// cells of cols replaced.
func copyRecord(cw *csvRecords, out *bufio.Writer, rec []byte, cols map[int]string) error {
	if len(cols) == 0 {
		_, err := out.Write(rec)
		return err
	}
	body := bytes.TrimPrefix(bytes.TrimSuffix(rec, []byte("\r\n")), []byte(utf8BOM))
	if len(rec) >= len(utf8BOM) && string(rec[:len(utf8BOM)]) == utf8BOM {
		if _, err := out.WriteString(utf8BOM); err != nil {
			return err
		}
	}
	var fields []string
	if len(body) > 0 {
		cr := csv.NewReader(bytes.NewReader(body))
		cr.FieldsPerRecord = -1
		var err error
		if fields, err = cr.Read(); err != nil {
			return fmt.Errorf("results: reading back a row to amend: %w", err)
		}
	}
	for col, v := range cols {
		for len(fields) <= col {
			fields = append(fields, "")
		}
		fields[col] = escapeText(v)
	}
	return cw.Write(fields)
}

// amendCSVFile rewrites the finished temporary file w.tmp into a new one
// with the amendments, which replaces it.
func (w *CSVWriter) amendCSVFile() error {
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("results: amend %s: %w", w.path, err)
	}
	next, err := createTemp(w.path)
	if err != nil {
		return err
	}
	if err := rewriteCSV(w.tmp, next, w.amend); err != nil {
		_ = discardTemp(next)
		return fmt.Errorf("results: amend %s: %w", w.path, err)
	}
	_ = discardTemp(w.tmp)
	w.tmp = next
	return nil
}

// Amend replaces the text of the cell in column col (0-based) of row
// (1-based, as in the sheet) with value, when the file is closed. The row
// must have been written; the cell is written as text (formatted as text
// in a text column), without a problem.
func (w *XLSXWriter) Amend(row, col int, value string) error {
	if err := w.check(); err != nil {
		return err
	}
	if row < 1 || row > w.row || col < 0 || col+1 > excelize.MaxColumns {
		return fmt.Errorf("%w: row %d, column %d", ErrCannotAmend, row, col)
	}
	w.amend.set(row, col, value)
	return nil
}

// amendRows rewrites the rows spool with the amendments.
func (w *XLSXWriter) amendRows() error {
	if len(w.amend) == 0 {
		return nil
	}
	if w.rows == nil {
		// Every amended row was blank: there is no row element yet.
		var err error
		if w.rows, err = newZSpool("custimport-rows-*"); err != nil {
			return err
		}
	}
	if err := w.rows.finish(); err != nil {
		return err
	}
	src, err := w.rows.reader()
	if err != nil {
		return err
	}
	next, err := newZSpool("custimport-rows-*")
	if err != nil {
		return err
	}
	if err := w.rewriteRows(src, next); err != nil {
		_ = next.remove()
		return fmt.Errorf("results: amend rows: %w", err)
	}
	if err := next.finish(); err != nil {
		_ = next.remove()
		return err
	}
	_ = w.rows.remove()
	w.rows = next
	return nil
}

// rewriteRows copies the <row> elements of src to dst with the amended
// cells replaced (or added, in column order), and adds the rows that were
// blank.
func (w *XLSXWriter) rewriteRows(src io.Reader, dst io.Writer) error {
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	end := []byte("</row>")
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(data, end); i >= 0 {
			return i + len(end), data[:i+len(end)], nil
		}
		if atEOF && len(data) > 0 {
			return 0, nil, errors.New("a row element is cut off")
		}
		return 0, nil, nil
	})
	pending := slices.Sorted(maps.Keys(w.amend))
	emit := func(row int, elem []byte) error {
		for len(pending) > 0 && pending[0] < row {
			// A blank row that has an amendment: a row element of its own.
			if _, err := dst.Write(w.amendRow(pending[0], []byte(`<row r="`+strconv.Itoa(pending[0])+`"></row>`))); err != nil {
				return err
			}
			pending = pending[1:]
		}
		if len(pending) > 0 && pending[0] == row {
			elem = w.amendRow(row, elem)
			pending = pending[1:]
		}
		_, err := dst.Write(elem)
		return err
	}
	for sc.Scan() {
		elem := sc.Bytes()
		row, err := rowNumber(elem)
		if err != nil {
			return err
		}
		if err := emit(row, elem); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return emit(int(^uint(0)>>1), nil)
}

// rowNumber reads N from an element starting <row r="N">.
func rowNumber(elem []byte) (int, error) {
	const head = `<row r="`
	if !bytes.HasPrefix(elem, []byte(head)) {
		return 0, fmt.Errorf("unexpected row element %.40q", elem)
	}
	rest := elem[len(head):]
	q := bytes.IndexByte(rest, '"')
	n, err := strconv.Atoi(string(rest[:max(q, 0)]))
	if q < 0 || err != nil {
		return 0, fmt.Errorf("unexpected row element %.40q", elem)
	}
	return n, nil
}

// amendRow returns the row element with its amended cells.
func (w *XLSXWriter) amendRow(row int, elem []byte) []byte {
	for _, col := range slices.Sorted(maps.Keys(w.amend[row])) {
		cell := w.rowXML.appendCell(nil, col+1, row, w.cell(col, Cell{Value: w.amend[row][col]}))
		elem = replaceCell(elem, w.rowXML.colName(col+1)+strconv.Itoa(row), col+1, cell)
		w.maxCol = max(w.maxCol, col+1)
	}
	return elem
}

// replaceCell puts cell in place of the cell ref of the row element, or,
// when the row has none, before its first cell of a later column.
func replaceCell(elem []byte, ref string, col int, cell []byte) []byte {
	out := make([]byte, 0, len(elem)+len(cell))
	if i := bytes.Index(elem, []byte(`<c r="`+ref+`"`)); i >= 0 {
		j := bytes.Index(elem[i:], []byte("</c>"))
		out = append(append(append(out, elem[:i]...), cell...), elem[i+j+len("</c>"):]...)
		return out
	}
	at := len(elem) - len("</row>")
	for i := 0; ; {
		k := bytes.Index(elem[i:], []byte(`<c r="`))
		if k < 0 {
			break
		}
		i += k + len(`<c r="`)
		letters := i
		for letters < len(elem) && elem[letters] >= 'A' && elem[letters] <= 'Z' {
			letters++
		}
		if c, err := excelize.ColumnNameToNumber(string(elem[i:letters])); err == nil && c > col {
			at = i - len(`<c r="`)
			break
		}
	}
	return append(append(append(out, elem[:at]...), cell...), elem[at:]...)
}
