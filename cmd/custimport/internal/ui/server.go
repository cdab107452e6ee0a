// Package ui owns the local web page of `custimport ui`: a loopback HTTP
// server for office staff that uploads a CSV/XLSX, checks it, shows the
// rows in a grid where cells are fixed in place, imports the rows with
// live progress, and hands back the results workbook.
//
// The page is a view of one session held in server memory (a reload loses
// nothing). Checks and imports are importer Jobs: a check is a dry-run
// over the upload's bytes (or, once a cell was edited, over the edited
// rows written to an in-memory workbook); an import runs with the same
// sender and ledger wiring as the CLI (cmd/custimport/internal/connect), so the page and
// the CLI never create a customer twice.
//
// Security: the server listens on loopback only; the URL's one-time token
// becomes an HttpOnly, SameSite=Strict cookie; other requests get 403, as
// do requests whose Host is not the server's own (DNS rebinding) and
// cross-origin state changes. Every answer carries a strict CSP and
// no-store. The API key stays in server memory and is never rendered.
package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/custimport/custimport/cmd/custimport/internal/connect"
	"github.com/custimport/custimport/cmd/custimport/internal/inbox"
	"github.com/custimport/custimport/importer"
)

// Defaults of the upload limits.
const (
	DefaultMaxUploadBytes = 64 << 20
	DefaultMaxRows        = 200_000
	// PageRows is how many rows one page of the grid shows.
	PageRows = 100
)

// Config configures a Server.
type Config struct {
	// Conn is the connection to TMS, prefilled from the environment and
	// config file; Conn.Key may be empty (typed on the page).
	Conn connect.Settings
	// Getenv finds the ledger's folder as the CLI does (CUSTIMPORT_STATE_DIR).
	Getenv func(string) string
	// Job is what every check and import of the page starts from: the
	// settings' importer options (settings.Job), with the mapping file,
	// the validator's configuration and defaults, the workers and the
	// stop after failures. The page sets the rest per upload.
	Job            importer.Options
	Lang           string // "zh" (default) or "en"
	MaxUploadBytes int64  // 0: DefaultMaxUploadBytes
	MaxRows        int    // 0: DefaultMaxRows
	Logger         *slog.Logger
	// UpdateExisting is the first state of the page's 「更新已存在的客戶」
	// (update_existing).
	UpdateExisting bool
	// ExistingFile is the list of existing customers the configuration
	// names (existing_customers): an import loads it into the ledger when
	// it changed, a check reads it then.
	ExistingFile string
	// Preload is a file the page opens with, loaded and checked (a file
	// dragged onto custimport.exe, or `custimport ui FILE`).
	Preload string
}

// Server is the web page's HTTP server. Create it with New, serve Handler
// on a loopback listener whose address is given with SetAddr, and Close it
// at the end (it removes its temporary folder).
type Server struct {
	cfg     Config
	log     *slog.Logger
	token   string // the one-time URL token
	cookie  string // the session cookie's value, set when the token is used
	tmp     string // private folder of results files (mode 700)
	unlock  func() // releases the lock that marks tmp as in use
	handler http.Handler

	mu       sync.Mutex
	redeemed bool
	hosts    map[string]bool // Host headers accepted
	sess     *session
}

// CookieName is the session cookie's name.
const CookieName = "custimport_session"

// New makes a server. Its temporary folder is created now.
func New(cfg Config) (*Server, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.MaxRows <= 0 {
		cfg.MaxRows = DefaultMaxRows
	}
	if cfg.Lang != "en" {
		cfg.Lang = "zh"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	removeStaleTemps(log)
	tmp, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("temporary folder: %w", err)
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	unlock, err := inbox.Lock(tmp) // held while it runs: a later start removes it only once free
	if err != nil {
		unlock = func() {}
	}
	s := &Server{cfg: cfg, log: log, token: randomString(), cookie: randomString(), tmp: tmp, unlock: unlock, hosts: map[string]bool{}}
	s.sess = newSession(s)
	s.sess.peekExisting(context.Background())
	if cfg.Preload != "" {
		s.sess.preload(context.Background(), cfg.Preload)
	}
	s.handler = s.routes()
	return s, nil
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SetAddr tells the server the address it listens on: only Host headers
// naming that port on 127.0.0.1 or localhost are served.
func (s *Server) SetAddr(addr net.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	port := strconv.Itoa(addr.(*net.TCPAddr).Port)
	s.hosts = map[string]bool{"127.0.0.1:" + port: true, "localhost:" + port: true}
}

// URL is the address to open, with the one-time token.
func (s *Server) URL(addr net.Addr) string {
	return "http://127.0.0.1:" + strconv.Itoa(addr.(*net.TCPAddr).Port) + "/?t=" + s.token
}

// Handler is the server's whole HTTP handler, security checks included.
func (s *Server) Handler() http.Handler { return s.handler }

// TempDir is the private folder of the results files.
func (s *Server) TempDir() string { return s.tmp }

// Close stops a running import (gracefully, waiting for it) and removes
// the temporary folder.
func (s *Server) Close() error {
	s.sess.stopImport()
	// Removed while still locked: once unlocked, another page starting
	// takes the folder for a stale one and locks it to remove it, which
	// puts its lock file back and leaves the folder there a while. Where
	// an open file cannot be removed (Windows), the rest goes once
	// unlocked.
	err := os.RemoveAll(s.tmp)
	s.unlock()
	if err != nil {
		err = os.RemoveAll(s.tmp)
	}
	return err
}

// tempPrefix names the page's private temporary folders.
const tempPrefix = "custimport-ui-"

// removeStaleTemps removes the temporary folders of pages that ended
// without cleaning up (kill -9, a power cut): customers' results must not
// stay in the temporary folder. A folder whose lock another process holds
// is in use and stays.
func removeStaleTemps(log *slog.Logger) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*"))
	for _, d := range dirs {
		release, err := inbox.Lock(d)
		if err != nil {
			continue // in use, or not ours to judge
		}
		release()
		if err := os.RemoveAll(d); err == nil {
			log.Info("removed the temporary folder of a page that ended without cleaning up", "folder", d)
		}
	}
}

// Listen opens a loopback listener on addr ("127.0.0.1:0" picks a port);
// any other host is refused.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--addr %q: the page listens on 127.0.0.1 only", addr)
	}
	if host == "localhost" {
		addr = net.JoinHostPort("127.0.0.1", mustPort(addr))
	}
	return net.Listen("tcp4", addr)
}

func mustPort(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// Serve serves the page on ln until ctx ends, then shuts down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.SetAddr(ln.Addr())
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	s.sess.stopImport()
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(shutCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close() // an open event stream
	}
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// guard applies the security rules before h: headers on every answer,
// the Host check, the token or cookie, and cross-origin protection.
func (s *Server) guard(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { forbidden(w) }))
	protected := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		s.mu.Lock()
		hostOK := s.hosts[r.Host]
		s.mu.Unlock()
		if !hostOK {
			forbidden(w)
			return
		}
		if s.hasCookie(r) {
			protected.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/" && s.redeem(r.URL.Query().Get("t")) {
			http.SetCookie(w, &http.Cookie{Name: CookieName, Value: s.cookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		forbidden(w)
	})
}

// forbidden is the 403 page: in both languages (the session's language
// is not known to a stranger), saying what to do.
func forbidden(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	pageTmpl.ExecuteTemplate(w, "forbidden", nil)
}

func (s *Server) hasCookie(r *http.Request) bool {
	c, err := r.Cookie(CookieName)
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.cookie)) == 1
}

// redeem uses up the one-time token.
func (s *Server) redeem(t string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.redeemed || t == "" || subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) != 1 {
		return false
	}
	s.redeemed = true
	return true
}
