package source

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSSTBomb writes a workbook whose first row points at the first two
// of n shared strings, each written as entry (e.g. "<si/>"): a small file
// that unpacks to a large shared-strings table. The sst element carries
// attrs (a declared uniqueCount, say).
func writeSSTBomb(tb testing.TB, path string, n int, entry string) {
	writeSST(tb, path, n, entry, "", 0)
}

// writeSST writes a workbook of n shared strings (each written as entry,
// the two first being 客戶名稱 and 電話) whose sheet has a header row that
// points at the first two and, under it, refs rows of one cell each that
// point at texts 2, 3, ...
func writeSST(tb testing.TB, path string, n int, entry, attrs string, refs int) {
	tb.Helper()
	f, err := os.Create(path)
	must(tb, err)
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	var rows strings.Builder
	rows.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
	for i := range refs {
		fmt.Fprintf(&rows, `<row><c t="s"><v>%d</v></c></row>`, 2+i)
	}
	parts := handmade("", rows.String(), "", "")
	for _, p := range parts {
		w, err := zw.Create(p[0])
		must(tb, err)
		_, err = io.WriteString(w, p[1])
		must(tb, err)
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	must(tb, err)
	sw := bufio.NewWriterSize(w, 1<<20)
	_, err = sw.WriteString(`<?xml version="1.0"?><sst ` + nsMain + attrs + `><si><t>客戶名稱</t></si><si><t>電話</t></si>`)
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

// A workbook whose shared-strings table holds more texts than its sheets
// can point to (a small file that unpacks to millions of texts) is refused
// before they take time or memory: at once when the table says how many
// it holds, else as soon as it passes the limit. One whose table fits its
// sheets and the input limit is read.
func TestXLSXSharedStringsLimit(t *testing.T) {
	const maxBytes = 8 << 20 // at most 262,144 texts and 2 MB of text
	tests := []struct {
		name    string
		n       int
		entry   string
		attrs   string // of <sst>
		refs    int    // cells of the sheet that point to texts
		opts    Options
		wantErr error
		wantMsg string
	}{
		{name: "millions of empty texts", n: 7 << 20 / 5, entry: "<si/>", wantErr: ErrCorrupt, wantMsg: "texts its sheets can use"},
		{name: "millions of empty texts, declared", n: 7 << 20 / 5, entry: "<si/>", attrs: ` count="1468006" uniqueCount="1468006"`,
			wantErr: ErrCorrupt, wantMsg: "says it holds 1468006 texts, more than the 655"},
		{name: "a count that lies", n: 7 << 20 / 5, entry: "<si/>", attrs: ` uniqueCount="2"`, wantErr: ErrCorrupt, wantMsg: "texts its sheets can use"},
		{name: "too much text", n: 3000, entry: "<si><t>" + strings.Repeat("a", 1000) + "</t></si>", wantErr: ErrTooLarge, wantMsg: "shared texts"},
		{name: "within the limits", n: 60_000, entry: "<si><t>x</t></si>"},
		{name: "as many texts as the sheet points to", n: 150_000, entry: "<si><t>x</t></si>", attrs: ` uniqueCount="150000"`, refs: 149_998},
		{name: "an unreadable count", n: 10, entry: "<si/>", attrs: ` uniqueCount="many"`},
		{name: "a text longer than a cell", n: 1, entry: "<si/>", opts: Options{MaxCellBytes: 4}, wantErr: ErrCellTooLarge, wantMsg: "cell A1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bomb.xlsx")
			writeSST(t, path, tc.n, tc.entry, tc.attrs, tc.refs)
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

// The limit, from the sizes of the worksheet parts and the input limit.
func TestSSTLimit(t *testing.T) {
	part := func(unpacked, packed uint64) *zip.File {
		return &zip.File{FileHeader: zip.FileHeader{UncompressedSize64: unpacked, CompressedSize64: packed}}
	}
	const maxBytes = 512 << 20
	tests := []struct {
		name       string
		sheets     []*zip.File
		wantSheets int
		wantCount  int
		n          int
		declared   bool
		wantErr    error
		wantMsg    string
	}{
		{name: "no sheets", wantSheets: spareTexts, wantCount: spareTexts, n: spareTexts},
		{name: "no sheets, one more", wantSheets: spareTexts, wantCount: spareTexts, n: spareTexts + 1, wantErr: ErrCorrupt, wantMsg: "more than the 65536 texts its sheets can use"},
		{name: "a missing part", sheets: []*zip.File{nil}, wantSheets: spareTexts, wantCount: spareTexts},
		{name: "the trial's bomb: a 284-byte sheet", sheets: []*zip.File{part(284, 176)}, wantSheets: 13 + spareTexts, wantCount: 13 + spareTexts,
			n: 89 << 20, declared: true, wantErr: ErrCorrupt, wantMsg: "says it holds 93323264 texts, more than the 65549"},
		{name: "a big sheet, well packed", sheets: []*zip.File{part(210_000_000, 1_000_000)}, wantSheets: 4_000_000 + spareTexts, wantCount: 4_000_000 + spareTexts},
		{name: "sheets add up", sheets: []*zip.File{part(2100, 10_000), part(4200, 10_000)}, wantSheets: 300 + spareTexts, wantCount: 300 + spareTexts},
		{name: "stored, not packed", sheets: []*zip.File{part(21_000_000, 21_000_000)}, wantSheets: 1_000_000 + spareTexts, wantCount: 1_000_000 + spareTexts, n: 1_000_000},
		{name: "the input limit binds", sheets: []*zip.File{part(500<<20, 400<<20)}, wantSheets: (500<<20)/21 + spareTexts, wantCount: maxBytes / 32,
			n: maxBytes/32 + 1, wantErr: ErrTooLarge, wantMsg: "512 MB limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newSSTLimit(tt.sheets, maxBytes)
			if l.sheets != tt.wantSheets || l.count() != tt.wantCount {
				t.Errorf("sheets %d, count %d; want %d, %d", l.sheets, l.count(), tt.wantSheets, tt.wantCount)
			}
			err := l.checkCount("w.xlsx", tt.n, tt.declared)
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("checkCount(%d) = %v", tt.n, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "w.xlsx") {
				t.Errorf("checkCount(%d) = %v, want %v saying %q", tt.n, err, tt.wantErr, tt.wantMsg)
			}
		})
	}
}
