//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/custimport/custimport/cmd/custimport/clitest"
	"github.com/custimport/custimport/importer/tms"
)

const (
	sendWorkers = 8
	latency     = 5 * time.Millisecond
	benchPNO    = "BENCHPNO"
)

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

// send measures the import's send path against a bare client.
func (b *bench) send(ctx context.Context) error {
	rows := b.n(int(sendWorkers / latency.Seconds() * 8)) // about 8 s at the ideal rate
	path, err := b.file("csv", rows, writeCSV)
	if err != nil {
		return err
	}
	var payloads []tms.Main
	customers(rows, func(_ int, c customer) error { payloads = append(payloads, c.payload()); return nil })
	key := fmt.Sprintf("bench-key-%d", time.Now().UnixNano())
	sim, err := b.launch(key, "--latency", latency.String())
	if err != nil {
		return err
	}
	defer sim.Stop()
	bare := func() (proc, error) {
		start := time.Now()
		err := bareClient(ctx, sim.URL, key, sendWorkers, payloads)
		return proc{wall: time.Since(start)}, err
	}
	peers, ours, err := b.compare("send", bare, func() (proc, error) {
		return b.importInto(ctx, sim.URL, key, path, rows, sendWorkers)
	})
	if err != nil {
		return err
	}
	work := fmt.Sprintf("import of %s rows, %d workers, no rate limit, %v server vs a bare tms.Client with %d keep-alive workers sending the same requests", thousands(int64(rows)), sendWorkers, latency, sendWorkers)
	b.lines = append(b.lines, compared(work, rows, "bare client", peers, ours, 0.95, "≥ 0.95×"))
	return nil
}

// memory measures the peak RSS of a long import.
func (b *bench) memory(ctx context.Context) error {
	rows := b.n(1_000_000)
	path, err := b.file("csv", rows, writeCSV)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("bench-key-%d", time.Now().UnixNano())
	sim, err := b.launch(key)
	if err != nil {
		return err
	}
	defer sim.Stop()
	fmt.Fprintf(b.log, "memory: importing %d rows\n", rows)
	p, err := b.importInto(ctx, sim.URL, key, path, rows, sendWorkers)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "memory: %.1f s, %s\n", p.wall.Seconds(), megabytes(p.maxRSS))
	where := "ledger in a temporary state folder"
	if b.ledgerURL != "" {
		where = "ledger on PostgreSQL"
	}
	b.lines = append(b.lines, line{
		work:    fmt.Sprintf("import of %s rows (%d workers, no rate limit, no latency, %s): peak RSS", thousands(int64(rows)), sendWorkers, where),
		now:     megabytes(p.maxRSS) + "; " + rate(rows, []time.Duration{p.wall}),
		goal:    "< 64 MB",
		verdict: below(mb(p.maxRSS), 64),
	})
	return nil
}

// bareClient sends payloads through tms.Client alone (no file,
// validation, ledger or results) with workers goroutines sharing the
// client's keep-alive connections.
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
