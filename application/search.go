package application

import (
	"context"

	"github.com/bankflow/bankflow/domain"
)

// Search pages through the user's stored transactions: full text (Portuguese
// stemming on PostgreSQL, FTS5 on SQLite), amount and date filters, one job
// or all of them. q.UserID is forced to u's own, whoever u is (an admin too:
// search is personal). It returns the page and the total number of matches.
// Errors: CodeUnauthorized without a user; CodeInvalid for an unknown sort;
// CodeUnavailable when the store is down.
func (s *Jobs) Search(ctx context.Context, u *domain.User, q domain.TransactionQuery) ([]domain.StoredTransaction, int, error) {
	if u == nil {
		return nil, 0, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	q.UserID = u.ID
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Limit > 500 {
		q.Limit = 500
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if q.MinAmount != nil && q.MaxAmount != nil && *q.MinAmount > *q.MaxAmount {
		return nil, 0, domain.Errorf(domain.CodeInvalid, "O valor mínimo é maior que o máximo.")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, 0, domain.Errorf(domain.CodeInvalid, "A data inicial é posterior à data final.")
	}
	txs, total, err := s.d.Transactions.SearchTransactions(ctx, q)
	if err != nil {
		return nil, 0, unavailable(err)
	}
	return txs, total, nil
}
