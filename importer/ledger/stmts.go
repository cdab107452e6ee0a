package ledger

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite parses a statement in about as long as it runs one, and an
// import records the same few statements for every row (its claim or
// sending, its outcome) and reads one for every create TMS answered
// (CreatedWithCode). Those are prepared once for the ledger's lifetime
// on its connections (a stmtCache), and reused by every transaction. (A
// row's code is read a batch at a time: Codes.)

// maxCached bounds the statements a stmtCache keeps: the ledger's
// statements are a fixed few, so this only guards against a query built
// from its arguments filling it.
const maxCached = 64

// stmtCache holds statements prepared on a pool (the writer's single
// connection, or the readers') for as long as the ledger is open.
// database/sql prepares a cached statement again on any connection it
// was not prepared on, so a connection the pool replaces is safe.
type stmtCache struct {
	db   *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	want []string // queries seen in a transaction, to prepare when the connection is free
	// parses counts the statements prepared (for the cache, or for one
	// transaction alone): the tests' measure of what the cache saves.
	parses int
}

// get returns query's cached statement, nil if there is none yet.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// prepare returns query's statement, preparing and caching it on the
// pool if it is not yet (when the cache is full, the statement is
// prepared for the caller alone, who closes it: close reports whether).
// It must not be called while the pool's only connection is held (the
// writer's, during a transaction).
func (c *stmtCache) prepare(ctx context.Context, query string) (st *sql.Stmt, close bool, err error) {
	if st := c.get(query); st != nil {
		return st, false, nil
	}
	st, err = c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parses++
	if old, ok := c.m[query]; ok { // prepared meanwhile by another reader
		st.Close()
		return old, false, nil
	}
	if len(c.m) >= maxCached {
		return st, true, nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, false, nil
}

// wanted notes that a transaction prepared query for itself: prepareWanted
// caches it for the next ones.
func (c *stmtCache) wanted(query string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parses++
	if len(c.m)+len(c.want) < maxCached {
		c.want = append(c.want, query)
	}
}

// prepareWanted prepares the queries transactions wanted; the writer
// calls it between transactions, when its connection is free. A query
// that cannot be prepared is left to the transactions (which report its
// error where it is used).
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	want := c.want
	c.want = nil
	c.mu.Unlock()
	for _, q := range want {
		if st, close, err := c.prepare(ctx, q); err == nil && close {
			st.Close()
		}
	}
}

// closeAll closes the cached statements.
func (c *stmtCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
	c.want = nil
}

// queryPrepared runs a read whose text is one of a fixed few (not built
// from its arguments): on SQLite with a statement prepared once.
func (d *DB) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if d.reads == nil {
		return d.query(ctx, query, args...)
	}
	st, close, err := d.reads.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	if close {
		defer st.Close() // the rows keep the statement until they are closed
	}
	return st.QueryContext(ctx, args...)
}

// txn is one write transaction (a batch of queued writes) with the
// statements it uses: on SQLite, the writer's statements (prepared on
// its single connection, which is the transaction's), or, for a query
// met for the first time, one prepared for this transaction alone.
type txn struct {
	*sql.Tx
	d        *DB
	cache    *stmtCache // the writer's; nil on PostgreSQL
	prepared map[string]*sql.Stmt
}

// stmt returns query prepared: the writer's statement bound to this
// transaction (no parse), else prepared for this transaction and noted
// for the writer to cache.
func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := t.prepared[query]
	if ok {
		return st, nil
	}
	var err error
	if cached := t.cache.get(query); cached != nil {
		st = t.Tx.StmtContext(ctx, cached)
	} else {
		if st, err = t.Tx.PrepareContext(ctx, t.d.sql(query)); err != nil {
			return nil, err
		}
		t.cache.wanted(query)
	}
	if t.prepared == nil {
		t.prepared = map[string]*sql.Stmt{}
	}
	t.prepared[query] = st
	return st, nil
}

// exec runs query, prepared once for the writer.
func (t *txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.d.pg != nil {
		return t.ExecContext(ctx, query, args...) // pgx keeps its own statement cache
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// insert runs an INSERT, prepared once for the writer, and returns the
// id of the row it made.
func (t *txn) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	if t.d.pg != nil {
		err := t.Tx.QueryRowContext(ctx, t.d.sql(query+" RETURNING id"), args...).Scan(&id)
		return id, err
	}
	st, err := t.stmt(ctx, query+" RETURNING id")
	if err != nil {
		return 0, err
	}
	err = st.QueryRowContext(ctx, args...).Scan(&id)
	return id, err
}

// ExecContext runs a statement once, unprepared.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.sql(query), args...)
}

// PrepareContext prepares a statement for the transaction.
func (t *txn) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.d.sql(query))
}
