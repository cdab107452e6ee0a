package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readAll reads every record of r until io.EOF or an error.
func readAll(t testing.TB, r Reader) ([]Record, error) {
	t.Helper()
	var recs []Record
	for i := 0; i < 10_000_000; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			// The error must be sticky.
			if _, err2 := r.Read(); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("second Read after error: got %v, want the same error %v", err2, err)
			}
			return recs, err
		}
		recs = append(recs, rec)
	}
	t.Fatal("reader never returned io.EOF")
	return nil, nil
}

// rec builds a Record for expectations.
func rec(line int, cells ...string) Record { return Record{Line: line, Cells: cells} }

// checkRecords compares records cell by cell.
func checkRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d records, want %d:\n got  %+q\n want %+q", len(got), len(want), abbrev(got), abbrev(want))
		return
	}
	for i := range want {
		if got[i].Line != want[i].Line {
			t.Errorf("record %d: got line %d, want %d", i, got[i].Line, want[i].Line)
		}
		if !reflect.DeepEqual(got[i].Cells, want[i].Cells) && (len(got[i].Cells) != 0 || len(want[i].Cells) != 0) {
			t.Errorf("record %d (line %d): got cells %q, want %q", i, got[i].Line, got[i].Cells, want[i].Cells)
		}
		if !reflect.DeepEqual(got[i].NoValue, want[i].NoValue) {
			t.Errorf("record %d (line %d): got NoValue %v, want %v", i, got[i].Line, got[i].NoValue, want[i].NoValue)
		}
	}
}

// checkErr checks that err wraps want and, for a *ParseError, its line.
func checkErr(t *testing.T, err, want error, wantLine int, file string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want one wrapping %q", err, want)
	}
	if file != "" && !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not name the file %q", err, file)
	}
	if wantLine > 0 {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("got %T (%v), want *ParseError", err, err)
		}
		if pe.Line != wantLine {
			t.Errorf("got error line %d, want %d (%v)", pe.Line, wantLine, err)
		}
	}
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// abbrev renders records compactly for failure messages.
func abbrev(recs []Record) []string {
	var out []string
	for i, r := range recs {
		if i == 20 {
			out = append(out, "...")
			break
		}
		s := strings.Join(r.Cells, "|")
		if len(s) > 80 {
			s = s[:80] + "..."
		}
		out = append(out, fmt.Sprintf("%d:%s", r.Line, s))
	}
	return out
}
