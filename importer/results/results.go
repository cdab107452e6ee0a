package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/custimport/custimport/importer/internal/process"
)

// Cell is one output cell.
type Cell struct {
	// Value is the cell text.
	Value string
	// Numeric marks a column that holds numbers: a Value that is a plain
	// decimal number (see IsPlainDecimal) is written as a number (an XLSX
	// numeric cell; in CSV it is left unescaped, so "-12.5" stays a
	// number). Any other Value is written as text.
	Numeric bool
	// Problem, when non-empty, fills the cell red in XLSX and attaches the
	// text as a cell comment. CSV ignores it.
	Problem string
}

// Writer writes a results sheet. Writers are not safe for concurrent use.
//
// The calls are WriteHeader (optional, first), any number of WriteRow,
// WriteSummary (optional) and then exactly one of Close or Abort. After an
// error from a Write method the writer is unusable: every later call returns
// the same error, and Close discards the output.
type Writer interface {
	// WriteHeader writes the header row. It must come before any WriteRow.
	WriteHeader(cols []string) error
	// WriteRow writes one data row.
	WriteRow(cells []Cell) error
	// WriteBlank writes n empty rows (the input's blank rows), so that
	// every results row keeps its input row number.
	WriteBlank(n int) error
	// Amend replaces, when the file is closed, the text of the cell in
	// column col (0-based) of a row already written (1-based, counting
	// the rows above the header and the header, as the file shows them).
	// It is for the rare row whose outcome a later row changes: the file
	// is then copied once more on Close.
	Amend(row, col int, value string) error
	// WriteSummary records summary rows, written on Close: XLSX puts them on
	// a second sheet named "Summary" (the first row is the bold header); CSV
	// ignores them. A second call replaces the rows of the first.
	WriteSummary(rows [][]Cell) error
	// Close finishes the file. For writers made by Create the file appears
	// at its path only if Close succeeds; on failure nothing is left behind.
	Close() error
	// Abort discards everything written and leaves no file behind. Abort
	// after Close is a no-op, so `defer w.Abort()` is a safe pattern.
	Abort() error
}

// Options configures a writer made by Create or NewXLSXWriter.
type Options struct {
	// SheetName is the name of the XLSX results sheet. Default "Results".
	SheetName string
	// CommentAuthor is the author shown on XLSX problem comments. Default
	// "custimport".
	CommentAuthor string
	// ColWidths optionally sets XLSX column widths (in characters), by
	// column index. Zero or missing entries get a width computed from the
	// header text.
	ColWidths []float64
	// TextColumns lists the XLSX columns (0-based indexes) formatted as
	// text ("@"): their cells, problem cells included, and the empty cells
	// below them, so that a value retyped there (a 統編 04595257) keeps its
	// leading zero. Their values are always written as text. CSV ignores it.
	TextColumns []int
	// Above holds the rows written above the header (an input's title
	// and blank rows), so that results row N is input row N. A nil or
	// empty row is blank. XLSX freezes the panes and puts the autofilter
	// on the header, below them.
	Above [][]string
	// Private writes the file readable by its owner only (mode 600): the
	// results of an encrypted workbook, say. Otherwise it is 644.
	Private bool
}

// MaxXLSXColumns is how many columns an XLSX sheet holds (A to XFD).
const MaxXLSXColumns = 16384

// SummarySheetName is the name of the XLSX sheet written by WriteSummary.
const SummarySheetName = "Summary"

const (
	defaultSheetName     = "Results"
	defaultCommentAuthor = "custimport"
)

var (
	// ErrUnknownFormat is returned (wrapped) by Create for a path whose
	// extension is neither .xlsx nor .csv.
	ErrUnknownFormat = errors.New("results: unknown output format")
	// ErrClosed is returned by calls on a writer that was closed or aborted.
	ErrClosed = errors.New("results: writer already closed")
	// ErrHeaderAfterRows is returned by WriteHeader after a WriteRow or a
	// second WriteHeader.
	ErrHeaderAfterRows = errors.New("results: header must be written once, before the rows")
)

func (o Options) withDefaults() Options {
	if o.SheetName == "" {
		o.SheetName = defaultSheetName
	}
	if o.CommentAuthor == "" {
		o.CommentAuthor = defaultCommentAuthor
	}
	return o
}

// Create creates a results writer for path, choosing the format by the
// extension (.xlsx or .csv, case-insensitive). Anything else returns an
// error wrapping ErrUnknownFormat. The output is written to a temporary file
// in the same folder, renamed to path by a successful Close and removed by
// Abort; an existing file at path is replaced only then. A missing folder is
// reported here, as an error wrapping fs.ErrNotExist.
func Create(path string, opts Options) (Writer, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return NewXLSXWriter(path, opts)
	case ".csv":
		return createCSVFile(path, opts)
	default:
		return nil, fmt.Errorf("%w: %q (want .xlsx or .csv)", ErrUnknownFormat, path)
	}
}

// IsPlainDecimal reports whether s is a plain decimal number: an optional
// leading minus, digits, and optionally a point followed by digits ("-12.5",
// "3", "0.25"). Signs other than a leading minus, exponents, thousands
// separators, spaces, "Inf" and "NaN" are not plain decimals.
func IsPlainDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if !allDigits(intPart) {
		return false
	}
	return !hasPoint || allDigits(frac)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// excelGeneralWidth is how many characters (digits and sign, not the
// decimal point) Excel's General format shows before it switches to
// scientific notation: 100000000000 shows as "1E+11".
const excelGeneralWidth = 11

// numericValue returns the number an XLSX Numeric cell is written as, and
// whether it is one: the Value must be a plain decimal that Excel's General
// format shows whole, digit for digit. Anything longer (a 12-digit amount,
// a long account number) stays text, so the results sheet shows exactly
// what was read instead of "1E+11" or a rounded number.
func numericValue(c Cell) (float64, bool) {
	if !c.Numeric || !IsPlainDecimal(c.Value) {
		return 0, false
	}
	digits := strings.TrimPrefix(c.Value, "-")
	intPart, frac, _ := strings.Cut(digits, ".")
	sig := strings.Trim(intPart+strings.TrimRight(frac, "0"), "0")
	if len(sig) > excelGeneralWidth {
		return 0, false
	}
	v, err := strconv.ParseFloat(c.Value, 64)
	if err != nil {
		return 0, false
	}
	shown := strconv.FormatFloat(v, 'f', -1, 64)
	if len(shown)-strings.Count(shown, ".") > excelGeneralWidth {
		return 0, false
	}
	return v, true
}

// createTemp creates the temporary output file for path in path's folder.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("results: create %s: output folder: %w", path, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("results: create %s: %s is not a folder", path, dir)
	}
	// The process's mark (its id and start time) in the name tells a
	// later run whether the writer is still alive: a live run's temporary
	// file is never deleted, a dead one's is even when its id was reused.
	f, err := os.CreateTemp(dir, "."+base+"."+process.Self().String()+"-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("results: create %s: %w", path, err)
	}
	return f, nil
}

// commitTemp closes tmp and renames it to path.
func commitTemp(tmp *os.File, path string, private bool) error {
	name := tmp.Name()
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		_ = os.Remove(name)
		return fmt.Errorf("results: sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("results: close %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if private {
		mode = 0o600
	}
	if err := os.Chmod(name, mode); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("results: chmod %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		// Keep the finished results: on Windows the target is often
		// open in Excel, and these rows may already be in TMS.
		return fmt.Errorf("results: cannot replace %s (is it open in Excel?): %w; the results were kept in %s", path, err, name)
	}
	return nil
}

// discardTemp closes and removes tmp.
func discardTemp(tmp *os.File) error {
	if tmp == nil {
		return nil
	}
	_ = tmp.Close()
	if err := os.Remove(tmp.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("results: remove temp file: %w", err)
	}
	return nil
}

// truncateUTF16 cuts s to at most n UTF-16 code units (Excel's limit unit).
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}
