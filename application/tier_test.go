package application

import (
	"context"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

// channels are the ways a statement reaches Submit; the tier rules are the
// same for all of them.
var channels = []domain.JobSource{domain.SourceUpload, domain.SourceAPI, domain.SourceEmail}

func submitVia(e *testEnv, u *domain.User, src domain.JobSource, body string) error {
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: src, Filename: "extrato.ofx", Body: strings.NewReader(body)})
	return err
}

// tightFree makes the free tier small and open to every channel, so the
// quota and size limits can be reached on each.
func tightFree(e *testEnv) {
	e.limits[domain.TierFree] = domain.Limits{FilesPerMonth: 2, MaxFileBytes: 1 << 10, EmailIngestion: true, API: true}
}

func TestMonthlyQuotaOnEveryChannel(t *testing.T) {
	for _, src := range channels {
		t.Run(string(src), func(t *testing.T) {
			e := newTestEnv(t)
			tightFree(e)
			a, _, _ := newTestAdmin(e, nil)
			admin := e.addAdmin(t)
			u := register(t, e, "ana@example.com", "segredo-forte")
			session, _, err := e.accounts.Login(context.Background(), LoginInput{Email: u.Email, Password: "segredo-forte"})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				if err := submitVia(e, u, src, "STMT arquivo "+string(rune('a'+i))); err != nil {
					t.Fatalf("file %d of 2: %v", i+1, err)
				}
			}
			err = submitVia(e, u, src, "STMT arquivo c")
			wantCode(t, err, domain.CodeQuota)
			msg := domain.ErrorMessage(err)
			for _, want := range []string{"2 arquivos do mês", "plano Gratuito", "Faça upgrade para o plano Profissional em Configurações ou fale com o suporte"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}

			// The upgrade applies to the very next request: the user is
			// reloaded by Authenticate, nothing is cached.
			if _, err := a.SetTier(context.Background(), admin, u.ID, domain.TierProfessional, ""); err != nil {
				t.Fatal(err)
			}
			fresh, err := e.accounts.Authenticate(context.Background(), session)
			if err != nil {
				t.Fatal(err)
			}
			if err := submitVia(e, fresh, src, "STMT arquivo c"); err != nil {
				t.Errorf("after the upgrade: %v", err)
			}
			usage, err := e.jobs.Usage(context.Background(), fresh)
			if err != nil || usage.Limits.FilesPerMonth != 300 || usage.FilesThisMonth != 3 {
				t.Errorf("usage = %+v, %v; want 3 of the professional 300", usage, err)
			}
		})
	}
}

func TestFileSizeLimitOnEveryChannel(t *testing.T) {
	for _, src := range channels {
		t.Run(string(src), func(t *testing.T) {
			e := newTestEnv(t)
			tightFree(e)
			u := e.addUser(t, domain.TierFree)
			big := "STMT" + strings.Repeat("x", 1<<10)
			err := submitVia(e, u, src, big)
			wantCode(t, err, domain.CodeQuota)
			msg := domain.ErrorMessage(err)
			for _, want := range []string{"1 KB", "plano Gratuito", "Faça upgrade para o plano Profissional em Configurações ou fale com o suporte"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if e.files.count() != 0 {
				t.Errorf("a refused file was kept (%d stored)", e.files.count())
			}
			if err := submitVia(e, u, src, big[:1<<10]); err != nil {
				t.Errorf("a file exactly at the limit: %v", err)
			}
		})
	}
}

func TestTopTierPointsToSupport(t *testing.T) {
	e := newTestEnv(t)
	e.limits[domain.TierEnterprise] = domain.Limits{FilesPerMonth: 1, MaxFileBytes: 1 << 20, EmailIngestion: true, API: true}
	u := e.addUser(t, domain.TierEnterprise)
	if err := submitVia(e, u, domain.SourceUpload, "STMT a"); err != nil {
		t.Fatal(err)
	}
	err := submitVia(e, u, domain.SourceUpload, "STMT b")
	wantCode(t, err, domain.CodeQuota)
	if msg := domain.ErrorMessage(err); !strings.Contains(msg, "Fale com o suporte") || strings.Contains(msg, "upgrade") {
		t.Errorf("message %q: the top plan can only point to support", msg)
	}
}

func TestChannelRefusalNamesThePlanThatHasIt(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree) // default limits: no e-mail, no API
	for _, src := range []domain.JobSource{domain.SourceEmail, domain.SourceAPI} {
		err := submitVia(e, u, src, "STMT a")
		wantCode(t, err, domain.CodeForbidden)
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, "Faça upgrade para o plano Profissional em Configurações ou fale com o suporte") {
			t.Errorf("%s: message %q", src, msg)
		}
	}
}
