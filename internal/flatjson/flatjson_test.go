package flatjson

import (
	"bytes"
	"encoding/json"
	"testing"
)

// reference is what encoding/json writes for m: json.Marshal, or an
// Encoder without HTML escaping (its newline cut).
func reference(m map[string]any, escapeHTML bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// check compares AppendObject with encoding/json on m, both escapings.
func check(t *testing.T, m map[string]any) {
	t.Helper()
	flat := m != nil
	for _, v := range m {
		switch v.(type) {
		case string, json.Number:
		default:
			flat = false
		}
	}
	for _, html := range []bool{true, false} {
		want, err := reference(m, html)
		got, ok := AppendObject([]byte("x"), m, html, nil)
		switch {
		case !flat && ok:
			t.Errorf("html %v: %v: AppendObject wrote %s for a value that is neither a string nor a json.Number", html, m, got)
		case err != nil && ok:
			t.Errorf("html %v: %v: encoding/json refuses it (%v), AppendObject wrote %s", html, m, err, got)
		case err == nil && !ok && flat:
			t.Errorf("html %v: %v: AppendObject cannot write what encoding/json writes as %s", html, m, want)
		case ok && string(got) != "x"+string(want):
			t.Errorf("html %v: %v:\n got %s\nwant x%s", html, m, got, want)
		case !ok && string(got) != "x":
			t.Errorf("html %v: %v: not ok, but dst changed to %q", html, m, got)
		}
	}
}

func TestAppendObject(t *testing.T) {
	tests := []struct {
		name string
		m    map[string]any
	}{
		{"empty", map[string]any{}},
		{"nil", nil},
		{"payload", map[string]any{"CCODE": "C0000001", "CNAM1": "順發電機有限公司", "CBELE": json.Number("10000.5"), "EditItem": json.Number("2"), "EMAIL": "a@example.com"}},
		{"escapes", map[string]any{"A": "\"\\/\b\f\n\r\t\x00\x1f\x7f <>&", "B": "\u2028\u2029\ufeff", "C": "\xff\xfe bad \xe4\xb8"}},
		{"html keys", map[string]any{"<k>": "&", "a&b": "x"}},
		{"numbers", map[string]any{"a": json.Number(""), "b": json.Number("-0"), "c": json.Number("1e+10"), "d": json.Number("0.25E-3"), "e": json.Number("12")}},
		{"bad number", map[string]any{"a": json.Number("01")}},
		{"bad number dot", map[string]any{"a": json.Number("1.")}},
		{"bad number exp", map[string]any{"a": json.Number("1e")}},
		{"bad number word", map[string]any{"a": json.Number("NaN")}},
		{"an int", map[string]any{"a": 1}},
		{"a nil", map[string]any{"a": nil}},
		{"many keys", func() map[string]any {
			m := map[string]any{}
			for _, k := range []string{"Z", "a", "B", "b", "A", "中", "", " ", "AA", "A0", "z", "CADD1", "CADD2", "CTELE", "CPHONE", "EMAIL", "CBIRD", "CTCOD", "CNAM1", "CNAM2", "X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "Y1", "Y2", "Y3", "Y4", "Y5"} {
				m[k] = k + "v"
			}
			return m
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.m) })
	}
}

// Skipped keys are left out as if m did not hold them.
func TestAppendObjectSkip(t *testing.T) {
	m := map[string]any{"CCODE": "A1", "EditItem": json.Number("2"), "CNAM1": "甲"}
	got, ok := AppendObject(nil, m, true, func(k string) bool { return k == "CCODE" || k == "EditItem" })
	if want := `{"CNAM1":"甲"}`; !ok || string(got) != want {
		t.Errorf("got %s, %v; want %s", got, ok, want)
	}
}

func FuzzAppendObject(f *testing.F) {
	f.Add("CCODE", "C0000001", "10000.5", "EMAIL", "a<b>&c@example.com")
	f.Add("", "\x00\u2028\xff", "", "\"", "\\")
	f.Add("a", "b", "-0.0e-0", "c", "\xe4\xb8")
	f.Fuzz(func(t *testing.T, k1, v1, num, k2, v2 string) {
		check(t, map[string]any{k1: v1, k2: v2, "N" + k1: json.Number(num)})
	})
}
