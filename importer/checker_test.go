package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/custimport/custimport/importer/internal/prepare"
	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/importer/source"
)

// recs makes records of rows of cells, numbered from 1.
func recs(rows ...[]string) []source.Record {
	out := make([]source.Record, len(rows))
	for i, r := range rows {
		out[i] = source.Record{Line: i + 1, Cells: r}
	}
	return out
}

// edit is one change of a cell: row number, column, new text.
type edit struct {
	line, col int
	value     string
}

// applyEdits returns rows with the edits made (the rows are copied).
func applyEdits(rows []source.Record, edits []edit) ([]source.Record, []source.Record) {
	out := make([]source.Record, len(rows))
	for i, r := range rows {
		out[i] = prepare.CloneRecord(r)
	}
	var changed []source.Record
	for _, e := range edits {
		for i := range out {
			if out[i].Line != e.line {
				continue
			}
			for len(out[i].Cells) <= e.col {
				out[i].Cells = append(out[i].Cells, "")
			}
			out[i].Cells[e.col] = e.value
			changed = append(changed, out[i])
		}
	}
	return out, changed
}

// fullCheck is a dry-run Job over rows: the verdicts the Checker must give.
func fullCheck(t *testing.T, opts Options, rows []source.Record) ([]RowChecked, Summary, error) {
	t.Helper()
	opts.Rows, opts.DryRun, opts.NoResults = RecordRows(opts.Source.Sheet, rows), true, true
	var got []RowChecked
	job := NewJob(opts)
	job.Subscribe(func(ev Event) {
		if rc, ok := ev.(RowChecked); ok {
			got = append(got, rc)
		}
	})
	sum, err := job.Run(context.Background())
	return got, sum, err
}

// comparable is what of a Summary a check's verdicts decide.
func summaryOf(s Summary) string {
	return fmt.Sprintf("rows %d counts %v errors %v warnings %q examples %v settle %d hold %d create %d may %d sheet %q",
		s.Rows, s.Counts, s.Errors, s.Warnings, s.Examples, s.WouldSettle, s.WouldHold, s.WillCreate, s.MayCreate, s.Sheet)
}

// importedLedger is a ledger after an import of rows (creates, some
// with a 統一編號), for the checks that match rows with earlier creates.
func importedLedger(t *testing.T, rows []source.Record) Ledger {
	t.Helper()
	lg := newLedger(t)
	out := filepath.Join(t.TempDir(), "first.csv")
	if _, err := Run(context.Background(), Options{Input: "first", Rows: RecordRows("", rows), Out: out, Sender: okSender(), Ledger: lg}); err != nil {
		t.Fatal(err)
	}
	return lg
}

// The Checker's verdicts after edits are a full check's of the edited
// rows, row by row and in the summary: for edits that fix an error, make
// one, create or remove a duplicate code, give a row a code another row
// has, blank a required field or a whole row, move the header, and for
// rows matched across the file with the ledger's earlier creates (the
// same 統一編號) and with a list of existing customers.
func TestCheckerMatchesFullCheck(t *testing.T) {
	header := []string{"客戶代號", "客戶名稱", "信用額度", "統一編號"}
	base := recs(header,
		[]string{"A001", "甲商行", "100", "04595257"},
		[]string{"A002", "乙商行", "abc", ""},
		[]string{"A003", "丙商行", "300", ""},
		[]string{"A003", "丁商行", "400", ""},
		[]string{"", "戊商行", "500", "12345675"},
		[]string{"a001", "己商行", "600", ""},
		[]string{"", "庚商行", "700", "04595257"},
	)
	earlier := recs([]string{"客戶名稱", "信用額度", "統一編號"},
		[]string{"戊商行", "500", "12345675"},
		[]string{"老客戶", "1", "04595257"},
	)
	existing := &ledger.ExistingList{Info: ledger.ExistingInfo{Source: "list.xlsx"}, Customers: []ledger.Customer{
		{CCODE: "Z001", Names: ledger.Names{Name: "戊商行", TaxID: "12345675"}},
		{CCODE: "Z002", Names: ledger.Names{Name: "辛商行"}},
	}}
	tests := []struct {
		name  string
		opts  func(t *testing.T) Options
		rows  []source.Record
		edits [][]edit // each a call of Set
		// near: the edits are in the rows the header search reads (the
		// rows are not moved below the filler rows).
		near bool
	}{
		{name: "fix an error", edits: [][]edit{{{3, 2, "200"}}}},
		{name: "make an error", edits: [][]edit{{{2, 2, "-"}}}},
		{name: "remove a duplicate", edits: [][]edit{{{5, 0, "A004"}}}},
		{name: "remove the first of a duplicate", edits: [][]edit{{{4, 0, "A009"}}}},
		{name: "create a duplicate", edits: [][]edit{{{2, 0, "A003"}}}},
		{name: "a code another row has, then back", edits: [][]edit{{{8, 0, "A001"}}, {{8, 0, ""}}}},
		{name: "a code differing in case", edits: [][]edit{{{7, 0, "A009"}}, {{3, 0, "a009"}}}},
		{name: "blank a required field", edits: [][]edit{{{6, 1, ""}}}},
		{name: "blank a whole row", edits: [][]edit{{{3, 0, ""}, {3, 1, ""}, {3, 2, ""}}, {{3, 0, "A002"}, {3, 1, "乙"}}}},
		{name: "several edits in a row", edits: [][]edit{{{3, 2, "1"}}, {{5, 0, "A005"}}, {{2, 0, "A005"}}, {{5, 0, "A003"}}}},
		{name: "move the header", near: true, edits: [][]edit{{{1, 2, ""}}, {{1, 2, "信用額度"}}}},
		{name: "an edit among the header search rows", near: true, edits: [][]edit{{{2, 1, "客戶名稱"}}, {{3, 2, "1"}}}},
		{name: "with the ledger's earlier creates", opts: func(t *testing.T) Options {
			return Options{Ledger: importedLedger(t, earlier)}
		}, edits: [][]edit{{{8, 3, "12345675"}}, {{6, 3, ""}}, {{8, 3, ""}, {6, 3, "12345675"}}, {{2, 0, "A003"}}}},
		{name: "with a list of existing customers", opts: func(t *testing.T) Options {
			return Options{Existing: existing}
		}, edits: [][]edit{{{6, 1, "辛商行"}}, {{6, 3, ""}}, {{8, 1, "戊商行"}, {8, 3, "12345675"}}}},
		{name: "with both, updating existing customers", opts: func(t *testing.T) Options {
			return Options{Ledger: importedLedger(t, earlier), Existing: existing, UpdateExisting: true}
		}, edits: [][]edit{{{8, 3, "12345675"}}, {{6, 3, "04595257"}}, {{6, 3, ""}}}},
		{name: "the ledger's match moves to an unedited row", opts: func(t *testing.T) Options {
			return Options{Ledger: importedLedger(t, earlier), Existing: existing}
		}, rows: func() []source.Record {
			r, _ := applyEdits(base, []edit{{6, 1, "戊商行二"}})
			return r
		}(), edits: [][]edit{{{8, 1, "戊商行"}, {8, 2, "500"}, {8, 3, "12345675"}}, {{8, 3, ""}}}},
		{name: "all-digit codes and their leading zeros", rows: recs(header,
			[]string{"123", "甲", "1"}, []string{"00042", "乙", "1"}, []string{"124", "丙", "1"}, []string{"0000125", "丁", "1"},
			[]string{"126", "戊", "1"}, []string{"00042", "己", "1"}, []string{"127", "庚", "1"}),
			edits: [][]edit{{{3, 0, "42"}}, {{3, 0, "00042"}}, {{5, 0, "125"}}, {{2, 0, "000000001"}}, {{6, 0, "0126"}}, {{8, 0, "0000127"}, {4, 0, "x"}}}},
		{name: "a short code's duplicate changes", rows: recs(header,
			[]string{"00042", "甲", "1"}, []string{"123", "乙", "1"}, []string{"9", "丙", "1"}, []string{"123", "丁", "1"}),
			edits: [][]edit{{{5, 0, "124"}}, {{5, 0, "123"}}}},
		{name: "hidden rows left out", opts: func(t *testing.T) Options {
			return Options{SkipHidden: true}
		}, rows: func() []source.Record {
			r := recs(header, []string{"A1", "甲", "1"}, []string{"A1", "乙", "2"}, []string{"A1", "丙", "3"})
			r[1].Hidden = true
			return r
		}(), edits: [][]edit{{{3, 0, "A2"}}, {{4, 0, "A2"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts Options
			if tt.opts != nil {
				opts = tt.opts(t)
			}
			opts.Input = "list"
			rows := tt.rows
			if rows == nil {
				rows = base
			}
			if !tt.near {
				rows = pad(rows)
			}
			c, err := NewChecker(context.Background(), withRows(opts, rows))
			assertSame(t, "the first check", c, err, opts, rows)
			for i, edits := range tt.edits {
				if !tt.near {
					edits = slices.Clone(edits)
					for j := range edits {
						edits[j].line += fillers
					}
				}
				var changed []source.Record
				rows, changed = applyEdits(rows, edits)
				before := slices.Clone(c.Rows())
				moved, err := c.Set(context.Background(), opts.Ledger, changed...)
				assertSame(t, fmt.Sprintf("after edit %d", i+1), c, err, opts, rows)
				if want := changedRows(before, c.Rows()); !reflect.DeepEqual(moved, want) {
					t.Errorf("edit %d: Set says %v changed, the verdicts say %v", i+1, moved, want)
				}
			}
		})
	}
}

// fillers is how many rows pad puts below the header.
const fillers = 10

// pad puts fillers valid rows below the header (the first row), so that
// the rows after them are beyond the rows the header search reads.
func pad(rows []source.Record) []source.Record {
	out := []source.Record{rows[0]}
	for i := range fillers {
		out = append(out, source.Record{Line: i + 2, Cells: []string{fmt.Sprintf("F%02d", i), "填充", "1"}})
	}
	for _, r := range rows[1:] {
		r.Line += fillers
		out = append(out, r)
	}
	return out
}

func withRows(opts Options, rows []source.Record) Options {
	opts.Rows = RecordRows("", rows)
	return opts
}

// assertSame compares the Checker's verdicts and summary with a full
// check's of rows.
func assertSame(t *testing.T, when string, c *Checker, err error, opts Options, rows []source.Record) {
	t.Helper()
	want, wantSum, wantErr := fullCheck(t, opts, rows)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("%s: error %v, a full check's %v", when, err, wantErr)
	}
	if !reflect.DeepEqual(c.Rows(), want) {
		t.Errorf("%s: verdicts differ\nchecker %+v\nfull    %+v", when, c.Rows(), want)
	}
	if got, want := summaryOf(c.Summary()), summaryOf(wantSum); got != want {
		t.Errorf("%s: summaries differ\nchecker %s\nfull    %s", when, got, want)
	}
}

// A Checker of one sheet of a workbook with several: its rows keep their
// sheet and Excel row numbers, and edits are checked as a full check of
// that sheet.
func TestCheckerOneSheetOfSeveral(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "北區")
	f.NewSheet("南區")
	f.SetSheetRow("北區", "A1", &[]any{"客戶代號", "客戶名稱", "信用額度"})
	f.SetSheetRow("北區", "A2", &[]any{"N1", "北一", "1"})
	f.SetSheetRow("南區", "A1", &[]any{"說明:南區名單"})
	f.SetSheetRow("南區", "A3", &[]any{"客戶代號", "客戶名稱", "信用額度"})
	f.SetSheetRow("南區", "A4", &[]any{"S1", "南一", "1"})
	f.SetSheetRow("南區", "A6", &[]any{"S2", "南二", "x"})
	for i := range 12 {
		f.SetSheetRow("南區", fmt.Sprintf("A%d", 7+i), &[]any{fmt.Sprintf("F%02d", i), "填充", "1"})
	}
	f.SetSheetRow("南區", "A20", &[]any{"S1", "南三", "3"})
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	for _, sheet := range []string{"北區", "南區"} {
		t.Run(sheet, func(t *testing.T) {
			opts := Options{Input: path, Source: source.Options{Sheet: sheet}}
			opts.Rows = func() (source.Reader, error) { return source.Open(path, opts.Source) }
			c, err := NewChecker(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			rows := readSheet(t, path, sheet)
			if got := c.Summary().Sheet; got != sheet {
				t.Errorf("the check names sheet %q", got)
			}
			assertSame(t, "the first check", c, nil, Options{Input: path, Source: source.Options{Sheet: sheet}}, rows)
			last := rows[len(rows)-1].Line
			for i, e := range []edit{{last, 0, "S9"}, {last, 2, "y"}, {last, 0, "S1"}, {last, 2, "1"}} {
				var changed []source.Record
				rows, changed = applyEdits(rows, []edit{e})
				_, err := c.Set(context.Background(), nil, changed...)
				assertSame(t, fmt.Sprintf("after edit %d", i+1), c, err, Options{Input: path, Source: source.Options{Sheet: sheet}}, rows)
			}
		})
	}
}

func readSheet(t *testing.T, path, sheet string) []source.Record {
	t.Helper()
	src, err := source.Open(path, source.Options{Sheet: sheet})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out []source.Record
	for {
		rec, err := src.Read()
		if err != nil {
			return out
		}
		out = append(out, rec)
	}
}

// Set refuses a row the Checker was not given, and changes nothing.
func TestCheckerSetUnknownRow(t *testing.T) {
	c, err := NewChecker(context.Background(), Options{Input: "x", Rows: RecordRows("", recs([]string{"客戶代號", "客戶名稱"}, []string{"A1", "甲"}))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Set(context.Background(), nil, source.Record{Line: 9, Cells: []string{"A2"}}); err == nil {
		t.Error("a row not given was accepted")
	}
	if len(c.Rows()) != 1 || c.Rows()[0].Status != StatusValid {
		t.Errorf("verdicts %+v", c.Rows())
	}
}
