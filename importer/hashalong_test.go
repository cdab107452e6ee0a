package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custimport/custimport/importer/source"
)

// A check's summary names its input by the SHA-256 of the file's bytes,
// made while the rows are read (no pass over the file after them); a
// file whose read stops at a fault has none. Rows handed over in memory
// keep their own hash (none for a check).
func TestCheckInputSHA256(t *testing.T) {
	var big strings.Builder
	big.WriteString("\ufeffCCODE,CNAM1,CBELE\r\n")
	for i := range 3000 {
		big.WriteString("C")
		big.WriteString(strings.Repeat("0", 6-len(itoa(i))) + itoa(i))
		big.WriteString(",客戶,1\r\n")
	}
	tests := []struct {
		name, content string
		wantHash      bool
	}{
		{"small", "CCODE,CNAM1,CBELE\nA1,甲,1\nA2,乙,2\n", true},
		{"many rows", big.String(), true},
		{"header only", "CCODE,CNAM1,CBELE\n", true},
		{"bad quote stops the read", "CCODE,CNAM1,CBELE\nA1,\"甲,1\nA2,乙,2\n", false},
		{"UTF-16", "\xff\xfeC\x00C\x00O\x00D\x00E\x00,\x00C\x00N\x00A\x00M\x001\x00\n\x00A\x001\x00,\x00\x32\x75\n\x00", true},
		{"a workbook (hashed on a goroutine)", string(mustRead(t, filepath.Join("..", "samples", "customers.xlsx"))), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "list.csv"
			if strings.HasPrefix(tt.content, "PK") {
				name = "list.xlsx"
			}
			in := writeFile(t, name, tt.content)
			sum, _ := Run(context.Background(), Options{Input: in, Out: filepath.Join(t.TempDir(), "out.csv"), DryRun: true})
			want := ""
			if tt.wantHash {
				data, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				h := sha256.Sum256(data)
				want = hex.EncodeToString(h[:])
			}
			if sum.InputSHA256 != want {
				t.Errorf("InputSHA256 = %q, want %q", sum.InputSHA256, want)
			}
		})
	}
	t.Run("with a ledger (a pass of its own first)", func(t *testing.T) {
		in := writeFile(t, "list.csv", big.String())
		sum, err := Run(context.Background(), Options{Input: in, Out: filepath.Join(t.TempDir(), "out.csv"), DryRun: true, Ledger: newLedger(t)})
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256([]byte(big.String()))
		if want := hex.EncodeToString(h[:]); sum.InputSHA256 != want {
			t.Errorf("InputSHA256 = %q, want %q", sum.InputSHA256, want)
		}
	})
	t.Run("rows in memory", func(t *testing.T) {
		in := writeFile(t, "list.csv", "CCODE,CNAM1,CBELE\nA1,甲,1\n")
		recs := readAll(t, in)
		sum, err := Run(context.Background(), Options{Input: "crm", Rows: RecordRows("", recs), DryRun: true, NoResults: true})
		if err != nil {
			t.Fatal(err)
		}
		if sum.InputSHA256 != "" {
			t.Errorf("a check of rows in memory has hash %q", sum.InputSHA256)
		}
	})
}

// errReader fails at once.
type errReader struct{}

func (errReader) Read() (source.Record, error) { return source.Record{}, errors.New("broken") }
func (errReader) Close() error                 { return nil }

// A read that stops before the end leaves no hash, and close leaves no
// goroutine hashing behind.
func TestHashAlongClose(t *testing.T) {
	in := writeFile(t, "list.csv", strings.Repeat("CCODE,CNAM1\n", 100000))
	var dst string
	h := &hashAlong{Reader: errReader{}, path: in, dst: &dst}
	if _, err := h.Read(); err == nil {
		t.Fatal("no error")
	}
	h.close()
	select {
	case <-h.done:
	default:
		t.Fatal("close returned with the hash goroutine running")
	}
	if dst != "" {
		t.Errorf("hash %q after a failed read", dst)
	}
	(&hashAlong{}).close() // never started: nothing to wait for
}

// A delimited text read through a readHash, as a check reads its file,
// leaves the file's SHA-256 in it once its rows are read to their end,
// whatever its encoding, line ends and size: its reader reads every byte
// once, in order (after its first bytes, read again); no second pass over
// the file is needed. A workbook's reader skips about: no hash.
func TestReadHash(t *testing.T) {
	var rows strings.Builder
	for i := range 20000 {
		rows.WriteString("C" + itoa(i) + ",客戶,\"台北市,信義區\",1\r\n")
	}
	utf16 := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, r := range s { // BMP only
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	big5 := mustRead(t, filepath.Join("..", "samples", "customers-big5.csv"))
	xlsx := mustRead(t, filepath.Join("..", "samples", "customers.xlsx"))
	tests := []struct {
		name, content string
		wantHash      bool
	}{
		{"small", "CCODE,CNAM1,CBELE\nA1,甲,1\n", true},
		{"no line end at the end", "CCODE,CNAM1,CBELE\nA1,甲,1", true},
		{"header only", "CCODE,CNAM1,CBELE\r\n", true},
		{"BOM, CRLF, many rows", "\ufeffCCODE,CNAM1,CADD1,CBELE\r\n" + rows.String(), true},
		{"quoted line breaks", "CCODE,CNAM1\nA1,\"甲\n乙\"\nA2,丙\n", true},
		{"lone CR lines", "CCODE,CNAM1\rA1,甲\rA2,乙\r", true},
		{"tabs", "CCODE\tCNAM1\nA1\t甲\n", true},
		{"UTF-16", utf16("CCODE,CNAM1\r\nA1,甲\r\n" + rows.String()), true},
		{"Big5", string(big5), true},
		{"workbook", string(xlsx), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, "list.csv", tt.content)
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rh := &readHash{f: f, size: int64(len(tt.content)), sum: sha256.New()}
			src, err := source.OpenReaderAt("list.csv", rh, rh.size, source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			for {
				if _, err := src.Read(); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatal(err)
					}
					break
				}
			}
			h := sha256.Sum256([]byte(tt.content))
			got, ok := rh.hexSum()
			if ok != tt.wantHash || ok && got != hex.EncodeToString(h[:]) {
				t.Errorf("hexSum() = %q, %v; want %x, %v", got, ok, h, tt.wantHash)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
