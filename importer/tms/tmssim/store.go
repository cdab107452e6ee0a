package tmssim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/custimport/custimport/mapping"
)

// ErrBadState is returned by New for a state file it cannot read.
var ErrBadState = errors.New("tmssim: bad state file")

// store holds the customers; mu guards recs, seq and dirty.
type store struct {
	mu       sync.Mutex
	recs     map[string]map[string]any
	seq      int
	dirty    bool
	path     string
	syncSave bool
	saveErr  error // last error of a synchronous save (the store stays dirty)

	saveMu sync.Mutex // one writer of the file at a time
}

// stateFile is the JSON layout of Config.StatePath.
type stateFile struct {
	Version   int              `json:"version"`
	Seq       int              `json:"seq"`
	Customers []map[string]any `json:"customers"`
}

func openStore(path string) (*store, error) {
	st := &store{recs: map[string]map[string]any{}, path: path}
	if path == "" {
		return st, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tmssim: reading state: %w", err)
	}
	var sf stateFile
	if err := decodeStrict(data, &sf); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrBadState, path, err)
	}
	for i, c := range sf.Customers {
		code, _ := c[mapping.CCODE].(string)
		if code == "" {
			return nil, fmt.Errorf("%w %s: customer %d has no CCODE", ErrBadState, path, i+1)
		}
		st.recs[code] = c
	}
	st.seq = sf.Seq
	return st, nil
}

// changedLocked marks the store changed and, with syncSave, writes it.
func (st *store) changedLocked() {
	st.dirty = true
	if st.syncSave && st.path != "" {
		data, err := st.encodeLocked()
		if err == nil {
			err = st.write(data)
		}
		st.dirty = err != nil
		st.saveErr = err
	}
}

// nextCodeLocked returns the next free automatic code.
func (st *store) nextCodeLocked() string {
	for {
		st.seq++
		code := strconv.Itoa(st.seq)
		if len(code) < 6 {
			code = "000000"[len(code):] + code
		}
		if _, taken := st.recs[code]; !taken {
			return code
		}
	}
}

func (st *store) sortedLocked() []map[string]any {
	out := make([]map[string]any, 0, len(st.recs))
	for _, r := range st.recs {
		c := make(map[string]any, len(r))
		for k, v := range r {
			c[k] = v
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][mapping.CCODE].(string) < out[j][mapping.CCODE].(string) })
	return out
}

func (st *store) snapshot() []map[string]any {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sortedLocked()
}

func (st *store) encodeLocked() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	err := enc.Encode(stateFile{Version: 1, Seq: st.seq, Customers: st.sortedLocked()})
	return buf.Bytes(), err
}

// saveIfDirty writes the store when it changed since the last save.
func (st *store) saveIfDirty() error {
	st.mu.Lock()
	if !st.dirty || st.path == "" {
		st.mu.Unlock()
		return nil
	}
	data, err := st.encodeLocked()
	st.dirty = false
	st.mu.Unlock()
	if err == nil {
		err = st.write(data)
	}
	if err != nil {
		st.mu.Lock()
		st.dirty = true
		st.mu.Unlock()
	}
	return err
}

// save writes the store unconditionally (a no-op without a path).
func (st *store) save() error {
	if st.path == "" {
		return nil
	}
	st.mu.Lock()
	data, err := st.encodeLocked()
	st.dirty = false
	st.saveErr = nil
	st.mu.Unlock()
	if err == nil {
		err = st.write(data)
	}
	return err
}

// write replaces the file atomically: a temporary file in the same folder,
// synced, then renamed over it.
func (st *store) write(data []byte) error {
	st.saveMu.Lock()
	defer st.saveMu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(st.path), "."+filepath.Base(st.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("tmssim: saving state: %w", err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, st.path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("tmssim: saving state: %w", err)
	}
	return nil
}
