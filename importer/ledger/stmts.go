package ledger

import (
	"context"
	"database/sql"
)

// SQLite parses a statement in about as long as it runs one, and an
// import records the same few statements for every row (its sending and
// its outcome): each is prepared once per write transaction. (A row's
// code is read a batch at a time: Codes.)

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
