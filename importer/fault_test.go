package importer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// InputFault tells the errors that fixing the file cures (the folder mode
// sets such a file aside) from the machine's (it tries again next run).
func TestInputFault(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "客戶代號,客戶名稱\nA1,甲\n")
	tests := []struct {
		name string
		opts Options
		want bool
	}{
		{"no header", Options{Input: write("notes.csv", "hello\nworld\n")}, true},
		{"unbalanced quotes", Options{Input: write("q.csv", "客戶代號,客戶名稱\n\"A1,甲\n")}, true},
		{"two columns for one field", Options{Input: write("d.csv", "客戶代號,CCODE\nA1,A2\n")}, true},
		{"an old .xls", Options{Input: write("o.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00")}, true},
		{"empty", Options{Input: write("e.csv", "")}, true},
		{"the results folder is not there", Options{Input: good, Out: filepath.Join(dir, "gone", "r.csv")}, false},
		{"the input is not there", Options{Input: filepath.Join(dir, "missing.csv")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.DryRun = true
			_, err := Run(context.Background(), tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if got := InputFault(err); got != tt.want {
				t.Errorf("InputFault(%v) = %v, want %v", err, got, tt.want)
			}
		})
	}
}
