package results

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var updatePinned = flag.Bool("update-pinned", false, "rewrite testdata/pinned from the current writers")

// pinnedRows is a representative row set for the byte-for-byte pins:
// numbers, text that needs XML escaping or space preserving, _xHHHH_
// look-alikes, control characters, invalid UTF-8, problems on empty and
// text cells, short and ragged rows.
func pinnedRows() [][]Cell {
	rows := [][]Cell{
		{{Value: "1", Numeric: true}, {Value: "客戶甲"}, {Value: "+886912345678"}, {Value: "-12.5", Numeric: true}, {Value: "OK"}, {Value: ""}},
		{{Value: "2", Numeric: true}, {Value: "=1+1"}, {Value: "0912", Problem: "手機格式錯誤"}, {Value: "abc", Numeric: true, Problem: "not a number <&>"}, {Value: "ERROR"}, {Value: "bad row"}},
		{{Value: "3", Numeric: true}, {Value: "@SUM(A1)"}, {Value: "", Problem: "必填"}, {Value: "12345678901234567", Numeric: true}, {Value: "OK"}, {Value: "=HYPERLINK(\"http://x\")"}},
		{{Value: "4", Numeric: true}},
		{{Value: " lead"}, {Value: "trail "}, {Value: "\ttab"}, {Value: "line\nbreak"}, {Value: "cr\r\nlf"}, {Value: "quote \" apos ' amp & lt < gt >"}},
		{{Value: "_x0041_"}, {Value: "a_x005F_x0041_b"}, {Value: "_x005F_"}, {Value: "_xZZZZ_"}, {Value: "_x00410_"}, {Value: "x_x000D_"}},
		{{Value: "ctl\x01\x1f"}, {Value: "bad\xffutf8"}, {Value: "\uFFFE\uFFFF"}, {Value: "emoji 😀 中文"}, {Value: "]]>"}, {Value: "&amp;"}},
		{{Value: "0.25", Numeric: true}, {Value: "-0", Numeric: true}, {Value: "007", Numeric: true}, {Value: "1.000", Numeric: true}, {Value: "99999999999", Numeric: true}, {Value: "100000000000", Numeric: true}},
		{{Value: "12", Numeric: true, Problem: "p"}, {Value: "", Problem: "empty <problem>"}, {}, {Value: "1.5.5", Numeric: true}, {Value: "1e5", Numeric: true}, {Value: " 5", Numeric: true}},
		{{Value: strings.Repeat("x", 32768)}, {Value: strings.Repeat("x", 32766) + "😀"}},
		{{}, {}, {}, {}, {}, {Value: "last only"}},
		{{Value: "ragged"}, {Value: "row"}, {Value: "wider"}, {Value: "than"}, {Value: "the"}, {Value: "header"}, {Value: "G"}, {Value: "H", Problem: "beyond the header"}},
	}
	for i := range 30 {
		row := make([]Cell, 6)
		for j := range row {
			row[j] = Cell{Value: "客戶資料 " + strconv.Itoa(i*6+j)}
			if j%3 == 0 {
				row[j] = Cell{Value: strconv.Itoa(i*1000+j) + ".25", Numeric: true}
			}
			if (i+j)%7 == 0 {
				row[j].Problem = "欄位格式錯誤: " + row[j].Value
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// writePinned writes the pinned row set with w.
func writePinned(t *testing.T, w Writer) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.WriteHeader(goldenHeader))
	for i, r := range pinnedRows() {
		must(w.WriteRow(r))
		if i == 3 {
			must(w.WriteBlank(2))
		}
	}
	must(w.WriteSummary(goldenSummary))
	must(w.Close())
}

// volatileRE matches what changes from run to run in the document
// properties (the creation time).
var volatileRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// checkPinned compares got with testdata/pinned/name (or rewrites it).
func checkPinned(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "pinned", name)
	if *updatePinned {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update-pinned to create it)", err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s differs from %s at byte %d of %d (want %d):\n got  …%q…\n want …%q…", name, p, i, len(got), len(want),
			got[max(i-80, 0):min(i+80, len(got))], want[max(i-80, 0):min(i+80, len(want))])
	}
}

// TestXLSXPinnedBytes pins every part of an XLSX results file, its
// compression method and, for parts copied from excelize's output, its
// compressed bytes: a faster writer must produce the same file.
func TestXLSXPinnedBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"plain", Options{}},
		{"text-above", Options{TextColumns: []int{2, 5}, Above: [][]string{{"Title 標題"}, nil, {"", "x"}}, ColWidths: []float64{0, 30}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			path := filepath.Join(t.TempDir(), "pinned.xlsx")
			w, err := NewXLSXWriter(path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			writePinned(t, w)
			zr, err := zip.OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			var list bytes.Buffer
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				b = volatileRE.ReplaceAll(b, []byte("TIME"))
				raw, err := f.OpenRaw()
				if err != nil {
					t.Fatal(err)
				}
				compressed, err := io.ReadAll(raw)
				if err != nil {
					t.Fatal(err)
				}
				sum := "volatile"
				if !strings.HasPrefix(f.Name, "docProps/") {
					sum = strconv.FormatUint(uint64(crc(compressed)), 16)
				}
				list.WriteString(f.Name + " method=" + strconv.Itoa(int(f.Method)) + " size=" + strconv.FormatUint(f.UncompressedSize64, 10) + " compressed-crc=" + sum + "\n")
				checkPinned(t, tc.name+"/"+strings.ReplaceAll(f.Name, "/", "_"), b)
			}
			checkPinned(t, tc.name+"/parts.txt", list.Bytes())
		})
	}
}

// crc is a checksum of compressed part bytes.
func crc(b []byte) uint32 {
	var h uint32 = 2166136261
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// TestCSVPinnedBytes pins a CSV results file byte for byte.
func TestCSVPinnedBytes(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	w.above = [][]string{{"Title 標題", "=x"}, nil}
	writePinned(t, w)
	checkPinned(t, "results.csv", buf.Bytes())
}
