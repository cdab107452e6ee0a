package ledger

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite parses a statement in about as long as it runs one, and an
// import runs the same few statements for every row (its code looked up,
// its sending and its outcome recorded): those are prepared once and
// reused.

// stmts prepares each query once per read handle.
type stmts struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmts(db *sql.DB) *stmts { return &stmts{db: db, m: map[string]*sql.Stmt{}} }

// get returns query prepared.
func (s *stmts) get(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.m[query] = st
	return st, nil
}

// close closes every statement prepared.
func (s *stmts) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.m {
		st.Close()
	}
	clear(s.m)
}

// txn is one write transaction (a batch of queued writes) with the
// statements it prepared: the writer's single connection is the
// transaction's, so they are prepared on it and live as long as it.
type txn struct {
	*sql.Tx
	prepared map[string]*sql.Stmt
}

// exec runs query, prepared once per transaction.
func (t *txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := t.prepared[query]
	if !ok {
		var err error
		if st, err = t.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if t.prepared == nil {
			t.prepared = map[string]*sql.Stmt{}
		}
		t.prepared[query] = st
	}
	return st.ExecContext(ctx, args...)
}
