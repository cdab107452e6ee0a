package results

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// ProblemFillColor is the fill colour (RGB hex) of XLSX cells that carry a
// Problem: Excel's "light red" used by its "Bad" cell style.
const ProblemFillColor = "FFC7CE"

// Excel limits.
const (
	maxCommentUnits = 32767 // UTF-16 units in a comment
	minColWidth     = 8
	maxColWidth     = 60
	numFmtText      = 49 // the built-in number format "@"
)

// XLSXWriter streams one results sheet to an XLSX workbook (see the
// package comment): a file of its own (NewXLSXWriter), or one sheet of an
// XLSXBook.
type XLSXWriter struct {
	opts Options
	book *XLSXBook
	own  bool // the book is the writer's own: Close finishes the file
	name string
	sw   *excelize.StreamWriter

	textCol []bool

	colSpecs []colSpec // per column, from WriteHeader; written by postprocess

	row       int // last row written (1-based), 0 before the first
	maxCol    int // widest row written
	header    bool
	headerRow int // the header's row (1-based), after Options.Above
	rowCells  []xcell
	rows      *zspool // the sheet's <row> elements, compressed
	rowXML    rowXML
	rowBuf    []byte

	comments  *spool // <comment> elements, one per problem cell
	shapes    *spool // VML <v:shape> elements, one per problem cell
	nComment  int
	shapeBase int // the VML shape ids of this sheet start after it
	first     string

	summary [][]Cell
	amend   amendments // see Amend
	done    bool
}

var _ Writer = (*XLSXWriter)(nil)

// NewXLSXWriter creates an XLSX results writer for path. The workbook is
// streamed to temporary files and written to a temporary file in path's
// folder, which a successful Close renames to path.
func NewXLSXWriter(path string, opts Options) (*XLSXWriter, error) {
	opts = opts.withDefaults()
	b, err := NewXLSXBook(path, opts)
	if err != nil {
		return nil, err
	}
	w, err := b.Sheet(opts.SheetName, opts)
	if err != nil {
		_ = b.Abort()
		return nil, err
	}
	w.own = true
	return w, nil
}

func (w *XLSXWriter) check() error {
	if w.done {
		return ErrClosed
	}
	return w.book.err
}

func (w *XLSXWriter) fail(err error) error { return w.book.fail(err) }

// WriteHeader writes the bold header row, freezes it, sizes the columns
// (from the header texts and Options.ColWidths; the data is not known yet
// when the columns must be written) and makes it the autofilter row.
//
// The widths are not given to excelize (its SetColWidth costs time
// quadratic in the columns already set, so 16,384 columns never finished):
// Close writes the <cols> element itself, in one linear pass.
func (w *XLSXWriter) WriteHeader(cols []string) error {
	if err := w.check(); err != nil {
		return err
	}
	if w.header || w.row > 0 {
		return ErrHeaderAfterRows
	}
	w.header = true
	if len(cols) > excelize.MaxColumns {
		return w.fail(fmt.Errorf("results: %d columns: %w", len(cols), excelize.ErrColumnNumber))
	}
	w.colSpecs = make([]colSpec, len(cols))
	for i, name := range cols {
		wd := colWidth(name)
		if i < len(w.opts.ColWidths) && w.opts.ColWidths[i] > 0 {
			wd = w.opts.ColWidths[i]
		}
		if wd > excelize.MaxColumnWidth {
			return w.fail(fmt.Errorf("results: column width %v: %w", wd, excelize.ErrColumnWidth))
		}
		w.colSpecs[i] = colSpec{width: wd}
	}
	w.textCol = make([]bool, len(cols))
	for _, i := range w.opts.TextColumns {
		if i < 0 || i >= len(cols) {
			return w.fail(fmt.Errorf("results: text column %d: the header has %d columns", i, len(cols)))
		}
		w.textCol[i] = true
		w.colSpecs[i].style = w.book.textStyle
	}
	w.headerRow = len(w.opts.Above) + 1
	below := "A" + strconv.Itoa(w.headerRow+1)
	err := w.sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: w.headerRow, TopLeftCell: below, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}},
	})
	if err != nil {
		return w.fail(fmt.Errorf("results: freeze header: %w", err))
	}
	for _, row := range w.opts.Above {
		cells := make([]xcell, len(row))
		for i, c := range row {
			if c != "" {
				cells[i] = xcell{kind: cellText, text: c}
			}
		}
		if err := w.setRow(cells); err != nil {
			return err
		}
	}
	cells := make([]xcell, len(cols))
	for i, name := range cols {
		cells[i] = xcell{kind: cellText, text: name, style: w.book.headerStyle}
	}
	return w.setRow(cells)
}

// colSpec is how one results column is formatted.
type colSpec struct {
	width float64
	style int // 0: none
}

// colsXML is the <cols> element for specs, with runs of equal columns
// merged, or nil when there are none. It takes time linear in len(specs).
func colsXML(specs []colSpec) []byte {
	if len(specs) == 0 {
		return nil
	}
	b := []byte("<cols>")
	for i := 0; i < len(specs); {
		j := i + 1
		for j < len(specs) && specs[j] == specs[i] {
			j++
		}
		b = append(b, `<col min="`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `" max="`...)
		b = strconv.AppendInt(b, int64(j), 10)
		b = append(b, `" width="`...)
		b = strconv.AppendFloat(b, specs[i].width, 'f', -1, 64)
		b = append(b, `" customWidth="1"`...)
		if specs[i].style != 0 {
			b = append(b, ` style="`...)
			b = strconv.AppendInt(b, int64(specs[i].style), 10)
			b = append(b, '"')
		}
		b = append(b, "/>"...)
		i = j
	}
	return append(b, "</cols>"...)
}

// colWidth is a column width in Excel characters for a header text, with
// East Asian wide characters counted twice.
func colWidth(s string) float64 {
	return float64(min(max(DisplayWidth(s)+4, minColWidth), maxColWidth))
}

// DisplayWidth is how many columns s takes in a terminal or in Excel's
// character units: East Asian wide and full-width characters take two.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// setRow writes the next row to the rows spool, as excelize's SetRow
// would write it into the sheet.
func (w *XLSXWriter) setRow(cells []xcell) error {
	w.row++
	if w.row > excelize.TotalRows {
		ref, err := excelize.CoordinatesToCellName(1, w.row)
		if err != nil {
			return w.fail(fmt.Errorf("results: row %d: %w", w.row, err))
		}
		_, _, err = excelize.CellNameToCoordinates(ref)
		return w.fail(fmt.Errorf("results: write row %d: %w", w.row, err))
	}
	if w.rows == nil {
		var err error
		if w.rows, err = newZSpool("custimport-rows-*"); err != nil {
			return w.fail(err)
		}
	}
	b, err := w.rowXML.appendRow(w.rowBuf[:0], w.row, cells)
	w.rowBuf = b
	if err != nil {
		return w.fail(fmt.Errorf("results: write row %d: %w", w.row, err))
	}
	if _, err := w.rows.Write(b); err != nil {
		return w.fail(fmt.Errorf("results: write row %d: %w", w.row, err))
	}
	w.maxCol = max(w.maxCol, len(cells))
	return nil
}

// WriteRow writes one row. Numeric cells holding a plain decimal that
// Excel's General format shows whole (at most 11 characters) become
// numbers; everything else is a string
// cell (never a formula). Cells with a Problem are filled red and get a
// comment.
func (w *XLSXWriter) WriteRow(cells []Cell) error {
	if err := w.check(); err != nil {
		return err
	}
	if cap(w.rowCells) < len(cells) {
		w.rowCells = make([]xcell, len(cells))
	}
	cs := w.rowCells[:len(cells)]
	row := w.row + 1
	for i, c := range cells {
		if c.Value == "" && c.Problem == "" {
			cs[i] = xcell{}
			continue
		}
		cs[i] = w.cell(i, c)
		if c.Problem != "" {
			if err := w.addComment(i, row, c.Problem); err != nil {
				return w.fail(err)
			}
		}
	}
	return w.setRow(cs)
}

// WriteBlank leaves n rows empty.
func (w *XLSXWriter) WriteBlank(n int) error {
	if err := w.check(); err != nil {
		return err
	}
	if w.row+n > excelize.TotalRows {
		return w.fail(fmt.Errorf("results: row %d: %w", w.row+n, excelize.ErrMaxRows))
	}
	w.row += max(n, 0)
	return nil
}

// cell is the cell for c in column i: a number, or text; red when it has
// a problem; text-formatted in a text column.
func (w *XLSXWriter) cell(i int, c Cell) xcell {
	x := xcell{kind: cellEmpty}
	text := i < len(w.textCol) && w.textCol[i]
	if v, ok := numericValue(c); ok && !text {
		x.kind, x.num = cellNumber, v
	} else if c.Value != "" {
		x.kind, x.text = cellText, c.Value
	}
	switch {
	case c.Problem != "" && text:
		x.style = w.book.textProblem
	case c.Problem != "":
		x.style = w.book.problemStyle
	case text:
		x.style = w.book.textStyle
	}
	return x
}

// addComment spools the comment and its VML shape for the cell at
// (col index i, 1-based row).
func (w *XLSXWriter) addComment(i, row int, text string) error {
	ref, err := excelize.CoordinatesToCellName(i+1, row)
	if err != nil {
		return fmt.Errorf("results: comment cell: %w", err)
	}
	if w.comments == nil {
		if w.comments, err = newSpool("custimport-comments-*"); err != nil {
			return err
		}
		if w.shapes, err = newSpool("custimport-vml-*"); err != nil {
			return err
		}
		w.first = ref
	}
	w.nComment++
	cw := w.comments.w
	_, _ = cw.WriteString(`<comment ref="`)
	_, _ = cw.WriteString(ref)
	_, _ = cw.WriteString(`" authorId="0"><text><t xml:space="preserve">`)
	_ = xml.EscapeText(cw, []byte(truncateUTF16(text, maxCommentUnits)))
	_, _ = cw.WriteString(`</t></text></comment>`)
	if err := writeShape(w.shapes.w, w.shapeBase+w.nComment, i, row-1); err != nil {
		return err
	}
	if err := w.comments.err(); err != nil {
		return err
	}
	return w.shapes.err()
}

// WriteSummary records the summary rows, written to the "Summary" sheet on
// Close: the first row in bold, Numeric cells that hold plain decimals as
// numbers, Problem cells filled red (without comments). In a book, each
// sheet's rows are a block of the one Summary sheet.
func (w *XLSXWriter) WriteSummary(rows [][]Cell) error {
	if err := w.check(); err != nil {
		return err
	}
	w.summary = make([][]Cell, len(rows))
	for i, r := range rows {
		w.summary[i] = append([]Cell(nil), r...)
	}
	return nil
}

// Close finishes the sheet and, for a writer of its own, the workbook:
// it adds the comments and the dimension in one streaming pass and
// renames the file to its path. On error nothing is left behind.
func (w *XLSXWriter) Close() error {
	if w.done {
		return ErrClosed
	}
	w.done = true
	err := w.book.err
	if err == nil {
		err = w.finishSheet()
	}
	if !w.own {
		if err != nil {
			_ = w.book.Abort()
		}
		return err
	}
	if err != nil {
		_ = w.book.Abort()
		return err
	}
	return w.book.Close()
}

// Abort discards the output and all temporary files: for a sheet of a
// book, the whole book (its Close then fails). Abort after Close is a
// no-op.
func (w *XLSXWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	return w.book.Abort()
}

// cleanup removes the sheet's temporary files.
func (w *XLSXWriter) cleanup() error {
	var errs []error
	for _, s := range []*spool{w.comments, w.shapes} {
		if err := s.remove(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := w.rows.remove(); err != nil {
		errs = append(errs, err)
	}
	w.comments, w.shapes, w.rows = nil, nil, nil
	return errors.Join(errs...)
}

// finishSheet ends the results sheet in excelize (its autofilter, the
// placeholder comment) and flushes the spools.
func (w *XLSXWriter) finishSheet() error {
	f := w.book.f
	if w.header {
		last, err := excelize.CoordinatesToCellName(max(w.maxCol, 1), max(w.row, 1))
		if err != nil {
			return fmt.Errorf("results: autofilter: %w", err)
		}
		if err := f.AutoFilter(w.name, "A"+strconv.Itoa(max(w.headerRow, 1))+":"+last, nil); err != nil {
			return fmt.Errorf("results: autofilter: %w", err)
		}
	}
	if w.nComment > 0 {
		// Makes excelize write the <legacyDrawing> element, the sheet
		// relationships and the content types; postprocess replaces this
		// single comment with the spooled ones.
		err := f.AddComment(w.name, excelize.Comment{
			Cell: w.first, Author: w.book.opts.CommentAuthor, Text: "placeholder",
		})
		if err != nil {
			return fmt.Errorf("results: comments: %w", err)
		}
	}
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("results: flush sheet: %w", err)
	}
	for _, s := range []*spool{w.comments, w.shapes} {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if w.rows != nil {
		if err := w.rows.finish(); err != nil {
			return err
		}
	}
	if err := w.amendRows(); err != nil {
		return err
	}
	w.book.nextShape = w.shapeBase + (w.nComment/1024+1)*1024
	return nil
}

// post is what postprocess splices into the sheet's parts.
func (w *XLSXWriter) post() sheetPost {
	dim := "A1"
	if w.row > 0 && w.maxCol > 0 {
		dim, _ = excelize.CoordinatesToCellName(w.maxCol, w.row)
		dim = "A1:" + dim
	}
	return sheetPost{sheetName: w.name, dimension: dim, comments: w.comments, shapes: w.shapes,
		nComments: w.nComment, shapeBase: w.shapeBase, cols: colsXML(w.colSpecs), rows: w.rows}
}

// writeShape writes the VML note shape for the comment at 0-based (col,
// row), with shape id id.
func writeShape(bw *bufio.Writer, id, col, row int) error {
	var b [20]byte
	num := func(n int) { _, _ = bw.Write(strconv.AppendInt(b[:0], int64(n), 10)) }
	_, _ = bw.WriteString(`<v:shape id="_x0000_s`)
	num(id)
	_, _ = bw.WriteString(`" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:`)
	num(id - 1024)
	_, _ = bw.WriteString(`;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>`)
	// LeftColumn, LeftOffset, TopRow, TopOffset, RightColumn, RightOffset,
	// BottomRow, BottomOffset: a box to the right of the cell.
	num(col + 1)
	_, _ = bw.WriteString(`, 15, `)
	num(max(row-1, 0))
	_, _ = bw.WriteString(`, 10, `)
	num(col + 3)
	_, _ = bw.WriteString(`, 15, `)
	num(max(row-1, 0) + 4)
	_, _ = bw.WriteString(`, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>`)
	num(row)
	_, _ = bw.WriteString(`</x:Row><x:Column>`)
	num(col)
	_, err := bw.WriteString(`</x:Column></x:ClientData></v:shape>`)
	return err
}

// stageZip is the ZipWriter excelize writes the staged workbook with. It
// writes straight to the stage file (excelize would build the whole archive
// in memory first) and stores the results sheet uncompressed: postprocess
// decompresses and compresses it again anyway. The other parts are
// compressed as excelize's own zip.Writer does, since postprocess copies
// them as they are.
type stageZip struct {
	zw    *zip.Writer
	store map[string]bool // the results sheets' parts, stored uncompressed
}

// Create adds a part.
func (z *stageZip) Create(name string) (io.Writer, error) {
	if z.store[name] {
		return z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	}
	return z.zw.Create(name)
}

// AddFS adds the files of fsys.
func (z *stageZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close finishes the archive.
func (z *stageZip) Close() error { return z.zw.Close() }

// spool is a buffered temporary file.
type spool struct {
	f *os.File
	w *bufio.Writer
}

func newSpool(pattern string) (*spool, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, fmt.Errorf("results: comment spool: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// err reports a write error remembered by the bufio.Writer.
func (s *spool) err() error {
	if _, err := s.w.Write(nil); err != nil {
		return fmt.Errorf("results: comment spool: %w", err)
	}
	return nil
}

func (s *spool) flush() error {
	if s == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("results: comment spool: %w", err)
	}
	return nil
}

// reader returns a reader over the whole spool (flush first).
func (s *spool) reader() (io.Reader, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("results: comment spool: %w", err)
	}
	return bufio.NewReaderSize(s.f, 64<<10), nil
}

func (s *spool) remove() error {
	if s == nil {
		return nil
	}
	return discardTemp(s.f)
}
