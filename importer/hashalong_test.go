package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, "list.csv", tt.content)
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
