//go:build unix

package main

import (
	"strings"
	"testing"

	"github.com/custimport/custimport/cmd/custimport/clitest"
)

// TestSmoke runs every scenario on a handful of rows: the program must
// build the binary, drive the simulator and find every row OK. Speed is
// not judged here (too few rows, and tests are not the place for it).
func TestSmoke(t *testing.T) {
	clitest.RequireProcessTests(t)
	var out, errb strings.Builder
	code := Main([]string{"-scale", "0.002"}, &out, &errb)
	if code == 2 {
		t.Fatalf("exit 2:\n%s%s", out.String(), errb.String())
	}
	for _, name := range []string{"rate", "latency/workers=1", "latency/workers=4", "latency/workers=16", "memory"} {
		if !strings.Contains(out.String(), "\n"+name+" ") {
			t.Errorf("no line for %s:\n%s", name, out.String())
		}
	}
}
