package results

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXBook is a results workbook of several results sheets, one per input
// sheet (北區, 南區), and one Summary sheet with a block per sheet. Its
// sheets are written one after another: Sheet, the sheet's rows, its
// Close, then the next Sheet; the book's Close writes the file.
type XLSXBook struct {
	opts Options // CommentAuthor, Private
	path string
	out  *os.File // temp file in the destination folder
	f    *excelize.File

	headerStyle  int
	problemStyle int
	textStyle    int // number format "@"
	textProblem  int // "@" with the problem fill

	sheets    []*XLSXWriter
	nextShape int // the next sheet's VML shape ids start after it
	err       error
	done      bool
}

// NewXLSXBook creates a results workbook for path; add its sheets with
// Sheet. opts gives the comments' author and whether the file is private;
// each sheet has options of its own.
func NewXLSXBook(path string, opts Options) (*XLSXBook, error) {
	opts = opts.withDefaults()
	out, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	b := &XLSXBook{opts: opts, path: path, out: out, nextShape: 1024}
	if err := b.init(); err != nil {
		_ = b.cleanup()
		return nil, err
	}
	return b, nil
}

func (b *XLSXBook) init() error {
	b.f = excelize.NewFile()
	var err error
	if b.headerStyle, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return fmt.Errorf("results: header style: %w", err)
	}
	b.problemStyle, err = b.f.NewStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{ProblemFillColor}},
	})
	if err != nil {
		return fmt.Errorf("results: problem style: %w", err)
	}
	if b.textStyle, err = b.f.NewStyle(&excelize.Style{NumFmt: numFmtText}); err != nil {
		return fmt.Errorf("results: text style: %w", err)
	}
	b.textProblem, err = b.f.NewStyle(&excelize.Style{
		NumFmt: numFmtText,
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{ProblemFillColor}},
	})
	if err != nil {
		return fmt.Errorf("results: text problem style: %w", err)
	}
	return nil
}

func (b *XLSXBook) fail(err error) error {
	if b.err == nil {
		b.err = err
	}
	return b.err
}

// Sheet adds a results sheet named name (Excel's rules: at most 31
// characters, none of []:*?/\; not "Summary") and returns its writer.
// opts gives its text columns, the rows above its header and its column
// widths. The previous sheet must be closed first.
func (b *XLSXBook) Sheet(name string, opts Options) (*XLSXWriter, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.done {
		return nil, ErrClosed
	}
	if strings.EqualFold(name, SummarySheetName) {
		return nil, fmt.Errorf("results: sheet name %q is reserved for the summary", name)
	}
	for _, s := range b.sheets {
		if !s.done {
			return nil, fmt.Errorf("results: sheet %q is not closed", s.name)
		}
	}
	if len(b.sheets) == 0 {
		if err := b.f.SetSheetName(b.f.GetSheetName(0), name); err != nil {
			return nil, fmt.Errorf("results: sheet name %q: %w", name, err)
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("results: sheet name %q: %w", name, err)
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("results: stream writer: %w", err)
	}
	w := &XLSXWriter{opts: opts.withDefaults(), book: b, name: name, sw: sw, shapeBase: b.nextShape}
	b.sheets = append(b.sheets, w)
	return w, nil
}

// Close writes the workbook: the Summary sheet (each sheet's summary
// rows, a blank row between), then one streaming pass adding every
// sheet's rows, comments and dimension; the file is renamed to its path.
// On error nothing is left behind.
func (b *XLSXBook) Close() error {
	if b.done {
		return ErrClosed
	}
	b.done = true
	err := b.err
	for _, s := range b.sheets {
		if err == nil && !s.done {
			err = fmt.Errorf("results: sheet %q is not closed", s.name)
		}
	}
	if err == nil {
		err = b.finish()
	}
	if err != nil {
		_ = b.cleanup()
		return err
	}
	out := b.out
	b.out = nil
	if err := b.cleanup(); err != nil {
		_ = discardTemp(out)
		return err
	}
	return commitTemp(out, b.path, b.opts.Private)
}

// Abort discards the workbook and its temporary files; its Sheet and
// Close then return ErrClosed. Abort after Close is a no-op.
func (b *XLSXBook) Abort() error {
	if b.done {
		return nil
	}
	b.done = true
	for _, s := range b.sheets {
		s.done = true
	}
	return b.cleanup()
}

// cleanup closes the excelize file and removes every temporary file still
// held, including the output temp file if b.out is set.
func (b *XLSXBook) cleanup() error {
	var errs []error
	if b.f != nil {
		if err := b.f.Close(); err != nil {
			errs = append(errs, fmt.Errorf("results: close workbook: %w", err))
		}
		b.f = nil
	}
	for _, s := range b.sheets {
		if err := s.cleanup(); err != nil {
			errs = append(errs, err)
		}
		s.sw = nil
	}
	if err := discardTemp(b.out); err != nil {
		errs = append(errs, err)
	}
	b.out = nil
	return errors.Join(errs...)
}

// finish writes the workbook: excelize's parts to a stage file, then
// postprocess copies them to the output with the spooled rows, comments
// and column widths spliced in.
func (b *XLSXBook) finish() error {
	var summary [][]Cell
	for _, s := range b.sheets {
		if s.summary == nil {
			continue
		}
		if summary != nil {
			summary = append(summary, nil)
		}
		summary = append(summary, s.summary...)
	}
	if summary != nil {
		if err := b.writeSummarySheet(summary); err != nil {
			return err
		}
	}
	stage, err := os.CreateTemp("", "custimport-stage-*.xlsx")
	if err != nil {
		return fmt.Errorf("results: stage file: %w", err)
	}
	defer func() { _ = discardTemp(stage) }()
	size, err := b.stage(stage)
	if err != nil {
		return err
	}
	o := postOptions{author: b.opts.CommentAuthor}
	for _, s := range b.sheets {
		o.sheets = append(o.sheets, s.post())
	}
	ob := bufio.NewWriterSize(b.out, 256<<10)
	if err := postprocess(stage, size, ob, o); err != nil {
		return err
	}
	if err := ob.Flush(); err != nil {
		return fmt.Errorf("results: write %s: %w", b.path, err)
	}
	return nil
}

// stage writes excelize's workbook to the stage file, the sheets stored
// uncompressed for postprocess, closes the workbook and returns the
// stage's size.
func (b *XLSXBook) stage(stage *os.File) (int64, error) {
	bw := bufio.NewWriterSize(stage, 256<<10)
	// excelize names a sheet's part by its sheet id.
	store := map[string]bool{}
	for id, name := range b.f.GetSheetMap() {
		for _, s := range b.sheets {
			if s.name == name {
				store["xl/worksheets/sheet"+strconv.Itoa(id)+".xml"] = true
			}
		}
	}
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		return &stageZip{zw: zip.NewWriter(bw), store: store}
	})
	// excelize hands the ZipWriter an in-memory buffer for the whole
	// workbook, which stageZip ignores: nothing reaches io.Discard.
	if err := b.f.Write(io.Discard); err != nil {
		return 0, fmt.Errorf("results: write workbook: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("results: write workbook: %w", err)
	}
	if err := b.f.Close(); err != nil {
		return 0, fmt.Errorf("results: close workbook: %w", err)
	}
	b.f = nil
	size, err := stage.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("results: stage file: %w", err)
	}
	return size, nil
}

// writeSummarySheet writes the Summary sheet: the first row of each
// block (after a blank row) in bold.
func (b *XLSXBook) writeSummarySheet(rows [][]Cell) error {
	const sheet = SummarySheetName
	if _, err := b.f.NewSheet(sheet); err != nil {
		return fmt.Errorf("results: summary sheet: %w", err)
	}
	widths := map[int]float64{}
	for r, row := range rows {
		for c, cell := range row {
			ref, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return fmt.Errorf("results: summary: %w", err)
			}
			if v, ok := numericValue(cell); ok {
				err = b.f.SetCellFloat(sheet, ref, v, -1, 64)
			} else {
				err = b.f.SetCellStr(sheet, ref, cell.Value)
			}
			if err != nil {
				return fmt.Errorf("results: summary %s: %w", ref, err)
			}
			style := 0
			switch {
			case cell.Problem != "":
				style = b.problemStyle
			case r == 0 || rows[r-1] == nil:
				style = b.headerStyle
			}
			if style != 0 {
				if err := b.f.SetCellStyle(sheet, ref, ref, style); err != nil {
					return fmt.Errorf("results: summary %s: %w", ref, err)
				}
			}
			widths[c] = max(widths[c], colWidth(cell.Value))
		}
	}
	for c, wd := range widths {
		name, err := excelize.ColumnNumberToName(c + 1)
		if err != nil {
			return fmt.Errorf("results: summary: %w", err)
		}
		if err := b.f.SetColWidth(sheet, name, name, wd); err != nil {
			return fmt.Errorf("results: summary: %w", err)
		}
	}
	return nil
}
