package source

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSSTBomb writes a workbook whose one row points at the first of n
// shared strings, each written as entry (e.g. "<si/>"): a small file that
// unpacks to a large shared-strings table.
func writeSSTBomb(tb testing.TB, path string, n int, entry string) {
	tb.Helper()
	f, err := os.Create(path)
	must(tb, err)
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	parts := handmade("", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`, "", "")
	for _, p := range parts {
		w, err := zw.Create(p[0])
		must(tb, err)
		_, err = io.WriteString(w, p[1])
		must(tb, err)
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	must(tb, err)
	sw := bufio.NewWriterSize(w, 1<<20)
	_, err = sw.WriteString(`<?xml version="1.0"?><sst ` + nsMain + `><si><t>客戶名稱</t></si><si><t>電話</t></si>`)
	must(tb, err)
	chunk := strings.Repeat(entry, 4096)
	for i := 0; i < n; i += 4096 {
		_, err = sw.WriteString(chunk[:len(entry)*min(4096, n-i)])
		must(tb, err)
	}
	_, err = sw.WriteString(`</sst>`)
	must(tb, err)
	must(tb, sw.Flush())
	must(tb, zw.Close())
	must(tb, bw.Flush())
}

// TestMakeSSTBomb writes the workbook of issue 11 item 5 for a manual
// memory measurement (it is skipped unless SSTBOMB names the output):
//
//	SSTBOMB=/tmp/bomb.xlsx go test ./importer/source -run TestMakeSSTBomb
func TestMakeSSTBomb(t *testing.T) {
	out := os.Getenv("SSTBOMB")
	if out == "" {
		t.Skip("set SSTBOMB to the output path to write the workbook")
	}
	writeSSTBomb(t, filepath.Clean(out), 425<<20/len("<si/>"), "<si/>")
}

// A workbook whose shared-strings table unpacks to millions of texts is
// refused (with a clear error) before they take memory; one whose table
// fits its size is read.
func TestXLSXSharedStringsLimit(t *testing.T) {
	const maxBytes = 8 << 20 // at most 262,144 texts and 2 MB of text
	tests := []struct {
		name    string
		n       int
		entry   string
		opts    Options
		wantErr error
		wantMsg string
	}{
		{name: "millions of empty texts", n: 7 << 20 / 5, entry: "<si/>", wantErr: ErrTooLarge, wantMsg: "shared texts"},
		{name: "too much text", n: 3000, entry: "<si><t>" + strings.Repeat("a", 1000) + "</t></si>", wantErr: ErrTooLarge, wantMsg: "shared texts"},
		{name: "within the limits", n: 200_000, entry: "<si><t>x</t></si>"},
		{name: "a text longer than a cell", n: 1, entry: "<si/>", opts: Options{MaxCellBytes: 4}, wantErr: ErrCellTooLarge, wantMsg: "cell A1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bomb.xlsx")
			writeSSTBomb(t, path, tc.n, tc.entry)
			opts := tc.opts
			opts.MaxBytes = maxBytes
			r, err := Open(path, opts)
			var rec Record
			if err == nil {
				defer r.Close()
				rec, err = r.Read()
			}
			if tc.wantErr == nil {
				if err != nil || len(rec.Cells) != 2 || rec.Cells[0] != "客戶名稱" || rec.Cells[1] != "電話" {
					t.Fatalf("got %+v, %v; want the header row", rec, err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("got %v, want %v mentioning %q", err, tc.wantErr, tc.wantMsg)
			}
		})
	}
}
