//go:build race

package main

// raceEnabled reports that the test binary runs with the race detector, so
// the binary under test is built with -race too.
const raceEnabled = true
