package postgres

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// DeleteUserData removes, in one transaction, the user's transactions, jobs,
// API tokens and sender addresses (LGPD erasure; the user row itself and the
// audit log stay). It returns the FileStore ids the jobs still referenced
// (inputs not yet swept, outputs) for the caller to delete after commit.
func (db *DB) DeleteUserData(ctx context.Context, userID string) ([]string, error) {
	if !validID(userID) {
		return nil, nil
	}
	var files []string
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var jobs []jobRow
		if err := tx.NewSelect().Model(&jobs).Column("input_file_id", "output_file_id").
			Where("j.user_id = ?", userID).Scan(ctx); err != nil {
			return fmt.Errorf("list files: %w", err)
		}
		for _, j := range jobs {
			for _, id := range []string{j.InputFileID, j.OutputFileID} {
				if id != "" {
					files = append(files, id)
				}
			}
		}
		for _, del := range []struct {
			model any
			what  string
		}{
			{(*txRow)(nil), "transactions"},
			{(*jobRow)(nil), "jobs"},
			{(*tokenRow)(nil), "tokens"},
			{(*senderRow)(nil), "sender addresses"},
		} {
			if _, err := tx.NewDelete().Model(del.model).Where("user_id = ?", userID).Exec(ctx); err != nil {
				return fmt.Errorf("delete %s: %w", del.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete user data: %w", err)
	}
	return files, nil
}
