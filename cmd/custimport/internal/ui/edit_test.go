package ui

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// rowsIn returns the row numbers of the grid rows an answer carries.
func rowsIn(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr class="row-[a-z]*" data-line="(\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The answer to a cell edit carries what the edit changed (the rows whose
// verdict moved, #status, the import box, the undo button), not the whole
// step: no file, mapping or other rows. A row the edit made a duplicate
// of is in it too, and an undo answers the same way.
func TestEditAnswersWhatChanged(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("客戶代號,客戶名稱,信用額度\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&csv, "A%03d,客戶%d,100\n", i, i)
	}
	u := newTestUI(t, Config{})
	p := u.upload("list.csv", []byte(csv.String()))
	if statusOf(p.body) != "VALID 30" {
		t.Fatalf("after the upload: %q", statusOf(p.body))
	}
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status string
		rows   []string
	}{
		{"an error", "/cell", url.Values{"line": {"20"}, "col": {"2"}, "value": {"abc"}}, "VALID 29 · INVALID 1", []string{"20"}},
		{"fixed", "/cell", url.Values{"line": {"20"}, "col": {"2"}, "value": {"5"}}, "VALID 30", []string{"20"}},
		{"a code row 25 has", "/cell", url.Values{"line": {"15"}, "col": {"0"}, "value": {"A024"}}, "VALID 29 · INVALID 1", []string{"15", "25"}},
		{"undone", "/undo", nil, "VALID 30", []string{"15", "25"}},
		{"an edit that changes no verdict", "/cell", url.Values{"line": {"12"}, "col": {"1"}, "value": {"新名稱"}}, "VALID 30", []string{"12"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := u.post(tt.path, tt.form)
			if p.code != 200 || statusOf(p.body) != tt.status {
				t.Fatalf("%d, status %q, want %q", p.code, statusOf(p.body), tt.status)
			}
			if got := rowsIn(p.body); strings.Join(got, ",") != strings.Join(tt.rows, ",") {
				t.Errorf("rows %v in the answer, want %v", got, tt.rows)
			}
			for _, want := range []string{`id="page-state"`, `id="import-box"`, `id="undo"`, `id="grid-rows"`} {
				if !strings.Contains(p.body, want) {
					t.Errorf("the answer lacks %s", want)
				}
			}
			for _, not := range []string{`id="step-file"`, `id="step-map"`, `id="grid"`, `id="file"`} {
				if strings.Contains(p.body, not) {
					t.Errorf("the answer carries %s: the whole step", not)
				}
			}
		})
	}
	// The page as a whole agrees with the edits.
	if v := u.get("/view"); statusOf(v.body) != "VALID 30" || !strings.Contains(v.body, "新名稱") {
		t.Errorf("the page after the edits: %q", statusOf(v.body))
	}
}

// An edit among the rows the header is looked for in may move the header:
// the answer is then the whole step, checked from the start.
func TestEditNearTheHeaderChecksAll(t *testing.T) {
	u := newTestUI(t, Config{})
	u.upload("list.csv", []byte("客戶代號,客戶名稱,信用額度\nA1,甲,1\nA2,乙,2\n"))
	p := u.post("/cell", url.Values{"line": {"2"}, "col": {"2"}, "value": {"x"}})
	if statusOf(p.body) != "VALID 1 · INVALID 1" || !strings.Contains(p.body, `id="step-map"`) {
		t.Errorf("status %q, whole step %v", statusOf(p.body), strings.Contains(p.body, `id="step-map"`))
	}
}
