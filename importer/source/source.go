// Package source owns the row sources of custimport: it opens a CSV or XLSX
// file and yields its non-blank rows as the cell texts the user sees in Excel
// or a text editor, each tagged with the row number the user sees.
//
// It knows nothing of TMS fields, validation or HTTP. The format is sniffed
// from the content, not the file name (see Open). CSV input may be UTF-8
// (with or without BOM), UTF-16 with BOM, or Big5/CP950, with LF, CRLF or
// (old Mac) CR line endings; the delimiter (comma, semicolon or tab) is
// detected from the first non-blank line. XLSX
// sheets are streamed straight from the zip archive so memory stays bounded
// however many rows a sheet has; dates become YYYY/MM/DD whatever the
// machine's time zone.
//
// Errors about the file as a whole wrap one of the Err* sentinels; errors
// about a row are *ParseError values that name the file and the line and wrap
// a sentinel, so callers test them with errors.Is and errors.As.
package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Record is one non-blank row.
type Record struct {
	// Line is the 1-based row number the user sees in Excel. For CSV it
	// is the row Excel shows the record on: blank lines count as rows, and
	// a record whose quoted cells hold line breaks is one row (the lines
	// after it are that many rows up); for XLSX it is the Excel row
	// number. (A ParseError names the physical line, as a text editor
	// shows it.)
	Line int
	// Cells holds the cell texts as the user sees them, not trimmed.
	// Trailing empty cells may be dropped (XLSX); CSV rows are returned as
	// they are, ragged or not.
	Cells []string
	// NoValue lists the columns (0-based) whose cell holds a formula with
	// no saved result (a workbook written by a program that does not
	// calculate): their text is "" and their value unknown. The caller
	// decides: a problem in a column it imports, nothing in one it does
	// not.
	NoValue []int
	// Hidden is set for an XLSX row that is hidden in Excel: hidden by
	// hand, collapsed in an outline, or filtered out by an autofilter. The
	// caller decides whether to warn about it or leave it out. CSV rows
	// are never hidden.
	Hidden bool
}

// Reader yields records in file order. Read returns io.EOF at the end. Rows
// whose cells are all empty or whitespace are skipped silently.
type Reader interface {
	Read() (Record, error)
	Close() error
}

// Default limits used when the corresponding Options field is zero.
const (
	DefaultMaxBytes     int64 = 512 << 20
	DefaultMaxCellBytes       = 1 << 20
)

// Options configures how a file is read. The zero value detects everything.
type Options struct {
	// Encoding of a CSV file: "" detects it (BOM, else UTF-8 if the start
	// of the file is valid UTF-8, else Big5; when the first 64 KB are all
	// ASCII, the first non-ASCII line and the 64 KB after it decide);
	// "utf-8" and "big5" (alias "cp950") force one. Anything else is an
	// error wrapping ErrUnknownEncoding.
	Encoding string
	// Delimiter of a CSV file; 0 detects it from the first non-blank line
	// among ',', ';' and '\t' (counting only delimiters outside quotes).
	Delimiter rune
	// Sheet is the XLSX sheet to read; "" means the first visible sheet.
	Sheet string
	// Password opens an encrypted (password-protected) XLSX workbook.
	Password string
	// MaxBytes limits the size of a CSV file and the total uncompressed
	// size of an XLSX archive (zip-bomb guard). 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxCellBytes limits the size of one cell; a bigger cell is a
	// *ParseError wrapping ErrCellTooLarge. 0 means DefaultMaxCellBytes.
	MaxCellBytes int
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

func (o Options) maxCellBytes() int {
	if o.MaxCellBytes <= 0 {
		return DefaultMaxCellBytes
	}
	return o.MaxCellBytes
}

// Sentinel errors. Returned errors wrap them; test with errors.Is.
var (
	ErrEmptyFile       = errors.New("the file is empty")
	ErrNotSpreadsheet  = errors.New("not a CSV or XLSX file")
	ErrLegacyXLS       = errors.New("legacy .xls workbooks are not supported: open it in Excel and save it as .xlsx")
	ErrEncrypted       = errors.New("the workbook is password-protected")
	ErrTooLarge        = errors.New("the file is too large")
	ErrNoSheet         = errors.New("no such sheet")
	ErrNUL             = errors.New("NUL byte in text (the file may be binary, or UTF-16 without a byte-order mark)")
	ErrQuote           = errors.New("quotes are not balanced")
	ErrCellTooLarge    = errors.New("cell is too large")
	ErrMixedEncoding   = errors.New("the file mixes text encodings")
	ErrBadEncoding     = errors.New("text is not valid in the file's encoding")
	ErrUnknownEncoding = errors.New("unknown encoding (use utf-8 or big5)")
	ErrCorrupt         = errors.New("the workbook is damaged")
	// ErrNoPassword and ErrWrongPassword say why an encrypted workbook
	// was not opened; both are ErrEncrypted too.
	ErrNoPassword    = fmt.Errorf("%w: no password was given", ErrEncrypted)
	ErrWrongPassword = fmt.Errorf("%w: the password is wrong", ErrEncrypted)
)

// ParseError reports a problem in one row of a file. Line is the 1-based line
// (CSV) or row (XLSX) number; Column is the 1-based byte position in the line
// for CSV (as encoding/csv reports it) and the 1-based column number for XLSX;
// 0 means unknown.
type ParseError struct {
	File   string
	Line   int
	Column int
	Err    error
}

func (e *ParseError) Error() string {
	var b bytes.Buffer
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, ", e.Line)
	}
	if e.Column > 0 {
		fmt.Fprintf(&b, "column %d, ", e.Column)
	}
	if b.Len() >= 2 && bytes.HasSuffix(b.Bytes(), []byte(", ")) {
		b.Truncate(b.Len() - 2)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// fileError wraps a sentinel with the file name and a detail message.
func fileError(name string, sentinel error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if msg == "" {
		return fmt.Errorf("%s: %w", name, sentinel)
	}
	return fmt.Errorf("%s: %w: %s", name, sentinel, msg)
}

// TooLargeError is ErrTooLarge with what went over which limit. Error()
// is the English sentence.
type TooLargeError struct {
	File string
	// What went over: TooLargeFile, TooLargeUnpacked,
	// TooLargeSharedTexts or TooLargeLine.
	What string
	// Size is how many bytes it holds; 0 when not known (reading stopped
	// at the limit).
	Size int64
	// Limit is the limit in bytes: Options.MaxBytes (a line: the longest
	// line read).
	Limit int64
	text  string
}

// What a TooLargeError is about.
const (
	TooLargeFile        = "file"         // the file itself
	TooLargeUnpacked    = "unpacked"     // the workbook once unpacked
	TooLargeSharedTexts = "shared_texts" // the workbook's table of shared texts
	TooLargeLine        = "line"         // one line of a CSV file
)

func (e *TooLargeError) Error() string { return e.text }
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// tooLarge is a *TooLargeError whose sentence is fileError's.
func tooLarge(name, what string, size, limit int64, format string, args ...any) error {
	return &TooLargeError{File: name, What: what, Size: size, Limit: limit,
		text: fileError(name, ErrTooLarge, format, args...).Error()}
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Open opens a CSV or XLSX file, deciding by its content rather than its
// extension: a zip archive ("PK\x03\x04") is read as XLSX; an OLE compound
// file is an encrypted XLSX (opened with Options.Password, else ErrEncrypted)
// or a legacy .xls (ErrLegacyXLS); anything else that looks like text is read
// as CSV. An empty file gives ErrEmptyFile and binary data ErrNotSpreadsheet.
func Open(path string, opts Options) (Reader, error) {
	f, size, err := openFile(path)
	if err != nil {
		return nil, err
	}
	r, err := OpenReaderAt(filepath.Base(path), f, size, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	setCloser(r, f)
	return r, nil
}

// openFile opens a regular file for reading and returns its size.
func openFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fileError(filepath.Base(path), ErrNotSpreadsheet, "it is a folder")
	}
	return f, st.Size(), nil
}

// OpenReaderAt is Open for content that is not a file on disk (an
// upload): size bytes read through ra; name is shown in messages. Closing
// the Reader does not close ra.
func OpenReaderAt(name string, ra io.ReaderAt, size int64, opts Options) (Reader, error) {
	head := make([]byte, min(size, 8192))
	n, err := ra.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	head = head[:n]
	if n == 0 {
		return nil, fileError(name, ErrEmptyFile, "")
	}
	if bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, oleMagic) {
		return openXLSXAt(name, ra, size, opts)
	}
	if looksBinary(head) {
		return nil, fileError(name, ErrNotSpreadsheet, "it looks like binary data (if it is UTF-16 text, save it as UTF-8 CSV)")
	}
	if size > opts.maxBytes() {
		return nil, tooLarge(name, TooLargeFile, size, opts.maxBytes(), "%s is bigger than the %s limit", mb(size), mb(opts.maxBytes()))
	}
	return NewCSVReader(io.NewSectionReader(ra, 0, size), name, opts)
}

// setCloser makes closing r close c too.
func setCloser(r Reader, c io.Closer) {
	switch r := r.(type) {
	case *CSVReader:
		r.closer = c
	case *XLSXReader:
		r.closer = c
	}
}

// looksBinary reports whether a file prefix looks like binary data rather
// than text: known binary magic numbers, or many control bytes. UTF-16 with a
// BOM is text.
func looksBinary(p []byte) bool {
	if bytes.HasPrefix(p, []byte{0xFF, 0xFE}) || bytes.HasPrefix(p, []byte{0xFE, 0xFF}) {
		return false
	}
	for _, m := range [][]byte{
		{0x1F, 0x8B},            // gzip
		[]byte("%PDF-"),         // PDF
		[]byte("\x89PNG"),       // PNG
		{0xFF, 0xD8, 0xFF},      // JPEG
		[]byte("Rar!"),          // RAR
		[]byte("7z\xBC\xAF"),    // 7-Zip
		[]byte("\x7FELF"),       // executable
		[]byte("MZ\x90\x00"),    // Windows executable
		[]byte("PK\x05\x06"),    // empty zip
		[]byte("SQLite format"), // database
	} {
		if bytes.HasPrefix(p, m) {
			return true
		}
	}
	ctrl := 0
	for _, c := range p {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
			ctrl++
		}
	}
	// Text has (almost) no control bytes; random data has about 10%,
	// UTF-16 without a BOM about 50% NULs.
	return ctrl > 0 && ctrl*50 > len(p)
}

// mb formats a byte count in MB for messages.
func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	if n < 10<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// bufferedReader is the minimal interface the CSV code reads from.
type bufferedReader interface {
	io.Reader
	Peek(n int) ([]byte, error)
	ReadSlice(delim byte) ([]byte, error)
}

var _ bufferedReader = (*bufio.Reader)(nil)

// ReadAtMost reads up to n records of r: fewer at the end of the input.
// On an error other than io.EOF it returns the records read before it
// and that error.
func ReadAtMost(r Reader, n int) ([]Record, error) {
	var recs []Record
	for len(recs) < n {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}
