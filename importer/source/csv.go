package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names reported by CSVReader.Encoding.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
	EncodingBig5    = "big5"
)

const (
	sniffSize   = 64 << 10 // encoding is decided from this many leading bytes
	maxLineSize = 64 << 20 // longest physical line accepted
)

// CSVReader reads records from delimited text as encoding/csv reads it
// (ragged rows allowed, RFC 4180 quoting), framing the cells itself, over
// a line layer that detects and decodes the encoding, rejects NUL bytes
// and mixed encodings, and bounds the memory one cell can take. A line
// without quotes (most lines of most files) is checked with one scan per
// test, none of which has anything to rewrite, and split at its
// delimiters as it lies in the read buffer.
//
// It reads as Excel does where Excel is laxer than RFC 4180: a quote inside
// a cell that does not start with one is an ordinary character
// (37°36'37.8"N), and a lone CR outside quotes is a line break, in a file
// with LF or CRLF lines too. A quoted cell that is never closed, or text
// after a closing quote, is still refused, naming the row.
//
// After Read returns an error other than io.EOF, every later call returns the
// same error.
type CSVReader struct {
	name   string
	lf     *lineFilter
	delim  rune
	max    int
	err    error
	closer io.Closer
	// extraLines counts the line breaks inside the quoted cells read so
	// far: physical lines that are not rows of their own in Excel.
	extraLines int

	// framing, as encoding/csv frames (see readRecord)
	numLine   int        // lines read
	recLine   int        // the line the last record started on
	recLen    int        // bytes of the last record's text: no cell of it is longer
	recBuf    []byte     // the text of the record's cells, one after another
	cellEnds  []int      // each cell's end in recBuf
	positions []position // each cell's line and column; none for a plain line
	// the records' cells are carved out of shared chunks (see arena.go)
	texts textArena
	cells cellArena
	// reuse is storage for the next record's cells a caller handed back
	// (ReadInto), used instead of the arena's when it has room.
	reuse []string
}

// position is where a cell starts: its line and its 1-based byte column.
type position struct{ line, col int }

// NewCSVReader returns a reader of the delimited text in r; name (a file name
// or path) is used in error messages. Options.Encoding, Options.Delimiter,
// Options.MaxBytes and Options.MaxCellBytes apply. It reads ahead up to the
// first non-blank line to detect the encoding and the delimiter. An input
// with no bytes at all gives an error wrapping ErrEmptyFile.
func NewCSVReader(r io.Reader, name string, opts Options) (*CSVReader, error) {
	forced, err := parseEncodingName(opts.Encoding)
	if err != nil {
		return nil, fileError(name, ErrUnknownEncoding, "%q", opts.Encoding)
	}
	if d := opts.Delimiter; d != 0 && (d == '"' || d == '\r' || d == '\n' || d == utf8.RuneError || !utf8.ValidRune(d)) {
		return nil, fmt.Errorf("%s: invalid delimiter %q", name, d)
	}
	lr := &limitReader{r: r, left: opts.maxBytes(), name: name}
	raw := bufio.NewReaderSize(lr, sniffSize+4096)
	prefix, err := raw.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	if len(prefix) == 0 {
		return nil, fileError(name, ErrEmptyFile, "")
	}
	lf := &lineFilter{
		name:    name,
		src:     raw,
		maxCell: opts.maxCellBytes(),
	}
	lf.setEncoding(raw, prefix, forced)

	// Lines ending in a lone CR (Excel for Mac's old "CSV (Macintosh)")
	// become LF lines. In Big5 and UTF-8 a CR byte is always a CR, so
	// mapping the raw bytes is safe; UTF-16 is mapped after decoding.
	if start, err := lf.src.Peek(sniffSize); len(start) > 0 && loneCRLines(start, err != io.EOF) {
		lf.src = bufio.NewReaderSize(transform.NewReader(lf.src, crToLF{}), sniffSize+4096)
	}

	delim := opts.Delimiter
	if delim == 0 {
		delim = lf.detectDelimiter()
	}
	lf.delim = delim
	lf.txtQ.delim = []byte(string(delim))
	lf.rawQ.delim = lf.txtQ.delim

	return &CSVReader{name: name, lf: lf, delim: delim, max: opts.maxCellBytes()}, nil
}

// setEncoding chooses the encoding from the file's start (prefix, read
// through raw) and the forced one ("" to detect): a UTF-16 or UTF-8 BOM,
// else what was forced, else UTF-8 or Big5 by the bytes (or undecided
// while they are all ASCII).
func (f *lineFilter) setEncoding(raw *bufio.Reader, prefix []byte, forced string) {
	switch {
	case bytes.HasPrefix(prefix, []byte{0xFF, 0xFE}) || bytes.HasPrefix(prefix, []byte{0xFE, 0xFF}):
		order, encName := unicode.LittleEndian, EncodingUTF16LE
		if prefix[0] == 0xFE {
			order, encName = unicode.BigEndian, EncodingUTF16BE
		}
		dec := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder()
		f.src = bufio.NewReaderSize(transform.NewReader(raw, dec), 64<<10)
		f.enc, f.encName = encUTF8, encName
	case bytes.HasPrefix(prefix, []byte{0xEF, 0xBB, 0xBF}):
		f.stripBOM = true
		f.enc, f.encName = encUTF8, EncodingUTF8
		f.auto = forced == ""
		if forced == EncodingBig5 {
			f.enc, f.encName, f.stripBOM = encBig5, EncodingBig5, false
		}
	case forced == EncodingUTF8:
		f.enc, f.encName = encUTF8, EncodingUTF8
	case forced == EncodingBig5:
		f.enc, f.encName = encBig5, EncodingBig5
	default:
		f.auto = true
		cut := len(prefix) == sniffSize
		switch {
		case cut && isASCII(prefix):
			// Nothing to go by yet (English headers, long ASCII
			// start): decide at the first line with non-ASCII bytes.
			// ASCII reads the same in both encodings.
			f.enc, f.encName = encUTF8, EncodingUTF8
			f.undecided = true
		case mostlyUTF8(trimPartialRune(prefix, cut)):
			f.enc, f.encName = encUTF8, EncodingUTF8
		default:
			f.enc, f.encName = encBig5, EncodingBig5
		}
	}
	if f.enc == encBig5 {
		f.dec = traditionalchinese.Big5.NewDecoder()
	}

}

// detectDelimiter reads ahead to the first non-blank line and detects
// the delimiter from it; ',' when the file has none.
func (f *lineFilter) detectDelimiter() rune {
	for {
		line, ok := f.fill()
		if !ok {
			return ','
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return detectDelimiter(line)
		}
	}
}

// Encoding returns the encoding in use: "utf-8", "utf-16le", "utf-16be" or
// "big5". When the encoding is detected and the first 64 KB are all ASCII,
// it is decided at the first line with non-ASCII bytes; until Read reaches
// that line Encoding returns "utf-8".
func (r *CSVReader) Encoding() string { return r.lf.encName }

// Delimiter returns the field delimiter in use.
func (r *CSVReader) Delimiter() rune { return r.delim }

// Read returns the next non-blank record, or io.EOF after the last one.
func (r *CSVReader) Read() (Record, error) { return r.ReadInto(nil) }

// ReadInto is Read, with the record's cells put in the storage of cells
// (its capacity, from cells[0]) when there is room for them: a caller
// done with an earlier record's cells hands them back, so that reading a
// million rows does not allocate a million slices. The text of the cells
// is never written over: only the slice is used again.
func (r *CSVReader) ReadInto(cells []string) (Record, error) {
	cells, line, err := r.readInto(cells)
	if err != nil {
		return Record{}, err
	}
	return Record{Line: line, Cells: cells}, nil
}

// ReadRecordInto is ReadInto into *rec, its cells put in the storage of
// rec.Cells; on an error *rec is the zero Record. A caller several calls
// deep (a pipeline's reader) gets the record in place: a Record returned
// is copied back up through each call, and each copy, with wider loads
// than the stores that just wrote it, stalled (about 30 ns a row through
// three calls).
func (r *CSVReader) ReadRecordInto(rec *Record) error {
	cells, line, err := r.readInto(rec.Cells)
	if err != nil {
		cells, line = nil, 0
	}
	rec.Line, rec.Cells, rec.NoValue, rec.Hidden = line, cells, nil, false
	return err
}

// readInto is ReadInto: the record's cells and row number.
func (r *CSVReader) readInto(cells []string) ([]string, int, error) {
	if r.err != nil {
		return nil, 0, r.err
	}
	for {
		r.reuse = cells[:0]
		rec, quoted, err := r.readRecord()
		r.reuse = nil
		if err != nil {
			r.err = r.convertErr(err)
			return nil, 0, r.err
		}
		// Excel shows a record whose quoted cells hold line breaks as one
		// row: the rows after it are that many lines up.
		line := r.recLine - r.extraLines
		if quoted { // an unquoted cell holds no line break
			for _, c := range rec {
				r.extraLines += strings.Count(c, "\n")
			}
		}
		if isBlank(rec) {
			continue
		}
		// No cell is longer than the record's text: when that is within
		// the limit, the cells, just written by the split, are not read
		// again (that cost ~50 ms a million rows).
		for i := 0; r.recLen > r.max && i < len(rec); i++ {
			if n := len(rec[i]); n > r.max {
				p := r.position(rec, i)
				r.err = &ParseError{File: r.name, Line: p.line, Column: p.col,
					Err: fmt.Errorf("%w: cell %d is %d bytes long, more than the limit of %d bytes", ErrCellTooLarge, i+1, n, r.max)}
				return nil, 0, r.err
			}
		}
		return rec, line, nil
	}
}

// readLine returns the next line of the filtered text as encoding/csv
// reads it: a CRLF ending as LF, a CR at the very end dropped. plain says
// the line holds no quote, so is a whole record (or a blank line).
func (r *CSVReader) readLine() (line []byte, plain bool, err error) {
	line, plain, err = r.lf.nextLine()
	r.numLine++
	n := len(line)
	switch {
	case n > 0 && line[n-1] != '\n' && line[n-1] == '\r':
		line = line[:n-1] // the last line: encoding/csv drops its CR
	case n >= 2 && line[n-2] == '\r' && line[n-1] == '\n':
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, plain, err
}

// readRecord frames the next record's cells as encoding/csv's Reader does
// (ragged rows, RFC 4180 quotes, empty lines skipped), errors as
// *csv.ParseError, in one pass over each line; a plain line is split at
// its delimiters without copying it first. quoted says a cell may hold a
// line break. The cells are the caller's.
func (r *CSVReader) readRecord() (cells []string, quoted bool, err error) {
	var line []byte
	var plain bool
	var errRead error
	for errRead == nil {
		line, plain, errRead = r.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // skip empty lines
		}
		break
	}
	if errRead == io.EOF {
		return nil, false, io.EOF
	}
	r.positions, r.recLine = r.positions[:0], r.numLine
	if plain && errRead == nil {
		r.recLen = len(line)
		return r.splitPlain(line), false, nil
	}
	return r.frame(line, errRead)
}

// splitPlain returns the cells of a line without quotes: the text between
// its delimiters, copied once into the reader's text arena. Their
// positions are not recorded: position computes one when it is needed.
func (r *CSVReader) splitPlain(line []byte) []string {
	line = line[:len(line)-lengthNL(line)]
	text := r.texts.str(line)
	if r.delim >= utf8.RuneSelf {
		cells := r.takeCells(1 + strings.Count(text, string(r.delim)))
		dl := utf8.RuneLen(r.delim)
		for k := range len(cells) - 1 {
			i := strings.IndexRune(text, r.delim)
			cells[k], text = text[:i], text[i+dl:]
		}
		cells[len(cells)-1] = text
		return cells
	}
	d := byte(r.delim)
	cells := r.takeCells(1 + bytes.Count(line, []byte{d}))
	for k := range len(cells) - 1 {
		i := strings.IndexByte(text, d)
		cells[k], text = text[:i], text[i+1:]
	}
	cells[len(cells)-1] = text
	return cells
}

// takeCells returns n zero strings for a record's cells, with no room to
// grow: the storage handed back to ReadInto when it has room, else the
// arena's.
func (r *CSVReader) takeCells(n int) []string {
	if n <= cap(r.reuse) {
		cells := r.reuse[:n:n] // each written by the caller
		r.reuse = nil
		return cells
	}
	return r.cells.take(n)
}

// position is where cell i of rec, the last record read, starts: recorded
// by frame, or for a plain line (one line, no quotes) counted from the
// lengths of the cells before it.
func (r *CSVReader) position(rec []string, i int) position {
	if i < len(r.positions) {
		return r.positions[i]
	}
	col := 1
	for _, c := range rec[:i] {
		col += len(c) + utf8.RuneLen(r.delim)
	}
	return position{r.recLine, col}
}

// frame is encoding/csv's readRecord (LazyQuotes off, no comments, no
// leading space trimmed) from its first line, line.
func (r *CSVReader) frame(line []byte, errRead error) ([]string, bool, error) {
	var err error
	const quoteLen = len(`"`)
	commaLen := utf8.RuneLen(r.delim)
	recLine := r.numLine
	r.recBuf, r.cellEnds = r.recBuf[:0], r.cellEnds[:0]
	pos := position{line: r.numLine, col: 1}
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexRune(line, r.delim)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: r.numLine, Column: pos.col + j, Err: csv.ErrBareQuote}
				break parseField
			}
			r.recBuf = append(r.recBuf, field...)
			r.cellEnds = append(r.cellEnds, len(r.recBuf))
			r.positions = append(r.positions, pos)
			if i >= 0 {
				line = line[i+commaLen:]
				pos.col += i + commaLen
				continue parseField
			}
			break parseField
		}
		fieldPos := pos
		line = line[quoteLen:]
		pos.col += quoteLen
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				r.recBuf = append(r.recBuf, line[:i]...)
				line = line[i+quoteLen:]
				pos.col += i + quoteLen
				switch rn, _ := utf8.DecodeRune(line); {
				case rn == '"':
					r.recBuf = append(r.recBuf, '"')
					line = line[quoteLen:]
					pos.col += quoteLen
				case rn == r.delim:
					line = line[commaLen:]
					pos.col += commaLen
					r.cellEnds = append(r.cellEnds, len(r.recBuf))
					r.positions = append(r.positions, fieldPos)
					continue parseField
				case lengthNL(line) == len(line):
					r.cellEnds = append(r.cellEnds, len(r.recBuf))
					r.positions = append(r.positions, fieldPos)
					break parseField
				default:
					err = &csv.ParseError{StartLine: recLine, Line: r.numLine, Column: pos.col - quoteLen, Err: csv.ErrQuote}
					break parseField
				}
			case len(line) > 0:
				r.recBuf = append(r.recBuf, line...)
				if errRead != nil {
					break parseField
				}
				pos.col += len(line)
				line, _, errRead = r.readLine()
				if len(line) > 0 {
					pos.line++
					pos.col = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				if errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: pos.line, Column: pos.col, Err: csv.ErrQuote}
					break parseField
				}
				r.cellEnds = append(r.cellEnds, len(r.recBuf))
				r.positions = append(r.positions, fieldPos)
				break parseField
			}
		}
	}
	if err == nil {
		err = errRead
	}
	if err != nil {
		return nil, true, err
	}
	str := r.texts.str(r.recBuf)
	r.recLen = len(str)
	cells := r.takeCells(len(r.cellEnds))
	prev := 0
	for i, end := range r.cellEnds {
		cells[i], prev = str[prev:end], end
	}
	return cells, true, nil
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// Close closes the underlying file when the reader was made by Open.
func (r *CSVReader) Close() error {
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

func (r *CSVReader) convertErr(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			return &ParseError{File: r.name, Line: pe.Line, Column: pe.Column,
				Err: fmt.Errorf(`%w: a " appears inside a cell that does not start with a quote (put the whole cell in quotes and double the " inside it)`, ErrQuote)}
		case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line && r.lf.atEnd() && pe.Line >= r.lf.line:
			return &ParseError{File: r.name, Line: pe.StartLine,
				Err: fmt.Errorf("%w: a quoted cell that starts in this row is never closed (the file ends at line %d)", ErrQuote, pe.Line)}
		case errors.Is(pe.Err, csv.ErrQuote):
			return &ParseError{File: r.name, Line: pe.Line, Column: pe.Column,
				Err: fmt.Errorf(`%w: unexpected text after the closing quote of a cell (a " inside a quoted cell must be doubled)`, ErrQuote)}
		}
		return &ParseError{File: r.name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return err
}

// isBlank reports whether every cell is empty or whitespace.
func isBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseEncodingName normalises Options.Encoding.
func parseEncodingName(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "big5", "cp950", "big-5", "windows-950", "ms950":
		return EncodingBig5, nil
	}
	return "", ErrUnknownEncoding
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of p when p
// was cut from a longer stream.
func trimPartialRune(p []byte, cut bool) []byte {
	if !cut {
		return p
	}
	for i := 1; i <= utf8.UTFMax && i <= len(p); i++ {
		if c := p[len(p)-i]; c < 0x80 {
			return p
		} else if utf8.RuneStart(c) {
			if !utf8.FullRune(p[len(p)-i:]) {
				return p[:len(p)-i]
			}
			return p
		}
	}
	return p
}

// detectDelimiter picks ',', ';' or '\t' by counting them outside quotes in
// line. Ties prefer comma, then semicolon. No delimiter at all gives comma.
func detectDelimiter(line []byte) rune {
	var comma, semi, tab int
	inQuote := false
	for _, c := range line {
		switch c {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				comma++
			}
		case ';':
			if !inQuote {
				semi++
			}
		case '\t':
			if !inQuote {
				tab++
			}
		}
	}
	switch {
	case comma >= semi && comma >= tab && comma > 0:
		return ','
	case semi >= tab && semi > 0:
		return ';'
	case tab > 0:
		return '\t'
	}
	return ','
}

type encKind int

const (
	encUTF8 encKind = iota
	encBig5
)

// lineFilter sits between the raw bytes and the framing (readRecord). It
// reads one physical line at a time, checks it (NUL bytes, encoding,
// runaway cells) and hands the UTF-8 text on, so errors can name the
// exact line. Line endings are kept, so the framing's line numbers are the
// file's.
type lineFilter struct {
	name      string
	src       *bufio.Reader
	enc       encKind
	encName   string
	auto      bool // encoding was detected, not forced
	undecided bool // auto, but only ASCII seen so far: see decide
	dec       *encoding.Decoder
	stripBOM  bool
	line      int // physical lines read so far
	maxCell   int
	delim     rune

	pending []byte // decoded text not yet handed on
	off     int
	// a raw line nextLine read but did not find plain: readRawLine's next
	peeked  []byte
	peekErr error
	hasPeek bool
	err     error // deferred until pending is drained
	lineBuf []byte
	decBuf  []byte

	// lone CRs in a file with LF lines: the rest of the line after one
	rawQ     quoteScan // over the raw lines, to split them at lone CRs
	txtQ     quoteScan // over the decoded lines, to quote bare quotes
	carry    []byte    // a raw line being split at its lone CRs
	carryOff int
	carryErr error

	// runaway-cell guard
	inQuote    bool
	fieldLen   int
	fieldStart int
	guardBytes [256]bool // see setGuardBytes
	guardFor   rune      // the delimiter guardBytes were set for
	guardSet   bool
}

// nextLine returns the next line of checked, decoded text, ending in LF
// but at the end of the input; io.EOF after the last. The line is valid
// until the next call.
//
// A plain line, one that holds no quote, NUL or CR but its CRLF ending,
// is valid UTF-8 (or ASCII while the encoding is undecided or Big5),
// starts outside a quoted cell and ends in LF, is checked in one pass
// per test and handed on as read, without a copy: each check the line
// filter makes has nothing to do on it. Any other line is filtered in
// full (next). plain reports which it was.
func (f *lineFilter) nextLine() (line []byte, plain bool, err error) {
	if f.off < len(f.pending) { // read ahead while detecting the delimiter
		rest := f.pending[f.off:]
		n := bytes.IndexByte(rest, '\n') + 1
		if n == 0 {
			n = len(rest)
		}
		f.off += n
		return rest[:n], false, nil
	}
	if f.err != nil {
		return nil, false, f.err
	}
	if f.carryOff >= len(f.carry) && !f.inQuote && !f.rawQ.inQuoted && !f.txtQ.inQuoted && (f.line > 0 || !f.stripBOM) {
		raw, err := f.readRawLine()
		if err == nil && f.isPlain(raw) {
			f.line++
			f.rawQ.midCell, f.txtQ.midCell = false, false
			f.fieldLen, f.fieldStart = 0, f.line
			return raw, true, nil
		}
		f.peeked, f.peekErr, f.hasPeek = raw, err, true
	}
	f.pending, f.off = f.pending[:0], 0
	f.next()
	f.off = len(f.pending)
	if len(f.pending) == 0 {
		return nil, false, f.err
	}
	return f.pending, false, nil
}

// atEnd reports whether every line has been read: the input ends after
// the last line nextLine returned.
func (f *lineFilter) atEnd() bool {
	if f.err != nil {
		return f.err == io.EOF
	}
	if f.off < len(f.pending) || f.carryOff < len(f.carry) || f.hasPeek {
		return false
	}
	b, err := f.src.Peek(1)
	return len(b) == 0 && err == io.EOF
}

// isPlain reports whether raw, a line ending in LF, is plain (nextLine).
func (f *lineFilter) isPlain(raw []byte) bool {
	if bytes.IndexByte(raw, '"') >= 0 || bytes.IndexByte(raw, 0) >= 0 {
		return false
	}
	if i := bytes.IndexByte(raw, '\r'); i >= 0 && i != len(raw)-2 {
		return false
	}
	if f.enc == encUTF8 && !f.undecided {
		return utf8.Valid(raw)
	}
	return isASCII(raw)
}

// fill processes one more line during read-ahead and returns its decoded
// text; ok is false at the end of input or on error.
func (f *lineFilter) fill() (line []byte, ok bool) {
	if f.err != nil {
		return nil, false
	}
	start := len(f.pending)
	f.next()
	if len(f.pending) == start {
		return nil, false
	}
	return f.pending[start:], true
}

// readRawLine returns the next physical line including its '\n': the one
// nextLine peeked at, if it did.
func (f *lineFilter) readRawLine() ([]byte, error) {
	if f.hasPeek {
		f.hasPeek = false
		return f.peeked, f.peekErr
	}
	line, err := f.src.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	f.lineBuf = append(f.lineBuf[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = f.src.ReadSlice('\n')
		f.lineBuf = append(f.lineBuf, line...)
		if len(f.lineBuf) > maxLineSize {
			return nil, &ParseError{File: f.name, Line: f.line + 1,
				Err: &TooLargeError{File: f.name, What: TooLargeLine, Limit: maxLineSize,
					text: fmt.Sprintf("%v: the line is longer than %d MB", ErrTooLarge, maxLineSize>>20)}}
		}
	}
	return f.lineBuf, err
}

// readLine returns the next line: a raw line, or in a file with LF line
// ends the part of one up to a lone CR outside quotes, which is a line
// break too (the CR becomes an LF).
func (f *lineFilter) readLine() ([]byte, error) {
	if f.carryOff >= len(f.carry) {
		raw, err := f.readRawLine()
		if len(raw) == 0 {
			return raw, err
		}
		i := f.rawQ.loneCR(raw)
		if i < 0 {
			return raw, err
		}
		f.carry, f.carryOff, f.carryErr = append(f.carry[:0], raw...), 0, err
		return f.cutCarry(i), nil
	}
	if i := f.rawQ.loneCR(f.carry[f.carryOff:]); i >= 0 {
		return f.cutCarry(i), nil
	}
	rest := f.carry[f.carryOff:]
	f.carryOff = len(f.carry)
	return rest, f.carryErr
}

// cutCarry returns the carried line up to its lone CR at i (from
// carryOff), ending in LF.
func (f *lineFilter) cutCarry(i int) []byte {
	start := f.carryOff
	f.carry[start+i] = '\n'
	f.carryOff = start + i + 1
	return f.carry[start:f.carryOff]
}

// next reads, checks and decodes one physical line into pending, or sets err.
func (f *lineFilter) next() {
	raw, err := f.readLine()
	if len(raw) == 0 {
		if err == nil {
			err = io.EOF
		}
		f.err = err
		return
	}
	if err != nil && err != io.EOF {
		f.err = err
		return
	}
	f.line++
	if f.stripBOM && f.line == 1 {
		raw = bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF})
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		f.err = &ParseError{File: f.name, Line: f.line, Err: ErrNUL}
		return
	}
	if f.undecided && !isASCII(raw) {
		raw = f.decide(raw)
	}
	text := raw
	switch f.enc {
	case encUTF8:
		if !utf8.Valid(raw) {
			switch {
			case f.auto && validBig5(raw) && !mostlyUTF8(raw):
				f.err = &ParseError{File: f.name, Line: f.line, Err: fmt.Errorf(
					"%w: the start of the file is UTF-8 but this line is not (perhaps Big5); save the whole file as UTF-8, or read it as Big5 (encoding big5)", ErrMixedEncoding)}
			case f.auto:
				f.err = &ParseError{File: f.name, Line: f.line, Column: badUTF8At(raw) + 1, Err: fmt.Errorf(
					"%w: the file looks like UTF-8, but this line has a byte that is not valid UTF-8 (the file may be damaged there); retype the text at that place, or save the file again as UTF-8", ErrBadEncoding)}
			default:
				f.err = &ParseError{File: f.name, Line: f.line, Err: fmt.Errorf(
					"%w: this line is not valid UTF-8; if the file is Big5, read it as Big5 (encoding big5)", ErrBadEncoding)}
			}
			return
		}
	case encBig5:
		if f.auto && !isASCII(raw) && utf8.Valid(raw) {
			f.err = &ParseError{File: f.name, Line: f.line, Err: fmt.Errorf(
				"%w: the start of the file is Big5 but this line is UTF-8; save the whole file as UTF-8, or name its encoding (utf-8 or big5)", ErrMixedEncoding)}
			return
		}
		if !validBig5(raw) {
			f.err = &ParseError{File: f.name, Line: f.line, Err: fmt.Errorf(
				"%w: this line is neither valid Big5 nor UTF-8; save the file as UTF-8 CSV", ErrBadEncoding)}
			return
		}
		if !isASCII(raw) {
			f.decBuf = f.decBuf[:0]
			var derr error
			f.decBuf, derr = appendDecoded(f.decBuf, f.dec, raw)
			if derr != nil {
				f.err = &ParseError{File: f.name, Line: f.line, Err: fmt.Errorf("%w: %v", ErrBadEncoding, derr)}
				return
			}
			text = f.decBuf
		}
	}
	start := len(f.pending)
	f.pending = f.txtQ.quoteBare(f.pending, text)
	if f.guard(f.pending[start:]) {
		f.pending = f.pending[:start]
		return
	}
	if err == io.EOF {
		f.err = io.EOF
	}
}

// decide sets the encoding of a file whose start was all ASCII, at its first
// line with non-ASCII bytes: UTF-8 if that line and up to sniffSize bytes
// after it are valid UTF-8, else Big5, as NewCSVReader decides from the
// start of other files. Memory stays bounded: it only peeks into the read
// buffer. It returns a copy of raw, since peeking may move the buffer raw
// points into.
func (f *lineFilter) decide(raw []byte) []byte {
	line := append([]byte(nil), raw...)
	f.undecided = false
	ahead, err := f.src.Peek(sniffSize)
	if mostlyUTF8(append(line, trimPartialRune(ahead, err != io.EOF)...)) {
		f.enc, f.encName = encUTF8, EncodingUTF8
	} else {
		f.enc, f.encName = encBig5, EncodingBig5
		f.dec = traditionalchinese.Big5.NewDecoder()
	}
	return line
}

// guard tracks the length of the cell being read and stops a runaway cell
// (e.g. an unclosed quote in a huge file) before csv buffers all of it. The
// exact per-cell limit is checked on each record; this only bounds memory.
func (f *lineFilter) guard(text []byte) bool {
	if f.fieldLen == 0 {
		f.fieldStart = f.line
	}
	if f.guardFor != f.delim || !f.guardSet {
		f.setGuardBytes()
	}
	for i := 0; i < len(text); {
		if f.inQuote {
			j := bytes.IndexByte(text[i:], '"')
			if j < 0 {
				f.fieldLen += len(text) - i
				break
			}
			f.fieldLen += j + 1
			f.inQuote = false
			i += j + 1
			continue
		}
		j := i
		for j < len(text) && !f.guardBytes[text[j]] {
			j++
		}
		f.fieldLen += j - i
		if j == len(text) {
			break
		}
		if text[j] == '"' {
			f.inQuote = true
			f.fieldLen++
		} else {
			f.fieldLen = 0
			f.fieldStart = f.line
		}
		i = j + 1
	}
	if f.fieldLen > 2*f.maxCell+2 {
		f.err = &ParseError{File: f.name, Line: f.fieldStart, Err: fmt.Errorf(
			"%w: a cell starting in this line is longer than the limit of %d bytes (is a quote left open?)", ErrCellTooLarge, f.maxCell)}
		return true
	}
	return false
}

// setGuardBytes marks the bytes guard stops at outside quotes: a quote, and
// what ends a cell (a line end, any delimiter guard knows, the file's).
func (f *lineFilter) setGuardBytes() {
	for c := range f.guardBytes {
		f.guardBytes[c] = c == '"' || c == '\n' || c == ',' || c == ';' || c == '\t' || rune(c) == f.delim
	}
	f.guardFor, f.guardSet = f.delim, true
}

func appendDecoded(dst []byte, dec *encoding.Decoder, src []byte) ([]byte, error) {
	dec.Reset()
	out, _, err := transform.Append(dec, dst, src)
	return out, err
}

func isASCII(p []byte) bool {
	for _, c := range p {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// utf8Score counts the multi-byte UTF-8 characters in p (good) and the
// bytes that are not part of a valid UTF-8 character (bad).
func utf8Score(p []byte) (good, bad int) {
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && n <= 1 {
			bad++
			i++
			continue
		}
		good++
		i += n
	}
	return good, bad
}

// mostlyUTF8 reports whether p reads as UTF-8: valid, or with at most one
// bad byte for every 8 valid multi-byte characters (a damaged UTF-8
// file, whose bad byte is then reported on its own line). Big5 text has
// far more bytes that are not valid UTF-8 than characters that are.
func mostlyUTF8(p []byte) bool {
	good, bad := utf8Score(p)
	return bad == 0 || good >= 8*bad
}

// badUTF8At returns the index of the first byte of p that is not part of
// a valid UTF-8 character, or -1.
func badUTF8At(p []byte) int {
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// validBig5 reports whether p is well-formed Big5 (CP950/HKSCS ranges): ASCII
// bytes, or a lead byte 0x81-0xFE followed by a trail byte 0x40-0x7E or
// 0xA1-0xFE.
func validBig5(p []byte) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x80 {
			continue
		}
		if c == 0x80 || c == 0xFF || i+1 >= len(p) {
			return false
		}
		t := p[i+1]
		if !(t >= 0x40 && t <= 0x7E || t >= 0xA1 && t <= 0xFE) {
			return false
		}
		i++
	}
	return true
}

// loneCRLines reports whether the line breaks of the start of a text are
// lone CRs (the old Mac convention): it holds a CR not followed by LF and no
// LF at all. cut says the text goes on after p.
func loneCRLines(p []byte, cut bool) bool {
	if bytes.IndexByte(p, '\n') >= 0 {
		return false
	}
	i := bytes.IndexByte(p, '\r')
	// A CR that ends a cut prefix may be followed by an LF.
	return i >= 0 && !(cut && i == len(p)-1)
}

// crToLF is a transformer that turns each lone CR (one not followed by LF)
// into LF and keeps CRLF as it is.
type crToLF struct{ transform.NopResetter }

func (crToLF) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c == '\r' {
			switch {
			case nSrc+1 < len(src):
				if src[nSrc+1] != '\n' {
					c = '\n'
				}
			case !atEOF:
				return nDst, nSrc, transform.ErrShortSrc // is an LF next?
			default:
				c = '\n'
			}
		}
		if nDst == len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = c
		nDst++
		nSrc++
	}
	return nDst, nSrc, nil
}

// limitReader fails with ErrTooLarge once more than left bytes are read.
type limitReader struct {
	r    io.Reader
	left int64
	name string
	max  int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.max == 0 {
		l.max = l.left
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, tooLarge(l.name, TooLargeFile, 0, l.max, "the file is bigger than the %s limit", mb(l.max))
	}
	return n, err
}
