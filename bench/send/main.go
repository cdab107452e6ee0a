//go:build unix

// Command send measures the send path of the real custimport binary
// against a `custimport sim` process on loopback, and checks the goals of
// the send path:
//
//   - rate: with --rate 200 against a simulator that answers 429 above 200
//     requests/s, throughput is at least 98% of the rate, with no 429;
//   - latency: with no rate limit and 5 ms simulated latency, throughput is
//     at least 0.9 × workers ÷ latency, for 1, 4 and 16 workers;
//   - memory: importing a generated 1,000,000-row CSV (no latency, no rate
//     limit) peaks under 200 MB of resident memory;
//   - claims: importing 20,000 rows without a code (creates: each is
//     claimed, on disk, before it is sent) shows the ledger's claims per
//     second (no goal: a figure to compare the ledgers by).
//
// -ledger-url postgres://… runs every import with that shared ledger
// (--ledger-url) instead of an SQLite one, to compare the two.
//
// Imports run with the TMS's ledger (in a temporary state folder), as a
// real import does. Throughput is
// rows ÷ the import's wall time, process start to exit. Each latency
// scenario also times a bare tms.Client with as many workers against the
// same simulator: the ratio of the two is the importer's own overhead,
// while the bare client's figure shows what the simulator and the machine
// allow (a Go timer for 5 ms fires after about 5.3 ms, and a loopback
// round trip between two processes costs a few hundred µs on a small VM).
// Usage:
//
//	go run ./bench/send                 # everything, about 3 minutes
//	go run ./bench/send -only latency   # one scenario
//	go run ./bench/send -scale 0.1      # fewer rows (a smoke run)
//
// It prints a table and exits 1 when a goal is missed.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the benchmark with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "run only this scenario: rate, latency or memory")
	scale := fs.Float64("scale", 1, "multiply every row count by this (0.01 for a smoke run)")
	bin := fs.String("bin", "", "the custimport binary (default: build it)")
	ledgerURL := fs.String("ledger-url", "", "import with this shared ledger (postgres://…) instead of an SQLite one")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	b := &bench{scale: *scale, out: stdout, ledgerURL: *ledgerURL}
	if err := b.run(context.Background(), *bin, *only); err != nil {
		fmt.Fprintln(stderr, "bench/send:", err)
		return 2
	}
	if b.missed > 0 {
		fmt.Fprintf(stdout, "\n%d goal(s) missed\n", b.missed)
		return 1
	}
	return 0
}

type bench struct {
	ledgerURL string // "" SQLite
	scale     float64
	out       io.Writer
	dir       string
	bin       string
	missed    int
}

// scenario is one measured import.
type scenario struct {
	name    string
	simArgs []string
	args    []string // import flags
	rows    int
	goal    string                         // what must hold, for the table
	check   func(m measure) (string, bool) // the figure and whether it meets the goal
	// baseline: also time a bare TMS client (no file, validation,
	// journal or results) sending as many requests with as many workers
	// to the same simulator, to tell the importer's overhead from the
	// simulator's and the machine's.
	baseline int  // workers; 0: no baseline
	creates  bool // rows without a code: each a create, claimed before it is sent
}

// measure is what one import left.
type measure struct {
	rows     int
	ok       int
	wall     time.Duration
	maxRSS   int64 // bytes
	limited  int64 // 429s the simulator answered
	requests int64
	bare     float64 // requests/s of the bare client; 0: not measured
}

func (m measure) perSecond() float64 { return float64(m.ok) / m.wall.Seconds() }

func (b *bench) n(rows int) int { return max(1, int(float64(rows)*b.scale)) }

func (b *bench) run(ctx context.Context, bin, only string) error {
	dir, err := os.MkdirTemp("", "custimport-bench-send-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b.dir = dir
	if bin == "" {
		if bin, err = clitest.Build(dir, false); err != nil {
			return err
		}
	}
	b.bin = bin

	const latency = 5 * time.Millisecond
	var scenarios []scenario
	scenarios = append(scenarios, scenario{
		name:    "rate",
		simArgs: []string{"--rate-limit", "200"},
		args:    []string{"--rate", "200", "--workers", "4"},
		rows:    b.n(3000),
		goal:    "≥ 98% of 200 rows/s, no 429",
		check: func(m measure) (string, bool) {
			r := m.perSecond() / 200
			return fmt.Sprintf("%.1f rows/s = %.1f%% of the rate, %d × 429", m.perSecond(), 100*r, m.limited), r >= 0.98 && m.limited == 0
		},
	})
	for _, w := range []int{1, 4, 16} {
		ideal := float64(w) / latency.Seconds()
		scenarios = append(scenarios, scenario{
			name:     fmt.Sprintf("latency/workers=%d", w),
			simArgs:  []string{"--latency", latency.String()},
			args:     []string{"--rate", "1000000", "--workers", fmt.Sprint(w)},
			rows:     b.n(int(ideal * 8)), // about 8 s at the ideal rate
			goal:     fmt.Sprintf("≥ 0.9 × %d ÷ 5 ms = %.0f rows/s", w, 0.9*ideal),
			baseline: w,
			check: func(m measure) (string, bool) {
				r := m.perSecond() / ideal
				return fmt.Sprintf("%.0f rows/s = %.2f × workers ÷ latency; bare client %.0f/s = %.2f; import ÷ bare %.2f",
					m.perSecond(), r, m.bare, m.bare/ideal, m.perSecond()/m.bare), r >= 0.9
			},
		})
	}
	scenarios = append(scenarios, scenario{
		name:    "memory",
		simArgs: nil,
		args:    []string{"--rate", "1000000", "--workers", "16"},
		rows:    b.n(1_000_000),
		goal:    "peak RSS < 200 MB",
		check: func(m measure) (string, bool) {
			mb := float64(m.maxRSS) / (1 << 20)
			return fmt.Sprintf("peak RSS %.1f MB (%.0f rows/s)", mb, m.perSecond()), mb < 200
		},
	})

	scenarios = append(scenarios, scenario{
		name:    "claims",
		args:    []string{"--rate", "1000000", "--workers", "16"},
		rows:    b.n(20_000),
		creates: true,
		goal:    "(a figure: claims/s)",
		check: func(m measure) (string, bool) {
			return fmt.Sprintf("%.0f claims/s (rows without a code), peak RSS %.1f MB", m.perSecond(), float64(m.maxRSS)/(1<<20)), true
		},
	})
	ledger := "SQLite (a temporary state folder)"
	if b.ledgerURL != "" {
		ledger = "PostgreSQL (--ledger-url)"
	}
	fmt.Fprintf(b.out, "ledger: %s\n", ledger)
	fmt.Fprintf(b.out, "custimport send benchmark — %s, %d CPUs, %s %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(b.out, "%-20s %9s  %-34s %s\n", "scenario", "rows", "goal", "measured")
	for _, sc := range scenarios {
		if only != "" && !strings.HasPrefix(sc.name, only) {
			continue
		}
		m, err := b.measure(ctx, sc)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		figure, ok := sc.check(m)
		verdict := "ok"
		if !ok {
			verdict = "MISSED"
			b.missed++
		}
		fmt.Fprintf(b.out, "%-20s %9d  %-34s %s  %s\n", sc.name, sc.rows, sc.goal, figure, verdict)
	}
	return nil
}

// measure starts a simulator, imports a generated file of sc.rows rows
// into it and returns the figures.
func (b *bench) measure(ctx context.Context, sc scenario) (measure, error) {
	work, err := os.MkdirTemp(b.dir, "run-")
	if err != nil {
		return measure{}, err
	}
	defer os.RemoveAll(work)
	env := []string{"HOME=" + work, "PATH=/usr/bin:/bin", "TMPDIR=" + work,
		"TMS_PNO=BENCHPNO", "TMS_API_KEY=bench-key-" + fmt.Sprint(time.Now().UnixNano())}
	sim, err := clitest.Launch(b.bin, env, work, sc.simArgs...)
	if err != nil {
		return measure{}, err
	}
	defer sim.Stop()

	input := filepath.Join(work, "customers.csv")
	if err := writeCSV(input, sc.rows, sc.creates); err != nil {
		return measure{}, err
	}
	summary := filepath.Join(work, "summary.json")
	// CSV results, as when these figures were first taken (XLSX is the
	// default now): the bench measures sending, not the results writer.
	args := append([]string{"import", "--quiet", "--results-format", "csv", "--summary-json", summary}, sc.args...)
	if b.ledgerURL != "" {
		// Each scenario's simulator listens on a port of its own: another
		// TMS URL for the same pno in the one database, a new ledger on
		// purpose.
		args = append(args, "--ledger-url", b.ledgerURL, "--new-ledger")
	}
	cmd := exec.CommandContext(ctx, b.bin, append(args, input)...)
	cmd.Dir, cmd.Env = work, append(env, "TMS_URL="+sim.URL)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measure{}, fmt.Errorf("custimport import: %w\n%s", err, out.String())
	}
	m := measure{wall: wall, rows: sc.rows}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = maxRSSBytes(ru)
	}
	var sum struct {
		Rows   int            `json:"rows"`
		Counts map[string]int `json:"counts"`
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		return measure{}, err
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return measure{}, err
	}
	m.ok = sum.Counts["OK"]
	if sum.Rows != sc.rows || m.ok != sc.rows {
		return measure{}, fmt.Errorf("%d rows read, %d OK, want %d OK: %v", sum.Rows, m.ok, sc.rows, sum.Counts)
	}
	stats, err := simStatsOf(sim.URL)
	if err != nil {
		return measure{}, err
	}
	m.limited, m.requests = stats.RateLimited, stats.Requests
	if sc.baseline > 0 {
		if m.bare, err = bareClient(ctx, sim.URL, env, sc.baseline, sc.rows); err != nil {
			return measure{}, fmt.Errorf("bare client: %w", err)
		}
	}
	return m, nil
}

// bareClient sends n upserts with workers goroutines through tms.Client
// alone and returns the requests per second.
func bareClient(ctx context.Context, url string, env []string, workers, n int) (float64, error) {
	var pno, key string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "TMS_PNO="); ok {
			pno = v
		}
		if v, ok := strings.CutPrefix(kv, "TMS_API_KEY="); ok {
			key = v
		}
	}
	c, err := tms.New(tms.Config{BaseURL: url, PNO: pno, Key: key})
	if err != nil {
		return 0, err
	}
	g, ctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	start := time.Now()
	for range workers {
		g.Go(func() error {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return nil
				}
				resp, err := c.AddCustomer(ctx, tms.Main{"CCODE": fmt.Sprintf("X%07d", i), "CNAM1": "bare", "CBELE": 1, "EditItem": 2})
				if err != nil {
					return err
				}
				if resp.Status != "S" {
					return fmt.Errorf("answer %s %s", resp.ErrorCode, resp.ErrorMessage)
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// writeCSV writes n customers with codes (upserts), as a nightly sync
// sends them.
// writeCSV writes n customers; with creates, without codes (each one a
// create).
func writeCSV(path string, n int, creates bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "客戶代號,客戶名稱,客戶簡稱,統一編號,電話,行動電話,Email,地址,信用額度")
	for i := 1; i <= n; i++ {
		code := fmt.Sprintf("B%07d", i)
		if creates {
			code = ""
		}
		fmt.Fprintf(w, "%s,測試客戶股份有限公司%d,客戶%d,,02-2345-%04d,0912-345-%03d,c%d@example.com,台北市信義區信義路五段%d號,%d\n",
			code, i, i, i%10000, i%1000, i, i%500+1, 1000*(i%50))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type simStats struct {
	Requests    int64 `json:"Requests"`
	RateLimited int64 `json:"RateLimited"`
}

func simStatsOf(url string) (simStats, error) {
	var st simStats
	resp, err := httpGet(url + "/_sim/stats")
	if err != nil {
		return st, err
	}
	err = json.Unmarshal(resp, &st)
	return st, err
}

// cpuModel names the processor, for the record.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
