// Package pgtest starts a throwaway PostgreSQL server for tests: Debian's
// postgresql binaries (initdb, pg_ctl under /usr/lib/postgresql/*/bin, or
// on PATH) make a cluster in a temporary folder and serve it on a free
// loopback port, with trust authentication and no durability (fsync off:
// the tests kill clients, never the machine). One server serves a whole
// test binary (Main stops it); each test gets a database of its own
// (Database).
//
// Where the binaries are missing, or the server cannot be started, a test
// that asks for one is skipped, unless CI is set: there it fails, so that
// CI never passes by leaving the PostgreSQL suites out. initdb refuses to
// run as root: as root, the server runs as the system user "postgres"
// (the package's user) through runuser or su.
//
// It knows nothing of custimport's ledger: it hands out URLs.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running throwaway server.
type Server struct {
	bin    string // the folder of initdb and pg_ctl
	data   string // the cluster's folder
	port   int
	runAs  string // "" this user; else the system user the server runs as
	logf   string
	serial atomic.Int64
}

var (
	once      sync.Once
	server    *Server
	serverErr error
)

// Main runs the tests of a binary that uses the server and stops it
// afterwards: func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	return code
}

// Get returns the binary's server, starting it on first use; a test that
// cannot have one is skipped (failed where CI is set).
func Get(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { server, serverErr = start() })
	if serverErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL: %v (CI installs the postgresql package: .ci/run)", serverErr)
		}
		t.Skipf("no PostgreSQL server for the test: %v", serverErr)
	}
	return server
}

// Database makes a new empty database for the test and returns its URL
// (the test's own: dropped with the server).
func Database(t testing.TB) string {
	t.Helper()
	s := Get(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.serial.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("PostgreSQL: creating a database: %v", err)
	}
	return s.URL(name)
}

// URL returns the URL of database db on the server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://custimport@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Port returns the server's port.
func (s *Server) Port() int { return s.port }

// Restart stops the server (fast: clients are cut off) and starts it
// again on the same port.
func (s *Server) Restart() error {
	if err := s.ctl("stop", "-m", "fast", "-w"); err != nil {
		return err
	}
	return s.ctl("start", "-w", "-t", "60", "-l", s.logf, "-o", s.options())
}

// Stop stops the server and removes its folder.
func (s *Server) Stop() {
	s.ctl("stop", "-m", "immediate", "-w")
	os.RemoveAll(filepath.Dir(s.data))
}

// findBin returns the folder of initdb and pg_ctl: PATH first, else the
// newest /usr/lib/postgresql/<version>/bin.
func findBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb and pg_ctl not found (install Debian's postgresql package)")
}

func version(bin string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return n
}

// start makes and starts the server.
func start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, errors.New("running as root, and there is no system user postgres to run the server as")
		}
		s.runAs = "postgres"
	}
	top, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s.data, s.logf = filepath.Join(top, "data"), filepath.Join(top, "server.log")
	if s.runAs != "" {
		if err := exec.Command("chown", s.runAs, top).Run(); err != nil {
			os.RemoveAll(top)
			return nil, fmt.Errorf("chown %s: %w", top, err)
		}
		os.Chmod(top, 0o755)
	}
	if err := s.run(filepath.Join(bin, "initdb"), "-D", s.data, "-U", "custimport", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(top)
		return nil, err
	}
	for try := 0; try < 5; try++ {
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.ctl("start", "-w", "-t", "60", "-l", s.logf, "-o", s.options()); err == nil {
			return s, nil
		}
	}
	log, _ := os.ReadFile(s.logf)
	os.RemoveAll(top)
	return nil, fmt.Errorf("starting the server: %w\n%s", err, log)
}

// options are the server's settings: loopback only, no socket file, no
// durability, room for a few hundred connections.
func (s *Server) options() string {
	return fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", s.port)
}

func (s *Server) ctl(args ...string) error {
	return s.run(filepath.Join(s.bin, "pg_ctl"), append([]string{"-D", s.data}, args...)...)
}

// run runs a server program, as s.runAs when set.
func (s *Server) run(prog string, args ...string) error {
	var cmd *exec.Cmd
	switch {
	case s.runAs == "":
		cmd = exec.Command(prog, args...)
	case hasProgram("runuser"):
		cmd = exec.Command("runuser", append([]string{"-u", s.runAs, "--", prog}, args...)...)
	default:
		quoted := make([]string, 0, len(args)+1)
		for _, a := range append([]string{prog}, args...) {
			quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
		}
		cmd = exec.Command("su", s.runAs, "-s", "/bin/sh", "-c", strings.Join(quoted, " "))
	}
	cmd.Dir = os.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(prog), strings.Join(args, " "), err, out.String())
	}
	return nil
}

func hasProgram(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// freePort returns a loopback port nothing listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
