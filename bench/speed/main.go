//go:build unix

// Command speed measures custimport's local speed and memory against bare
// peers on this machine, side by side in one run, and checks the goals of
// issue 27 (issue 14's, raised):
//
//   - csv: `custimport check` of a generated 1,000,000 × 10 CSV (CSV
//     results) against Python's csv.reader merely iterating the same file
//     (goal ≥ 1×, aim 1.5×), and the check's peak RSS (goal < 64 MB);
//   - xlsx: `custimport check` of a 100,000 × 20 XLSX (XLSX results)
//     against openpyxl in read-only mode merely iterating it (goal ≥ 10×;
//     skipped when Debian's python3-openpyxl is not installed);
//   - send: an import of 4,000 rows (a third auto-numbered creates) with
//     8 workers, no rate limit, against a simulator answering after 5 ms,
//     against a bare tms.Client sending the same requests with 8
//     keep-alive workers to the same simulator, each one process (≥ 0.95×;
//     the CPU time per row of both is printed too);
//   - memory: the peak RSS of an import of 1,000,000 rows with the ledger
//     in a temporary state folder (goal < 64 MB), in two shapes: the CSV
//     row's file (every row with a code) and the send row's (a third
//     auto-numbered creates), and the import's CPU time; with
//     -ledger-url postgres://…, every import's ledger is that shared one
//     instead.
//
// A ratio is the peer's time ÷ custimport's time (higher is better), the
// median of three interleaved runs (peer, custimport, peer, custimport,
// ...); each "now" and peer figure is the median of the three runs. Every
// process (custimport, the Python peers) is timed as a whole, start to
// exit, and its peak RSS is wait4's maxrss; a comparison also shows each
// side's median CPU time (user and system, from wait4) and their ratio,
// the steadier figure on a machine others load (shown, not judged). The
// machine, custimport's
// figure, the peer's, the ratio and the goal are printed as a Markdown
// table, one line per row; the program exits 1 when a goal is missed and
// 2 when it cannot measure.
//
// Usage:
//
//	go run ./bench/speed                  # everything, several minutes
//	go run ./bench/speed -only xlsx       # one row: csv, xlsx, send or memory
//	go run ./bench/speed -scale 0.01      # fewer rows (a smoke run)
//	go run ./bench/speed -keep /tmp/gen   # keep (and reuse) the generated files
//	go run ./bench/speed -only memory -ledger-url postgres://…   # on a shared ledger
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// runs is how many times each side of a comparison runs.
const runs = 3

// scenarios are the rows of the table, in order, by their -only name.
var scenarios = []string{"csv", "xlsx", "send", "memory"}

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the benchmark with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("speed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "run only this row: "+strings.Join(scenarios, ", "))
	scale := fs.Float64("scale", 1, "multiply every row count by this (0.001 for a smoke run)")
	keep := fs.String("keep", "", "keep the generated files in `DIR` (and reuse those already there)")
	bin := fs.String("bin", "", "the custimport binary (default: build it)")
	python := fs.String("python", "/usr/bin/python3", "the Python of the peers (empty: no Python peers)")
	ledgerURL := fs.String("ledger-url", "", "import with this shared ledger (postgres://…) instead of an SQLite one in a temporary state folder")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *only != "" && !slices.Contains(scenarios, *only) {
		fmt.Fprintf(stderr, "bench/speed: -only %q: want one of %s\n", *only, strings.Join(scenarios, ", "))
		return 2
	}
	if *scale <= 0 {
		fmt.Fprintln(stderr, "bench/speed: -scale must be positive")
		return 2
	}
	b := &bench{scale: *scale, log: stderr, python: *python, ledgerURL: *ledgerURL}
	if err := b.setUp(*keep, *bin); err != nil {
		fmt.Fprintln(stderr, "bench/speed:", err)
		return 2
	}
	defer b.tearDown()
	if err := b.run(context.Background(), *only); err != nil {
		fmt.Fprintln(stderr, "bench/speed:", err)
		return 2
	}
	writeTable(stdout, b.machine(), b.lines, b.notes)
	if n := missedCount(b.lines); n > 0 {
		fmt.Fprintf(stdout, "\n%d goal(s) missed\n", n)
		return 1
	}
	return 0
}

// bench holds one run's settings and results.
type bench struct {
	scale  float64
	log    io.Writer // progress
	work   string    // scratch folder, removed at the end
	data   string    // generated files (work/data unless -keep)
	bin    string
	python string // "" when there is no Python
	// ledgerURL is the shared ledger (postgres://…) of the imports; ""
	// an SQLite one in a temporary state folder.
	ledgerURL string
	pyInfo    string // Python's and openpyxl's versions, for the record
	load      string // the load average when the run started
	openpyxl  bool
	lines     []line
	notes     []string
}

// n scales a row count.
func (b *bench) n(rows int) int { return max(1, int(float64(rows)*b.scale)) }

func (b *bench) setUp(keep, bin string) error {
	work, err := os.MkdirTemp("", "custimport-bench-speed-")
	if err != nil {
		return err
	}
	b.work, b.data = work, filepath.Join(work, "data")
	if keep != "" {
		b.data = keep
	}
	if err := os.MkdirAll(b.data, 0o755); err != nil {
		return err
	}
	if bin == "" {
		fmt.Fprintln(b.log, "building custimport")
		if bin, err = clitest.Build(work, false); err != nil {
			return err
		}
	}
	b.bin = bin
	b.load = loadAverage()
	b.findPeers()
	return nil
}

func (b *bench) tearDown() { os.RemoveAll(b.work) }

func (b *bench) run(ctx context.Context, only string) error {
	steps := map[string]func(context.Context) error{
		"csv": b.csvCheck, "xlsx": b.xlsxCheck, "send": b.send, "memory": b.memory,
	}
	for _, name := range scenarios {
		if only != "" && name != only {
			continue
		}
		if err := steps[name](ctx); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// file returns the path of a generated file of rows rows, writing it
// unless it is there already (from an earlier run with -keep).
func (b *bench) file(ext string, rows int, write func(string, int) error) (string, error) {
	path := filepath.Join(b.data, fmt.Sprintf("customers-%d-v%d.%s", rows, genVersion, ext))
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return path, nil
	}
	fmt.Fprintf(b.log, "generating %s\n", path)
	tmp := path + ".tmp." + ext
	if err := write(tmp, rows); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("generating %s: %w", path, err)
	}
	return path, os.Rename(tmp, path)
}

// machine describes the machine and the peers, for the record.
func (b *bench) machine() string {
	return fmt.Sprintf("%s, %d cores, %s %s/%s; %s; load average at the start %s", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, b.pyInfo, b.load)
}

// loadAverage is the 1, 5 and 15 minute load average: the machine may be
// shared, and a loaded machine slows both sides of a comparison unevenly.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// cpuModel names the processor.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
