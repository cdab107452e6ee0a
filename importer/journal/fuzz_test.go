package journal

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzRead reads damaged journals: Read must not panic, and what it
// returns must carry forward through Replace and read back alike.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"custimport_journal":1,"input":"in.csv","input_sha256":"h","created":"2026-01-01T00:00:00Z"}` + "\n" +
		`{"t":"2026-01-01T00:00:01Z","line":2,"ev":"sending","hash":"a","create":true}` + "\n" +
		`{"t":"2026-01-01T00:00:02Z","line":2,"ev":"ok","ccode":"000001"}` + "\n" +
		`{"t":"2026-01-01T00:00:03Z","line":3,"ev":"earlier","was":"ok","hash":"b","ccode":"C3","gen":1}` + "\n"))
	f.Add([]byte(`{"custimport_journal":1}` + "\n" + `{"line":2,"ev":"earlier","was":"sending","hash":"x","create":true}` + "\n{torn"))
	f.Add([]byte("not a journal"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "j")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := Read(path)
		if err != nil {
			return
		}
		carry := st.Carry()
		next := filepath.Join(dir, "next")
		os.WriteFile(next, data, 0o600)
		if _, err := Replace(next, "in", "other", carry, time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
		back, err := Read(next)
		if err != nil {
			t.Fatalf("the replaced journal does not read back: %v", err)
		}
		n := 0
		if back.Earlier != nil {
			n = len(back.Earlier.Known)
		}
		if n != len(carry) {
			t.Fatalf("carried %d rows, read back %d", len(carry), n)
		}
		old, _ := filepath.Glob(filepath.Join(dir, "next.*.old"))
		for _, o := range old {
			os.Remove(o)
		}
	})
}
