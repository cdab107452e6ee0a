package journal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReplay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.xlsx.journal")
	j, st, err := Open(path, "in.csv", "h1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Rows) != 0 {
		t.Fatalf("new journal: got %d rows, want 0", len(st.Rows))
	}
	steps := []func() error{
		func() error { return j.Sending(2, "a", false, "C1") },
		func() error { return j.Finished(2, OK, "C1", "", "") },
		func() error { return j.Sending(3, "b", true, "") },
		func() error { return j.Finished(3, OK, "000007", "", "") },
		func() error { return j.Sending(4, "c", true, "") }, // crash before the answer
		func() error { return j.Sending(5, "d", false, "C5") },
		func() error { return j.Finished(5, Failed, "", "1005", "too long") },
		func() error { return j.Sending(6, "e", true, "") },
		func() error { return j.Finished(6, Unknown, "", "", "timeout") },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// A torn last line, as a crash mid-write leaves it.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"t":"2026-01-01T00:00:00Z","line":7,"ev":"sen`)
	f.Close()

	st, err = Read(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line   int
		event  string
		create bool
		ccode  string
	}{
		{2, OK, false, "C1"},
		{3, OK, true, "000007"},
		{4, Sending, true, ""},
		{5, Failed, false, "C5"},
		{6, Unknown, true, ""},
	}
	for _, tt := range tests {
		r, ok := st.Rows[tt.line]
		if !ok {
			t.Errorf("line %d: missing", tt.line)
			continue
		}
		if r.Event != tt.event || r.Create != tt.create || r.CCODE != tt.ccode {
			t.Errorf("line %d: got %+v, want event %q create %v ccode %q", tt.line, r, tt.event, tt.create, tt.ccode)
		}
	}
	if _, ok := st.Rows[7]; ok {
		t.Error("torn line 7 was replayed")
	}
	if got := st.Pending(); got != 2 {
		t.Errorf("Pending: got %d, want 2 (line 4 sending, line 6 unknown)", got)
	}
	// Reopening appends to the same journal.
	j, st, err = Open(path, "in.csv", "h1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Rows) != 5 {
		t.Errorf("reopened: got %d rows, want 5", len(st.Rows))
	}
	j.Close()
}

func TestOpenOtherInputAndFresh(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.journal")
	j, _, err := Open(path, "in.csv", "h1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	j.Sending(2, "x", true, "")
	j.Close()

	_, old, err := Open(path, "in.csv", "h2", Options{})
	if !errors.Is(err, ErrOtherInput) {
		t.Fatalf("got %v, want ErrOtherInput", err)
	}
	if old.Pending() != 1 {
		t.Errorf("old state: got %d pending, want 1", old.Pending())
	}
	now := time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC)
	j, st, err := Open(path, "in.csv", "h2", Options{Fresh: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	if len(st.Rows) != 0 {
		t.Errorf("fresh: got %d rows, want 0", len(st.Rows))
	}
	if _, err := os.Stat(path + ".20261125T010203Z.old"); err != nil {
		t.Errorf("archived journal missing: %v", err)
	}
}

func TestReadCorrupt(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, content, want string }{
		{"empty", "", "empty"},
		{"not json", "hello\n", "not a custimport journal"},
		{"damaged middle", `{"custimport_journal":1,"input_sha256":"h"}` + "\n{bad\n" + `{"line":2,"ev":"ok"}` + "\n", "line 2"},
		{"newer", `{"custimport_journal":99}` + "\n", "newer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			os.WriteFile(p, []byte(tt.content), 0o600)
			_, err := Read(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestConcurrentAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				line := w*100 + i
				j.Sending(line, "h", false, "C")
				j.Finished(line, OK, "C", "", "")
			}
		}(w)
	}
	wg.Wait()
	j.Close()
	st, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Rows) != 100 {
		t.Errorf("got %d rows, want 100", len(st.Rows))
	}
	for line, r := range st.Rows {
		if r.Event != OK {
			t.Errorf("line %d: got %q, want ok", line, r.Event)
		}
	}
}

func TestHashPayloadStable(t *testing.T) {
	a := HashPayload(map[string]any{"CCODE": "C1", "CNAM1": "x"})
	b := HashPayload(map[string]any{"CNAM1": "x", "CCODE": "C1"})
	c := HashPayload(map[string]any{"CCODE": "C1", "CNAM1": "y"})
	if a != b || a == c {
		t.Errorf("got %q %q %q: want equal for the same map, different for another", a, b, c)
	}
}

func TestOpenAfterTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	j.Sending(2, "a", true, "")
	j.Finished(2, OK, "000001", "", "")
	j.Close()
	// A power cut tears the last entry.
	data, _ := os.ReadFile(path)
	os.WriteFile(path, data[:len(data)-10], 0o600)

	j, st, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Rows[2].Event; got != Sending {
		t.Errorf("row 2 after the torn ok: got %q, want %q", got, Sending)
	}
	j.Sending(3, "b", false, "C3")
	j.Finished(3, OK, "C3", "", "")
	j.Close()
	st, err = Read(path)
	if err != nil {
		t.Fatalf("journal damaged by appending after a torn line: %v", err)
	}
	if st.Rows[3].Event != OK || st.Rows[2].Event != Sending {
		t.Errorf("got rows %+v", st.Rows)
	}
}

func TestOpenEmptyJournalFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	os.WriteFile(path, nil, 0o600) // a crash of an older version, between create and header
	j, st, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatalf("an empty journal must not block the run: %v", err)
	}
	j.Sending(2, "a", false, "C")
	j.Close()
	if len(st.Rows) != 0 {
		t.Errorf("got %d rows, want 0", len(st.Rows))
	}
	if st, err = Read(path); err != nil || st.InputSHA256 != "h" || len(st.Rows) != 1 {
		t.Errorf("after reopening: %+v, %v", st, err)
	}
}
