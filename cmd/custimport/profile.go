//go:build profile

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

// A build with -tags profile writes a CPU profile to the file named by
// CUSTIMPORT_CPUPROFILE and, at exit, a heap profile (in use and
// allocated) to CUSTIMPORT_MEMPROFILE; with CUSTIMPORT_HEAPPROFILE_EVERY
// (a duration) also a heap profile of what is in use to
// CUSTIMPORT_MEMPROFILE.1, .2, ... that often while it runs; with
// CUSTIMPORT_TRACE an execution trace (go tool trace) to that file. For
// measuring a whole run of the real binary (bench/); release builds have
// none of it.
func init() {
	var stops []func()
	if every, err := time.ParseDuration(os.Getenv("CUSTIMPORT_HEAPPROFILE_EVERY")); err == nil && every > 0 {
		base := os.Getenv("CUSTIMPORT_MEMPROFILE")
		go func() {
			for i := 1; ; i++ {
				time.Sleep(every)
				f, err := os.Create(fmt.Sprintf("%s.%d", base, i))
				if err != nil {
					return
				}
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
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
	if path := os.Getenv("CUSTIMPORT_TRACE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "custimport: trace:", err)
			os.Exit(2)
		}
		if err := trace.Start(f); err != nil {
			fmt.Fprintln(os.Stderr, "custimport: trace:", err)
			os.Exit(2)
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
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
