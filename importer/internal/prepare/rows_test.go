package prepare

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/mapping"
)

// readOnly hides a reader's ReadRecordInto: DataRows reads
// it with Read alone.
type readOnly struct{ source.Reader }

// DataRows read in place from a reader that can (nextRecord into the
// storage of the rows before, as readBatches reads) gives the rows, row
// numbers and sequence numbers, and the error, that reading with Read
// alone gives: with rows read with the header (lead) and rows passed
// over (skip).
func TestDataRowsInPlace(t *testing.T) {
	var big strings.Builder
	big.WriteString("客戶代號,客戶名稱\n")
	for i := range 300 {
		fmt.Fprintf(&big, "A%d,甲%d\n\n", i, i)
	}
	tests := []struct {
		name, text string
		lead, skip int
	}{
		{"rows after the header", big.String(), 0, 1},
		{"some rows read with the header", big.String(), 5, 0},
		{"ragged and quoted", "客戶代號,客戶名稱\nA1\n\"A\n2\",乙,x,y\nA3,丙\n", 0, 1},
		{"a fault", "客戶代號,客戶名稱\nA1,甲\nA2,\"乙\n", 0, 1},
	}
	type got struct {
		seq, line int
		cells     string
		err       string
	}
	read := func(t *testing.T, text string, lead, skip int, plain bool) []got {
		src, err := source.NewCSVReader(strings.NewReader(text), "list.csv", source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := mapping.FindHeader([][]string{{"客戶代號", "客戶名稱"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var leadRecs []source.Record
		for range lead {
			rec, err := src.Read()
			if err != nil {
				t.Fatal(err)
			}
			leadRecs = append(leadRecs, rec)
		}
		var r source.Reader = src
		if plain {
			r = readOnly{src}
		}
		d := NewDataRows(r, leadRecs[min(1, len(leadRecs)):], skip, "list.csv", hdr)
		var out []got
		var rec source.Record
		for {
			seq, err := d.nextRecord(&rec)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					out = append(out, got{err: err.Error()})
				}
				return out
			}
			out = append(out, got{seq, rec.Line, strings.Join(rec.Cells, "|"), ""})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, in := read(t, tt.text, tt.lead, tt.skip, true), read(t, tt.text, tt.lead, tt.skip, false)
			if fmt.Sprint(in) != fmt.Sprint(want) {
				t.Errorf("read in place:\n%v\nread with Read:\n%v", in, want)
			}
			if len(want) < 2 {
				t.Errorf("only %v read", want)
			}
		})
	}
}
