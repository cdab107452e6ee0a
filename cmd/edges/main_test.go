package main

import (
	"bytes"
	"fmt"
	"testing"
)

func TestEdges(t *testing.T) {
	files, edges, err := Edges("testdata/two")
	if err != nil {
		t.Fatal(err)
	}
	// a.go → b.go (T, b); c.go → a.go (A); c.go → b.go (the field n).
	if want := "[[a.go b.go] [c.go a.go] [c.go b.go]]"; files != 3 || fmt.Sprint(edges) != want {
		t.Errorf("%d files, edges %v; want 3 files, %s", files, edges, want)
	}
	var out bytes.Buffer
	if err := run(&out, "testdata/two", true); err != nil {
		t.Fatal(err)
	}
	if want := "a.go -> b.go\nc.go -> a.go\nc.go -> b.go\ntestdata/two: 3 files, 3 file→file edges\n"; out.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", out.String(), want)
	}
}
