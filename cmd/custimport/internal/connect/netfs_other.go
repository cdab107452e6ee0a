//go:build !linux && !darwin && !windows

package connect

import "runtime"

const goos = runtime.GOOS

// fsProbe cannot tell on this OS: the path alone decides.
func fsProbe(string) (fsFacts, error) { return fsFacts{}, nil }
