package importer

import (
	"strings"
	"testing"
	"time"
)

// TestBusyStopSpeaks: a run stopped by a busy TMS says so, how long TMS
// asked to wait and for how many rows, in both languages.
func TestBusyStopSpeaks(t *testing.T) {
	err := error(&BusyError{Rows: 3, Code: "HTTP503", Wait: 24 * time.Hour})
	for lang, want := range map[string][]string{"en": {"busy", "24 hours", "3 rows"}, "zh": {"忙碌", "24 小時", "3 列"}} {
		m := messages(lang).Why(err)
		for _, w := range want {
			if !strings.Contains(m, w) {
				t.Errorf("%s message %q lacks %q", lang, m, w)
			}
		}
	}
}

func TestWaitText(t *testing.T) {
	for _, tt := range []struct {
		d      time.Duration
		en, zh string
	}{
		{time.Second, "1 second", "1 秒"},
		{90 * time.Second, "90 seconds", "90 秒"},
		{2 * time.Minute, "2 minutes", "2 分鐘"},
		{119 * time.Minute, "119 minutes", "119 分鐘"},
		{2 * time.Hour, "2 hours", "2 小時"},
		{24 * time.Hour, "24 hours", "24 小時"},
	} {
		if en, zh := WaitText(tt.d, "en"), WaitText(tt.d, "zh"); en != tt.en || zh != tt.zh {
			t.Errorf("WaitText(%v): got %q, %q; want %q, %q", tt.d, en, zh, tt.en, tt.zh)
		}
	}
}

// A run stopped for its requests' timestamp blames the clock, not the key.
func TestTimestampStopBlamesTheClock(t *testing.T) {
	m := messages("en").Why(&RefusedError{Code: "9003", Rows: 2})
	if !strings.Contains(m, "clock") || strings.Contains(m, "key") {
		t.Errorf("the message blames %q, want the clock", m)
	}
}
