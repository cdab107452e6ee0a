package results

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
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
	cw      *csvRecords
	bom     bool       // BOM written
	header  bool       // header or rows written
	above   [][]string // Options.Above
	private bool       // Options.Private
	rec     []string
	err     error // sticky error
	done    bool
	records int        // records written (above, header, rows, blank lines)
	amend   amendments // see Amend

	// set only for writers created by Create
	path string
	tmp  *os.File
	buf  *bufio.Writer
	sync *syncBehind
}

var _ Writer = (*CSVWriter)(nil)

// NewCSVWriter returns a CSVWriter that writes to w. Close flushes but does
// not close w; Abort cannot take back what was already written to w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{out: w, cw: &csvRecords{w: bufio.NewWriter(w)}}
}

// csvRecords writes records as encoding/csv's Writer does with UseCRLF
// (and the default comma), byte for byte (FuzzCSVRecords), with a quicker
// test of which fields need quotes.
type csvRecords struct {
	w    *bufio.Writer
	line []byte // the record being written, reused
}

// csvSpecial marks the bytes that make encoding/csv quote a field.
var csvSpecial = [256]bool{'\n': true, '\r': true, '"': true, ',': true}

// spaceLead marks the first bytes of the UTF-8 encodings of the
// non-ASCII runes unicode.IsSpace reports (U+0085, U+00A0: C2; U+1680:
// E1; U+2000 to U+205F: E2; U+3000: E3).
var spaceLead = [256]bool{0xC2: true, 0xE1: true, 0xE2: true, 0xE3: true}

// needsQuotes is encoding/csv's fieldNeedsQuotes for a comma.
func needsQuotes(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	if hasSpecial(field) {
		return true
	}
	if c := field[0]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\v' || c == '\f'
	} else if !spaceLead[c] {
		return false // not the first byte of a space: a CJK character
	}
	r1, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r1)
}

// hasSpecial reports whether s holds a byte of csvSpecial, testing eight
// bytes at a time: the last eight of a string of eight or more bytes
// overlap the ones before rather than being tested one by one.
func hasSpecial(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if csvSpecial[s[i]] {
				return true
			}
		}
		return false
	}
	for i := 0; i+8 < len(s); i += 8 {
		if special8(s[i : i+8]) {
			return true
		}
	}
	return special8(s[len(s)-8:])
}

// special8 reports whether the eight bytes of s hold a byte of csvSpecial.
func special8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	// zero is nonzero when a byte of x is zero (exactly: no false hits).
	zero := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	_ = s[7]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	return zero(x^(ones*'\n'))|zero(x^(ones*'\r'))|zero(x^(ones*'"'))|zero(x^(ones*',')) != 0
}

// Write writes one record and its CRLF.
func (c *csvRecords) Write(record []string) error {
	return c.writeLine(appendRecord(c.line[:0], record))
}

// appendRecord appends record's fields, separated by commas.
func appendRecord(line []byte, record []string) []byte {
	for n, field := range record {
		if n > 0 {
			line = append(line, ',')
		}
		line = appendField(line, field)
	}
	return line
}

// writeLine writes a record's fields, line, and its CRLF; line is kept
// as the buffer of the next record.
func (c *csvRecords) writeLine(line []byte) error {
	line = append(line, '\r', '\n')
	c.line = line[:0]
	_, err := c.w.Write(line)
	return err
}

// appendField appends field as encoding/csv's Writer with UseCRLF writes
// it: quoted when needsQuotes says so.
func appendField(dst []byte, field string) []byte {
	if !needsQuotes(field) {
		return append(dst, field...)
	}
	return append(appendQuoted(append(dst, '"'), field), '"')
}

// appendQuoted appends the text of a quoted field: its quotes doubled, a
// line break written as CRLF and any other CR dropped.
func appendQuoted(dst []byte, field string) []byte {
	for len(field) > 0 {
		i := strings.IndexAny(field, "\"\r\n")
		if i < 0 {
			i = len(field)
		}
		dst = append(dst, field[:i]...)
		field = field[i:]
		if len(field) > 0 {
			switch field[0] {
			case '"':
				dst = append(dst, '"', '"')
			case '\n':
				dst = append(dst, '\r', '\n')
			}
			field = field[1:]
		}
	}
	return dst
}

// appendCell appends the CSV text of c: EscapeCSVField's text, quoted as
// appendField quotes it, without building either as a string.
func appendCell(dst []byte, c Cell) []byte {
	v := c.Value
	if v == "" {
		return dst
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if c.Numeric && IsPlainDecimal(v) {
			return append(dst, v...) // a number: nothing to quote
		}
		// "'" + v, which starts with neither a space nor `\.`: quoted
		// when v holds a special byte.
		if hasSpecial(v) {
			return append(appendQuoted(append(dst, '"', '\''), v), '"')
		}
		return append(append(dst, '\''), v...)
	}
	return appendField(dst, v)
}

// Flush writes what is buffered.
func (c *csvRecords) Flush() { _ = c.w.Flush() }

// Error reports an error of an earlier Write or Flush.
func (c *csvRecords) Error() error {
	_, err := c.w.Write(nil)
	return err
}

// createCSVFile makes a CSVWriter writing to a temp file next to path.
func createCSVFile(path string, opts Options) (*CSVWriter, error) {
	tmp, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	// One buffer between the rows and the file: the BOM, written to out
	// before the first record, precedes anything buffered. 256 KB, not
	// 64: the system time of writing a million rows' results (190 MB)
	// falls by a fifth, ~11 ms, with a quarter as many write calls.
	sync := &syncBehind{f: tmp}
	buf := bufio.NewWriterSize(sync, 256<<10)
	w := &CSVWriter{out: tmp, cw: &csvRecords{w: buf}}
	w.path, w.tmp, w.buf, w.sync = path, tmp, buf, sync
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
	return w.writeLine(appendRecord(w.cw.line[:0], rec))
}

// writeLine writes a record's fields, line, after the BOM if it is the
// first.
func (w *CSVWriter) writeLine(line []byte) error {
	if !w.bom {
		w.bom = true
		if err := w.writeBOM(); err != nil {
			return err
		}
	}
	if err := w.cw.writeLine(line); err != nil {
		w.err = fmt.Errorf("results: write csv: %w", err)
		return w.err
	}
	w.records++
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
	line, ok := appendPlainCells(w.cw.line[:0], cells)
	if !ok {
		line = appendCells(line[:0], cells)
	}
	return w.writeLine(line)
}

// appendCells appends the CSV text of cells, separated by commas.
func appendCells(line []byte, cells []Cell) []byte {
	for n, c := range cells {
		if n > 0 {
			line = append(line, ',')
		}
		line = appendCell(line, c)
	}
	return line
}

// appendPlainCells is appendCells for a row whose cells are written as
// they are, most rows of most files: it appends them and then looks for
// what would make one need quotes in the whole line at once (a quote,
// CR or LF; a comma more than the separators) rather than cell by cell.
// It reports false, with line unfinished, for a row with a cell that
// needs more (quotes, the formula guard, a look at its first rune).
func appendPlainCells(line []byte, cells []Cell) ([]byte, bool) {
	for n := range cells {
		if n > 0 {
			line = append(line, ',')
		}
		// Only the text is read: a copy of each cell, just written by the
		// caller, stalled (store forwarding).
		v := cells[n].Value
		if v == "" {
			continue
		}
		switch b := v[0]; {
		case b == '=' || b == '+' || b == '-' || b == '@' || b == '\t' || b == '\r' || b == ' ' || b == '\v' || b == '\f':
			return line, false // the formula guard, or a leading space
		case b == '\\' && v == `\.`:
			return line, false
		case b >= utf8.RuneSelf && spaceLead[b]:
			return line, false // perhaps a space of Unicode's
		}
		line = append(line, v...)
	}
	if bytes.IndexByte(line, '"') >= 0 || bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 ||
		bytes.Count(line, []byte{','}) != max(len(cells)-1, 0) {
		return line, false
	}
	return line, true
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
	if serr := w.sync.wait(); err == nil && serr != nil {
		err = fmt.Errorf("results: sync %s: %w", w.path, serr)
	}
	if err == nil && len(w.amend) > 0 {
		err = w.amendCSVFile()
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
	_ = w.sync.wait()
	return discardTemp(w.tmp)
}

// syncEvery is how many bytes of results are written between the syncs
// that syncBehind starts (a variable for tests).
var syncEvery int64 = 32 << 20

// syncBehind writes to the temporary results file and, every syncEvery
// bytes, starts writing what it holds to disk on a goroutine of its own
// (os.File.Sync), one at a time, while more rows are written: the sync
// before the file is renamed into place then has only the last part to
// wait for, not all of a large file (a million rows' results, 190 MB,
// took a quarter of a second). The first error of a sync is kept for
// wait: a file a sync failed on is not committed.
type syncBehind struct {
	f     *os.File
	since int64         // bytes written since the last sync started
	busy  chan struct{} // closed when the last sync started ends
	err   error         // of a sync that ended, read after busy closes
	syncs int           // syncs started
}

func (s *syncBehind) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	if s.since += int64(n); s.since >= syncEvery {
		s.start()
	}
	return n, err
}

// start starts a sync unless one is running.
func (s *syncBehind) start() {
	if s.busy != nil {
		select {
		case <-s.busy:
		default:
			return
		}
	}
	s.since = 0
	s.syncs++
	done := make(chan struct{})
	prev := s.err
	s.busy = done
	go func() {
		defer close(done)
		if err := s.f.Sync(); err != nil && prev == nil {
			s.err = err
		}
	}()
}

// wait waits for the sync running, if any, and returns the first error
// of a sync (nil for a writer without a file).
func (s *syncBehind) wait() error {
	if s == nil {
		return nil
	}
	if s.busy != nil {
		<-s.busy
	}
	return s.err
}
