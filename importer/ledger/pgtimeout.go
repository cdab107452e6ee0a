package ledger

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// An unattended run must not wait forever for a ledger on PostgreSQL. Three
// bounds, each of which the ledger's URL may set otherwise
// (connect_timeout=SECONDS, statement_timeout=…, lock_timeout=…, as
// PostgreSQL spells them; 0 turns one off):
//   - connecting (the TCP connection, TLS and the log-in) takes at most
//     pgConnectTimeout: a server that accepts the connection and never
//     answers is given up on;
//   - the server ends a statement that runs longer than
//     pgStatementTimeout, and one that waits longer than pgLockTimeout for
//     a lock another session holds (an administrator's maintenance, a
//     backup, a stuck session);
//   - the client gives up on a server that says nothing for a little
//     longer than the statement timeout (silenceAfter): a server that
//     hangs, or a network that drops everything, which no server-side
//     timeout can end. The session is then closed, and with it the
//     tenant's lock: the ledger writes nothing more;
//   - the server, in turn, ends the session of a client that vanished
//     (pgKeepalives), releasing the tenant's lock for the other PCs.
//
// Either way the ledger's operation fails with a *TimeoutError (which is
// ErrUnreachable): a create whose claim was not committed is not sent.

// Timeouts of a ledger on PostgreSQL whose URL sets none.
const (
	pgConnectTimeout   = 10 * time.Second
	pgStatementTimeout = time.Minute
	pgLockTimeout      = 30 * time.Second
)

// pgKeepalives make the server find a client that vanished (its PC
// lost the network or was switched off mid-run) within about a minute and a
// half, and end its session, which releases the tenant's lock: without
// them the server's system waits two hours, and every other PC's run is
// refused meanwhile. The URL may set them otherwise.
var pgKeepalives = map[string]string{
	"tcp_keepalives_idle":     "60",
	"tcp_keepalives_interval": "10",
	"tcp_keepalives_count":    "3",
}

// ErrTimeout is what a *TimeoutError is.
var ErrTimeout = errors.New("the shared ledger's database did not answer in time")

// TimeoutError is returned when the ledger's PostgreSQL server did not
// answer in time: a statement or a lock wait ran out (the server ended
// it), or the server said nothing at all. It is ErrUnreachable and
// ErrTimeout.
type TimeoutError struct {
	Ledger string        // the ledger (Path: server, database, schema)
	Wait   string        // "connect", "statement", "lock" or "answer"
	After  time.Duration // the timeout that ran out; 0 when not known
	Err    error
}

func (e *TimeoutError) Error() string {
	after := ""
	if e.After > 0 {
		after = " within " + e.After.String()
	}
	what := map[string]string{
		"statement": "a statement did not end" + after,
		"lock":      "a lock another session holds was not released" + after,
		"answer":    "the server said nothing" + after,
		"connect":   "the server did not let custimport in" + after,
	}[e.Wait]
	return fmt.Sprintf("ledger %s: %v: %s: %v", e.Ledger, ErrTimeout, what, e.Err)
}

func (e *TimeoutError) Unwrap() []error { return []error{ErrTimeout, ErrUnreachable, e.Err} }

// pgTimeouts are a session's bounds (see above).
type pgTimeouts struct {
	connect, statement, lock, silence time.Duration
}

// setTimeouts puts the default statement and lock timeouts into cfg
// where its URL sets none, and arranges that a server that says nothing
// for longer than the statement timeout allows is given up on.
func setTimeouts(cfg *pgx.ConnConfig) pgTimeouts {
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	opts := cfg.RuntimeParams["options"]
	tt := pgTimeouts{connect: cfg.ConnectTimeout}
	for _, p := range []struct {
		key string
		def time.Duration
		dst *time.Duration
	}{
		{"statement_timeout", pgStatementTimeout, &tt.statement},
		{"lock_timeout", pgLockTimeout, &tt.lock},
	} {
		v, set := cfg.RuntimeParams[p.key]
		switch {
		case !set && strings.Contains(opts, p.key):
			*p.dst = -1 // set in options: not known here
		case !set:
			cfg.RuntimeParams[p.key] = strconv.FormatInt(p.def.Milliseconds(), 10)
			*p.dst = p.def
		default:
			d, ok := parsePGDuration(v)
			if !ok {
				d = -1
			}
			*p.dst = d
		}
	}
	for k, v := range pgKeepalives {
		if _, set := cfg.RuntimeParams[k]; !set && !strings.Contains(opts, k) {
			cfg.RuntimeParams[k] = v
		}
	}
	switch st := tt.statement; {
	case st == 0:
		tt.silence = 0 // the URL turned the statement timeout off: no bound
	case st < 0:
		tt.silence = silenceAfter(pgStatementTimeout)
	default:
		tt.silence = silenceAfter(st)
	}
	if tt.silence > 0 {
		dial := cfg.DialFunc
		cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &silentConn{Conn: c, limit: tt.silence}, nil
		}
	}
	return tt
}

// silenceAfter is how long the client waits for a word from a server whose
// statements end within statement: the server's own timeout first, then a
// margin for its answer to arrive.
func silenceAfter(statement time.Duration) time.Duration {
	return statement + statement/4 + time.Second
}

// parsePGDuration reads a time setting as PostgreSQL does: a number of
// milliseconds, or a number with a unit (us, ms, s, min, h, d).
func parsePGDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || n < 0 {
		return 0, false
	}
	unit := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
		"min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	u, ok := unit[strings.ToLower(strings.TrimSpace(s[i:]))]
	if !ok || n*float64(u) > float64(1<<62) {
		return 0, false
	}
	return time.Duration(n * float64(u)), true
}

// silentConn is a connection to the server whose every read and write
// must make progress within limit: a server (or a network) that says
// nothing for that long fails the read with a timeout, which closes the
// session. A deadline pgx sets itself (to cancel a query when its
// context ends) is kept when it is sooner.
type silentConn struct {
	net.Conn
	limit time.Duration
	mu    sync.Mutex
	read  time.Time // pgx's own read deadline; zero none
	write time.Time // pgx's own write deadline
}

func (c *silentConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	err := c.Conn.SetReadDeadline(sooner(c.read, time.Now().Add(c.limit)))
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *silentConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	err := c.Conn.SetWriteDeadline(sooner(c.write, time.Now().Add(c.limit)))
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func (c *silentConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.read, c.write = t, t
	return c.Conn.SetDeadline(t)
}

func (c *silentConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.read = t
	return c.Conn.SetReadDeadline(t)
}

func (c *silentConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.write = t
	return c.Conn.SetWriteDeadline(t)
}

// sooner returns the sooner of a deadline (zero: none) and t.
func sooner(deadline, t time.Time) time.Time {
	if !deadline.IsZero() && deadline.Before(t) {
		return deadline
	}
	return t
}

// timeoutOf returns err as a *TimeoutError of the ledger at where when it
// says the server did not answer in time; nil otherwise.
func timeoutOf(where string, tt pgTimeouts, err error) *TimeoutError {
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce) && errors.As(err, &ne) && ne.Timeout(), errors.As(err, &ce) && errors.Is(err, context.DeadlineExceeded):
		return &TimeoutError{Ledger: where, Wait: "connect", After: tt.connect, Err: err}
	case errors.As(err, &pe) && pe.Code == "57014": // query_canceled: statement_timeout (or an administrator's cancel)
		return &TimeoutError{Ledger: where, Wait: "statement", After: max(tt.statement, 0), Err: err}
	case errors.As(err, &pe) && pe.Code == "55P03": // lock_not_available: lock_timeout
		return &TimeoutError{Ledger: where, Wait: "lock", After: max(tt.lock, 0), Err: err}
	case errors.As(err, &ne) && ne.Timeout():
		return &TimeoutError{Ledger: where, Wait: "answer", After: tt.silence, Err: err}
	}
	return nil
}
