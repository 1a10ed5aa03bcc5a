package application

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// The LGPD hooks: a user can take all their data with them and have it
// erased. The admin screens and e-mail confirmation around them come later.

type exportedUser struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Company   string     `json:"company"`
	Tier      string     `json:"tier"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	LastLogin *time.Time `json:"last_login"`
}

type exportedJob struct {
	ID               string             `json:"id"`
	Source           string             `json:"source"`
	OriginalFilename string             `json:"original_filename"`
	FileSize         int64              `json:"file_size"`
	FileHash         string             `json:"file_hash"`
	Status           string             `json:"status"`
	DetectedBank     string             `json:"detected_bank"`
	Format           string             `json:"format"`
	TransactionCount int                `json:"transaction_count"`
	ErrorMessage     string             `json:"error_message"`
	CreatedAt        time.Time          `json:"created_at"`
	CompletedAt      *time.Time         `json:"completed_at"`
	Summary          json.RawMessage    `json:"summary"`
	Transactions     []exportedTransfer `json:"transactions"`
}

type exportedTransfer struct {
	Date        string  `json:"date"`
	Amount      string  `json:"amount"`
	Description string  `json:"description"`
	Document    string  `json:"document"`
	FITID       string  `json:"fitid"`
	Balance     *string `json:"balance"`
}

// ExportUserData writes, as JSON, everything BankFlow keeps about the user:
// profile (without the password hash), jobs and their transactions.
func (s *Jobs) ExportUserData(ctx context.Context, u *domain.User, w io.Writer) error {
	if u == nil {
		return domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	jobs, err := s.allJobs(ctx, u.ID)
	if err != nil {
		return err
	}
	out := struct {
		ExportedAt time.Time     `json:"exported_at"`
		User       exportedUser  `json:"user"`
		Jobs       []exportedJob `json:"jobs"`
	}{
		ExportedAt: s.d.Now().UTC(),
		User: exportedUser{ID: u.ID, Email: u.Email, Name: u.Name, Company: u.Company, Tier: string(u.Tier),
			Role: string(u.Role), CreatedAt: u.CreatedAt, LastLogin: u.LastLogin},
		Jobs: []exportedJob{},
	}
	for i := range jobs {
		j := &jobs[i]
		ej := exportedJob{ID: j.ID, Source: string(j.Source), OriginalFilename: j.OriginalFilename, FileSize: j.FileSize,
			FileHash: j.FileHash, Status: string(j.Status), DetectedBank: j.DetectedBank, Format: j.Format,
			TransactionCount: j.TransactionCount, ErrorMessage: j.ErrorMessage, CreatedAt: j.CreatedAt,
			CompletedAt: j.CompletedAt, Transactions: []exportedTransfer{}}
		if json.Valid(j.Summary) {
			ej.Summary = j.Summary
		}
		txs, err := s.storedTransactions(ctx, j)
		if err != nil {
			return err
		}
		for _, t := range txs {
			ej.Transactions = append(ej.Transactions, exportedTransfer{Date: t.Date.String(), Amount: t.Amount.String(),
				Description: t.Description, Document: t.Document, FITID: t.FITID, Balance: optMoney(t.Balance)})
		}
		out.Jobs = append(out.Jobs, ej)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write user data: %w", err)
	}
	s.audit(ctx, domain.AuditEvent{ActorID: u.ID, Action: "privacy.export", TargetID: u.ID})
	return nil
}

// DeleteUserData erases the user's jobs, files and transactions, then
// anonymises and deactivates the account (the row stays so the audit log
// keeps its references).
func (s *Jobs) DeleteUserData(ctx context.Context, u *domain.User) error {
	if u == nil {
		return domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	jobs, err := s.allJobs(ctx, u.ID)
	if err != nil {
		return err
	}
	for i := range jobs {
		if err := s.deleteJob(ctx, &jobs[i]); err != nil {
			return err
		}
	}
	stored, err := s.d.Users.GetUser(ctx, u.ID)
	if err != nil {
		return unavailable(err)
	}
	stored.Email = "deleted-" + stored.ID + "@invalid"
	stored.Name, stored.Company, stored.PasswordHash, stored.InboxToken = "", "", "", ""
	stored.Active, stored.NotifyEmail = false, false
	if err := s.d.Users.UpdateUser(ctx, stored); err != nil {
		return unavailable(err)
	}
	s.audit(ctx, domain.AuditEvent{ActorID: u.ID, Action: "privacy.delete", TargetID: u.ID,
		Detail: detail(map[string]int{"jobs": len(jobs)})})
	return nil
}

// allJobs pages through every job of a user.
func (s *Jobs) allJobs(ctx context.Context, userID string) ([]domain.Job, error) {
	const page = 500
	var all []domain.Job
	for {
		js, err := s.d.Jobs.ListJobs(ctx, domain.JobFilter{UserID: userID, Limit: page, Offset: len(all)})
		if err != nil {
			return nil, unavailable(err)
		}
		all = append(all, js...)
		if len(js) < page {
			return all, nil
		}
	}
}
