package application

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/bankflow/bankflow/domain"
)

// testEnv wires the services to in-memory fakes.
type testEnv struct {
	clock    *fakeClock
	users    *fakeUsers
	tokens   *fakeTokens
	audit    *fakeAudit
	files    *fakeFiles
	repo     *fakeJobs
	queue    *chanQueue
	reader   *fakeReader
	notifier *fakeNotifier
	limits   map[domain.Tier]domain.Limits
	jobs     *Jobs
	accounts *Accounts
	log      *slog.Logger
}

var testSecret = []byte("0123456789abcdef0123456789abcdef-test")

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	e := &testEnv{
		clock:    newClock(),
		users:    newFakeUsers(),
		tokens:   &fakeTokens{},
		audit:    &fakeAudit{},
		files:    newFakeFiles(),
		repo:     newFakeJobs(),
		queue:    newChanQueue(5),
		reader:   &fakeReader{stmts: sampleStatements(t)},
		notifier: &fakeNotifier{},
		limits:   domain.DefaultLimits(),
		log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	e.jobs = NewJobs(JobsDeps{
		Jobs:          e.repo,
		Transactions:  e.repo,
		Users:         e.users,
		Files:         e.files,
		Queue:         e.queue,
		Statements:    NewStatements(e.reader, fakeExporter{domain.ExportXLSX}, fakeExporter{domain.ExportCSV}),
		Notifier:      e.notifier,
		Audit:         e.audit,
		Limits:        e.limits,
		MaxInputBytes: 2 << 20,
		Now:           e.clock.Now,
		Log:           e.log,
	})
	e.accounts = NewAccounts(e.users, e.tokens, e.audit, AccountsConfig{
		JWTSecret: testSecret, SessionTTL: time.Hour, Now: e.clock.Now, Limits: e.limits,
	}, e.log)
	e.accounts.argon = argonParams{Memory: 64, Time: 1, Threads: 1} // cheap for tests
	return e
}

// addUser stores an active user of the given tier directly.
func (e *testEnv) addUser(t *testing.T, tier domain.Tier) *domain.User {
	t.Helper()
	u := &domain.User{ID: uuid.NewString(), Email: uuid.NewString() + "@example.com", Name: "Contadora",
		Tier: tier, Role: domain.RoleUser, Active: true, CreatedAt: e.clock.Now()}
	if err := e.users.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// submit submits body as an upload and fails the test on error.
func (e *testEnv) submit(t *testing.T, u *domain.User, body string) *domain.Job {
	t.Helper()
	res, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Filename: "extrato.ofx", Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return res.Job
}

// process submits a parsable file and processes it to completion.
func (e *testEnv) completed(t *testing.T, u *domain.User, body string) *domain.Job {
	t.Helper()
	j := e.submit(t, u, body)
	if err := e.jobs.Process(context.Background(), j.ID); err != nil {
		t.Fatalf("process: %v", err)
	}
	got := e.repo.job(j.ID)
	if got.Status != domain.JobCompleted {
		t.Fatalf("job status %s (%s), want completed", got.Status, got.ErrorMessage)
	}
	return &got
}

func mustDate(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseISODate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sampleStatements is a file with two accounts: a reconciled checking
// account and a savings account without balances.
func sampleStatements(t *testing.T) []domain.Statement {
	t.Helper()
	checking := domain.Statement{
		Bank: domain.BankItau, Format: domain.FormatOFX, Parser: "ofx",
		Account: domain.Account{BankCode: "341", Branch: "0001", Number: "12345-6", Type: domain.AccountChecking, Currency: "BRL"},
		Opening: domain.Known(100000), Closing: domain.Known(123456),
		Transactions: []domain.Transaction{
			{Date: mustDate(t, "2024-01-02"), Amount: -15000, Description: "PIX ENVIADO JOAO", Document: "123456", FITID: "20240102001", Line: 10},
			{Date: mustDate(t, "2024-01-05"), Amount: 38456, Description: "TED RECEBIDA", Balance: domain.Known(123456), Line: 11},
		},
		DayBalances: []domain.DayBalance{{Date: mustDate(t, "2024-01-05"), Balance: 123456, Line: 12}},
		Warnings:    []string{"Linha 14 ignorada: total do período."},
	}
	checking.Rows.Count(domain.RowHeader, 1, "", "<OFX>")
	checking.Rows.Count(domain.RowTransaction, 10, "", "")
	checking.Rows.Count(domain.RowTransaction, 11, "", "")
	checking.Rows.Count(domain.RowBalance, 12, "saldo do dia", "SALDO DO DIA")
	checking.Rows.Count(domain.RowRejected, 13, "valor ilegível", "05/01 XX,YY")
	checking.FillPeriod()
	domain.Reconcile(&checking)

	savings := domain.Statement{
		Bank: domain.BankItau, Format: domain.FormatOFX, Parser: "ofx",
		Account: domain.Account{BankCode: "341", Branch: "0001", Number: "98765-4", Type: domain.AccountSavings, Currency: "BRL"},
		Transactions: []domain.Transaction{
			{Date: mustDate(t, "2024-01-31"), Amount: 50, Description: "RENDIMENTO POUPANCA", Line: 30},
		},
	}
	savings.Rows.Count(domain.RowTransaction, 30, "", "")
	savings.FillPeriod()
	domain.Reconcile(&savings)
	return []domain.Statement{checking, savings}
}

func wantCode(t *testing.T, err error, code domain.Code) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}
