package cli

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A long import keeps most of what it holds live to its end
// (the codes seen, for the duplicate check), and the garbage collector
// lets the heap grow to twice that before it collects: the second half
// is garbage, paid for in RSS. While a run goes on, a soft memory limit
// (debug.SetMemoryLimit) follows the live heap after each collection:
// what the runtime holds besides the heap, plus a heap of heapFloor or
// of the live heap and an eighth, whichever is more. Below half of
// heapFloor live, the limit changes nothing (the collector's own goal,
// twice the live heap, is lower); a million-row import's heap peaks at
// about 19 MB instead of twice its 16 MB, for more collections (each
// cheap: most of what is live is the codes' arena, which holds no
// pointers). The limit is always above what is live, so it never makes
// the collector run without end: a heap that grows raises the next
// limit with it.
//
// A GOMEMLIMIT of the user's own is left alone.

// heapFloor is the heap the limit allows whatever is live.
const heapFloor = 16 << 20

// memLimit is the process's adaptive limit, shared by the runs of this
// process (tests run several at once): it is on while one runs.
var memLimit struct {
	mu    sync.Mutex
	users int
	prev  int64 // the limit before the first run, restored after the last
	epoch int   // which on-period the GC hook belongs to
}

// memLimitSet, when set (by tests), is told each limit set, under
// memLimit.mu.
var memLimitSet func(limit int64)

// limitMemory turns the adaptive limit on for a run and returns what
// turns it off; it does nothing when the user set GOMEMLIMIT.
func limitMemory() (release func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	m := &memLimit
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users++
	if m.users == 1 {
		m.prev = debug.SetMemoryLimit(-1)
		m.epoch++
		armAfterGC(m.epoch)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			if m.users--; m.users == 0 {
				m.epoch++ // the hook stops at its next collection
				debug.SetMemoryLimit(m.prev)
			}
		})
	}
}

// gcSentinel is collected by each garbage collection: big enough not to
// share a tiny block with other objects (its cleanup runs when it alone
// is unreachable).
type gcSentinel struct{ _ [32]byte }

// armAfterGC sets the limit (limitFor) after the next collection, and again after
// each one while the period epoch lasts.
func armAfterGC(epoch int) {
	runtime.AddCleanup(new(gcSentinel), func(epoch int) {
		m := &memLimit
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.epoch != epoch {
			return
		}
		limit := limitFor(readHeap())
		debug.SetMemoryLimit(limit)
		if memLimitSet != nil {
			memLimitSet(limit)
		}
		armAfterGC(epoch)
	}, epoch)
}

// heapFigures are what the limit is computed from: the live heap at the
// last collection and what the runtime holds besides the heap's objects
// and free memory (stacks, its own structures, the unused ends of the
// heap's spans), bytes.
type heapFigures struct{ live, other uint64 }

var heapMetrics = []string{
	"/gc/heap/live:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/free:bytes",
}

func readHeap() heapFigures {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	v := make([]uint64, len(s))
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	// The heap's own part: its objects, and its free memory (the runtime
	// counts it as the heap's until it goes back to the system). What
	// its spans hold beyond their objects is the runtime's, as it is to
	// the runtime when it sets its goal from the limit.
	heap := v[2] + v[3] + v[4]
	f := heapFigures{live: v[0]}
	if v[1] > heap {
		f.other = v[1] - heap
	}
	return f
}

// limitFor is the limit for figures f: what the runtime holds besides
// the heap, a heap of heapFloor or of the live heap and an eighth,
// whichever is more, and what the runtime keeps below its limit (its
// goal is the limit less 3 %, and at least 1 MB, of headroom).
func limitFor(f heapFigures) int64 {
	const most = math.MaxInt64
	if f.live > most/4 {
		return most
	}
	heap := max(heapFloor, f.live+f.live/8)
	heap += max(heap*3/100, 1<<20)
	if f.other > most-heap {
		return most
	}
	return int64(f.other + heap)
}
