package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/custimport/custimport/importer/internal/collect"
	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/results"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// input is the file being imported: its rows, header and identity.
type input struct {
	src  source.Reader
	lead []source.Record // rows read to find the header, below it
	// aboveHeader and subHeader are the rows above the header and a
	// two-row header's second row: the results keep them, so that their
	// row numbers are the input's.
	aboveHeader, subHeader []source.Record
	nextLine               int // the first row after the header
	hdr                    mapping.Header
	headerLine             int
	lay                    *collect.Layout
	abs                    string // the absolute path, as the ledger names sources
	sha256                 string
	sheet                  string
	csv                    bool
	encrypted              bool // a workbook that needed a password: its results are private
	// read is the input file as its reader reads it, hashed on the way:
	// a check of a file (openHashed); nil otherwise.
	read *readHash
}

// openInput opens the input, finds its header and checks that the
// results can be written.
func (r *run) openInput() error {
	opts := r.opts
	switch {
	case opts.Rows != nil:
		r.in.abs = "rows:" + opts.Input
	case opts.Data != nil:
		r.in.abs = "upload:" + opts.Input
	default:
		abs, err := filepath.Abs(opts.Input)
		if err != nil {
			return err
		}
		r.in.abs = abs
	}
	open := r.openSource
	if opts.DryRun && opts.Rows == nil && opts.Data == nil {
		open = r.openHashed // the hash of a check (hashAlong)
	}
	src, err := open()
	if err != nil {
		return err
	}
	r.closers = append(r.closers, func() { src.Close() })
	r.in.src = src
	if x, ok := src.(interface{ Sheet() string }); ok && !(opts.Data != nil && delimitedName(opts.Input)) {
		// (An upload of delimited text that a front end hands over as a
		// workbook has no sheet to name.)
		r.in.sheet = x.Sheet()
		r.sum.Sheet = r.in.sheet
	}
	_, r.in.csv = src.(*source.CSVReader)
	if x, ok := src.(interface{ Delimited() bool }); ok {
		r.in.csv = x.Delimited()
	}
	if x, ok := src.(*source.XLSXReader); ok {
		r.in.encrypted = x.Encrypted()
	}
	lead, hdr, err := findHeader(src, opts)
	if err != nil {
		other, err := r.otherSheet(src, err)
		if err != nil {
			return err
		}
		opts = r.opts
		if lead, hdr, err = findHeader(other, opts); err != nil {
			return err
		}
	} else if err := r.onlyList(src); err != nil {
		return err
	}
	r.in.headerLine = lead[hdr.Row].Line
	if hdr.Row > 0 {
		r.log.Info("header found below title rows", "line", r.in.headerLine)
	}
	r.in.lead, r.in.hdr = lead[hdr.Last+1:], hdr // a two-row header's second row is not data
	r.in.aboveHeader, r.in.subHeader = lead[:hdr.Row], lead[hdr.Row+1:hdr.Last+1]
	r.in.nextLine = lead[hdr.Last].Line + 1
	r.in.lay = collect.NewLayout(hdr)
	if n := len(r.in.lay.Header); n > results.MaxXLSXColumns && (r.opts.ResultsSheet != nil || strings.EqualFold(filepath.Ext(r.out), ".xlsx")) {
		return fmt.Errorf("%s: the results need %d columns (the input's and %d results columns), more than the %d of an XLSX sheet: %w",
			r.out, n, len(mapping.ResultColumns), results.MaxXLSXColumns, ErrResultsTooWide)
	}
	if hdr.Last > hdr.Row {
		// The results repeat a two-row header as it is (聯絡電話 above
		// 市話 and 手機), so that fed back it reads the same way.
		top := r.in.lay.Plain(lead[hdr.Row].Cells)
		copy(r.in.lay.Header, top)
	}
	if opts.DryRun && !opts.NoResults && r.in.lay.Status < 0 && holdsImport(r.out) {
		// Results of an import. (When the input is itself a results
		// file, the statuses in out may be its own, copied: a check's.)
		return importResultsErr(r.out)
	}
	r.warnUnknownColumns()
	r.warnMissingOnAdd()
	r.prep = prepare.New(prepare.Config{Header: hdr, StatusColumn: r.in.lay.Status, CCODEColumn: r.in.lay.CCODE, Texts: r.msg,
		ResendUnknown: opts.ResendUnknown, SkipHidden: opts.SkipHidden, Fingerprints: opts.Ledger != nil,
		Unescape: r.in.csv && r.in.lay.Status >= 0, TextBytes: r.textBytes()}, r.newValidator())
	if !opts.DryRun {
		if r.in.sha256, err = r.hashInput(); err != nil {
			return err
		}
	} else if opts.Rows == nil && opts.Data == nil {
		h := &hashAlong{Reader: r.in.src, path: opts.Input, dst: &r.in.sha256}
		if _, ok := r.in.src.(*source.CSVReader); ok && r.in.read != nil {
			h.read = r.in.read // it reads the whole file, in order
		}
		r.in.src = h
		r.closers = append(r.closers, h.close)
	}
	if opts.NoResults {
		return nil
	}
	return checkReplaceable(r.out)
}

// textBytes is about how many bytes of text the input's rows are, when
// it is delimited text read from a file or an upload; 0 when not known.
func (r *run) textBytes() int64 {
	c, ok := r.in.src.(*source.CSVReader)
	if !ok || r.opts.Rows != nil {
		return 0
	}
	size := r.opts.Size
	if r.opts.Data == nil {
		fi, err := os.Stat(r.opts.Input)
		if err != nil {
			return 0
		}
		size = fi.Size()
	}
	if strings.HasPrefix(c.Encoding(), "utf-16") {
		size /= 2 // decoded to UTF-8: about half as many bytes (CJK: 3 for 2)
	}
	return size
}

// openSource opens the input from its start: the file, or the upload.
func (r *run) openSource() (source.Reader, error) {
	if r.opts.Rows != nil {
		return r.opts.Rows()
	}
	if r.opts.Data != nil {
		return source.OpenReaderAt(filepath.Base(r.opts.Input), r.opts.Data, r.opts.Size, r.opts.Source)
	}
	return source.Open(r.opts.Input, r.opts.Source)
}

// openHashed is openSource for the input of a check, opened once to be
// read to its end (openInput; a pass of its own, plan's scan, opens it
// again without): the file is read through a readHash (r.in.read), so
// that a delimited text's hash is made of the bytes its reader reads
// anyway (hashAlong), not in a second pass over the file. Anything but
// a regular file is left to source.Open, which says what it is.
func (r *run) openHashed() (source.Reader, error) {
	f, err := os.Open(r.opts.Input)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return source.Open(r.opts.Input, r.opts.Source)
	}
	rh := &readHash{f: f, size: st.Size(), sum: sha256.New()}
	src, err := source.OpenReaderAt(filepath.Base(r.opts.Input), rh, st.Size(), r.opts.Source)
	if err != nil {
		f.Close()
		return nil, err
	}
	// Closed after src (the closers run last first): a source read
	// through a ReaderAt does not close it.
	r.closers = append(r.closers, func() { f.Close() })
	r.in.read = rh
	return src, nil
}

// hashInput returns the input's SHA-256.
func (r *run) hashInput() (string, error) {
	if r.opts.Rows != nil {
		return r.hashRows()
	}
	if r.opts.Data == nil {
		return HashFile(r.opts.Input)
	}
	return hashOf(io.NewSectionReader(r.opts.Data, 0, r.opts.Size), r.opts.Input)
}

// otherSheet is called when the sheet read has no header row: a cover
// sheet (instructions, a blank first sheet) in front of the list. When
// the sheet was not chosen and exactly one other visible sheet holds a
// customer list, it opens that one and says so; when several do, the
// error lists them (ErrSeveralLists). Otherwise it returns headerErr.
func (r *run) otherSheet(src source.Reader, headerErr error) (source.Reader, error) {
	x, ok := src.(*source.XLSXReader)
	if !ok || r.opts.Source.Sheet != "" || r.opts.Rows != nil {
		return nil, headerErr
	}
	first := x.Sheet()
	found := r.listSheets(x, first)
	switch len(found) {
	case 0:
		return nil, headerErr
	case 1:
	default:
		return nil, &SeveralListsError{Input: r.opts.Input, Sheets: found}
	}
	r.opts.Source.Sheet = found[0]
	next, err := r.openSource()
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, func() { next.Close() })
	r.in.src, r.in.sheet, r.sum.Sheet = next, found[0], found[0]
	r.sum.Warnings = append(r.sum.Warnings, r.msg.otherSheet(first, found[0]))
	r.log.Warn("the first sheet has no header row; reading the one sheet that has", "first", first, "sheet", found[0])
	return next, nil
}

// onlyList refuses a workbook read on its first sheet, none chosen, when
// another visible sheet holds a customer list too (北區 and 南區): reading
// the first alone would silently leave the others out.
func (r *run) onlyList(src source.Reader) error {
	x, ok := src.(*source.XLSXReader)
	if !ok || r.opts.Source.Sheet != "" || r.opts.Rows != nil || len(x.Worksheets()) < 2 {
		return nil
	}
	first := x.Sheet()
	others := r.listSheets(x, first)
	if len(others) == 0 {
		return nil
	}
	return &SeveralListsError{Input: r.opts.Input, Sheets: append([]string{first}, others...)}
}

// listSheets returns the visible sheets of the workbook, but skip, that
// hold a customer list (ListSheets).
func (r *run) listSheets(x *source.XLSXReader, skip string) []string {
	var found []string
	for _, name := range x.Worksheets() {
		if name == skip {
			continue
		}
		o := r.opts.Source
		o.Sheet = name
		var s source.Reader
		var err error
		if r.opts.Data != nil {
			s, err = source.OpenReaderAt(filepath.Base(r.opts.Input), r.opts.Data, r.opts.Size, o)
		} else {
			s, err = source.Open(r.opts.Input, o)
		}
		if err != nil {
			continue
		}
		if _, hdr, err := findHeader(s, r.opts); err == nil && ListHeader(hdr) {
			found = append(found, name)
		}
		s.Close()
	}
	return found
}

// delimitedName reports whether a file name is a delimited text file's.
func delimitedName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv":
		return true
	}
	return false
}

// ErrResultsTooWide is returned, before anything is sent, when the input
// has so many columns that its XLSX results would be wider than a sheet
// can be: the empty columns are to go, or the results to be CSV.
var ErrResultsTooWide = errors.New("too many columns for an XLSX results sheet")

// ErrSeveralLists is wrapped by a SeveralListsError.
var ErrSeveralLists = errors.New("several sheets hold a customer list")

// SeveralListsError is returned when no sheet was chosen and several
// visible sheets of the workbook hold a customer list: nothing is read,
// nothing is sent. The caller asks which (Options.Source.Sheet), or runs
// one job per sheet.
type SeveralListsError struct {
	Input  string
	Sheets []string // the visible sheets with a customer list, in order
}

func (e *SeveralListsError) Error() string {
	return fmt.Sprintf("%s: %d sheets hold a customer list (%s); choose the sheets to import", e.Input, len(e.Sheets), quoteAll(e.Sheets))
}

func (e *SeveralListsError) Unwrap() error { return ErrSeveralLists }

// ListHeader reports whether a header is a customer list's: it has a
// column for the customer code, name, short name or 統編. A lookup sheet
// (業務員代號 | 業務員, 等級 | 說明) is not one.
func ListHeader(h mapping.Header) bool {
	for _, code := range []string{mapping.CCODE, mapping.CNAM1, mapping.CNAM2, mapping.CTCOD} {
		if h.Has(code) {
			return true
		}
	}
	return false
}

// ListSheets returns the visible sheets of a workbook that hold a
// customer list, in order (nil for a CSV): what a run over every list
// sheet imports.
func ListSheets(input string, src source.Options, m *mapping.File) ([]string, error) {
	rd, err := source.Open(input, src)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	x, ok := rd.(*source.XLSXReader)
	if !ok {
		return nil, nil
	}
	r := &run{opts: Options{Input: input, Source: src, Mapping: m}}
	return r.listSheets(x, ""), nil
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// findHeader reads the first rows of src and finds the header among them.
func findHeader(src source.Reader, opts Options) ([]source.Record, mapping.Header, error) {
	lead, err := source.ReadAtMost(src, mapping.HeaderSearchRows)
	if err != nil {
		return nil, mapping.Header{}, err
	}
	if len(lead) == 0 {
		return nil, mapping.Header{}, fmt.Errorf("%s: %w", opts.Input, source.ErrEmptyFile)
	}
	rows := make([][]string, len(lead))
	for i, r := range lead {
		rows[i] = r.Cells
	}
	hdr, err := mapping.FindHeader(rows, opts.Mapping)
	if err != nil {
		return nil, hdr, fmt.Errorf("%s: header row: %w", opts.Input, err)
	}
	return lead, hdr, nil
}

// warnUnknownColumns adds one warning per unknown column, up to a point;
// a sheet with thousands of them gets one line for the rest. An unknown
// column whose data looks like a field's (phones, 統編s, e-mails, dates:
// validate.Suggest, from the rows read with the header) is a suggestion
// instead, which the summary carries for a front end to pre-select.
func (r *run) warnUnknownColumns() {
	const listUnknown = 10
	sample := make([][]string, len(r.in.lead))
	for i, rec := range r.in.lead {
		sample[i] = rec.Cells
	}
	r.sum.Suggestions = validate.Suggest(r.in.hdr, sample)
	suggested := map[int]bool{}
	for _, s := range r.sum.Suggestions {
		suggested[s.Column] = true
		r.sum.Warnings = append(r.sum.Warnings, validate.SuggestText(s, r.msg.p))
		r.log.Warn("unknown column looks like a field", "column", mapping.ColumnName(s.Column), "header", s.Header, "field", s.Field)
	}
	var unknown []mapping.Column
	for _, c := range r.in.hdr.Unknown() {
		if !suggested[c.Index] {
			unknown = append(unknown, c)
		}
	}
	for i, c := range unknown {
		if i == listUnknown {
			r.sum.Warnings = append(r.sum.Warnings, r.msg.moreUnknownColumns(len(unknown)-listUnknown))
			r.log.Warn("more unknown columns kept in the results, not imported", "count", len(unknown)-listUnknown)
			return
		}
		r.sum.Warnings = append(r.sum.Warnings, r.msg.unknownColumn(mapping.ColumnName(c.Index), c.Header))
		r.log.Warn("unknown column kept in the results, not imported", "column", mapping.ColumnName(c.Index), "header", c.Header)
	}
}

// warnMissingOnAdd warns, before anything is sent, when a field that an
// add needs (信用額度) has no column and no default: every new customer
// would fail. Rows with a code are sent as upserts, which add a code TMS
// does not know yet, so this holds for them too (not in update mode).
func (r *run) warnMissingOnAdd() {
	if strings.EqualFold(r.opts.Validate.Mode, "update") {
		return
	}
	var present []string
	for _, c := range r.in.hdr.Fields() {
		present = append(present, c.Field.Code)
	}
	for _, f := range validate.MissingOnAdd(present, r.opts.Validate.Defaults) {
		p := validate.MissingOnAddProblem(f, r.opts.Validate.Lang)
		r.sum.Warnings = append(r.sum.Warnings, p.Message)
		r.log.Warn("new customers need a field the file does not give", "field", f.Code)
	}
}

func importResultsErr(out string) error {
	return fmt.Errorf("%s: %w; write the check elsewhere (another results file, or another results folder)", out, ErrImportResults)
}

// holdsImport reports whether the file at out is the results of an
// import: an ImportStatus column, in the rows where a header may be, with
// a status only sending gives below it. VALID, which only a check gives,
// ends the search: a results file is one run's, so the check's own
// results of a million rows are not read to their end.
func holdsImport(out string) bool {
	src, err := source.Open(out, source.Options{})
	if err != nil {
		return false
	}
	defer src.Close()
	col := -1
	for n := 0; ; n++ {
		rec, err := src.Read()
		if err != nil {
			return false
		}
		if col < 0 {
			if n >= mapping.HeaderSearchRows {
				return false
			}
			for i, c := range rec.Cells {
				if strings.TrimSpace(c) == mapping.ResultColumns[0] {
					col = i
				}
			}
			continue
		}
		if col < len(rec.Cells) {
			switch Status(strings.TrimSpace(rec.Cells[col])) {
			case StatusOK, StatusFailed, StatusUnknown, StatusNotSent:
				return true
			case StatusValid:
				return false
			}
		}
	}
}

// hashAlong reads a check's data rows and, on a goroutine of its own
// started at the first, the SHA-256 of its input file, which the summary
// names it by: the pass over the file that costs is made while the rows
// are read and checked, not after them. At the end of the rows (io.EOF)
// it waits for the hash and puts it in dst. A run that stops before (an
// error in the file) has no hash: close stops the goroutine.
//
// A delimited text read from a file (read set) needs no second pass: its
// reader reads every byte of the file, in order, through read, which
// hashes them as they come; at the end of the rows the hash is there. A
// read that missed bytes (none does) is hashed again from the file.
type hashAlong struct {
	source.Reader
	path    string
	dst     *string
	read    *readHash
	started bool
	joined  bool
	done    chan struct{}
	sum     string // set by the goroutine before done is closed
	stop    atomic.Bool
}

func (h *hashAlong) Read() (source.Record, error) {
	var rec source.Record
	err := h.ReadRecordInto(&rec)
	return rec, err
}

// ReadRecordInto is Read into *rec, in place when the source can
// (source.CSVReader.ReadRecordInto).
func (h *hashAlong) ReadRecordInto(rec *source.Record) error {
	h.start()
	var err error
	if c, ok := h.Reader.(interface{ ReadRecordInto(*source.Record) error }); ok {
		err = c.ReadRecordInto(rec)
	} else {
		*rec, err = h.Reader.Read()
	}
	h.end(err)
	return err
}

// start starts the hash goroutine, when there is to be one, at the
// first read.
func (h *hashAlong) start() {
	if !h.started && h.read == nil {
		h.started, h.done = true, make(chan struct{})
		go h.hash()
	}
}

// end puts the hash in dst at the end of the rows (err, the read's, is
// io.EOF).
func (h *hashAlong) end(err error) {
	if err == io.EOF && !h.joined {
		h.joined = true
		if h.read == nil {
			<-h.done
			*h.dst = h.sum
		} else if sum, ok := h.read.hexSum(); ok {
			*h.dst = sum
		} else if sum, err := HashFile(h.path); err == nil {
			*h.dst = sum
		}
	}
}

func (h *hashAlong) hash() {
	defer close(h.done)
	f, err := os.Open(h.path)
	if err != nil {
		return
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.CopyBuffer(sum, stoppable{f, &h.stop}, make([]byte, 256<<10)); err != nil {
		return
	}
	h.sum = hex.EncodeToString(sum.Sum(nil))
}

// readHash is the input file as a source reads it (an io.ReaderAt),
// hashing each byte the first time a read reaches it, in the file's
// order. A delimited text's reader reads the file from its start to its
// end (its first bytes twice: they tell text from a workbook); a read
// that starts past the bytes hashed so far (a workbook's reader reads
// its directory at the end first) stops the hash for good. A workbook's
// reader may read on several goroutines: the mutex.
type readHash struct {
	f    *os.File
	size int64 // the file's, as opened: what its reader reads

	mu   sync.Mutex
	sum  hash.Hash
	next int64 // the file's first next bytes are hashed
	gap  bool  // a read skipped bytes: the hash is not the file's
}

func (h *readHash) ReadAt(p []byte, off int64) (int, error) {
	n, err := h.f.ReadAt(p, off)
	h.mu.Lock()
	defer h.mu.Unlock()
	switch end := off + int64(n); {
	case h.gap:
	case off > h.next:
		h.gap = true
	case end > h.next:
		h.sum.Write(p[h.next-off : n])
		h.next = end
	}
	return n, err
}

// hexSum returns the file's SHA-256 when every byte of it was read
// (false otherwise).
func (h *readHash) hexSum() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gap || h.next != h.size {
		return "", false
	}
	return hex.EncodeToString(h.sum.Sum(nil)), true
}

// close stops the hash goroutine, if it runs, and waits for it.
func (h *hashAlong) close() {
	h.stop.Store(true)
	if h.started {
		<-h.done
	}
}

// errStopped ends a hash no longer wanted.
var errStopped = errors.New("stopped")

// stoppable reads r until stop is set.
type stoppable struct {
	r    io.Reader
	stop *atomic.Bool
}

func (s stoppable) Read(p []byte) (int, error) {
	if s.stop.Load() {
		return 0, errStopped
	}
	return s.r.Read(p)
}

// HashFile returns the hex SHA-256 of a file.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return hashOf(f, path)
}

// hashOf returns the hex SHA-256 of what r holds; name is for errors.
func hashOf(r io.Reader, name string) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// safeName makes a sheet name usable in a file name, one to one: the
// characters no file name may hold (and %) become %XX, so sheets named
// 北區|A and 北區_A never share a results file.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`/\:*?"<>|%`, r) || r < ' ' {
			fmt.Fprintf(&b, "%%%02X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func firstClause(s string) string {
	if i := strings.IndexAny(s, ";:"); i > 0 {
		s = s[:i]
	}
	return msg.Clip(s, 60)
}

// InputFault reports whether an error that stopped a run is about the
// input itself — it cannot be read, is not a customer list, holds several
// lists, its header is ambiguous — rather than about the machine (the
// results folder, the ledger, TMS): fixing the file is what helps, and
// running it again as it is would fail the same way.
func InputFault(err error) bool {
	var pe *source.ParseError
	if errors.As(err, &pe) {
		return true
	}
	for _, e := range []error{
		source.ErrEmptyFile, source.ErrNotSpreadsheet, source.ErrLegacyXLS, source.ErrEncrypted, source.ErrTooLarge,
		source.ErrNoSheet, source.ErrNUL, source.ErrQuote, source.ErrCellTooLarge, source.ErrMixedEncoding,
		source.ErrBadEncoding, source.ErrCorrupt,
		mapping.ErrNoKnownColumn, mapping.ErrDuplicateField, mapping.ErrEmptyHeader, mapping.ErrNoCodeColumn,
		ErrSeveralLists, ErrDamagedRows, ErrNoEarlierRun, ErrResultsTooWide, ErrTooManyInvalid,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Probe opens a file and looks for its header row as a run would: nil
// when it reads as a customer list. The folder mode uses it to tell a
// delimited .txt from notes.
func Probe(input string, src source.Options, m *mapping.File) error {
	r, err := source.Open(input, src)
	if err != nil {
		return err
	}
	defer r.Close()
	_, _, err = findHeader(r, Options{Input: input, Mapping: m})
	return err
}
