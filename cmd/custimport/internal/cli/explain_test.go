package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExplainedErrorsAndExamples(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	noHeader := write("nohdr.csv", "a,b\n1,2\n")
	quote := write("quote.csv", "CCODE,CNAM1\n\"A1,x\n")
	bad := write("bad.csv", "CCODE,CNAM1,CRDAT\nA1,x,32\nA2,y,5\n")
	codeLike := write("codelike.csv", "客戶識別碼,客戶名稱\nA001,甲\n")
	big := write("big.csv", "CCODE,CNAM1\n"+strings.Repeat("A1,name\n", 200_000))
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
		wantOut  []string
	}{
		{"no header zh", []string{"check", noHeader}, ExitCantRun, []string{"無法匯入", "→ 標題列沒有任何可辨識的欄位"}, nil},
		{"no header en", []string{"check", "--lang", "en", noHeader}, ExitCantRun, []string{"no column matches a field", "→ no header names a known field"}, nil},
		{"code column not recognised", []string{"check", codeLike}, ExitCantRun, []string{"codelike.csv", "→ 有一欄看起來是客戶代號"}, nil},
		{"code column not recognised en", []string{"check", "--lang", "en", codeLike}, ExitCantRun, []string{"客戶識別碼", "→ a column looks like the customer code"}, nil},
		{"missing file", []string{"check", filepath.Join(dir, "none.xlsx")}, ExitCantRun, []string{"找不到", "none.xlsx", "→ 找不到檔案"}, nil},
		{"missing file en", []string{"check", "--lang", "en", filepath.Join(dir, "none.xlsx")}, ExitCantRun, []string{"none.xlsx\" is not there", "→ the file is not there"}, nil},
		{"bad quote", []string{"check", quote}, ExitCantRun, []string{"quote.csv", "第 2 列", "→ CSV 的引號"}, nil},
		{"bad quote en", []string{"check", "--lang", "en", quote}, ExitCantRun, []string{"quote.csv: line 2", "→ a quote"}, nil},
		{"too large", []string{"check", "--max-input-mb", "1", big}, ExitCantRun, []string{"big.csv", "--max-input-mb"}, nil},
		{"too large en", []string{"check", "--lang", "en", "--max-input-mb", "1", big}, ExitCantRun, []string{"big.csv", "1.0 MB limit", "--max-input-mb"}, nil},
		{"under the limit", []string{"check", "--max-input-mb", "3", "--out", filepath.Join(dir, "big.out.csv"), big}, ExitRows, nil, []string{"200000"}},
		{"examples", []string{"check", bad}, ExitRows, nil, []string{"需處理的列", "第 2 列", "INVALID", `CRDAT 結帳日期: 須為 1-31,實際為「32」`}},
		{"examples en", []string{"check", "--lang", "en", bad}, ExitRows, nil, []string{"Rows that need attention", "row 2", "CRDAT (closing day)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(tt.args, IO{Out: &out, Err: &errb})
			if code != tt.wantCode {
				t.Errorf("exit: got %d, want %d\nstderr: %s", code, tt.wantCode, errb.String())
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr %q lacks %q", errb.String(), w)
				}
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout %q lacks %q", out.String(), w)
				}
			}
		})
	}
}
