package bootstrap

import (
	"log/slog"

	"go.uber.org/fx"

	"github.com/bankflow/bankflow/adapters/imap"
	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/application"
)

// imapModule watches the BankFlow inbox (IMAP_URL) and feeds the Mailbox.
var imapModule = fx.Module("imap",
	fx.Provide(newPoller),
	fx.Invoke(func(lc fx.Lifecycle, p *imap.Poller) { lc.Append(fx.StartStopHook(p.Start, p.Stop)) }),
)

func newPoller(cfg Config, m *application.Mailbox, db *postgres.DB, log *slog.Logger) (*imap.Poller, error) {
	c, err := imap.ParseURL(cfg.Mail.IMAPURL)
	if err != nil {
		return nil, err
	}
	c.PollInterval = cfg.Mail.IMAPPoll
	return imap.NewPoller(c, m, db, log)
}
