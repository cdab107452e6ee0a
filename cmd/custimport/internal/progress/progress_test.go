package progress

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/custimport/custimport/importer"
)

func TestReporter(t *testing.T) {
	tests := []struct {
		name      string
		lang      string
		tty       bool
		total     int
		wantOut   []string
		wantLog   []string
		wantNoOut bool
	}{
		{name: "terminal with total", tty: true, total: 10, wantOut: []string{"\r", "6/10", "列/秒", "ETA", "未成功 2"}},
		{name: "terminal without total", tty: true, total: -1, wantOut: []string{"6 列", "未成功 2"}},
		{name: "terminal in English", lang: "en", tty: true, total: 10, wantOut: []string{"6/10", "rows/s", "not OK 2"}},
		{name: "log lines when not a terminal", tty: false, total: 10, wantLog: []string{"msg=progress", "rows=", "total=10", "not_ok="}, wantNoOut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, logs bytes.Buffer
			r := New(&out, tt.tty, slog.New(slog.NewTextHandler(&logs, nil))).Lang(tt.lang)
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			r.now = func() time.Time { return now }
			r.Start(tt.total)
			for i := 0; i < 6; i++ {
				now = now.Add(3 * time.Second) // past both redraw intervals
				st := importer.StatusOK
				if i%3 == 0 {
					st = importer.StatusFailed
				}
				r.Row(importer.Result{Status: st})
			}
			r.Finish()
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output %q lacks %q", out.String(), w)
				}
			}
			for _, w := range tt.wantLog {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("log %q lacks %q", logs.String(), w)
				}
			}
			if tt.wantNoOut && out.Len() != 0 {
				t.Errorf("wrote %q to a non-terminal", out.String())
			}
		})
	}
}

func TestReporterThrottlesRedraws(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, true, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return now }
	r.Start(1000)
	for i := 0; i < 1000; i++ {
		now = now.Add(time.Millisecond)
		r.Row(importer.Result{Status: importer.StatusOK})
	}
	if n := strings.Count(out.String(), "\r"); n > 6 {
		t.Errorf("redrew %d times in 1 s of rows, want at most 5 (every 200 ms)", n)
	}
}
