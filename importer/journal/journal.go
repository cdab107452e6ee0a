// Package journal owns the import journal: an append-only file beside the
// results (<out>.journal) that records each row's request before it is
// sent and its outcome after. A later run of the same input
// reads it to skip rows already imported, resend rows that are safe to
// resend, and mark creates whose outcome a crash left unknown, so a customer
// is never created twice and never silently dropped.
//
// The format is JSON lines: a header naming the input's SHA-256, then one
// entry per event. A torn last line (a crash mid-write) is ignored. A
// create's request entry is on disk before the request is sent; other
// entries share fsyncs (see Journal).
package journal

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Version is the journal format version. 2 added the "earlier" entries;
// a version 1 journal reads as one without them, and an older custimport
// refuses a version 2 journal rather than misread it.
const Version = 2

// Events recorded per row.
const (
	Sending = "sending" // the request is about to be sent
	OK      = "ok"      // the server accepted it
	Failed  = "failed"  // the server refused it, or it could not be sent (nothing created)
	Unknown = "unknown" // the outcome cannot be known: the customer may exist
	// Earlier is a row an earlier version of the input imported (or may
	// have created), carried forward when the input changed: Was holds
	// its event, Gen how many versions back it is (0: the one just
	// before), Line its row number there.
	Earlier = "earlier"
)

// ErrOtherInput is returned by Open when the journal belongs to another
// version of the input (its content changed).
var ErrOtherInput = errors.New("the journal belongs to a different input")

// ErrCorrupt is returned for a journal that is not one.
var ErrCorrupt = errors.New("not a custimport journal")

type header struct {
	Journal     int       `json:"custimport_journal"`
	Input       string    `json:"input"`
	InputSHA256 string    `json:"input_sha256"`
	Created     time.Time `json:"created"`
}

// Entry is one journal line.
type Entry struct {
	Time    time.Time `json:"t"`
	Line    int       `json:"line"`
	Event   string    `json:"ev"`
	Hash    string    `json:"hash,omitempty"`   // the payload's hash (Sending)
	Create  bool      `json:"create,omitempty"` // an auto-numbered create (Sending)
	CCODE   string    `json:"ccode,omitempty"`  // the code sent or returned
	Code    string    `json:"code,omitempty"`   // error code
	Message string    `json:"msg,omitempty"`
	Was     string    `json:"was,omitempty"` // Earlier: the row's event in its version
	Gen     int       `json:"gen,omitempty"` // Earlier: versions back, 0 = the one before
}

// Row is the last known state of one row.
type Row struct {
	Event  string // Sending (no outcome: the run stopped), OK, Failed or Unknown
	Hash   string
	Create bool
	CCODE  string
	Code   string // the error code of a Failed outcome
	Time   time.Time
	Line   int // for an earlier version's row: its row number there
	Gen    int // for an earlier version's row: versions back, 0 = the one before
}

// known reports whether a row records a customer that exists or may exist:
// imported, or a create whose outcome is unknown.
func (r Row) known() bool {
	return r.Hash != "" && (r.Event == OK || (r.Create && (r.Event == Sending || r.Event == Unknown)))
}

// EarlierVersions is what the journals of earlier versions of an input
// knew, carried forward each time the input changed.
type EarlierVersions struct {
	Rows  map[int]Row // the version just before, by its row numbers
	Known []Row       // every version's rows that were imported or may have been created
}

// State is what earlier runs recorded, by row number.
type State struct {
	Input       string // the input file as the run that created the journal named it
	InputSHA256 string
	Rows        map[int]Row
	// Earlier is what journals of earlier versions of the input knew; nil
	// when the input never changed.
	Earlier *EarlierVersions
}

// Carry returns what this journal knows, to be carried forward into the
// journal of the input's next version: its own rows that were imported or
// may have been created, and the creates it carried from older versions
// (a row with a code matters only in the version just before: its latest
// content is what TMS holds). Each row of a version is kept with its row
// number there, once.
func (s *State) Carry() []Entry {
	type key struct {
		hash string
		line int
	}
	var out []Entry
	seen := map[key]bool{}
	add := func(line int, r Row, gen int) {
		k := key{r.Hash, line}
		if !r.known() || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Entry{Time: r.Time, Line: line, Event: Earlier, Was: r.Event, Hash: r.Hash, Create: r.Create, CCODE: r.CCODE, Gen: gen})
	}
	lines := make([]int, 0, len(s.Rows))
	for line := range s.Rows {
		lines = append(lines, line)
	}
	sort.Ints(lines)
	for _, line := range lines {
		add(line, s.Rows[line], 0)
	}
	if s.Earlier != nil {
		for _, r := range s.Earlier.Known {
			if r.Create {
				add(r.Line, r, r.Gen+1)
			}
		}
	}
	return out
}

// Pending counts rows whose customer may exist without a recorded code:
// creates left Sending by a crash, or recorded Unknown.
func (s *State) Pending() int {
	n := 0
	for _, r := range s.Rows {
		if r.Create && (r.Event == Sending || r.Event == Unknown) {
			n++
		}
	}
	return n
}

// Journal appends entries. Safe for concurrent use.
//
// Every entry is written to the file at once (so it survives the process
// being killed); reaching the disk (surviving a power cut) is what an
// fsync buys, and fsyncs are shared: an append that must be durable waits
// for one sync that covers every entry written before it, so concurrent
// workers share one fsync instead of queueing for one each (group commit).
// Entries that need not wait are synced by the next such append, by a
// sync at most syncInterval later, or by Close.
type Journal struct {
	path string
	now  func() time.Time
	f    *os.File
	// syncFile puts the file on disk: f.Sync (tests count and delay it).
	syncFile func() error

	mu      sync.Mutex
	synced  *sync.Cond // signalled after every sync
	written uint64     // entries written so far
	durable uint64     // entries known to be on disk
	syncing bool       // a sync is running
	err     error      // the first failed write or sync: the journal is unusable
	closed  bool

	stop     chan struct{} // closed by Close: ends the background sync
	stopped  chan struct{} // closed when the background sync has ended
	interval time.Duration
}

// syncInterval bounds how long an entry that did not wait for the disk may
// stay off it. A variable for tests.
var syncInterval = time.Second

// Options for Open.
type Options struct {
	Fresh bool             // archive an existing journal and start anew
	Now   func() time.Time // nil: time.Now
}

// HashFile returns the hex SHA-256 of a file.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashPayload returns a short, stable hash of a payload (its JSON with
// sorted keys, as encoding/json writes maps).
func HashPayload(v any) string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

// Open reads the journal at path, if any, and opens it for appending. When
// the journal was written for another content of the input it returns
// the old state with ErrOtherInput and does not open it: the caller
// decides (Archive it, or stop when it has Pending rows).
func Open(path, input, inputSHA256 string, opts Options) (*Journal, *State, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	st := &State{InputSHA256: inputSHA256, Rows: map[int]Row{}}
	if opts.Fresh {
		if _, err := Archive(path, now()); err != nil {
			return nil, nil, err
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		// Left empty by an older crash: it records nothing.
		os.Remove(path)
	}
	old, err := Read(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		// A new journal appears whole, header included, or not at all.
		if err := create(path, header{Journal: Version, Input: input, InputSHA256: inputSHA256, Created: now().UTC()}, nil); err != nil {
			return nil, nil, err
		}
	case err != nil:
		return nil, nil, err
	case old.InputSHA256 != inputSHA256:
		return nil, old, fmt.Errorf("%s: %w (input %s changed since it was written)", path, ErrOtherInput, input)
	default:
		st = old
	}
	if err := dropTornTail(path); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	return newJournal(f, path, now, syncInterval), st, nil
}

func newJournal(f *os.File, path string, now func() time.Time, interval time.Duration) *Journal {
	j := &Journal{f: f, syncFile: f.Sync, path: path, now: now, interval: interval,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	j.synced = sync.NewCond(&j.mu)
	go j.syncLoop()
	return j
}

// create writes a new journal holding its header and entries: to a
// temporary file, synced, then renamed into place (over an old journal,
// if any: there is always a whole journal at path).
func create(path string, h header, entries []Entry) error {
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		data = append(append(data, line...), '\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// dropTornTail cuts a last line that a crash (a power cut) left half
// written, so the next entry starts on a line of its own. Read already
// ignores such a line; appending after it would turn it into damage in the
// middle of the file.
func dropTornTail(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	// Entries are short: the last newline is within the last 64 KiB.
	size := fi.Size()
	start := max(0, size-64*1024)
	buf := make([]byte, size-start)
	if _, err := f.ReadAt(buf, start); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if buf[len(buf)-1] == '\n' {
		return nil
	}
	cut := start + int64(bytes.LastIndexByte(buf, '\n')+1)
	if err := f.Truncate(cut); err != nil {
		return fmt.Errorf("journal: cutting a torn last line: %w", err)
	}
	return f.Sync()
}

// Archive renames an existing journal out of the way (to
// <path>.<time>.old) and returns the new name ("" when there was none).
func Archive(path string, now time.Time) (string, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	dst := fmt.Sprintf("%s.%s.old", path, now.UTC().Format("20060102T150405Z"))
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("journal: archiving %s: %w", path, err)
	}
	return dst, nil
}

// Replace starts the journal at path anew for another version of its
// input (inputSHA256), holding carry (see State.Carry): what the journals
// of the earlier versions knew, so that none of it is ever lost, however
// often the input changes and whichever of its rows a run reaches. The
// old journal is kept as <path>.<time>.old (a hard link, or a copy), then
// the new one, written whole and synced, is renamed over it: at no moment
// is there no journal, or one without the carried rows, at path.
func Replace(path, input, inputSHA256 string, carry []Entry, now time.Time) (archived string, err error) {
	archived = fmt.Sprintf("%s.%s.old", path, now.UTC().Format("20060102T150405Z"))
	for i := 2; ; i++ {
		if _, err := os.Lstat(archived); errors.Is(err, os.ErrNotExist) {
			break
		}
		archived = fmt.Sprintf("%s.%s-%d.old", path, now.UTC().Format("20060102T150405Z"), i)
	}
	if err := os.Link(path, archived); err != nil {
		if err := copyFile(path, archived); err != nil {
			return "", fmt.Errorf("journal: keeping %s: %w", path, err)
		}
	}
	if err := create(path, header{Journal: Version, Input: input, InputSHA256: inputSHA256, Created: now.UTC()}, carry); err != nil {
		return "", err
	}
	pruneOld(path, keepOld)
	return archived, nil
}

// keepOld is how many old copies of a journal are kept: what they knew is
// carried in the journal itself, they are only there to be looked at.
const keepOld = 5

// pruneOld removes all but the newest keep copies <path>.<time>.old.
func pruneOld(path string, keep int) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var old []string // in name order, which the time in the name makes age order
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, base+".") && strings.HasSuffix(n, ".old") {
			old = append(old, n)
		}
	}
	for len(old) > keep {
		os.Remove(filepath.Join(dir, old[0]))
		old = old[1:]
	}
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}

// Read replays a journal file into its state.
func Read(path string) (*State, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		return nil, fmt.Errorf("journal %s: %w: empty", path, ErrCorrupt)
	}
	var h header
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Journal == 0 {
		return nil, fmt.Errorf("journal %s: %w", path, ErrCorrupt)
	}
	if h.Journal > Version {
		return nil, fmt.Errorf("journal %s: version %d is newer than this custimport understands (%d)", path, h.Journal, Version)
	}
	st := &State{Input: h.Input, InputSHA256: h.InputSHA256, Rows: map[int]Row{}}
	lineNo := 1
	for sc.Scan() {
		lineNo++
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// A torn write can only be the last line; anything else is damage.
			if sc.Scan() {
				return nil, fmt.Errorf("journal %s: line %d: %w: %v", path, lineNo, ErrCorrupt, err)
			}
			break
		}
		if e.Event == Earlier {
			if st.Earlier == nil {
				st.Earlier = &EarlierVersions{Rows: map[int]Row{}}
			}
			r := Row{Event: e.Was, Hash: e.Hash, Create: e.Create, CCODE: e.CCODE, Time: e.Time, Line: e.Line, Gen: e.Gen}
			st.Earlier.Known = append(st.Earlier.Known, r)
			if e.Gen == 0 {
				st.Earlier.Rows[e.Line] = r
			}
			continue
		}
		r := st.Rows[e.Line]
		switch e.Event {
		case Sending:
			r = Row{Event: Sending, Hash: e.Hash, Create: e.Create, CCODE: e.CCODE, Time: e.Time}
		case OK, Failed, Unknown:
			r.Event, r.Time, r.Code = e.Event, e.Time, e.Code
			if e.CCODE != "" {
				r.CCODE = e.CCODE
			}
		default:
			continue
		}
		st.Rows[e.Line] = r
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return st, nil
}

// Sending records that a row's request is about to be sent. With durable
// it returns only once the entry is on disk: required before a request
// that must never be repeated (a create), since after a power cut a row
// with no entry is sent again. Without, the entry is written now and
// reaches the disk with the next sync.
func (j *Journal) Sending(line int, hash string, create bool, ccode string, durable bool) error {
	return j.append(Entry{Line: line, Event: Sending, Hash: hash, Create: create, CCODE: ccode}, durable)
}

// Finished records a row's outcome: OK, Failed or Unknown. It does not
// wait for the disk: an outcome lost to a power cut leaves the row as
// sent with no answer, which a later run treats as safely as a crash in
// flight (a create becomes UNKNOWN, anything else is resent).
func (j *Journal) Finished(line int, event, ccode, code, message string) error {
	return j.append(Entry{Line: line, Event: event, CCODE: ccode, Code: code, Message: message}, false)
}

// Carried records a row settled from an earlier version of the input:
// its request entry and its outcome (OK or Unknown) together. With
// durable both are on disk when it returns; a create needs that, or after
// a power cut it would read as a request left in flight.
func (j *Journal) Carried(line int, hash string, create bool, ccode, event, resultCCODE string, durable bool) error {
	if err := j.append(Entry{Line: line, Event: Sending, Hash: hash, Create: create, CCODE: ccode}, false); err != nil {
		return err
	}
	return j.append(Entry{Line: line, Event: event, CCODE: resultCCODE, Message: "carried over from an earlier version of the input"}, durable)
}

func (j *Journal) append(e Entry, durable bool) error {
	e.Time = j.now().UTC()
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if j.closed {
		return fmt.Errorf("journal %s: %w", j.path, os.ErrClosed)
	}
	if _, err := j.f.Write(append(data, '\n')); err != nil {
		j.err = fmt.Errorf("journal %s: %w", j.path, err)
		return j.err
	}
	j.written++
	if !durable {
		return nil
	}
	return j.syncLocked(j.written)
}

// syncLocked returns once entry n is on disk, running a sync itself when
// none is running. j.mu is held.
func (j *Journal) syncLocked(n uint64) error {
	for j.durable < n && j.err == nil {
		if j.syncing {
			j.synced.Wait()
			continue
		}
		j.syncing = true
		target, syncFile := j.written, j.syncFile
		j.mu.Unlock()
		err := syncFile()
		j.mu.Lock()
		j.syncing = false
		if err != nil && j.err == nil {
			j.err = fmt.Errorf("journal %s: sync: %w", j.path, err)
		} else if target > j.durable {
			j.durable = target
		}
		j.synced.Broadcast()
	}
	return j.err
}

// syncLoop syncs written entries every interval until Close.
func (j *Journal) syncLoop() {
	defer close(j.stopped)
	t := time.NewTicker(j.interval)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
			j.mu.Lock()
			if j.durable < j.written {
				j.syncLocked(j.written)
			}
			j.mu.Unlock()
		}
	}
}

// Path returns the journal's file name.
func (j *Journal) Path() string { return j.path }

// Close syncs what is written and closes the journal file. It returns
// the first write or sync error the journal met.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	j.mu.Unlock()
	close(j.stop)
	<-j.stopped
	j.mu.Lock()
	defer j.mu.Unlock()
	err := j.syncLocked(j.written)
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("journal %s: %w", j.path, cerr)
	}
	return err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
