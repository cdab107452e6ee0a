package tms

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// AdaptiveLimiter is a Throttle shared by all workers: a token bucket
// (burst 1) whose rate halves when the server pushes back (429/503) and
// creeps back up by 5% of the configured rate per success. It is safe for
// concurrent use.
type AdaptiveLimiter struct {
	mu         sync.Mutex
	lim        *rate.Limiter
	max        float64 // configured rate; +Inf for no limit
	floor      float64 // lowest rate halving goes to
	cur        float64
	pauseUntil time.Time // nobody sends before this (Retry-After)
	lastCut    time.Time

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// cutInterval is the least time between two halvings, so that a burst of
// 429s from workers that were all in flight at once counts as one signal.
const cutInterval = time.Second

// NewAdaptiveLimiter returns a limiter allowing rps requests per second.
// rps ≤ 0 means no rate limit (Retry-After pauses still apply). Halving
// stops at min(0.5, rps/16) requests per second.
func NewAdaptiveLimiter(rps float64) *AdaptiveLimiter {
	a := &AdaptiveLimiter{now: time.Now, sleep: Sleep}
	if !(rps > 0) || math.IsInf(rps, 1) {
		a.max, a.cur, a.floor = math.Inf(1), math.Inf(1), math.Inf(1)
		a.lim = rate.NewLimiter(rate.Inf, 1)
		return a
	}
	a.max, a.cur = rps, rps
	a.floor = min(0.5, rps/16)
	a.lim = rate.NewLimiter(rate.Limit(rps), 1)
	return a
}

// Wait blocks until the next request may be sent or ctx is done.
func (a *AdaptiveLimiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a.mu.Lock()
	now := a.now()
	at := now
	if a.pauseUntil.After(at) {
		at = a.pauseUntil // queue behind the pause, one by one
	}
	r := a.lim.ReserveN(at, 1)
	d := r.DelayFrom(now)
	a.mu.Unlock()
	if d <= 0 {
		return nil
	}
	if err := a.sleep(ctx, d); err != nil {
		a.mu.Lock()
		r.CancelAt(a.now())
		a.mu.Unlock()
		return err
	}
	return nil
}

// Throttled halves the rate (at most once per second, not below the
// floor) and makes everyone wait retryAfter before the next request.
func (a *AdaptiveLimiter) Throttled(retryAfter time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if retryAfter > 0 {
		if until := now.Add(retryAfter); until.After(a.pauseUntil) {
			a.pauseUntil = until
		}
	}
	if math.IsInf(a.max, 1) || (!a.lastCut.IsZero() && now.Sub(a.lastCut) < cutInterval) {
		return
	}
	a.lastCut = now
	a.set(now, max(a.floor, a.cur/2))
}

// Succeeded raises the rate by 5% of the configured rate, up to it.
func (a *AdaptiveLimiter) Succeeded() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur >= a.max {
		return
	}
	a.set(a.now(), min(a.max, a.cur+a.max*0.05))
}

func (a *AdaptiveLimiter) set(now time.Time, r float64) {
	a.cur = r
	a.lim.SetLimitAt(now, rate.Limit(r))
}

// Rate returns the current rate in requests per second (+Inf when
// unlimited), e.g. for a summary line "settled at N req/s".
func (a *AdaptiveLimiter) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cur
}
