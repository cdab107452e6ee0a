// Package testdir gives tests a temporary folder that is emptied file by
// file before testing removes it: under Wine 8 (where CI runs the Windows
// build of the lock tests) os.RemoveAll cannot remove a folder that holds
// anything, and t.TempDir's cleanup fails the test. Tests only.
package testdir

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// New returns a new temporary folder, like t.TempDir, whose content is
// removed one entry at a time (deepest first) when the test ends.
func New(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() { Empty(dir); os.Remove(dir) })
	return dir
}

// Empty removes everything inside dir, deepest first, with os.Remove.
func Empty(dir string) {
	var paths []string
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil && p != dir {
			paths = append(paths, p)
		}
		return nil
	})
	for _, p := range slices.Backward(paths) {
		os.Remove(p)
	}
}
