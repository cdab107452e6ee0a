package prepare

import (
	"errors"
	"fmt"
	"strings"

	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/mapping"
)

// ErrDamagedRows is returned when a workbook's row numbers repeat or go
// backwards: rows cannot be told apart, so nothing is sent.
var ErrDamagedRows = errors.New("the workbook is damaged: its row numbers repeat or go backwards")

// DamagedRowsError is ErrDamagedRows with where: row Row of Input comes
// after row After. Error() is the English sentence.
type DamagedRowsError struct {
	Input      string
	Row, After int
}

func (e *DamagedRowsError) Error() string {
	return fmt.Sprintf("%s: row %d comes after row %d: %v; open it in Excel and save it again", e.Input, e.Row, e.After, ErrDamagedRows)
}

func (e *DamagedRowsError) Unwrap() error { return ErrDamagedRows }

// DataRows reads the data rows of the input, in order, the same way for
// the first pass (plan) and the second (produce): row numbers must go
// up, and a row blank but for formulas without results is passed over.
// Hidden rows are counted. Each row gets its sequence number.
type DataRows struct {
	src    source.Reader
	lead   []source.Record // rows already read (after the header)
	skip   int             // rows still to pass over: the header and above
	input  string
	hdr    mapping.Header
	order  RowOrder
	seq    int
	hidden int // hidden rows seen
}

// NewDataRows reads the data rows of input (named so in errors) under hdr
// from src: lead are rows already read from it, then skip rows are passed
// over (the header and the rows above it, when src reads from the start).
func NewDataRows(src source.Reader, lead []source.Record, skip int, input string, hdr mapping.Header) *DataRows {
	return &DataRows{src: src, lead: lead, skip: skip, input: input, hdr: hdr}
}

// Seq is how many data rows were read.
func (d *DataRows) Seq() int { return d.seq }

// Hidden is how many of them are hidden in Excel.
func (d *DataRows) Hidden() int { return d.hidden }

// next returns the next data row and its sequence number, or io.EOF.
func (d *DataRows) next() (source.Record, int, error) { return d.nextInto(nil) }

// nextInto is next, the row's cells put in the storage of reuse when
// the source can (recordReader).
func (d *DataRows) nextInto(reuse []string) (source.Record, int, error) {
	rec := source.Record{Cells: reuse}
	seq, err := d.nextRecord(&rec)
	return rec, seq, err
}

// nextRecord is nextInto into *rec, its cells in the storage of
// rec.Cells when the source can: in place when it reads in place
// (recordReader), the record not copied back up through the calls.
func (d *DataRows) nextRecord(rec *source.Record) (int, error) {
	for {
		if err := d.read(rec); err != nil {
			return 0, err
		}
		if d.skip > 0 {
			d.skip--
			continue
		}
		// The record is not passed by value: a copy of it right after the
		// read wrote it stalled (store forwarding), ~0.1 s a million rows.
		if err := d.order.checkLine(d.input, rec.Line); err != nil {
			return 0, err
		}
		if len(rec.NoValue) > 0 && FormulaOnly(*rec, d.hdr) {
			continue // blank but for formulas, without results, in columns not imported
		}
		if rec.Hidden {
			d.hidden++ // with SkipHidden the preparer makes it SKIPPED, kept in the results
		}
		d.seq++
		return d.seq - 1, nil
	}
}

// read reads the next record into *rec, its cells in the storage of
// rec.Cells when the source can.
func (d *DataRows) read(rec *source.Record) error {
	if len(d.lead) > 0 {
		*rec = d.lead[0]
		d.lead = d.lead[1:]
		return nil
	}
	if r, ok := d.src.(recordReader); ok {
		return r.ReadRecordInto(rec)
	}
	var err error
	*rec, err = d.src.Read()
	return err
}

// recordReader reads a record into *rec, its cells in the storage of
// rec.Cells (source.CSVReader.ReadRecordInto).
type recordReader interface {
	ReadRecordInto(rec *source.Record) error
}

// RowOrder checks that row numbers go up: a damaged workbook (a row
// number repeated or going backwards) cannot say which row is which.
type RowOrder struct{ last int }

func (o *RowOrder) Check(input string, rec source.Record) error {
	return o.checkLine(input, rec.Line)
}

// checkLine is Check of a record on row line.
func (o *RowOrder) checkLine(input string, line int) error {
	if line <= o.last {
		return &DamagedRowsError{Input: input, Row: line, After: o.last}
	}
	o.last = line
	return nil
}

// BlankRecord reports whether a record is one the readers of files
// pass over: every cell empty or whitespace, and no formula without a
// saved result.
func BlankRecord(rec source.Record) bool {
	if len(rec.NoValue) > 0 {
		return false
	}
	for _, c := range rec.Cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
