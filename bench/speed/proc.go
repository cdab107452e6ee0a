//go:build unix

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// proc is what a finished process left.
type proc struct {
	wall   time.Duration // start to exit
	cpu    time.Duration // user + system time (wait4's rusage)
	maxRSS int64         // peak resident memory, bytes (wait4's rusage)
	out    string        // stdout and stderr
}

// run runs name with args in dir with exactly env, reaps it with wait4 to
// read its peak RSS, and fails unless it exits 0. ctx kills it.
func run(ctx context.Context, dir string, env []string, name string, args ...string) (proc, error) {
	outf, err := os.CreateTemp(dir, "out-")
	if err != nil {
		return proc{}, err
	}
	defer os.Remove(outf.Name())
	defer outf.Close()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, outf, outf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return proc{}, err
	}
	stop := context.AfterFunc(ctx, func() { cmd.Process.Kill() })
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(cmd.Process.Pid, &ws, 0, &ru)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	p := proc{wall: time.Since(start), maxRSS: maxRSSBytes(&ru),
		cpu: time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))}
	stop()
	cmd.Process.Release()
	if data, rerr := os.ReadFile(outf.Name()); rerr == nil {
		p.out = string(data)
	}
	switch {
	case err != nil:
		return p, fmt.Errorf("wait4 %s: %w", name, err)
	case !ws.Exited() || ws.ExitStatus() != 0:
		return p, fmt.Errorf("%s %v: %v (exit %d)\n%s", name, args, ws, ws.ExitStatus(), p.out)
	}
	return p, nil
}

// maxRSSBytes is the peak resident memory of a reaped process: Linux
// reports it in KiB, macOS in bytes.
func maxRSSBytes(ru *syscall.Rusage) int64 {
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) << 10
}

// summary is the part of custimport's --summary-json the benchmark reads.
type summary struct {
	Rows   int            `json:"rows"`
	Counts map[string]int `json:"counts"`
}

// readSummary reads a summary and checks that all its rows have status.
func readSummary(path string, rows int, status string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var s summary
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if s.Rows != rows || s.Counts[status] != rows {
		return fmt.Errorf("%d rows read, %d %s, want %d %s: %v", s.Rows, s.Counts[status], status, rows, status, s.Counts)
	}
	return nil
}
