//go:build profile

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// A build with -tags profile writes a CPU profile to the file named by
// CUSTIMPORT_CPUPROFILE and, at exit, a heap profile (in use and
// allocated) to CUSTIMPORT_MEMPROFILE: for measuring a whole run of the
// real binary (bench/). Release builds have neither.
func init() {
	var stops []func()
	if path := os.Getenv("CUSTIMPORT_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "custimport: CPU profile:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "custimport: CPU profile:", err)
			os.Exit(2)
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if path := os.Getenv("CUSTIMPORT_MEMPROFILE"); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintln(os.Stderr, "custimport: heap profile:", err)
				return
			}
			defer f.Close()
			runtime.GC()
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fmt.Fprintln(os.Stderr, "custimport: heap profile:", err)
			}
		})
	}
	stopProfiles = func() {
		for _, stop := range stops {
			stop()
		}
	}
}
