package prepare

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/decide"
	"github.com/custimport/custimport/importer/internal/row"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// texts says which message a row got, by its name.
type texts struct{}

func (texts) Lang() string                      { return "en" }
func (texts) PriorOK() string                   { return "prior-ok" }
func (texts) PriorSkipped() string              { return "prior-skipped" }
func (texts) HiddenRow() string                 { return "hidden" }
func (texts) PriorUnknown() string              { return "prior-unknown" }
func (texts) NoFormulaValue(cell string) string { return "no-value " + cell }
func (texts) Ragged(n, want int, extra string) string {
	return "ragged " + extra
}
func (texts) Existing(v decide.ExistingVerdict, taxID string, update bool) (string, string) {
	return "exists", "exists " + v.Customer.Code
}

// records reads lines of comma-separated cells as records, from row 1.
type records struct {
	lines []string
	n     int
}

func (r *records) Read() (source.Record, error) {
	if r.n == len(r.lines) {
		return source.Record{}, io.EOF
	}
	r.n++
	rec := source.Record{Line: r.n, Cells: strings.Split(r.lines[r.n-1], ",")}
	if strings.HasPrefix(rec.Cells[0], "~") { // a row hidden in Excel
		rec.Cells[0], rec.Hidden = rec.Cells[0][1:], true
	}
	return rec, nil
}

func (r *records) Close() error { return nil }

// prepared runs the stage over a file of lines (its first the header)
// and returns each data row's result.
func prepared(t *testing.T, cfg Config, lines ...string) []row.Result {
	t.Helper()
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = strings.Split(l, ",")
	}
	hdr, err := mapping.FindHeader(rows[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Header, cfg.Texts = hdr, texts{}
	if cfg.StatusColumn == 0 {
		cfg.StatusColumn, cfg.CCODEColumn = hdr.ResultColumn("ImportStatus"), hdr.ResultColumn("ImportCCODE")
	}
	v, err := validate.New(validate.Config{Lang: "en", NoPayload: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []row.Result
	src := NewDataRows(&records{lines: lines}, nil, hdr.Last+1, "list.csv", hdr)
	err = CheckRows(src, New(cfg, v), false, func(items []row.Item) {
		for i := range items {
			out = append(out, items[i].Result())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPreparerSettlesEachRow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		lines []string
		want  []row.Status
		words string // in the first row's message or warnings
	}{
		{"valid", Config{}, []string{"客戶代號,客戶名稱,信用額度", "C1,甲公司,1000"}, []row.Status{row.StatusValid}, ""},
		{"invalid credit", Config{}, []string{"客戶代號,客戶名稱,信用額度", "C1,甲公司,很多"}, []row.Status{row.StatusInvalid}, "CBELE"},
		{"duplicate code settles against the row before", Config{}, []string{"客戶代號,客戶名稱,信用額度", "C1,甲,1", "C1,乙,1"},
			[]row.Status{row.StatusValid, row.StatusInvalid}, ""},
		{"totals row", Config{}, []string{"客戶代號,客戶名稱,信用額度", "C1,甲,1", "合計,,1"}, []row.Status{row.StatusValid, row.StatusSkipped}, ""},
		{"hidden row kept", Config{}, []string{"客戶代號,客戶名稱,信用額度", "~C1,甲,1"}, []row.Status{row.StatusValid}, ""},
		{"hidden row left out", Config{SkipHidden: true}, []string{"客戶代號,客戶名稱,信用額度", "~C1,甲,1"}, []row.Status{row.StatusSkipped}, "hidden"},
		{"fed back OK without a code", Config{}, []string{"客戶名稱,信用額度,ImportStatus,ImportCCODE", "甲,1,OK,"}, []row.Status{row.StatusOK}, "prior-ok"},
		{"fed back SKIPPED", Config{}, []string{"客戶名稱,信用額度,ImportStatus,ImportCCODE", "甲,1,SKIPPED,"}, []row.Status{row.StatusSkipped}, "prior-skipped"},
		{"fed back UNKNOWN is held", Config{}, []string{"客戶名稱,信用額度,ImportStatus,ImportCCODE", "甲,1,UNKNOWN,"}, []row.Status{row.StatusUnknown}, "prior-unknown"},
		{"fed back UNKNOWN sent again when asked", Config{ResendUnknown: true}, []string{"客戶名稱,信用額度,ImportStatus,ImportCCODE", "甲,1,UNKNOWN,"}, []row.Status{row.StatusValid}, ""},
		{"cells beyond the header", Config{}, []string{"客戶代號,客戶名稱,信用額度", "C1,甲,1,多的"}, []row.Status{row.StatusInvalid}, "ragged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := prepared(t, tc.cfg, tc.lines...)
			if len(got) != len(tc.want) {
				t.Fatalf("%d rows, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, r := range got {
				if r.Status != tc.want[i] || r.Line != i+2 {
					t.Errorf("row %d: %s (line %d), want %s", i, r.Status, r.Line, tc.want[i])
				}
			}
			if !strings.Contains(got[0].Message+got[0].Warnings, tc.words) {
				t.Errorf("first row %+v does not say %q", got[0], tc.words)
			}
		})
	}
}

func TestDataRowsRefusesRowNumbersGoingBack(t *testing.T) {
	hdr, err := mapping.FindHeader([][]string{{"客戶代號", "客戶名稱"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDataRows(&backwards{}, nil, 1, "list.xlsx", hdr)
	var errs error
	for {
		_, _, err := d.next()
		if err != nil {
			errs = err
			break
		}
	}
	if !errors.Is(errs, ErrDamagedRows) || !strings.Contains(errs.Error(), "list.xlsx: row 3 comes after row 4") {
		t.Errorf("err = %v, want ErrDamagedRows naming the file and rows", errs)
	}
}

// backwards reads a header, row 4, then row 3.
type backwards struct{ n int }

func (b *backwards) Read() (source.Record, error) {
	b.n++
	switch b.n {
	case 1:
		return source.Record{Line: 1, Cells: []string{"客戶代號", "客戶名稱"}}, nil
	case 2:
		return source.Record{Line: 4, Cells: []string{"C1", "甲"}}, nil
	case 3:
		return source.Record{Line: 3, Cells: []string{"C2", "乙"}}, nil
	}
	return source.Record{}, io.EOF
}

func (b *backwards) Close() error { return nil }
