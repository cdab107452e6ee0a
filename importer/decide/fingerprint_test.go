package decide

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// fingerprintBefore is Fingerprint as earlier versions computed it, whose
// fingerprints are in ledgers already: a copy of the payload without the
// keys that say how it is sent, through json.Marshal.
func fingerprintBefore(payload map[string]any) string {
	content := make(map[string]any, len(payload))
	for k, v := range payload {
		switch k {
		case "CCODE", "AutoCCODE", "EditItem":
			continue
		}
		content[k] = v
	}
	data, _ := json.Marshal(content)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// A ledger's fingerprints stay valid: every payload, written directly or
// through encoding/json, has the fingerprint earlier versions stored.
func TestFingerprintUnchanged(t *testing.T) {
	tests := []struct {
		name    string
		payload map[string]any
		want    string // "": only compared with fingerprintBefore
	}{
		{"nil", nil, ""},
		{"create", map[string]any{"AutoCCODE": json.Number("1"), "CNAM1": "順發電機有限公司", "CBELE": json.Number("10000.5"), "EditItem": json.Number("1")}, ""},
		{"upsert", map[string]any{"CCODE": "C0000001", "CNAM1": "順發<電機>&有限公司", "EMAIL": "a@example.com", "CTELE": "02-2345-6789", "EditItem": json.Number("2")}, ""},
		{"escapes", map[string]any{"CNAM1": "a\"b\\c\n\u2028\xff", "CBIRD": "2001/02/03"}, ""},
		{"another type", map[string]any{"CNAM1": "甲", "CBELE": 1}, ""},
		{"empty number", map[string]any{"CBELE": json.Number("")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := Fingerprint(tt.payload), fingerprintBefore(tt.payload); got != want {
				t.Errorf("got %s, want %s (as earlier versions stored)", got, want)
			}
		})
	}
}

func FuzzFingerprintUnchanged(f *testing.F) {
	f.Add("順發電機有限公司", "10000.5", "C1")
	f.Add("<&>\u2028\xff", "", "")
	f.Fuzz(func(t *testing.T, name, number, code string) {
		p := map[string]any{"CNAM1": name, "CBELE": json.Number(number), "CCODE": code, "CADD1": code + name}
		if got, want := Fingerprint(p), fingerprintBefore(p); got != want {
			t.Errorf("Fingerprint(%q) = %s, want %s", p, got, want)
		}
	})
}
