package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

// BenchmarkCompleteJob measures committing a 1,000-transaction statement:
// the conditional status update, delete, batched insert (full-text index
// maintenance included) in one transaction. Job creation and claim are
// outside the timer.
func BenchmarkCompleteJob(b *testing.B) {
	for _, d := range []string{DialectSQLite, DialectPostgres} {
		b.Run(d, func(b *testing.B) {
			ctx := context.Background()
			db := openEmpty(b, d)
			if err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			u := newUser(b, db, "bench@example.com")
			txs := make([]domain.Transaction, 1000)
			for i := range txs {
				txs[i] = tx(b, fmt.Sprintf("2024-01-%02d", i%28+1), domain.Money(-(i+1)*137), fmt.Sprintf("PIX ENVIADO FORNECEDOR %d LTDA", i%50))
			}
			res := domain.JobResult{Statements: []domain.Statement{statement(b, txs...)}, DetectedBank: domain.BankItau, Format: "ofx"}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				j := newJob(b, db, u.ID, fmt.Sprintf("h%d", i), t0)
				claim(b, db, j.ID)
				b.StartTimer()
				if err := db.CompleteJob(ctx, j.ID, res, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
