package results

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
)

// utf8BOM makes Excel read a CSV file as UTF-8 (Chinese text would
// otherwise be shown in the local code page).
const utf8BOM = "\ufeff"

// CSVWriter writes results as CSV: UTF-8 with a byte order mark, CRLF line
// ends, quoting by encoding/csv, and formula-injection protection (see
// EscapeCSVField). Cell problems and summaries are ignored: the caller puts
// its messages in its own columns.
type CSVWriter struct {
	out     io.Writer
	cw      *csv.Writer
	bom     bool       // BOM written
	header  bool       // header or rows written
	above   [][]string // Options.Above
	private bool       // Options.Private
	rec     []string
	err     error // sticky error
	done    bool

	// set only for writers created by Create
	path string
	tmp  *os.File
	buf  *bufio.Writer
}

var _ Writer = (*CSVWriter)(nil)

// NewCSVWriter returns a CSVWriter that writes to w. Close flushes but does
// not close w; Abort cannot take back what was already written to w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSVWriter{out: w, cw: cw}
}

// createCSVFile makes a CSVWriter writing to a temp file next to path.
func createCSVFile(path string, opts Options) (*CSVWriter, error) {
	tmp, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(tmp, 64<<10)
	w := NewCSVWriter(buf)
	w.path, w.tmp, w.buf = path, tmp, buf
	w.above, w.private = opts.Above, opts.Private
	return w, nil
}

// EscapeCSVField returns the text written to CSV for c, before quoting.
// Following the OWASP CSV injection guidance, a value starting with '=',
// '+', '-', '@', TAB or CR is prefixed with a single quote so a spreadsheet
// shows it as text and never evaluates it; the exception is a Numeric cell
// whose value is a plain decimal number (IsPlainDecimal), such as "-12.5",
// which is written as is.
func EscapeCSVField(c Cell) string {
	if c.Numeric && IsPlainDecimal(c.Value) {
		return c.Value
	}
	return escapeText(c.Value)
}

func escapeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func (w *CSVWriter) check() error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return ErrClosed
	}
	return nil
}

func (w *CSVWriter) write(rec []string) error {
	if !w.bom {
		w.bom = true
		if err := w.writeBOM(); err != nil {
			return err
		}
	}
	if err := w.cw.Write(rec); err != nil {
		w.err = fmt.Errorf("results: write csv: %w", err)
		return w.err
	}
	return nil
}

func (w *CSVWriter) writeBOM() error {
	// Written before the first record, so nothing is buffered in cw yet;
	// encoding/csv would quote a lone BOM field.
	if _, err := io.WriteString(w.out, utf8BOM); err != nil {
		w.err = fmt.Errorf("results: write csv: %w", err)
		return w.err
	}
	return nil
}

// WriteHeader writes the header row (escaped like text cells).
func (w *CSVWriter) WriteHeader(cols []string) error {
	if err := w.check(); err != nil {
		return err
	}
	if w.header {
		return ErrHeaderAfterRows
	}
	w.header = true
	for _, row := range w.above {
		w.rec = w.rec[:0]
		for _, c := range row {
			w.rec = append(w.rec, escapeText(c))
		}
		if err := w.write(w.rec); err != nil {
			return err
		}
	}
	w.rec = w.rec[:0]
	for _, c := range cols {
		w.rec = append(w.rec, escapeText(c))
	}
	return w.write(w.rec)
}

// WriteBlank writes n empty lines.
func (w *CSVWriter) WriteBlank(n int) error {
	if err := w.check(); err != nil {
		return err
	}
	for range n {
		if err := w.write(nil); err != nil {
			return err
		}
	}
	return nil
}

// WriteRow writes one row; Problem texts are ignored.
func (w *CSVWriter) WriteRow(cells []Cell) error {
	if err := w.check(); err != nil {
		return err
	}
	w.header = true
	w.rec = w.rec[:0]
	for _, c := range cells {
		w.rec = append(w.rec, EscapeCSVField(c))
	}
	return w.write(w.rec)
}

// WriteSummary is a no-op for CSV: a CSV file has a single table, and the
// summary would break tools that read it back. It returns an error only if
// the writer is closed or failed.
func (w *CSVWriter) WriteSummary(rows [][]Cell) error {
	return w.check()
}

// Close flushes the output. For a writer made by Create it then renames the
// temporary file to its path; on error the temporary file is removed.
func (w *CSVWriter) Close() error {
	if w.done {
		return ErrClosed
	}
	w.done = true
	err := w.err
	if err == nil && !w.bom {
		w.bom = true
		err = w.writeBOM()
	}
	if err == nil {
		w.cw.Flush()
		if ferr := w.cw.Error(); ferr != nil {
			err = fmt.Errorf("results: write csv: %w", ferr)
		}
	}
	if w.tmp == nil {
		return err
	}
	if err == nil {
		if ferr := w.buf.Flush(); ferr != nil {
			err = fmt.Errorf("results: write %s: %w", w.path, ferr)
		}
	}
	if err != nil {
		_ = discardTemp(w.tmp)
		return err
	}
	return commitTemp(w.tmp, w.path, w.private)
}

// Abort stops the writer. For a writer made by Create the temporary file is
// removed; for NewCSVWriter, whatever reached w stays there. Abort after
// Close is a no-op.
func (w *CSVWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	if w.tmp == nil {
		return nil
	}
	return discardTemp(w.tmp)
}
