package application

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/bankflow/bankflow/domain"
)

// UpdateProfile changes the name (and company) a user is shown with.
// Errors: CodeInvalid for an empty or overlong name; CodeUnauthorized for a
// missing or deactivated user.
func (a *Accounts) UpdateProfile(ctx context.Context, userID, name, company string) (*domain.User, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return nil, domain.Errorf(domain.CodeInvalid, "Informe seu nome (até 200 caracteres).")
	}
	company = strings.TrimSpace(company)
	if utf8.RuneCountInString(company) > 200 {
		return nil, domain.Errorf(domain.CodeInvalid, "O nome da empresa pode ter no máximo 200 caracteres.")
	}
	u, err := a.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	u.Name, u.Company = name, company
	if err := a.users.UpdateUser(ctx, u); err != nil {
		return nil, unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "user.profile", TargetID: u.ID})
	return u, nil
}
