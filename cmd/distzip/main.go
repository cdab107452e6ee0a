// Command distzip writes a reproducible zip archive of a folder for
// release.sh: entries sorted by name, one fixed modification time, fixed
// permissions (0755 for folders and executables, 0644 for the rest), no
// owner and no other metadata, so the same files give the same bytes.
//
//	go run ./cmd/distzip -mtime UNIXSECONDS -o out.zip DIR
package main

import (
	"archive/zip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

func main() {
	out := flag.String("o", "", "output `FILE.zip`")
	mtime := flag.Int64("mtime", 0, "modification time of every entry, in Unix `seconds` (the commit's time)")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: distzip -mtime SECONDS -o FILE.zip DIR")
		os.Exit(2)
	}
	if err := writeZip(*out, flag.Arg(0), time.Unix(*mtime, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "distzip:", err)
		os.Exit(1)
	}
}

// writeZip archives the contents of dir (not dir itself) into out.
func writeZip(out, dir string, mtime time.Time) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	// WalkDir visits entries in lexical order: the archive's order.
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return addEntry(zw, path, filepath.ToSlash(rel), d, mtime)
	}); err != nil {
		return err
	}
	return zw.Close()
}

// addEntry writes one folder or regular file.
func addEntry(zw *zip.Writer, path, name string, d fs.DirEntry, mtime time.Time) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
	switch {
	case d.IsDir():
		h.Name += "/"
		h.Method = zip.Store
		h.SetMode(fs.ModeDir | 0o755)
		_, err := zw.CreateHeader(h)
		return err
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file or folder", path)
	case info.Mode()&0o111 != 0:
		h.SetMode(0o755)
	default:
		h.SetMode(0o644)
	}
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, src)
	return errors.Join(err, src.Close())
}
