package ledger

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// async writes past maxQueued, waited writes (some given up),
// Flush and Close all at once: nothing hangs, every waited write that
// returned without error is on disk, and a claim is not held behind the
// async gap.
//
//	go test -race ./importer/ledger -run TestWriterStress -count=3
func TestWriterStress(t *testing.T) {
	d := openTest(t, tempDir(t), Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	done := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range maxQueued / 2 {
				if err := d.SendingCode(fmt.Sprintf("G%d-%06d", g, i), "fp", Names{}, 1); err != nil {
					t.Errorf("async write: %v", err)
					return
				}
			}
		}()
	}
	var claimed sync.Map
	var slow sync.Map
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				cctx, cancel := context.WithCancel(ctx)
				if i%7 == 0 {
					cancel() // given up before it is taken
				}
				start := time.Now()
				id, err := d.Claim(cctx, Create{Fingerprint: fmt.Sprintf("f%d-%d", g, i), Name: "n"})
				if took := time.Since(start); err == nil && took > 30*time.Second { // generous: a loaded CI machine under -race commits slowly; a claim stuck behind the gap waits forever
					slow.Store(id, took)
				}
				cancel()
				if err == nil {
					claimed.Store(id, true)
				}
				if i%10 == 0 {
					if err := d.Flush(ctx); err != nil {
						t.Errorf("flush: %v", err)
					}
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("writes hang")
	}
	slow.Range(func(k, v any) bool { t.Errorf("claim %v took %v", k, v); return true })
	var n int
	claimed.Range(func(k, _ any) bool {
		var state string
		if err := d.rdb.QueryRow("SELECT state FROM creates WHERE id = ?", k).Scan(&state); err != nil {
			t.Errorf("claim %v not on disk: %v", k, err)
		}
		n++
		return true
	})
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close hangs")
	}
	t.Logf("%d claims", n)
}

// Close while async writers wait for room in a full queue (the
// first commit held): Close returns, and the writers return (an error
// saying the ledger is closed, or nil once written).
//
//	go test -race ./importer/ledger -run TestCloseWhileQueueFull -count=3
func TestCloseWhileQueueFull(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	d := openTest(t, tempDir(t), Options{BeforeCommit: func() error {
		once.Do(func() { <-release })
		return nil
	}})
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range maxQueued {
				if d.SendingCode(fmt.Sprintf("G%d-%06d", g, i), "fp", Names{}, 1) != nil {
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	time.Sleep(50 * time.Millisecond)
	close(release)
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close hangs")
	}
	writers := make(chan struct{})
	go func() { wg.Wait(); close(writers) }()
	select {
	case <-writers:
	case <-time.After(30 * time.Second):
		t.Fatal("async writers hang after Close")
	}
}
