// Command edges measures how knotted one Go package is: the references
// from one of its non-test files to a declaration in another of its files
// (a function, type, variable, constant, field or method), counted once
// per ordered pair of files. The closing notes of the project's issues
// give it before and after a restructuring:
//
//	go run ./cmd/edges importer            # the count
//	go run ./cmd/edges -list importer      # and each edge, "a.go -> b.go"
//
// It type-checks the package from source (go/types), so the folder must
// build. It knows nothing of the project.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	list := flag.Bool("list", false, "print every edge")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: edges [-list] DIR")
		os.Exit(2)
	}
	if err := run(os.Stdout, flag.Arg(0), *list); err != nil {
		fmt.Fprintln(os.Stderr, "edges:", err)
		os.Exit(2)
	}
}

// run prints the count of dir's file→file edges (and each, with list).
func run(w io.Writer, dir string, list bool) error {
	files, edges, err := Edges(dir)
	if err != nil {
		return err
	}
	if list {
		for _, e := range edges {
			fmt.Fprintf(w, "%s -> %s\n", e[0], e[1])
		}
	}
	fmt.Fprintf(w, "%s: %d files, %d file→file edges\n", dir, files, len(edges))
	return nil
}

// Edges returns the number of non-test Go files of the package in dir
// (those this platform builds) and its file→file edges (file names),
// sorted.
func Edges(dir string) (files int, edges [][2]string, err error) {
	fset, parsed, name, err := parse(dir)
	if err != nil {
		return 0, nil, err
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check(name, fset, parsed, info)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", dir, err)
	}
	seen := map[[2]string]bool{}
	for id, obj := range info.Uses {
		if obj == nil || obj.Pkg() != pkg || !obj.Pos().IsValid() {
			continue
		}
		e := [2]string{filepath.Base(fset.Position(id.Pos()).Filename), filepath.Base(fset.Position(obj.Pos()).Filename)}
		if e[0] != e[1] && !seen[e] {
			seen[e] = true
			edges = append(edges, e)
		}
	}
	slices.SortFunc(edges, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	return len(parsed), edges, nil
}

// parse parses the non-test Go files of the package in dir.
func parse(dir string) (*token.FileSet, []*ast.File, string, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, nil, "", err
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return nil, nil, "", err
		}
		parsed = append(parsed, f)
	}
	return fset, parsed, bp.Name, nil
}
