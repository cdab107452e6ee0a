package main

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tree writes a release-like folder whose files have the given mtime and
// permissions, creating them in the given order.
func tree(t *testing.T, fileTime time.Time, perm fs.FileMode, order []string) string {
	t.Helper()
	dir := t.TempDir()
	content := map[string]string{
		"custimport":             "\x7fELF binary",
		"README.md":              "# custimport\n",
		"samples/mapping.yaml":   "columns: {}\n",
		"samples/customers.xlsx": "PK fake",
	}
	for _, name := range order {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		mode := perm
		if name == "custimport" {
			mode |= 0o111
		}
		if err := os.WriteFile(p, []byte(content[name]), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		if err := os.Chtimes(p, fileTime, fileTime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestWriteZipIsReproducible(t *testing.T) {
	mtime := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a := tree(t, time.Now(), 0o600, []string{"custimport", "README.md", "samples/mapping.yaml", "samples/customers.xlsx"})
	b := tree(t, time.Now().Add(-48*time.Hour), 0o664, []string{"samples/customers.xlsx", "samples/mapping.yaml", "README.md", "custimport"})
	za, zb := filepath.Join(t.TempDir(), "a.zip"), filepath.Join(t.TempDir(), "b.zip")
	if err := writeZip(za, a, mtime); err != nil {
		t.Fatal(err)
	}
	if err := writeZip(zb, b, mtime); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(za)
	bb, _ := os.ReadFile(zb)
	if !bytes.Equal(ba, bb) {
		t.Fatal("same files with other mtimes, permissions and creation order gave different archives")
	}

	zr, err := zip.NewReader(bytes.NewReader(ba), int64(len(ba)))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		mode fs.FileMode
		body string
	}{
		{"README.md", 0o644, "# custimport\n"},
		{"custimport", 0o755, "\x7fELF binary"},
		{"samples/", fs.ModeDir | 0o755, ""},
		{"samples/customers.xlsx", 0o644, "PK fake"},
		{"samples/mapping.yaml", 0o644, "columns: {}\n"},
	}
	if len(zr.File) != len(want) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(want))
	}
	for i, w := range want {
		f := zr.File[i]
		if f.Name != w.name || f.Mode() != w.mode || !f.Modified.Equal(mtime) {
			t.Errorf("entry %d: %s %v %v, want %s %v %v", i, f.Name, f.Mode(), f.Modified, w.name, w.mode, mtime)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if string(body) != w.body {
			t.Errorf("%s holds %q, want %q", f.Name, body, w.body)
		}
	}
}
