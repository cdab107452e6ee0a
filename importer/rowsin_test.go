package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/custimport/custimport/importer/source"
)

// readAll reads every record of a file, as a program holding rows would.
func readAll(t *testing.T, path string) []source.Record {
	t.Helper()
	src, err := source.Open(path, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var recs []source.Record
	for {
		rec, err := src.Read()
		if err != nil {
			return recs
		}
		recs = append(recs, rec)
	}
}

// checkedRows runs opts and returns its RowChecked events by row number.
func checkedRows(t *testing.T, opts Options) (map[int]RowChecked, Summary, error) {
	t.Helper()
	var mu sync.Mutex
	got := map[int]RowChecked{}
	job := NewJob(opts)
	job.Subscribe(func(ev Event) {
		if rc, ok := ev.(RowChecked); ok {
			mu.Lock()
			got[rc.Line] = rc
			mu.Unlock()
		}
	})
	sum, err := job.Run(context.Background())
	return got, sum, err
}

// Rows fed by a program are checked as the same rows read from a file:
// the same verdicts and problems, row by row, duplicates across the rows
// included, and a check of them leaves no results file behind.
func TestRowsCheckAsTheFile(t *testing.T) {
	in := writeFile(t, "list.csv", "標題\n\n客戶代號,客戶名稱,信用額度,統一編號\nA001,甲,100,04595257\nA002,乙,abc,\n\nA001,丙,5,\n,丁,1,12345678\n合計,,106,\n")
	dir := filepath.Dir(in)
	fromFile, sumFile, err := checkedRows(t, Options{Input: in, DryRun: true, Out: filepath.Join(dir, "out.xlsx")})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, in)
	fromRows, sumRows, err := checkedRows(t, Options{Input: "list", Rows: RecordRows("", recs), DryRun: true, NoResults: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromFile) != 5 {
		t.Fatalf("the file's check gave %d rows", len(fromFile))
	}
	if !reflect.DeepEqual(fromFile, fromRows) {
		t.Errorf("verdicts differ:\nfile %+v\nrows %+v", fromFile, fromRows)
	}
	if !reflect.DeepEqual(sumFile.Counts, sumRows.Counts) || !reflect.DeepEqual(sumFile.Errors, sumRows.Errors) || sumRows.Rows != sumFile.Rows {
		t.Errorf("summaries differ: file %v %v, rows %v %v", sumFile.Counts, sumFile.Errors, sumRows.Counts, sumRows.Errors)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || sumRows.Output != "" {
		t.Errorf("a check without results left files or named one: %v, %q", entries, sumRows.Output)
	}
}

// An import from rows reads them twice (the ledger's matching, then the
// sending) and creates each customer once, however often it runs.
func TestRowsImport(t *testing.T) {
	recs := []source.Record{{Line: 1, Cells: []string{"CCODE", "CNAM1", "CBELE"}}, {Line: 2, Cells: []string{"", "程式客戶", "1"}}, {Line: 4, Cells: []string{"B1", "乙", "2"}}}
	opens := 0
	rows := func() (source.Reader, error) { opens++; return RecordRows("", recs)() }
	lg := newLedger(t)
	s := okSender()
	for i := range 2 {
		out := filepath.Join(t.TempDir(), "out.csv")
		sum, err := Run(context.Background(), Options{Input: "crm", Rows: rows, Out: out, Sender: s, Ledger: lg})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Counts[StatusOK] != 2 || sum.InputSHA256 == "" {
			t.Fatalf("run %d: %v, hash %q", i, sum.Counts, sum.InputSHA256)
		}
		if got := readCSV(t, out); len(got) != 3 || got[1][1] != "程式客戶" || got[2][0] != "B1" {
			t.Errorf("run %d results %q", i, got)
		}
	}
	if n := s.calls.Load(); n != 2 { // the second run knows both
		t.Errorf("sent %d requests, want 2", n)
	}
	if opens < 4 {
		t.Errorf("the rows were opened %d times over two imports", opens)
	}
}

func TestRowsOptionsRefused(t *testing.T) {
	rows := RecordRows("", []source.Record{{Line: 1, Cells: []string{"CCODE"}}})
	for name, opts := range map[string]Options{
		"no results but sends":  {Input: "x", Rows: rows, NoResults: true, Sender: okSender(), Ledger: newLedger(t)},
		"rows and data":         {Input: "x", Rows: rows, Data: os.Stdin, DryRun: true, NoResults: true},
		"rows without out":      {Input: "x", Rows: rows, DryRun: true},
		"rows that cannot open": {Input: "x", Rows: func() (source.Reader, error) { return nil, errBroken }, DryRun: true, NoResults: true},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Run(context.Background(), opts); err == nil {
				t.Error("accepted")
			}
		})
	}
}

var errBroken = errors.New("broken")
