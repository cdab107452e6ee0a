package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimitFor(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name string
		f    heapFigures
		want int64
	}{
		{"a small heap may grow to the floor", heapFigures{live: 2 * mb, other: 3 * mb}, (3 + 16 + 1) * mb},
		{"a heap of 14 MB too", heapFigures{live: 14 * mb, other: 4 * mb}, (4 + 16 + 1) * mb},
		{"a larger heap gets an eighth of itself", heapFigures{live: 400 * mb, other: 10 * mb}, 10*mb + 450*mb + 450*mb*3/100},
		{"nothing known yet", heapFigures{}, (16 + 1) * mb},
		{"a live heap beyond int64 is no limit", heapFigures{live: math.MaxUint64 / 2}, math.MaxInt64},
		{"the rest beyond int64 is no limit", heapFigures{live: mb, other: math.MaxUint64}, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := limitFor(tt.f)
			if got != tt.want {
				t.Errorf("limitFor(%+v) = %d, want %d", tt.f, got, tt.want)
			}
			// Never at or below what is live: no collection without end.
			if tt.f.live < math.MaxInt64/4 && got <= int64(tt.f.live+tt.f.other) {
				t.Errorf("limitFor(%+v) = %d: not above the live heap and the rest", tt.f, got)
			}
		})
	}
}

// TestLimitMemoryFollowsTheHeap: while a run is on, each collection sets
// a limit above the live heap; after the last run the limit before it
// is back. Not parallel: the limit is the process's.
func TestLimitMemoryFollowsTheHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	set := make(chan int64, 16)
	memLimit.mu.Lock()
	memLimitSet = func(l int64) {
		select {
		case set <- l:
		default:
		}
	}
	memLimit.mu.Unlock()
	defer func() {
		memLimit.mu.Lock()
		memLimitSet = nil
		memLimit.mu.Unlock()
	}()
	keep := make([][]byte, 64) // a live heap of 16 MB
	for i := range keep {
		keep[i] = make([]byte, 256<<10)
	}
	release := limitMemory()
	second := limitMemory() // another run at the same time
	limit := waitForLimit(t, set)
	if live := readHeap().live; limit < int64(live+live/8) || limit < heapFloor {
		t.Errorf("limit %d with %d bytes live: want at least the live heap and an eighth, and %d", limit, live, heapFloor)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("the runtime's limit is %d, the one set %d", got, limit)
	}
	release()
	release() // twice is once
	if got := debug.SetMemoryLimit(-1); got == before {
		t.Errorf("the limit went back to %d while another run is on", got)
	}
	second()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after the last run the limit is %d, want %d as before", got, before)
	}
	runtime.KeepAlive(keep)
}

// TestLimitMemoryLeavesTheUsersLimit: a GOMEMLIMIT of the user's is
// left as it is.
func TestLimitMemoryLeavesTheUsersLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	release := limitMemory()
	defer release()
	memLimit.mu.Lock()
	users := memLimit.users
	memLimit.mu.Unlock()
	if users != 0 {
		t.Errorf("%d runs limit memory under the user's GOMEMLIMIT, want none", users)
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d, want the user's %d", got, before)
	}
}

// waitForLimit collects until the hook reports a limit.
func waitForLimit(t *testing.T, set <-chan int64) int64 {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		runtime.GC()
		select {
		case l := <-set:
			return l
		case <-deadline:
			t.Fatal("no limit set after collections for 10 s")
		case <-time.After(10 * time.Millisecond):
		}
	}
}
