package application

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// mailEnv is the job pipeline with e-mail ingestion in front and the
// mailbox as the job notifier.
type mailEnv struct {
	*testEnv
	emails   *fakeEmails
	mailer   *fakeMailer
	senders  *fakeSenders
	optIn    *fakeNotifier
	mailbox  *Mailbox
	user     *domain.User
	uidNext  uint32
	validity uint32
}

func newMailEnv(t *testing.T, tier domain.Tier) *mailEnv {
	t.Helper()
	e := &mailEnv{testEnv: newTestEnv(t), emails: newFakeEmails(), mailer: &fakeMailer{}, optIn: &fakeNotifier{}, validity: 1}
	e.jobs = NewJobs(JobsDeps{
		Jobs: e.repo, Transactions: e.repo, Users: e.users, Files: e.files, Queue: e.queue,
		Statements: NewStatements(statementReader{sampleStatements(t)}, fakeExporter{domain.ExportXLSX}, fakeExporter{domain.ExportCSV}),
		Audit:      e.audit, Limits: e.limits, MaxInputBytes: 2 << 20, Now: e.clock.Now, Log: e.log,
	})
	e.senders = newFakeSenders(e.users)
	e.mailbox = NewMailbox(MailboxDeps{
		Jobs: e.jobs, JobRepo: e.repo, Users: e.users, Inbox: fakeInbox{e.users}, Senders: e.senders,
		Emails: e.emails, Files: e.files, Audit: e.audit, Mailer: e.mailer, Notifier: e.optIn,
		InboxAddress: "extratos@bankflow.com.br", Now: e.clock.Now, Log: e.log,
	})
	e.jobs.d.Notifier = e.mailbox
	e.user = e.addUser(t, tier)
	e.user.InboxToken, e.user.Name = "tok123", "Ana Souza"
	if err := e.users.UpdateUser(context.Background(), e.user); err != nil {
		t.Fatal(err)
	}
	return e
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mail", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ingest hands raw to the mailbox as the next message of the INBOX.
func (e *mailEnv) ingest(t *testing.T, raw []byte) Folder {
	t.Helper()
	e.uidNext++
	f, err := e.mailbox.Ingest(context.Background(), IngestInput{Mailbox: "INBOX", UIDValidity: e.validity, UID: e.uidNext, Raw: raw})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return f
}

// work processes every queued job, as the worker would.
func (e *mailEnv) work(t *testing.T) {
	t.Helper()
	for _, j := range allJobs(e.repo) {
		if j.Status == domain.JobQueued {
			if err := e.jobs.Process(context.Background(), j.ID); err != nil {
				t.Fatalf("process %s: %v", j.ID, err)
			}
		}
	}
}

func (e *mailEnv) jobNames() []string {
	var names []string
	for _, j := range allJobs(e.repo) {
		if j.Source != domain.SourceEmail {
			continue
		}
		names = append(names, j.OriginalFilename)
	}
	slices.Sort(names)
	return names
}

func TestMailboxTurnsAttachmentsIntoJobsAndRepliesOnce(t *testing.T) {
	cases := []struct {
		fixture string
		jobs    []string // file names submitted, sorted
		ignored []string // must not show up anywhere
	}{
		{"forwarded_rfc822.eml", []string{"itau.ofx", "nubank.csv"}, nil},
		{"nested_accented.eml", []string{"extrato_março.ofx"}, []string{"image001.png", "assinatura.png"}},
		{"zip_two.eml", []string{"itau.ofx", "itau_novo.csv"}, []string{"._itau.ofx"}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			e := newMailEnv(t, domain.TierProfessional)
			raw := fixture(t, tc.fixture)
			if f := e.ingest(t, raw); f != FolderProcessed {
				t.Errorf("folder = %q, want Processed", f)
			}
			if got := e.jobNames(); !slices.Equal(got, tc.jobs) {
				t.Fatalf("jobs = %q, want %q", got, tc.jobs)
			}
			for _, j := range allJobs(e.repo) {
				if j.UserID != e.user.ID || j.Source != domain.SourceEmail || j.EmailMessageID == "" {
					t.Errorf("job %+v not an e-mail job of the user", j)
				}
			}
			if n := len(e.mailer.messages()); n != 0 {
				t.Fatalf("%d replies before the jobs finished", n)
			}
			e.work(t)
			sent := e.mailer.messages()
			if len(sent) != 1 {
				t.Fatalf("%d replies, want exactly 1", len(sent))
			}
			r := sent[0]
			if len(r.Attachments) != len(tc.jobs) {
				t.Errorf("%d attachments, want %d", len(r.Attachments), len(tc.jobs))
			}
			for _, a := range r.Attachments {
				if !strings.HasSuffix(a.Filename, ".xlsx") || len(a.Data) == 0 {
					t.Errorf("attachment %q (%d bytes) is not a workbook", a.Filename, len(a.Data))
				}
			}
			if !strings.HasPrefix(r.Subject, "Re: ") || r.InReplyTo == "" || !strings.Contains(r.References, r.InReplyTo) {
				t.Errorf("reply not threaded: subject %q in-reply-to %q references %q", r.Subject, r.InReplyTo, r.References)
			}
			for _, want := range append([]string{"Saldo conferido", "Banco: Itaú (341)", "agência 0001, conta 12345-6", "Período: 02/01/2024 a 05/01/2024", "Transações: 2"}, tc.jobs...) {
				if !strings.Contains(r.Text, want) {
					t.Errorf("reply text lacks %q:\n%s", want, r.Text)
				}
			}
			for _, bad := range tc.ignored {
				if strings.Contains(r.Text, bad) {
					t.Errorf("reply mentions ignored file %q", bad)
				}
			}
			// Later notifications and sweeps do not answer again.
			if err := e.mailbox.SendPending(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := len(e.mailer.messages()); n != 1 {
				t.Errorf("%d replies after SendPending, want 1", n)
			}
		})
	}
}

func TestMailboxNeverAnswersRobots(t *testing.T) {
	for _, name := range []string{"autoreply.eml", "bounce.eml", "mailing_list.eml"} {
		t.Run(name, func(t *testing.T) {
			e := newMailEnv(t, domain.TierProfessional)
			if f := e.ingest(t, fixture(t, name)); f != FolderFailed {
				t.Errorf("folder = %q, want Failed", f)
			}
			e.work(t)
			if n := len(e.mailer.messages()); n != 0 {
				t.Errorf("%d replies to a robot message, want none", n)
			}
			if jobs := e.jobNames(); len(jobs) != 0 {
				t.Errorf("jobs %q from a robot message", jobs)
			}
			if got := e.emails.all(); len(got) != 1 || got[0].Status != domain.EmailIgnored {
				t.Errorf("stored outcome %+v, want ignored", got)
			}
		})
	}
}

func TestMailboxExplainsWhatItCouldNotDo(t *testing.T) {
	cases := []struct {
		name    string
		fixture string
		tier    domain.Tier
		want    []string
	}{
		{"no attachment", "no_attachment.eml", domain.TierProfessional, []string{"não tem nenhum extrato anexado"}},
		{"pdf", "pdf_only.eml", domain.TierProfessional, []string{"extrato.pdf", "PDF ainda não são lidos"}},
		{"malformed", "malformed.eml", domain.TierProfessional, []string{"itau.ofx", "Não processado"}},
		{"oversized", "oversized.eml", domain.TierProfessional, []string{"grande.ofx", "passa do limite de 1 KB do plano Profissional"}},
		{"plan without e-mail", "forwarded_rfc822.eml", domain.TierFree, []string{"não está incluído no plano Gratuito"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newMailEnv(t, tc.tier)
			l := e.limits[domain.TierProfessional]
			l.MaxFileBytes = 1 << 10
			e.limits[domain.TierProfessional] = l
			if f := e.ingest(t, fixture(t, tc.fixture)); f != FolderFailed {
				t.Errorf("folder = %q, want Failed", f)
			}
			e.work(t)
			sent := e.mailer.messages()
			if len(sent) != 1 {
				t.Fatalf("%d replies, want 1", len(sent))
			}
			for _, w := range tc.want {
				if !strings.Contains(sent[0].Text, w) {
					t.Errorf("reply lacks %q:\n%s", w, sent[0].Text)
				}
			}
			if len(sent[0].Attachments) != 0 {
				t.Errorf("reply has %d attachments, want none", len(sent[0].Attachments))
			}
		})
	}
}

func TestMailboxRefusesUnknownSendersPolitely(t *testing.T) {
	e := newMailEnv(t, domain.TierProfessional)
	if f := e.ingest(t, fixture(t, "unknown_sender.eml")); f != FolderFailed {
		t.Errorf("folder = %q, want Failed", f)
	}
	if jobs := e.jobNames(); len(jobs) != 0 {
		t.Errorf("jobs %q for an unknown sender", jobs)
	}
	sent := e.mailer.messages()
	if len(sent) != 1 || sent[0].To != "estranho@desconhecido.com" || !strings.Contains(sent[0].Text, "não encontramos uma conta") {
		t.Fatalf("refusal = %+v", sent)
	}
	if len(e.audit.find("email.refused")) != 1 {
		t.Errorf("refusal not audited once: %+v", e.audit.find("email.refused"))
	}
	// The same message again (a retry of the poller) is not answered twice.
	e.uidNext--
	e.ingest(t, fixture(t, "unknown_sender.eml"))
	if n := len(e.mailer.messages()); n != 1 {
		t.Errorf("%d refusals, want 1", n)
	}

	// Once the address is a verified sender of the user, it is routed.
	// Registered but not verified: still refused.
	if err := e.senders.AddSender(context.Background(), domain.SenderAddress{UserID: e.user.ID, Email: "estranho@desconhecido.com",
		VerifyHash: "pending", VerifyExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	pending := strings.Replace(string(fixture(t, "unknown_sender.eml")), "<unknown-10@", "<unknown-12@", 1)
	if f := e.ingest(t, []byte(pending)); f != FolderFailed {
		t.Errorf("unverified sender: folder = %q", f)
	}
	if err := e.senders.VerifySender(context.Background(), e.user.ID, "estranho@desconhecido.com", time.Now()); err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(fixture(t, "unknown_sender.eml")), "<unknown-10@", "<unknown-11@", 1)
	if f := e.ingest(t, []byte(other)); f != FolderProcessed {
		t.Errorf("verified sender: folder = %q", f)
	}
	if jobs := e.jobNames(); len(jobs) != 1 {
		t.Errorf("verified sender: jobs %q", jobs)
	}
}

func TestMailboxHandlesEachMessageOnce(t *testing.T) {
	e := newMailEnv(t, domain.TierProfessional)
	raw := fixture(t, "forwarded_rfc822.eml")
	ctx := context.Background()
	in := IngestInput{Mailbox: "INBOX", UIDValidity: 1, UID: 7, Raw: raw}
	if f, err := e.mailbox.Ingest(ctx, in); err != nil || f != FolderProcessed {
		t.Fatalf("first: %q %v", f, err)
	}
	// The move failed and the poller sees it again; then the server
	// renumbers the mailbox (new UIDVALIDITY) and it comes a third time.
	for _, again := range []IngestInput{in, {Mailbox: "INBOX", UIDValidity: 2, UID: 1, Raw: raw}} {
		if f, err := e.mailbox.Ingest(ctx, again); err != nil || f != FolderProcessed {
			t.Fatalf("again: %q %v", f, err)
		}
	}
	if n := len(allJobs(e.repo)); n != 2 {
		t.Errorf("%d jobs, want 2", n)
	}
	e.work(t)
	if n := len(e.mailer.messages()); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestMailboxRetriesAFailedReply(t *testing.T) {
	e := newMailEnv(t, domain.TierProfessional)
	e.mailer.fail = errors.New("smtp down")
	e.ingest(t, fixture(t, "nested_accented.eml"))
	e.work(t)
	if n := len(e.mailer.messages()); n != 0 {
		t.Fatalf("%d replies while SMTP is down", n)
	}
	e.mailer.fail = nil
	if err := e.mailbox.SendPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.mailer.messages()); n != 1 {
		t.Errorf("%d replies after SMTP came back, want 1", n)
	}
}

func TestMailboxNotifiesOptedInUploads(t *testing.T) {
	for _, optIn := range []bool{true, false} {
		e := newMailEnv(t, domain.TierProfessional)
		e.user.NotifyEmail = optIn
		if err := e.users.UpdateUser(context.Background(), e.user); err != nil {
			t.Fatal(err)
		}
		e.completed(t, e.user, "OFX upload")
		if got := len(e.optIn.jobs); got != map[bool]int{true: 1, false: 0}[optIn] {
			t.Errorf("opt-in %v: %d notifications", optIn, got)
		}
		if n := len(e.mailer.messages()); n != 0 {
			t.Errorf("an upload got %d e-mail replies", n)
		}
	}
}

func TestMailboxInboxAddress(t *testing.T) {
	e := newMailEnv(t, domain.TierProfessional)
	u := e.addUser(t, domain.TierProfessional)
	addr, err := e.mailbox.InboxAddress(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.InboxToken) != 16 || addr != "extratos+"+u.InboxToken+"@bankflow.com.br" {
		t.Errorf("address %q token %q", addr, u.InboxToken)
	}
	stored, _ := e.users.GetUser(context.Background(), u.ID)
	if stored.InboxToken != u.InboxToken {
		t.Errorf("token not stored")
	}
	if again, _ := e.mailbox.InboxAddress(context.Background(), u); again != addr {
		t.Errorf("address changed: %q", again)
	}
}

func TestMailboxRepliesToReplyToUnlessItLoops(t *testing.T) {
	cases := []struct {
		replyTo, want string
	}{
		{"Escritório Souza <contabil@souza.com.br>", "contabil@souza.com.br"},
		{"noreply@souza.com.br", "estranho@desconhecido.com"},            // a robot: From instead
		{"extratos+tok123@bankflow.com.br", "estranho@desconhecido.com"}, // ourselves: From instead
		{"not an address", "estranho@desconhecido.com"},
	}
	for _, tc := range cases {
		t.Run(tc.replyTo, func(t *testing.T) {
			e := newMailEnv(t, domain.TierProfessional)
			raw := strings.Replace(string(fixture(t, "unknown_sender.eml")), "Subject:", "Reply-To: "+tc.replyTo+"\nSubject:", 1)
			e.ingest(t, []byte(raw))
			sent := e.mailer.messages()
			if len(sent) != 1 || sent[0].To != tc.want {
				t.Fatalf("replies %+v, want one to %s", sent, tc.want)
			}
		})
	}
}
