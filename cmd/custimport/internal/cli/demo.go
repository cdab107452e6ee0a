package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/settings"
	"github.com/custimport/custimport/importer/tms/tmssim"
	"github.com/custimport/custimport/samples"
)

func runDemo(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "demo", "[FILE]")
	s := settings.Default()
	settings.Register(fs, &s, false)
	fs.IntVar(&s.Workers, "workers", s.Workers, "concurrent requests")
	fs.Float64Var(&s.Rate, "rate", 50, "requests per second")
	faults := fs.Float64("fault-rate", 0, "probability of each simulated fault (500 after processing, 503, reset) to show retries and UNKNOWN rows")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return fail(io, "demo: want at most one input file")
	}
	if s.Lang == "" {
		s.Lang = localeLang(io.Getenv)
	}
	input, cleanup, err := demoInput(pos, &s)
	if err != nil {
		return fail(io, "demo: %v", err)
	}
	defer cleanup()
	if s.Rate == 0 {
		s.Rate = 50
	}
	log, err := newLogger(io.Err, s.LogFormat, s.Lang, s.Quiet, false)
	if err != nil {
		return fail(io, "%v", err)
	}
	sim, simCfg, url, stop, err := startDemoSim(*faults)
	if err != nil {
		return fail(io, "demo: %v", err)
	}
	defer stop()
	key := simCfg.Key
	fmt.Fprintln(io.Out, lineText(s.Lang, "demoSim", url))

	s.URL, s.PNO, s.ProNum = url, simCfg.PNO, simCfg.ProNum
	opts, err := s.Job(input)
	if err != nil {
		return fail(io, "%v", err)
	}
	opts.Logger = log
	opts.Hints = cliHints
	demoIO := io
	demoIO.Getenv = func(name string) string {
		if name == "TMS_API_KEY" {
			return key
		}
		return io.Getenv(name)
	}
	// The demo's simulator is new each time, and so is its ledger: kept
	// in a temporary folder, never in the user's state folder.
	stateTmp, err := os.MkdirTemp("", "custimport-demo-state-")
	if err != nil {
		return fail(io, "demo: %v", err)
	}
	defer os.RemoveAll(stateTmp)
	s.StateDir = stateTmp
	if err := attachSender(connection(s, demoIO, log, nil), demoIO, &opts); err != nil {
		return fail(io, "demo: %v", err)
	}
	ctx, abort, release := withSignals(ctx, io, s.Lang)
	defer release()
	closeLedger, err := attachLedger(ctx, s, demoIO, log, &opts)
	if err != nil {
		return failErr(io, s.Lang, err)
	}
	defer closeLedger()
	exit, _, _ := runOne(ctx, abort, io, s, opts)
	if exit != ExitCantRun {
		fmt.Fprintln(io.Out, lineText(s.Lang, "demoHeld", len(sim.Customers())))
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return ExitRows
	}
	return exit
}

// demoInput is the file the demo imports: FILE, samples/customers.xlsx
// in the repository, or else the sample built into the binary (written
// to a temporary folder, the results beside the user). cleanup removes
// what it wrote.
func demoInput(pos []string, s *settings.Settings) (input string, cleanup func(), err error) {
	input = filepath.Join("samples", "customers.xlsx")
	if len(pos) == 1 {
		return pos[0], func() {}, nil
	}
	if _, err := os.Stat(input); err == nil {
		return input, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "custimport-demo-")
	if err != nil {
		return "", nil, err
	}
	input = filepath.Join(dir, "customers.xlsx")
	data, _ := samples.FS.ReadFile("customers.xlsx")
	if err := os.WriteFile(input, data, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	if s.Out == "" {
		s.Out = "customers.results.xlsx"
	}
	return input, func() { os.RemoveAll(dir) }, nil
}

// startDemoSim starts the simulator in-process on a free loopback port,
// with a fresh random key and each fault at rate faults.
func startDemoSim(faults float64) (sim *tmssim.Server, cfg tmssim.Config, url string, stop func(), err error) {
	keyBytes := make([]byte, 24)
	rand.Read(keyBytes)
	cfg = tmssim.Config{PNO: "TMSDEMOWEB", ProNum: "TMSWEBDEMO", Key: hex.EncodeToString(keyBytes),
		FailRate: faults, RejectRate: faults, ResetRate: faults, Seed: time.Now().UnixNano()}
	if sim, err = tmssim.New(cfg); err != nil {
		return nil, cfg, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sim.Close()
		return nil, cfg, "", nil, err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return sim, cfg, "http://" + ln.Addr().String(), func() { srv.Close(); sim.Close() }, nil
}
