package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bankflow/bankflow/domain"
	"github.com/uptrace/bun"
)

var _ domain.TransactionRepository = (*DB)(nil)

// insertBatch is how many transactions one INSERT carries.
const insertBatch = 1000

// transactionRows flattens the statements of a job into rows numbered in
// file order, each with its dedup fingerprint. UserID is filled by the caller.
func transactionRows(jobID string, sts []domain.Statement) []txRow {
	n := 0
	for _, s := range sts {
		n += len(s.Transactions)
	}
	rows := make([]txRow, 0, n)
	seen := make(map[string]int, n)
	for _, s := range sts {
		account := strings.TrimSpace(s.Account.Branch + " " + s.Account.Number)
		for _, t := range s.Transactions {
			key := fingerprintKey(t)
			seen[key]++
			r := txRow{
				JobID: jobID, Seq: len(rows) + 1, Line: t.Line, PostedOn: sqlDate(t.Date),
				AmountCents: int64(t.Amount), Description: t.Description, Document: t.Document, FITID: t.FITID,
				Account: account, Bank: s.Bank, Dedup: key + "|" + strconv.Itoa(seen[key]),
			}
			if t.Balance.Valid {
				b := int64(t.Balance.Value)
				r.BalanceCents = &b
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// fingerprintKey is date|amount|normalized description; the occurrence
// index appended to it keeps identical lines of one file apart, so all are
// stored, while re-running a job can never double them.
func fingerprintKey(t domain.Transaction) string {
	return t.Date.String() + "|" + t.Amount.String() + "|" + strings.Join(strings.Fields(fold(t.Description)), " ")
}

// replaceTransactions deletes the job's transactions and inserts rows in
// batches, inside the caller's transaction.
func replaceTransactions(ctx context.Context, tx bun.Tx, jobID string, rows []txRow) error {
	if _, err := tx.NewDelete().Model((*txRow)(nil)).Where("job_id = ?", jobID).Exec(ctx); err != nil {
		return fmt.Errorf("delete transactions: %w", err)
	}
	for start := 0; start < len(rows); start += insertBatch {
		batch := rows[start:min(start+insertBatch, len(rows))]
		if _, err := tx.NewInsert().Model(&batch).Returning("NULL").Exec(ctx); err != nil {
			return fmt.Errorf("insert transactions: %w", err)
		}
	}
	return nil
}

// sortOrder whitelists the orders a query may ask for; ties keep file order.
func sortOrder(sort string) ([]string, bool) {
	switch sort {
	case "", "seq":
		return []string{"t.id"}, true
	case "date":
		return []string{"t.posted_on ASC", "t.id"}, true
	case "-date":
		return []string{"t.posted_on DESC", "t.id DESC"}, true
	case "amount":
		return []string{"t.amount_cents ASC", "t.id"}, true
	case "-amount":
		return []string{"t.amount_cents DESC", "t.id"}, true
	}
	return nil, false
}

// SearchTransactions returns one page of the user's transactions matching q
// and the total number of matches. It never returns another user's rows.
// Text is a full-text query: Portuguese stemming and accent-insensitive on
// PostgreSQL; accent-insensitive word-prefix matching on SQLite.
func (db *DB) SearchTransactions(ctx context.Context, q domain.TransactionQuery) ([]domain.StoredTransaction, int, error) {
	if !validID(q.UserID) {
		return nil, 0, domain.Errorf(domain.CodeInvalid, "Usuário inválido.")
	}
	order, ok := sortOrder(q.Sort)
	if !ok {
		return nil, 0, domain.Errorf(domain.CodeInvalid, "Ordenação inválida: %s.", q.Sort)
	}
	var rows []txRow
	sel := db.bun.NewSelect().Model(&rows).Where("t.user_id = ?", q.UserID)
	if q.JobID != "" {
		if !validID(q.JobID) {
			return nil, 0, nil
		}
		sel = sel.Where("t.job_id = ?", q.JobID)
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		if db.isPostgres() {
			sel = sel.Where("t.search @@ websearch_to_tsquery('portuguese', bankflow_fold(?))", text)
		} else {
			match := ftsQuery(text)
			if match == "" {
				return nil, 0, nil
			}
			sel = sel.Where("t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH ?)", match)
		}
	}
	if q.MinAmount != nil {
		sel = sel.Where("t.amount_cents >= ?", int64(*q.MinAmount))
	}
	if q.MaxAmount != nil {
		sel = sel.Where("t.amount_cents <= ?", int64(*q.MaxAmount))
	}
	if !q.From.IsZero() {
		sel = sel.Where("t.posted_on >= ?", q.From.String())
	}
	if !q.To.IsZero() {
		sel = sel.Where("t.posted_on <= ?", q.To.String())
	}
	total, err := sel.Order(order...).Limit(clampLimit(q.Limit)).Offset(offset(q.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("search transactions: %w", err)
	}
	out := make([]domain.StoredTransaction, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, int(total), nil
}

// JobTransactions returns all transactions of a job in file order (exports,
// the statement JSON contract).
func (db *DB) JobTransactions(ctx context.Context, jobID string) ([]domain.StoredTransaction, error) {
	if !validID(jobID) {
		return nil, errNotFound(fmt.Errorf("job id %q", jobID))
	}
	var rows []txRow
	if err := db.bun.NewSelect().Model(&rows).Where("t.job_id = ?", jobID).Order("t.seq").Scan(ctx); err != nil {
		return nil, fmt.Errorf("job transactions: %w", err)
	}
	out := make([]domain.StoredTransaction, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
