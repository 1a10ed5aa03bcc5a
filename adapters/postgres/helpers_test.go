package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/testenv"
)

// eachDialect runs fn as a parallel subtest on a fresh, migrated SQLite
// file and on a fresh, migrated PostgreSQL schema.
func eachDialect(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, d := range []string{DialectSQLite, DialectPostgres} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := openEmpty(t, d)
			if err := db.Migrate(context.Background()); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			fn(t, db)
		})
	}
}

// openEmpty opens an empty database of the dialect, removed at cleanup.
func openEmpty(tb testing.TB, dialect string) *DB {
	tb.Helper()
	if dialect == DialectSQLite {
		return mustOpen(tb, "sqlite:"+filepath.Join(tb.TempDir(), "bankflow.db"))
	}
	return openPostgresSchema(tb)
}

// openPostgresSchema creates a schema bf_test_<random> on the test server
// and opens the store with search_path set to it, so tests run in parallel
// without seeing each other; the schema is dropped at cleanup.
func openPostgresSchema(tb testing.TB) *DB {
	tb.Helper()
	base := testenv.PostgresURL(tb)
	ctx := context.Background()
	admin := mustOpen(tb, base)
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "bf_test_" + hex.EncodeToString(rnd[:])
	if _, err := admin.bun.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.bun.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return mustOpen(tb, u.String())
}

func mustOpen(tb testing.TB, dsn string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", dsn, err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// t0 is a fixed instant the fixtures start from.
var t0 = time.Date(2024, 2, 1, 12, 0, 0, 0, time.UTC)

func newUser(tb testing.TB, db *DB, email string) *domain.User {
	tb.Helper()
	u := &domain.User{Email: email, Name: "Ana Souza", PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", Tier: domain.TierFree, Role: domain.RoleUser, Active: true, CreatedAt: t0}
	if err := db.CreateUser(context.Background(), u); err != nil {
		tb.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func newJob(tb testing.TB, db *DB, userID, hash string, created time.Time) *domain.Job {
	tb.Helper()
	j := &domain.Job{UserID: userID, Source: domain.SourceUpload, OriginalFilename: "extrato.ofx", FileSize: 1234,
		FileHash: hash, InputFileID: "in-" + hash, CreatedAt: created, ExpiresAt: created.Add(30 * time.Minute)}
	if err := db.CreateJob(context.Background(), j); err != nil {
		tb.Fatalf("create job: %v", err)
	}
	return j
}

func claim(tb testing.TB, db *DB, id string) *domain.Job {
	tb.Helper()
	j, err := db.ClaimJob(context.Background(), id, t0.Add(time.Minute))
	if err != nil {
		tb.Fatalf("claim job: %v", err)
	}
	return j
}

func date(tb testing.TB, s string) domain.Date {
	tb.Helper()
	d, err := domain.ParseISODate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// statement is a balanced Itaú statement with the given transactions.
func statement(tb testing.TB, txs ...domain.Transaction) domain.Statement {
	tb.Helper()
	s := domain.Statement{Bank: domain.BankItau, Format: domain.FormatOFX, Account: domain.Account{BankCode: "341", Branch: "0001", Number: "12345-6"},
		Opening: domain.Known(100000), Transactions: txs}
	var sum domain.Money
	for _, t := range txs {
		sum += t.Amount
	}
	s.Closing = domain.Known(100000 + sum)
	domain.Reconcile(&s)
	return s
}

func tx(tb testing.TB, day string, amount domain.Money, desc string) domain.Transaction {
	tb.Helper()
	return domain.Transaction{Date: date(tb, day), Amount: amount, Description: desc}
}

// threeTransactions is the result of a small statement.
func threeTransactions(tb testing.TB) domain.JobResult {
	tb.Helper()
	a := tx(tb, "2024-01-02", -15000, "TRANSFERENCIA PIX JOAO SILVA")
	a.Balance = domain.Known(85000)
	a.FITID = "20240102001"
	b := tx(tb, "2024-01-03", 250000, "SALÁRIO EMPRESA XYZ LTDA")
	b.Document = "000123"
	c := tx(tb, "2024-01-05", -4590, "TARIFA BANCÁRIA MENSAL")
	return domain.JobResult{Statements: []domain.Statement{statement(tb, a, b, c)}, DetectedBank: domain.BankItau,
		Format: "ofx", OutputFileID: "out-1", Summary: []byte(`{"bank":"itau"}`)}
}

func wantCode(tb testing.TB, err error, code domain.Code) {
	tb.Helper()
	if got := domain.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func wantNotFound(tb testing.TB, err error) {
	tb.Helper()
	if !errors.Is(err, domain.ErrNotFound) {
		tb.Fatalf("error = %v, want ErrNotFound", err)
	}
}
