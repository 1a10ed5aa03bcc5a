package e2e

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The statements e-mailed in these tests: each message carries files never
// sent before, so that every job is new (no duplicate detection).
var (
	firstPair   = []mailFile{{"ofx", "statementparser_bradesco-conta-corrente.ofx"}, {"table", "nubank_conta.csv"}}
	killedPair  = []mailFile{{"ofx", "ofxsharp_itau.ofx"}, {"table", "itau_novo.csv"}}
	stoppedPair = []mailFile{{"ofx", "statementparser_nubank-conta-corrente.ofx"}, {"table", "bb_novo.csv"}}
	lastPair    = []mailFile{{"ofx", "ofxsharp_santander.ofx"}, {"table", "santander.csv"}}
	latencyRun  = [][]mailFile{
		{{"ofx", "statementparser_itau-conta-corrente.ofx"}, {"table", "bradesco_novo.csv"}},
		{{"ofx", "ofxsharp_bb.ofx"}, {"table", "c6.csv"}},
		{{"ofx", "ofxparse_checking.ofx"}, {"table", "inter_conta.csv"}},
		{{"ofx", "ofxparse_bank_medium.ofx"}, {"table", "bb_antigo.csv"}},
		{{"ofx", "statementparser_nubank-cartao-credito.ofx"}, {"table", "nubank_cartao.csv"}},
	}
)

// TestEmailIngestionThroughDovecot runs the whole e-mail path on real
// servers: a forwarded e-mail appended to a Dovecot inbox becomes jobs of
// the right user, one threaded reply with the workbooks reaches the SMTP
// sink and the message is filed; robots are never answered, strangers are
// refused once; a restart in the middle loses and repeats nothing.
func TestEmailIngestionThroughDovecot(t *testing.T) {
	r := newMailRig(t)

	t.Run("forwarded OFX and CSV", func(t *testing.T) {
		raw, id := r.forwarded(t, r.email, r.inbox, "", firstPair...)
		r.imap.save(raw)
		got := r.awaitReply(t, id, 60*time.Second)
		if got.to != r.email {
			t.Errorf("reply to %q, want %q", got.to, r.email)
		}
		if !slices.Contains(got.references, id) {
			t.Errorf("references %v lack %s", got.references, id)
		}
		want := []string{"nubank_conta.xlsx", "statementparser_bradesco-conta-corrente.xlsx"}
		if !slices.Equal(got.attachments, want) {
			t.Errorf("attachments %q, want %q", got.attachments, want)
		}
		for _, s := range []string{"Processamos os 2 arquivos", "Banco: Bradesco", "Transações:"} {
			if !strings.Contains(got.text, s) {
				t.Errorf("reply lacks %q:\n%s", s, got.text)
			}
		}
		jobs := r.emailJobs(t)
		for _, f := range firstPair {
			if st := jobs[f.name]; !slices.Equal(st, []string{"completed"}) {
				t.Errorf("jobs of %s for the user: %v, want one completed", f.name, st)
			}
		}
		eventually(t, 10*time.Second, "the message filed in BankFlow/Processed", func() bool {
			return r.imap.count("BankFlow/Processed") == 1 && r.imap.count("INBOX") == 0
		})
	})

	t.Run("robots and strangers", func(t *testing.T) {
		auto, autoID := r.forwarded(t, "ferias@cliente.com.br", r.inbox, "Auto-Submitted: auto-replied\r\n", lastPair[:1]...)
		r.imap.save(auto)
		stranger, strangerID := r.forwarded(t, "estranho@desconhecido.com", inboxAddress, "", lastPair[:1]...)
		r.imap.save(stranger)
		// Messages are handled in order: once the stranger is answered,
		// the auto-reply before it was handled too.
		got := r.awaitReply(t, strangerID, 60*time.Second)
		if got.to != "estranho@desconhecido.com" || !strings.Contains(got.text, "não encontramos uma conta") || len(got.attachments) != 0 {
			t.Errorf("refusal %+v", got)
		}
		eventually(t, 10*time.Second, "both filed in BankFlow/Failed", func() bool {
			return r.imap.count("BankFlow/Failed") == 2 && r.imap.count("INBOX") == 0
		})
		if n := len(r.repliesTo(t, autoID)); n != 0 {
			t.Errorf("%d replies to an auto-reply", n)
		}
		for _, m := range r.sink.messages() {
			if slices.Contains(m.to, "ferias@cliente.com.br") {
				t.Errorf("a message went to the auto-replier")
			}
		}
		if n := r.auditCount(t, "email.refused"); n != 1 {
			t.Errorf("%d email.refused audit events, want 1", n)
		}
		if jobs := r.emailJobs(t); len(jobs) != len(firstPair) {
			t.Errorf("jobs after robots and strangers: %v", jobs)
		}
	})

	t.Run("restart in the middle", func(t *testing.T) {
		// Killed right after the append: before, during or after handling.
		killed, killedID := r.forwarded(t, r.email, r.inbox, "", killedPair...)
		r.imap.save(killed)
		r.srv.kill()
		// Appended while BankFlow is down.
		stopped, stoppedID := r.forwarded(t, r.email, r.inbox, "", stoppedPair...)
		r.imap.save(stopped)
		r.srv.start()
		for _, id := range []string{killedID, stoppedID} {
			got := r.awaitReply(t, id, 90*time.Second)
			if len(got.attachments) != 2 {
				t.Errorf("reply to %s has %q", id, got.attachments)
			}
		}
		// A graceful restart, then one more message: once it is answered,
		// anything the restarts could have repeated would have shown.
		r.srv.stop()
		r.srv.start()
		last, lastID := r.forwarded(t, r.email, r.inbox, "", lastPair...)
		r.imap.save(last)
		r.awaitReply(t, lastID, 60*time.Second)
		eventually(t, 10*time.Second, "every message filed", func() bool {
			return r.imap.count("BankFlow/Processed") == 4 && r.imap.count("INBOX") == 0
		})

		jobs := r.emailJobs(t)
		for _, pair := range [][]mailFile{firstPair, killedPair, stoppedPair, lastPair} {
			for _, f := range pair {
				if st := jobs[f.name]; len(st) != 1 || st[0] != "completed" && st[0] != "failed" {
					t.Errorf("jobs of %s: %v, want exactly one, final", f.name, st)
				}
			}
		}
		if len(jobs) != 8 {
			t.Errorf("%d e-mailed files have jobs, want 8: %v", len(jobs), jobs)
		}
		answered := map[string]int{}
		for _, m := range r.sink.messages() {
			answered[readReply(t, m).inReplyTo]++
		}
		for id, n := range answered {
			if n != 1 {
				t.Errorf("%s answered %d times", id, n)
			}
		}
	})

	t.Run("latency with IDLE", func(t *testing.T) {
		var took []time.Duration
		for _, files := range latencyRun {
			raw, id := r.forwarded(t, r.email, r.inbox, "", files...)
			start := time.Now()
			r.imap.save(raw)
			got := r.awaitReply(t, id, 60*time.Second)
			took = append(took, got.at.Sub(start))
		}
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		t.Logf("append → reply over %d messages (2 attachments each): median %v, min %v, max %v, all %v",
			len(took), took[len(took)/2].Round(time.Millisecond), took[0].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), took)
	})
}
