package importer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
)

// RecordRows serves rows held in memory as Options.Rows: each call
// returns a new reader of the same records, from the first. The records
// must be in the order of their row numbers; a reader names Sheet (""
// for none). The records are not copied: they must not change while a
// run reads them.
func RecordRows(sheet string, recs []source.Record) func() (source.Reader, error) {
	return func() (source.Reader, error) { return &recordReader{recs: recs, sheet: sheet}, nil }
}

// TextRows is RecordRows for rows read from delimited text (a CSV file):
// when they are a CSV results file fed back, the formula guard its
// writer put before a cell ('=1) is taken off again, as when the file
// itself is read.
func TextRows(recs []source.Record) func() (source.Reader, error) {
	return func() (source.Reader, error) { return &recordReader{recs: recs, text: true}, nil }
}

// recordReader reads records from memory, passing over the blank ones
// as the file readers do.
type recordReader struct {
	recs  []source.Record
	sheet string
	text  bool // read from delimited text
	next  int
}

func (r *recordReader) Read() (source.Record, error) {
	for r.next < len(r.recs) {
		rec := r.recs[r.next]
		r.next++
		if !prepare.BlankRecord(rec) {
			return rec, nil
		}
	}
	return source.Record{}, io.EOF
}

func (r *recordReader) Close() error { return nil }

// Sheet names the records' sheet ("" for none).
func (r *recordReader) Sheet() string { return r.sheet }

// Delimited reports whether the records were read from delimited text.
func (r *recordReader) Delimited() bool { return r.text }

// hashRows is the SHA-256 of rows read from Options.Rows: of each row's
// number and cells, so that the same rows hash the same.
func (r *run) hashRows() (string, error) {
	src, err := r.opts.Rows()
	if err != nil {
		return "", err
	}
	defer src.Close()
	h := sha256.New()
	var n [8]byte
	for {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", r.opts.Input, err)
		}
		binary.LittleEndian.PutUint64(n[:], uint64(rec.Line))
		h.Write(n[:])
		for _, c := range rec.Cells {
			binary.LittleEndian.PutUint64(n[:], uint64(len(c)))
			h.Write(n[:])
			io.WriteString(h, c)
		}
	}
}

// noResults is the results writer of a dry-run without a results file
// (Options.NoResults): it keeps nothing.
type noResults struct{}

func (noResults) WriteHeader([]string) error          { return nil }
func (noResults) WriteRow([]results.Cell) error       { return nil }
func (noResults) WriteBlank(int) error                { return nil }
func (noResults) Amend(int, int, string) error        { return nil }
func (noResults) WriteSummary([][]results.Cell) error { return nil }
func (noResults) Close() error                        { return nil }
func (noResults) Abort() error                        { return nil }

var _ results.Writer = noResults{}
