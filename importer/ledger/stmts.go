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
	d        *DB
	prepared map[string]*sql.Stmt
}

// stmt returns query prepared, once per transaction.
func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := t.prepared[query]
	if !ok {
		var err error
		if st, err = t.Tx.PrepareContext(ctx, t.d.sql(query)); err != nil {
			return nil, err
		}
		if t.prepared == nil {
			t.prepared = map[string]*sql.Stmt{}
		}
		t.prepared[query] = st
	}
	return st, nil
}

// exec runs query, prepared once per transaction.
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

// insert runs an INSERT, prepared once per transaction, and returns the
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
