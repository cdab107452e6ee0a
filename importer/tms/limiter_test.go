package tms

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock whose sleeps advance it instantly.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) takeSlept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.slept
	c.slept = nil
	return s
}

func newFakeLimiter(rps float64) (*AdaptiveLimiter, *fakeClock) {
	clk := &fakeClock{t: testNow}
	a := NewAdaptiveLimiter(rps)
	a.now, a.sleep = clk.now, clk.sleep
	return a, clk
}

func TestAdaptiveLimiterHalvesAndRecovers(t *testing.T) {
	a, clk := newFakeLimiter(10)
	if got := a.Rate(); got != 10 {
		t.Fatalf("initial rate: got %v, want 10", got)
	}
	a.Throttled(0)
	if got := a.Rate(); got != 5 {
		t.Errorf("after one 429: got %v, want 5", got)
	}
	a.Throttled(0) // same instant: workers in flight together count once
	if got := a.Rate(); got != 5 {
		t.Errorf("after a second 429 at once: got %v, want 5", got)
	}
	var rates []float64
	for range 5 {
		clk.advance(time.Second)
		a.Throttled(0)
		rates = append(rates, a.Rate())
	}
	if want := []float64{2.5, 1.25, 0.625, 0.5, 0.5}; !slices.Equal(rates, want) {
		t.Errorf("halvings: got %v, want %v (floor 0.5)", rates, want)
	}
	for i := 1; i <= 19; i++ {
		a.Succeeded()
		if got, want := a.Rate(), 0.5+0.5*float64(i); math.Abs(got-want) > 1e-9 {
			t.Fatalf("after %d successes: got %v, want %v", i, got, want)
		}
	}
	a.Succeeded()
	if got := a.Rate(); got != 10 {
		t.Errorf("after recovery: got %v, want 10 (never above the configured rate)", got)
	}
}

func TestAdaptiveLimiterFloor(t *testing.T) {
	tests := []struct {
		rps, floor float64
	}{
		{100, 0.5},
		{4, 0.25},
		{1, 1.0 / 16},
	}
	for _, tt := range tests {
		a, clk := newFakeLimiter(tt.rps)
		for range 20 {
			a.Throttled(0)
			clk.advance(time.Second)
		}
		if got := a.Rate(); got != tt.floor {
			t.Errorf("rps %v: got floor %v, want %v", tt.rps, got, tt.floor)
		}
	}
}

func TestAdaptiveLimiterSpacingAndPause(t *testing.T) {
	a, clk := newFakeLimiter(2)
	ctx := context.Background()
	for range 3 {
		if err := a.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := clk.takeSlept(), ds(500, 500); !slices.Equal(got, want) {
		t.Errorf("at 2 req/s: got sleeps %v, want %v", got, want)
	}
	clk.advance(10 * time.Second)
	a.Throttled(7 * time.Second)
	for range 3 {
		if err := a.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := clk.takeSlept(), ds(7000, 1000, 1000); !slices.Equal(got, want) {
		t.Errorf("after Retry-After 7s at 1 req/s: got sleeps %v, want %v", got, want)
	}
}

func TestAdaptiveLimiterPauseQueuesWorkers(t *testing.T) {
	// Three workers arriving during a pause leave one slot apart after it,
	// not all together.
	a, _ := newFakeLimiter(1)
	a.Wait(context.Background())
	a.Throttled(5 * time.Second) // rate 0.5
	var delays []time.Duration
	a.sleep = func(ctx context.Context, d time.Duration) error { delays = append(delays, d); return nil }
	for range 3 {
		a.Wait(context.Background())
	}
	if want := ds(5000, 7000, 9000); !slices.Equal(delays, want) {
		t.Errorf("got delays %v, want %v", delays, want)
	}
}

func TestAdaptiveLimiterUnlimited(t *testing.T) {
	a, clk := newFakeLimiter(0)
	for range 5 {
		a.Wait(context.Background())
	}
	if got := clk.takeSlept(); len(got) != 0 {
		t.Errorf("got sleeps %v, want none", got)
	}
	a.Throttled(2 * time.Second)
	a.Wait(context.Background())
	if got, want := clk.takeSlept(), ds(2000); !slices.Equal(got, want) {
		t.Errorf("got sleeps %v, want %v", got, want)
	}
	if got := a.Rate(); !math.IsInf(got, 1) {
		t.Errorf("got rate %v, want +Inf", got)
	}
}

func TestAdaptiveLimiterWaitCancelled(t *testing.T) {
	a, _ := newFakeLimiter(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Wait(ctx); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestAdaptiveLimiterConcurrent(t *testing.T) {
	a := NewAdaptiveLimiter(1000)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				if err := a.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				if (w+i)%7 == 0 {
					a.Throttled(0)
				} else {
					a.Succeeded()
				}
				if r := a.Rate(); r < 0.5 || r > 1000 {
					t.Errorf("rate %v out of [0.5, 1000]", r)
				}
			}
		})
	}
	wg.Wait()
}

// A Retry-After of days, through a real Sender, pauses the shared limiter
// only for Policy.MaxRetryWait: other workers are not held for a day.
func TestAdaptiveLimiterPauseCappedThroughSender(t *testing.T) {
	for _, h := range []string{"999999", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		t.Run(h, func(t *testing.T) {
			c, _ := scriptedServer(t, respond(429, map[string]string{"Retry-After": h}, ""), ok)
			a, clk := newFakeLimiter(0)
			s := &Sender{Client: c, Throttle: a, Policy: Policy{MaxAttempts: 1, MaxRetryWait: 45 * time.Second}}
			if out := s.Send(context.Background(), Request{Main: Main{}, Idempotent: true}); out.Err == nil {
				t.Fatalf("got %+v, want the 429 to fail the row at MaxAttempts 1", out)
			}
			if err := a.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got, want := clk.takeSlept(), ds(45000); !slices.Equal(got, want) {
				t.Errorf("next worker's wait after Retry-After %q: got %v, want %v", h, got, want)
			}
		})
	}
}
