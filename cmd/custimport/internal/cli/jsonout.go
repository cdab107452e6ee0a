package cli

import (
	"bytes"
	"context"
	"encoding/json"
	stdio "io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// wantsJSON reports whether the command line asks for --log-format json
// (before the flags are parsed, so that even a flag error is JSON).
func wantsJSON(args []string) bool {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		switch {
		case a == "log-format=json":
			return true
		case a == "log-format" && i+1 < len(args):
			return strings.EqualFold(args[i+1], "json")
		}
	}
	return false
}

// jsonIO makes every line the command writes to Out and Err a JSON
// record: stdout lines at level INFO, stderr lines at level ERROR when
// they say the run failed ("custimport: …") and WARN otherwise. The
// logger and the final run record are JSON already: they go to the
// writers underneath (raw).
func jsonIO(io IO) IO {
	if _, done := io.Out.(*jsonLines); done {
		return io
	}
	io.Out = &jsonLines{raw: io.Out, log: slog.New(slog.NewJSONHandler(io.Out, nil)), stream: "stdout"}
	io.Err = &jsonLines{raw: io.Err, log: slog.New(slog.NewJSONHandler(io.Err, nil)), stream: "stderr"}
	return io
}

// raw returns the writer under a jsonIO's writer, or w itself.
func raw(w stdio.Writer) stdio.Writer {
	if j, ok := w.(*jsonLines); ok {
		return j.raw
	}
	return w
}

// jsonLines turns the lines written to it into JSON log records.
type jsonLines struct {
	raw    stdio.Writer
	mu     sync.Mutex
	log    *slog.Logger
	stream string
	buf    []byte
}

func (w *jsonLines) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.emit(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
}

// Flush writes a last line that has no newline.
func (w *jsonLines) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(string(w.buf))
		w.buf = nil
	}
}

func (w *jsonLines) emit(line string) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		return
	}
	level := slog.LevelInfo
	if w.stream == "stderr" {
		level = slog.LevelWarn
		if strings.HasPrefix(line, "custimport: ") {
			level = slog.LevelError
		}
	}
	w.log.Log(context.Background(), level, strings.TrimPrefix(line, "custimport: "), "stream", w.stream)
}

// flushJSON writes out the last partial lines of a jsonIO.
func flushJSON(io IO) {
	for _, w := range []stdio.Writer{io.Out, io.Err} {
		if j, ok := w.(*jsonLines); ok {
			j.Flush()
		}
	}
}

// writeRecord writes one JSON log record: time, level (ERROR when the
// exit code says the run could not run, else INFO) and msg, then the
// fields of v, a struct that marshals to a JSON object.
func writeRecord(w stdio.Writer, at time.Time, exit int, msg string, v any) {
	level := "INFO"
	if exit == ExitCantRun {
		level = "ERROR"
	}
	head, _ := json.Marshal(struct {
		Time  string `json:"time"`
		Level string `json:"level"`
		Msg   string `json:"msg"`
	}{at.Format(time.RFC3339Nano), level, msg})
	body, _ := json.Marshal(v)
	if len(body) > 2 { // not "{}": join the two objects
		head = append(append(head[:len(head)-1], ','), body[1:]...)
	}
	w.Write(append(head, '\n'))
}
