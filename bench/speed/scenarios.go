//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The Python peers merely iterate the file and print how many rows they
// saw (enumerate counts in C: the loop body is empty).
const (
	pyCSV = `import csv, sys
n = 0
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for n, _ in enumerate(csv.reader(f), 1):
        pass
print(n)
`
	pyXLSX = `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = 0
for n, _ in enumerate(wb.active.iter_rows(values_only=True), 1):
    pass
wb.close()
print(n)
`
	openpyxlHint = "openpyxl is not installed (apt-get install python3-openpyxl): the XLSX row's peer is skipped"
)

// findPeers looks for Python and openpyxl and records their versions.
func (b *bench) findPeers() {
	ctx := context.Background()
	if b.python == "" {
		b.pyInfo = "no Python"
		b.notes = append(b.notes, "no Python (-python \"\"): the CSV and XLSX rows' peers are skipped")
		return
	}
	p, err := run(ctx, b.work, b.pyEnv(), b.python, "-c", "import sys; print(sys.version.split()[0])")
	if err != nil {
		b.pyInfo = "no Python at " + b.python
		b.notes = append(b.notes, fmt.Sprintf("%s does not run: the CSV and XLSX rows' peers are skipped", b.python))
		b.python = ""
		return
	}
	b.pyInfo = "Python " + strings.TrimSpace(p.out) + " (" + b.python + ")"
	p, err = run(ctx, b.work, b.pyEnv(), b.python, "-c", "import openpyxl; print(openpyxl.__version__)")
	if err != nil {
		b.pyInfo += ", no openpyxl"
		b.notes = append(b.notes, openpyxlHint)
		return
	}
	b.openpyxl = true
	b.pyInfo += ", openpyxl " + strings.TrimSpace(p.out)
}

func (b *bench) pyEnv() []string {
	return []string{"PATH=/usr/bin:/bin", "HOME=" + b.work, "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"}
}

// runPeer runs a Python peer script over path and checks it saw want rows
// (the header included).
func (b *bench) runPeer(ctx context.Context, script, path string, want int) (proc, error) {
	p, err := run(ctx, b.work, b.pyEnv(), b.python, "-c", script, path)
	if err != nil {
		return p, err
	}
	if got := strings.TrimSpace(p.out); got != strconv.Itoa(want) {
		return p, fmt.Errorf("the Python peer saw %q rows, want %d", got, want)
	}
	return p, nil
}

// compare runs peer and ours runs times, interleaved, peer first; a nil
// peer is not run.
func (b *bench) compare(name string, peer, ours func() (proc, error)) (peers, ourRuns []proc, err error) {
	for i := range runs {
		if peer != nil {
			p, err := peer()
			if err != nil {
				return nil, nil, fmt.Errorf("peer: %w", err)
			}
			peers = append(peers, p)
			fmt.Fprintf(b.log, "%s %d/%d: peer %.2f s\n", name, i+1, runs, p.wall.Seconds())
		}
		p, err := ours()
		if err != nil {
			return nil, nil, fmt.Errorf("custimport: %w", err)
		}
		ourRuns = append(ourRuns, p)
		fmt.Fprintf(b.log, "%s %d/%d: custimport %.2f s, %s\n", name, i+1, runs, p.wall.Seconds(), megabytes(p.maxRSS))
	}
	return peers, ourRuns, nil
}

// check runs `custimport check` on path, results in a fresh folder with
// ext, and checks every row is VALID.
func (b *bench) check(ctx context.Context, path string, rows int, ext string) (proc, error) {
	dir, err := os.MkdirTemp(b.work, "check-")
	if err != nil {
		return proc{}, err
	}
	defer os.RemoveAll(dir)
	sum := filepath.Join(dir, "summary.json")
	p, err := run(ctx, dir, b.env(dir), b.bin, "check", "--quiet", "--summary-json", sum,
		"--out", filepath.Join(dir, "results"+ext), path)
	if err != nil {
		return p, err
	}
	return p, readSummary(sum, rows, "VALID")
}

// env is custimport's environment, at home in dir: no connection
// settings (check reads no ledger), the state folder inside dir.
func (b *bench) env(dir string) []string {
	return []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "TMPDIR=" + dir, "CUSTIMPORT_STATE_DIR=" + filepath.Join(dir, "state")}
}

// csvCheck measures the CSV row and its peak RSS.
func (b *bench) csvCheck(ctx context.Context) error {
	rows := b.n(1_000_000)
	path, err := b.file("csv", rows, writeCSV)
	if err != nil {
		return err
	}
	var peer func() (proc, error)
	if b.python != "" {
		peer = func() (proc, error) { return b.runPeer(ctx, pyCSV, path, rows+1) }
	}
	peers, ours, err := b.compare("csv", peer, func() (proc, error) { return b.check(ctx, path, rows, ".csv") })
	if err != nil {
		return err
	}
	work := fmt.Sprintf("`check` of a %s × 10 CSV (CSV results) vs Python's csv.reader iterating it", thousands(int64(rows)))
	b.lines = append(b.lines, compared(work, rows, "csv.reader", peers, ours, 1, "≥ 1× (aim for 1.5×)"))
	rss := peakRSS(ours)
	l := line{work: "`check` of that CSV: peak RSS", now: megabytes(rss), goal: "< 64 MB", verdict: below(mb(rss), 64)}
	if len(peers) > 0 {
		l.peer = "csv.reader " + megabytes(peakRSS(peers))
	}
	b.lines = append(b.lines, l)
	return nil
}

// xlsxCheck measures the XLSX row.
func (b *bench) xlsxCheck(ctx context.Context) error {
	rows := b.n(100_000)
	path, err := b.file("xlsx", rows, writeXLSX)
	if err != nil {
		return err
	}
	var peer func() (proc, error)
	if b.python != "" && b.openpyxl {
		peer = func() (proc, error) { return b.runPeer(ctx, pyXLSX, path, rows+1) }
	}
	peers, ours, err := b.compare("xlsx", peer, func() (proc, error) { return b.check(ctx, path, rows, ".xlsx") })
	if err != nil {
		return err
	}
	work := fmt.Sprintf("`check` of a %s × 20 XLSX (XLSX results) vs openpyxl read-only iterating it", thousands(int64(rows)))
	l := compared(work, rows, "openpyxl", peers, ours, 10, "≥ 10×")
	if len(peers) == 0 && b.python != "" {
		l.peer = "not installed (apt-get install python3-openpyxl)"
	}
	b.lines = append(b.lines, l)
	return nil
}

// compared is the line of a comparison: the medians of both sides and the
// median of the interleaved ratios, judged against goal.
func compared(work string, rows int, peerName string, peers, ours []proc, goal float64, goalText string) line {
	l := line{work: work, now: rate(rows, walls(ours)) + cpuText(ours), goal: goalText, verdict: skipped, peer: "no peer"}
	if len(peers) > 0 {
		r := median(ratios(walls(peers), walls(ours)))
		l.peer = peerName + " " + rate(rows, walls(peers)) + cpuText(peers)
		l.ratio, l.verdict = ratioText(r), atLeast(r, goal)
		if c := cpus(ours); c[0] > 0 && cpus(peers)[0] > 0 {
			// On a shared machine the CPU time is the steadier figure:
			// shown, not judged.
			l.ratio += " (CPU " + ratioText(median(ratios(cpus(peers), c))) + ")"
		}
	}
	return l
}

func cpus(ps []proc) []time.Duration {
	out := make([]time.Duration, len(ps))
	for i, p := range ps {
		out[i] = p.cpu
	}
	return out
}

// cpuText is ", 3.21 s CPU": the median of the runs' user and system
// time; "" when it is not known.
func cpuText(ps []proc) string {
	s := median(seconds(cpus(ps)))
	if s <= 0 {
		return ""
	}
	return fmt.Sprintf(", %.2f s CPU", s)
}

func walls(ps []proc) []time.Duration {
	out := make([]time.Duration, len(ps))
	for i, p := range ps {
		out[i] = p.wall
	}
	return out
}

func peakRSS(ps []proc) int64 {
	var m int64
	for _, p := range ps {
		m = max(m, p.maxRSS)
	}
	return m
}
