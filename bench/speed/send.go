//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms"
)

const (
	sendRows    = 4000
	sendWorkers = 8
	latency     = 5 * time.Millisecond
	benchPNO    = "BENCHPNO"
	// bareEnv, set, makes this program the bare client (see bareMain):
	// the peer of the send row runs as a process of its own, as
	// custimport does, so that their CPU times compare.
	bareEnv = "CUSTIMPORT_BENCH_BARE"
)

func init() {
	if os.Getenv(bareEnv) != "" {
		os.Exit(bareMain())
	}
}

// simEnv is the environment of a simulator and of the imports into it.
func (b *bench) simEnv(dir, key string) []string {
	return append(b.env(dir), "TMS_PNO="+benchPNO, "TMS_API_KEY="+key)
}

// importInto runs `custimport import` of path into the simulator at url
// with a fresh ledger (a new state folder) and checks every row is OK.
func (b *bench) importInto(ctx context.Context, url, key, path string, rows, workers int) (proc, error) {
	dir, err := os.MkdirTemp(b.work, "import-")
	if err != nil {
		return proc{}, err
	}
	defer os.RemoveAll(dir)
	sum := filepath.Join(dir, "summary.json")
	args := []string{"import", "--quiet", "--summary-json", sum, "--out", filepath.Join(dir, "results.csv"),
		"--rate", "1000000", "--workers", fmt.Sprint(workers), path}
	if b.ledgerURL != "" {
		// Each simulator listens on a port of its own: another TMS URL
		// for the same pno in the one database, a new ledger on purpose.
		args = append(args, "--ledger-url", b.ledgerURL, "--new-ledger")
	}
	p, err := run(ctx, dir, append(b.simEnv(dir, key), "TMS_URL="+url), b.bin, args...)
	if err != nil {
		return p, err
	}
	return p, readSummary(sum, rows, "OK")
}

// launch starts a simulator with args in a folder of its own.
func (b *bench) launch(key string, args ...string) (*clitest.Sim, error) {
	dir, err := os.MkdirTemp(b.work, "sim-")
	if err != nil {
		return nil, err
	}
	return clitest.Launch(b.bin, b.simEnv(dir, key), dir, args...)
}

// send measures the import's send path against a bare client: 4,000 rows,
// one in three without a code (an auto-numbered create, claimed in the
// ledger before it is sent), the others upserts.
func (b *bench) send(ctx context.Context) error {
	rows := b.n(sendRows)
	path, err := b.file("creates.csv", rows, writeSendCSV)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("bench-key-%d", time.Now().UnixNano())
	sim, err := b.launch(key, "--latency", latency.String())
	if err != nil {
		return err
	}
	defer sim.Stop()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bare := func() (proc, error) {
		env := append(b.simEnv(b.work, key), bareEnv+"=1", "TMS_URL="+sim.URL, "BENCH_ROWS="+strconv.Itoa(rows))
		return run(ctx, b.work, env, self)
	}
	peers, ours, err := b.compare("send", bare, func() (proc, error) {
		return b.importInto(ctx, sim.URL, key, path, rows, sendWorkers)
	})
	if err != nil {
		return err
	}
	work := fmt.Sprintf("import of %s rows (a third auto-numbered creates), %d workers, no rate limit, %v server vs a bare tms.Client with %d keep-alive workers sending the same requests (each one process)", thousands(int64(rows)), sendWorkers, latency, sendWorkers)
	l := compared(work, rows, "bare client", peers, ours, 0.95, "≥ 0.95×")
	l.now += "; CPU " + cpuPerRow(ours, rows)
	l.peer += "; CPU " + cpuPerRow(peers, rows)
	b.lines = append(b.lines, l)
	return nil
}

// cpuPerRow formats the median user + system time per row of runs.
func cpuPerRow(runs []proc, rows int) string {
	cpu := make([]float64, len(runs))
	for i, p := range runs {
		cpu[i] = p.cpu.Seconds()
	}
	m := median(cpu)
	return fmt.Sprintf("%.0f µs/row (%.2f s)", m*1e6/float64(rows), m)
}

// sendCustomers calls f with the n rows of the send row's file: the
// generated customers, every third one (from the first) without a code.
func sendCustomers(n int, f func(i int, c customer) error) error {
	return customers(n, func(i int, c customer) error {
		if i%3 == 0 {
			c.code = ""
		}
		return f(i, c)
	})
}

// writeSendCSV writes the send row's file, as writeCSV does.
func writeSendCSV(path string, n int) error { return writeCustomersCSV(path, n, sendCustomers) }

// sendPayload is what custimport sends for a row of the send row's file:
// an upsert, or for a row without a code an auto-numbered create.
func sendPayload(c customer) tms.Main {
	m := c.payload()
	if c.code == "" {
		m["CCODE"], m["AutoCCODE"], m["EditItem"] = "", json.Number("1"), json.Number("0")
	}
	return m
}

// memoryShapes are the memory row's files: the CSV row's (every row
// with a code: upserts) and the shape, the send row's (a third
// auto-numbered creates, each claimed in the ledger before it is sent).
var memoryShapes = []struct {
	ext, what string
	write     func(path string, n int) error
}{
	{"csv", "every row with a code", writeCSV},
	{"creates.csv", "a third auto-numbered creates", writeSendCSV},
}

// memory measures the peak RSS of a long import, one line per shape,
// each into a simulator of its own.
func (b *bench) memory(ctx context.Context) error {
	rows := b.n(1_000_000)
	where := "ledger in a temporary state folder"
	if b.ledgerURL != "" {
		where = "ledger on PostgreSQL"
	}
	for _, shape := range memoryShapes {
		path, err := b.file(shape.ext, rows, shape.write)
		if err != nil {
			return err
		}
		p, err := b.memoryRun(ctx, path, rows)
		if err != nil {
			return fmt.Errorf("%s: %w", shape.what, err)
		}
		fmt.Fprintf(b.log, "memory (%s): %.1f s, %.1f s CPU, %s\n", shape.what, p.wall.Seconds(), p.cpu.Seconds(), megabytes(p.maxRSS))
		b.lines = append(b.lines, line{
			work:    fmt.Sprintf("import of %s rows (%d workers, no rate limit, no latency, %s; %s): peak RSS", thousands(int64(rows)), sendWorkers, where, shape.what),
			now:     megabytes(p.maxRSS) + "; " + rate(rows, []time.Duration{p.wall}) + fmt.Sprintf(", %.2f s CPU", p.cpu.Seconds()),
			goal:    "< 64 MB",
			verdict: below(mb(p.maxRSS), 64),
		})
	}
	return nil
}

// memoryRun imports path (rows rows) into a simulator of its own.
func (b *bench) memoryRun(ctx context.Context, path string, rows int) (proc, error) {
	key := fmt.Sprintf("bench-key-%d", time.Now().UnixNano())
	sim, err := b.launch(key)
	if err != nil {
		return proc{}, err
	}
	defer sim.Stop()
	fmt.Fprintf(b.log, "memory: importing %d rows of %s\n", rows, filepath.Base(path))
	return b.importInto(ctx, sim.URL, key, path, rows, sendWorkers)
}

// bareMain is the bare client's process: it sends the send row's
// requests (BENCH_ROWS of them) to TMS_URL through tms.Client alone (no
// file, validation, ledger or results) with sendWorkers goroutines
// sharing the client's keep-alive connections, and exits 0 when every
// answer is a success.
func bareMain() int {
	rows, err := strconv.Atoi(os.Getenv("BENCH_ROWS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare client: BENCH_ROWS:", err)
		return 2
	}
	var payloads []tms.Main
	sendCustomers(rows, func(_ int, c customer) error { payloads = append(payloads, sendPayload(c)); return nil })
	err = bareClient(context.Background(), os.Getenv("TMS_URL"), os.Getenv("TMS_API_KEY"), sendWorkers, payloads)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare client:", err)
		return 1
	}
	return 0
}

// bareClient sends payloads through tms.Client alone with workers
// goroutines sharing the client's keep-alive connections.
func bareClient(ctx context.Context, url, key string, workers int, payloads []tms.Main) error {
	c, err := tms.New(tms.Config{BaseURL: url, PNO: benchPNO, Key: key})
	if err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range workers {
		g.Go(func() error {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(payloads) {
					return nil
				}
				resp, err := c.AddCustomer(ctx, payloads[i])
				if err != nil {
					return err
				}
				if resp.Status != "S" {
					return fmt.Errorf("row %d: answer %s %s", i+1, resp.ErrorCode, resp.ErrorMessage)
				}
			}
		})
	}
	return g.Wait()
}
