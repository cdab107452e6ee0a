//go:build unix

package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// verdict is how a line of the table stands against its goal.
type verdict int

const (
	met     verdict = iota // the goal is met
	missed                 // the goal is missed: the program exits 1
	skipped                // no peer to compare with: not judged
)

func (v verdict) String() string {
	switch v {
	case met:
		return "ok"
	case missed:
		return "MISSED"
	default:
		return "skipped"
	}
}

// line is one row of the printed table.
type line struct {
	work    string // what was measured
	now     string // custimport's figure
	peer    string // the peer's figure, or why there is none
	ratio   string // peer time ÷ custimport time, or "—"
	goal    string
	verdict verdict
}

// header is the table's first two lines (a Markdown table, so that it can
// be pasted into an issue as printed).
const header = "| work | now | peer | ratio | goal | verdict |\n|---|---|---|---|---|---|\n"

// writeTable prints the machine, the table and the notes.
func writeTable(w io.Writer, machine string, lines []line, notes []string) {
	fmt.Fprintf(w, "custimport speed benchmark — %s\n\n", machine)
	io.WriteString(w, header)
	for _, l := range lines {
		fmt.Fprintln(w, l.String())
	}
	for _, n := range notes {
		fmt.Fprintf(w, "\n- %s", n)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
}

// String formats the line as a row of the Markdown table; a | in a cell
// is escaped.
func (l line) String() string {
	cells := []string{l.work, l.now, l.peer, l.ratio, l.goal, l.verdict.String()}
	for i, c := range cells {
		if c == "" {
			c = "—"
		}
		cells[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return "| " + strings.Join(cells, " | ") + " |"
}

// median returns the median of xs (the mean of the middle two for an even
// count); 0 for none. xs is not changed.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// ratios returns peer[i] ÷ ours[i] for each interleaved pair of runs
// (time ratios: higher means custimport is faster).
func ratios(peer, ours []time.Duration) []float64 {
	n := min(len(peer), len(ours))
	out := make([]float64, 0, n)
	for i := range n {
		if ours[i] > 0 {
			out = append(out, peer[i].Seconds()/ours[i].Seconds())
		}
	}
	return out
}

// atLeast judges a ratio that must reach goal.
func atLeast(ratio, goal float64) verdict {
	if ratio >= goal {
		return met
	}
	return missed
}

// below judges a figure that must stay under limit.
func below(value, limit float64) verdict {
	if value < limit {
		return met
	}
	return missed
}

// missedCount counts the lines whose goal is missed.
func missedCount(lines []line) int {
	n := 0
	for _, l := range lines {
		if l.verdict == missed {
			n++
		}
	}
	return n
}

// seconds returns the durations in seconds.
func seconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// rate formats rows done in the median of walls: "58,000 rows/s (17.2 s)".
func rate(rows int, walls []time.Duration) string {
	s := median(seconds(walls))
	if s <= 0 {
		return "—"
	}
	return fmt.Sprintf("%s rows/s (%.2f s)", thousands(int64(float64(rows)/s+0.5)), s)
}

// ratioText formats a ratio as "0.07×".
func ratioText(r float64) string { return fmt.Sprintf("%.2f×", r) }

// megabytes formats bytes as "12.3 MB" (MiB, as the goals count them).
func megabytes(b int64) string { return fmt.Sprintf("%.1f MB", mb(b)) }

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// thousands formats n with comma separators: 1234567 → "1,234,567".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
