// Package existing owns the list of the customers TMS already has, as
// TMS's own screens export it: reading it (a customer list in XLSX or
// CSV — any sheet with a 客戶代號 column, plus whatever of 客戶名稱,
// 客戶簡稱, 統一編號 and phones it has, headers matched as an import's
// are) and keeping the tenant's ledger's copy of it current.
//
// It knows nothing of how rows are matched against the list (package
// decide) nor of where the ledger lives (the caller opens it).
package existing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// Options say how to read a list.
type Options struct {
	Source  source.Options // encoding, sheet, size cap, password
	Mapping *mapping.File  // explicit columns, as for an import; nil: codes, labels, aliases
	// AsOf is when TMS's list was taken; zero: the file's modification
	// time (an upload's: now).
	AsOf time.Time
	// Data, when set, is the file's content (Size bytes): an upload named
	// by the path given to Read.
	Data io.ReaderAt
	Size int64
}

// MaxExamples is how many codes of each kind of left-out row a Report
// quotes.
const MaxExamples = 5

// Report is what Read found.
type Report struct {
	List       ledger.ExistingList
	HeaderLine int // the header's row number
	Rows       int // data rows read
	WithTaxID  int // customers with a 統一編號
	// Rows left out: without a code (blank, or a totals row), with a
	// code Excel turned into scientific notation, and with a code an
	// earlier row had (the first is kept).
	NoCode     int
	Damaged    LeftOut
	Duplicates LeftOut
	// Columns names the fields found and their headers ("CCODE 客戶代號").
	Columns []string
}

// ErrNoCodeColumn is returned for a file none of whose sheets has a
// 客戶代號 column.
var ErrNoCodeColumn = errors.New("no sheet has a 客戶代號 (CCODE) column")

// fields are the fields a list gives, in the order Columns names them.
var fields = []string{mapping.CCODE, mapping.CNAM1, mapping.CNAM2, mapping.CTCOD, "CTELE", "CPHONE"}

// Read reads a list of existing customers from path (or opts.Data): the
// first visible sheet with a 客戶代號 column.
func Read(path string, opts Options) (Report, error) {
	sum, err := fileHash(path, opts)
	if err != nil {
		return Report{}, err
	}
	src, hdr, lead, err := openList(path, opts)
	if err != nil {
		return Report{}, err
	}
	defer src.Close()
	rep := Report{HeaderLine: lead[hdr.Row].Line}
	rep.List.Info = ledger.ExistingInfo{Source: path, SHA256: sum, AsOf: opts.AsOf}
	if x, ok := src.(interface{ Sheet() string }); ok {
		rep.List.Info.Sheet = x.Sheet()
	}
	if rep.List.Info.AsOf.IsZero() {
		rep.List.Info.AsOf = fileTime(path, opts)
	}
	cols := columns(hdr)
	for _, f := range fields {
		if i, ok := cols[f]; ok {
			field := mapping.MustLookup(f)
			rep.Columns = append(rep.Columns, fmt.Sprintf("%s %s %q", mapping.ColumnName(i), field.Code, hdr.Columns[i].Header))
		}
	}
	r := reader{hdr: hdr, cols: cols, seen: map[string]bool{}, rep: &rep}
	for _, rec := range lead[hdr.Last+1:] {
		r.add(rec)
	}
	for {
		rec, err := src.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, err
		}
		r.add(rec)
	}
	return rep, nil
}

// reader turns records into customers.
type reader struct {
	hdr  mapping.Header
	cols map[string]int
	seen map[string]bool
	rep  *Report
}

func (r *reader) add(rec source.Record) {
	rep := r.rep
	cell := func(code string) string {
		if i, ok := r.cols[code]; ok && i < len(rec.Cells) {
			return strings.TrimSpace(rec.Cells[i])
		}
		return ""
	}
	if blank(rec.Cells) {
		return
	}
	rep.Rows++
	code := strings.TrimSpace(width.Narrow.String(cell(mapping.CCODE)))
	if _, summary := validate.SummaryRow(r.hdr, rec.Cells); code == "" || summary {
		rep.NoCode++
		return
	}
	if scientific(code) {
		rep.Damaged.add(code)
		return
	}
	if r.seen[code] {
		rep.Duplicates.add(code)
		return
	}
	r.seen[code] = true
	c := ledger.Customer{CCODE: code, Row: rec.Line,
		Names: ledger.Names{Name: cell(mapping.CNAM1), ShortName: cell(mapping.CNAM2), TaxID: width.Narrow.String(cell(mapping.CTCOD))},
		Phone: cell("CTELE"), Mobile: cell("CPHONE")}
	if c.TaxID != "" {
		rep.WithTaxID++
	}
	rep.List.Customers = append(rep.List.Customers, c)
}

// LeftOut counts rows of one kind left out, quoting the codes of the
// first MaxExamples.
type LeftOut struct {
	Count int
	Codes []string
}

func (l *LeftOut) add(code string) {
	l.Count++
	if len(l.Codes) < MaxExamples {
		l.Codes = append(l.Codes, code)
	}
}

// openList opens the first visible sheet of path with a 客戶代號 column
// and reads its header: the reader after the rows read, the header and
// those rows.
func openList(path string, opts Options) (source.Reader, mapping.Header, []source.Record, error) {
	src, err := open(path, opts, opts.Source.Sheet)
	if err != nil {
		return nil, mapping.Header{}, nil, err
	}
	hdr, lead, err := header(src, opts.Mapping)
	if err == nil {
		return src, hdr, lead, nil
	}
	x, ok := src.(*source.XLSXReader)
	if !ok || opts.Source.Sheet != "" {
		src.Close()
		return nil, hdr, nil, fmt.Errorf("%s: %w", path, err)
	}
	first, sheets := x.Sheet(), x.Worksheets()
	src.Close()
	for _, sheet := range sheets {
		if sheet == first {
			continue
		}
		s, err := open(path, opts, sheet)
		if err != nil {
			return nil, hdr, nil, err
		}
		if hdr, lead, err := header(s, opts.Mapping); err == nil {
			return s, hdr, lead, nil
		}
		s.Close()
	}
	return nil, hdr, nil, fmt.Errorf("%s: %w (the list exported from TMS's customer screen has one; its header may be in the first %d rows)",
		path, ErrNoCodeColumn, mapping.HeaderSearchRows)
}

func open(path string, opts Options, sheet string) (source.Reader, error) {
	o := opts.Source
	o.Sheet = sheet
	if opts.Data != nil {
		return source.OpenReaderAt(path, opts.Data, opts.Size, o)
	}
	return source.Open(path, o)
}

// header reads the first rows of src and finds a header with a
// 客戶代號 column among them. Columns of a field named twice are read
// from the first (an export may show a phone twice); unknown ones are
// passed over.
func header(src source.Reader, m *mapping.File) (mapping.Header, []source.Record, error) {
	lead, err := source.ReadAtMost(src, mapping.HeaderSearchRows)
	if err != nil {
		return mapping.Header{}, nil, err
	}
	if len(lead) == 0 {
		return mapping.Header{}, nil, source.ErrEmptyFile
	}
	rows := make([][]string, len(lead))
	for i, r := range lead {
		rows[i] = r.Cells
	}
	hdr, err := mapping.FindHeader(rows, m)
	switch {
	case errors.Is(err, mapping.ErrNoKnownColumn), errors.Is(err, mapping.ErrEmptyHeader):
		return hdr, nil, ErrNoCodeColumn
	case err != nil && !errors.Is(err, mapping.ErrDuplicateField):
		return hdr, nil, err
	}
	if _, ok := columns(hdr)[mapping.CCODE]; !ok {
		return hdr, nil, ErrNoCodeColumn
	}
	return hdr, lead, nil
}

// columns maps each field the list gives to its first column.
func columns(h mapping.Header) map[string]int {
	out := map[string]int{}
	for _, c := range h.Columns {
		if c.Field == nil || c.Ignored {
			continue
		}
		if _, ok := out[c.Field.Code]; !ok {
			out[c.Field.Code] = c.Index
		}
	}
	return out
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// scientific reports whether a code is Excel's scientific display of a
// long number ("9.12346E+11"): its digits are lost.
func scientific(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 1 || i+2 > len(s) || (s[i+1] != '+' && s[i+1] != '-') {
		return false
	}
	for _, r := range s[:i] + s[i+2:] {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

// fileHash is the SHA-256 of the list's bytes.
func fileHash(path string, opts Options) (string, error) {
	var r io.Reader
	if opts.Data != nil {
		r = io.NewSectionReader(opts.Data, 0, opts.Size)
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileTime is the file's modification time (an upload's: now).
func fileTime(path string, opts Options) time.Time {
	if opts.Data == nil {
		if st, err := os.Stat(path); err == nil {
			return st.ModTime()
		}
	}
	return time.Now()
}

// Store is what keeping a ledger's list current needs of the ledger;
// *ledger.DB is one.
type Store interface {
	ExistingInfo(ctx context.Context) (ledger.ExistingInfo, bool, error)
	LoadExisting(ctx context.Context, list ledger.ExistingList) error
}

// Changed reports whether the file at path is not the list the ledger
// holds (db nil: it holds none): another file, or the same one changed
// since it was loaded.
func Changed(ctx context.Context, db Store, path string) (bool, error) {
	if db == nil {
		return true, nil
	}
	info, ok, err := db.ExistingInfo(ctx)
	if err != nil || !ok {
		return true, err
	}
	sum, err := fileHash(path, Options{})
	if err != nil {
		return false, err
	}
	return sum != info.SHA256, nil
}

// Sync loads the list at path into the ledger when it changed (see
// Changed); loaded says whether it did, and rep is what it read.
func Sync(ctx context.Context, db Store, path string, opts Options) (rep Report, loaded bool, err error) {
	changed, err := Changed(ctx, db, path)
	if err != nil || !changed {
		return rep, false, err
	}
	if rep, err = Read(path, opts); err != nil {
		return rep, false, err
	}
	if err := db.LoadExisting(ctx, rep.List); err != nil {
		return rep, false, err
	}
	return rep, true, nil
}
