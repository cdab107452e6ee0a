package journal

import (
	"errors"
	"fmt"
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
		func() error { return j.Sending(2, "a", false, "C1", false) },
		func() error { return j.Finished(2, OK, "C1", "", "") },
		func() error { return j.Sending(3, "b", true, "", true) },
		func() error { return j.Finished(3, OK, "000007", "", "") },
		func() error { return j.Sending(4, "c", true, "", true) }, // crash before the answer
		func() error { return j.Sending(5, "d", false, "C5", false) },
		func() error { return j.Finished(5, Failed, "", "1005", "too long") },
		func() error { return j.Sending(6, "e", true, "", true) },
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
	j.Sending(2, "x", true, "", true)
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
				j.Sending(line, "h", false, "C", false)
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
	j.Sending(2, "a", true, "", true)
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
	j.Sending(3, "b", false, "C3", false)
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
	j.Sending(2, "a", false, "C", false)
	j.Close()
	if len(st.Rows) != 0 {
		t.Errorf("got %d rows, want 0", len(st.Rows))
	}
	if st, err = Read(path); err != nil || st.InputSHA256 != "h" || len(st.Rows) != 1 {
		t.Errorf("after reopening: %+v, %v", st, err)
	}
}

// syncSpy wraps a journal's sync: each sync is slowed down and records the
// journal's content as it was when the sync began.
type syncSpy struct {
	mu        sync.Mutex
	snapshots []string // the file at the start of each finished sync
	fail      error
}

func spyOn(t *testing.T, j *Journal, delay time.Duration) *syncSpy {
	t.Helper()
	s := &syncSpy{}
	real := j.syncFile
	j.mu.Lock()
	j.syncFile = func() error {
		data, err := os.ReadFile(j.path)
		if err != nil {
			return err
		}
		time.Sleep(delay)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail != nil {
			return s.fail
		}
		if err := real(); err != nil {
			return err
		}
		s.snapshots = append(s.snapshots, string(data))
		return nil
	}
	j.mu.Unlock()
	return s
}

// covered reports whether a finished sync began after entry line was
// written.
func (s *syncSpy) covered(line int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := fmt.Sprintf(`"line":%d,`, line)
	for _, snap := range s.snapshots {
		if strings.Contains(snap, want) {
			return true
		}
	}
	return false
}

func (s *syncSpy) syncs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.snapshots)
}

func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	spy := spyOn(t, j, 20*time.Millisecond)
	const workers = 16
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, workers)
	notCovered := make([]bool, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[w] = j.Sending(w+2, "h", true, "", true)
			notCovered[w] = !spy.covered(w + 2)
		}()
	}
	close(start)
	wg.Wait()
	for w := range workers {
		if errs[w] != nil {
			t.Errorf("line %d: %v", w+2, errs[w])
		}
		if notCovered[w] {
			t.Errorf("line %d: durable Sending returned before a sync that covers it", w+2)
		}
	}
	// One sync for the first arrival, one for everybody who came while it
	// ran; a background sync may add one.
	if n := spy.syncs(); n > 3 {
		t.Errorf("%d concurrent durable appends took %d syncs, want them to share (≤ 3)", workers, n)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLazyEntriesReachTheDisk(t *testing.T) {
	defer func(d time.Duration) { syncInterval = d }(syncInterval)
	syncInterval = 10 * time.Millisecond
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	spy := spyOn(t, j, 0)
	if err := j.Sending(2, "h", false, "C2", false); err != nil {
		t.Fatal(err)
	}
	if err := j.Finished(2, OK, "C2", "", ""); err != nil {
		t.Fatal(err)
	}
	if spy.covered(2) {
		t.Fatal("a lazy entry was synced before it returned; want the sync left to later")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !spy.covered(2) {
		if time.Now().After(deadline) {
			t.Fatal("the background sync never covered the lazy entries")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Finished(3, OK, "C3", "", ""); !errors.Is(err, os.ErrClosed) {
		t.Errorf("append after Close: got %v, want os.ErrClosed", err)
	}
}

func TestCloseSyncs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	spy := spyOn(t, j, 0)
	j.Sending(2, "h", false, "C2", false)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if !spy.covered(2) {
		t.Error("Close did not sync the entries written before it")
	}
}

func TestSyncFailureIsSticky(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "h", Options{})
	if err != nil {
		t.Fatal(err)
	}
	spy := spyOn(t, j, 0)
	errDisk := errors.New("disk on fire")
	spy.mu.Lock()
	spy.fail = errDisk
	spy.mu.Unlock()
	if err := j.Sending(2, "h", true, "", true); !errors.Is(err, errDisk) {
		t.Fatalf("durable Sending with a failing sync: got %v, want %v", err, errDisk)
	}
	// The journal can no longer promise anything: every later call fails.
	if err := j.Sending(3, "h", false, "C3", false); !errors.Is(err, errDisk) {
		t.Errorf("Sending after a failed sync: got %v, want %v", err, errDisk)
	}
	if err := j.Close(); !errors.Is(err, errDisk) {
		t.Errorf("Close after a failed sync: got %v, want %v", err, errDisk)
	}
}

// Replace starts a journal anew for another version of the input, holding
// what the old one knew; a later Replace carries that on, one generation
// further back.
func TestReplaceCarriesKnowledge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in.csv", "v1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	j.Sending(2, "h-ok", true, "", true)
	j.Finished(2, OK, "000001", "", "")
	j.Sending(3, "h-unknown", true, "", true) // no answer: may exist
	j.Sending(4, "h-failed", true, "", true)
	j.Finished(4, Failed, "", "2006", "統編錯誤") // not created: not carried
	j.Close()

	_, old, err := Open(path, "in.csv", "v2", Options{})
	if !errors.Is(err, ErrOtherInput) {
		t.Fatalf("got %v, want ErrOtherInput", err)
	}
	archived, err := Replace(path, "in.csv", "v2", old.Carry(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st, err := Read(archived); err != nil || st.InputSHA256 != "v1" || len(st.Rows) != 3 {
		t.Errorf("the old journal kept as %s: %+v, %v", archived, st, err)
	}
	j, st, err := Open(path, "in.csv", "v2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Earlier == nil || len(st.Earlier.Known) != 2 || st.Earlier.Rows[2].CCODE != "000001" || st.Earlier.Rows[3].Event != Sending {
		t.Fatalf("v2's earlier versions: %+v", st.Earlier)
	}
	j.Sending(5, "h-new", false, "C5", false)
	j.Finished(5, OK, "C5", "", "")
	j.Close()

	_, old, _ = Open(path, "in.csv", "v3", Options{})
	if _, err := Replace(path, "in.csv", "v3", old.Carry(), time.Now()); err != nil {
		t.Fatal(err)
	}
	st, err = Read(path)
	if err != nil {
		t.Fatal(err)
	}
	gens := map[string]int{}
	for _, r := range st.Earlier.Known {
		gens[r.Hash] = r.Gen
	}
	want := map[string]int{"h-new": 0, "h-ok": 1, "h-unknown": 1}
	if len(gens) != len(want) {
		t.Errorf("v3 knows %v, want %v", gens, want)
	}
	for h, g := range want {
		if got, ok := gens[h]; !ok || got != g {
			t.Errorf("v3: %s gen %d (known %v), want gen %d", h, got, ok, g)
		}
	}
	if _, ok := st.Earlier.Rows[2]; ok {
		t.Errorf("v3's line rule sees v1's row 2: %+v (want only v2's rows)", st.Earlier.Rows)
	}
}

// Replace keeps a few old copies, not one per edit for ever.
func TestReplaceKeepsFewOldCopies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := Open(path, "in", "v0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 8; i++ {
		if _, err := Replace(path, "in", fmt.Sprintf("v%d", i), nil, start.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := filepath.Glob(path + ".*.old")
	if len(old) != keepOld {
		t.Fatalf("got %d old copies, want %d: %q", len(old), keepOld, old)
	}
	if st, err := Read(old[0]); err != nil || st.InputSHA256 != "v3" {
		t.Errorf("oldest copy kept: %+v, %v; want v3's", st, err)
	}
}
