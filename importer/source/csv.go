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

// CSVReader reads records from delimited text. It is built on encoding/csv
// (ragged rows allowed, RFC 4180 quoting) with a line layer underneath that
// detects and decodes the encoding, rejects NUL bytes and mixed encodings,
// and bounds the memory one cell can take.
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
	cr     *csv.Reader
	delim  rune
	max    int
	err    error
	closer io.Closer
	// extraLines counts the line breaks inside the quoted cells read so
	// far: physical lines that are not rows of their own in Excel.
	extraLines int
}

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

	cr := csv.NewReader(lf)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &CSVReader{name: name, lf: lf, cr: cr, delim: delim, max: opts.maxCellBytes()}, nil
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
func (r *CSVReader) Read() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	for {
		rec, err := r.cr.Read()
		if err != nil {
			r.err = r.convertErr(err)
			return Record{}, r.err
		}
		line, _ := r.cr.FieldPos(0)
		// Excel shows a record whose quoted cells hold line breaks as one
		// row: the rows after it are that many lines up.
		line -= r.extraLines
		for _, c := range rec {
			r.extraLines += strings.Count(c, "\n")
		}
		if isBlank(rec) {
			continue
		}
		for i, c := range rec {
			if len(c) > r.max {
				l, col := r.cr.FieldPos(i)
				r.err = &ParseError{File: r.name, Line: l, Column: col,
					Err: fmt.Errorf("%w: cell %d is %d bytes long, more than the limit of %d bytes", ErrCellTooLarge, i+1, len(c), r.max)}
				return Record{}, r.err
			}
		}
		return Record{Line: line, Cells: append([]string(nil), rec...)}, nil
	}
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
		case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line && r.lf.err == io.EOF && pe.Line >= r.lf.line:
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

// lineFilter sits between the raw bytes and encoding/csv. It reads one
// physical line at a time, checks it (NUL bytes, encoding, runaway cells)
// and hands the UTF-8 text on, so errors can name the exact line. Line
// endings are kept, so csv's line numbers are the file's.
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

	pending []byte // decoded text not yet handed to csv
	off     int
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

// Read implements io.Reader for encoding/csv.
func (f *lineFilter) Read(p []byte) (int, error) {
	for f.off >= len(f.pending) {
		if f.err != nil {
			return 0, f.err
		}
		f.pending, f.off = f.pending[:0], 0
		// Batch several lines per call to keep overhead low.
		for len(f.pending) < 32<<10 && f.err == nil {
			f.next()
		}
	}
	n := copy(p, f.pending[f.off:])
	f.off += n
	return n, nil
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

// readRawLine returns the next physical line including its '\n'.
func (f *lineFilter) readRawLine() ([]byte, error) {
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
				Err: fmt.Errorf("%w: the line is longer than %d MB", ErrTooLarge, maxLineSize>>20)}
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
		return n, fileError(l.name, ErrTooLarge, "the file is bigger than the %s limit", mb(l.max))
	}
	return n, err
}
