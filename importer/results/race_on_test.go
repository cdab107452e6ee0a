//go:build race

package results

// raceEnabled: the race detector slows byte-heavy tests ~10x.
const raceEnabled = true
