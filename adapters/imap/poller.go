package imap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// Ingester is what the poller feeds: application.Mailbox.
type Ingester interface {
	Ingest(ctx context.Context, in application.IngestInput) (application.Folder, error)
	SendPending(ctx context.Context) error
}

// Poller watches one mailbox. Start and Stop never block on the network.
type Poller struct {
	cfg     Config
	ingest  Ingester
	cursors domain.EmailCursorRepository
	log     *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewPoller returns a poller of cfg's mailbox; nothing runs before Start.
func NewPoller(cfg Config, ingest Ingester, cursors domain.EmailCursorRepository, log *slog.Logger) (*Poller, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Poller{cfg: cfg, ingest: ingest, cursors: cursors, log: log.With("mailbox", cfg.Mailbox, "imap", cfg.Addr)}, nil
}

// Start runs the poller in the background until Stop.
func (p *Poller) Start(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		return errors.New("imap poller already started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.run(ctx)
	return nil
}

// Stop ends the poller and waits for it (or for ctx). A message being
// ingested is finished first unless ctx ends.
func (p *Poller) Stop(ctx context.Context) error {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run keeps a session alive, reconnecting with exponential backoff.
func (p *Poller) run(ctx context.Context) {
	defer close(p.done)
	backoff := time.Second
	for ctx.Err() == nil {
		start := time.Now()
		err := p.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			backoff = time.Second
		}
		p.log.Warn("imap session ended; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 2*time.Minute)
	}
}

// session connects, prepares the folders and handles new mail until an
// error or the end of ctx.
func (p *Poller) session(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	opts := &imapclient.Options{
		TLSConfig: p.cfg.TLSConfig,
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case wake <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	c, err := p.dial(opts)
	if err != nil {
		return err
	}
	defer c.Close()

	if err := c.Login(p.cfg.User, p.cfg.Password).Wait(); err != nil {
		return fmt.Errorf("imap login: %w", err)
	}
	folders, err := p.prepareFolders(c)
	if err != nil {
		return err
	}
	sel, err := c.Select(p.cfg.Mailbox, nil).Wait()
	if err != nil {
		return fmt.Errorf("select %s: %w", p.cfg.Mailbox, err)
	}
	idle := c.Caps().Has(imap.CapIdle)
	p.log.Info("imap connected", "uidvalidity", sel.UIDValidity, "idle", idle, "move", c.Caps().Has(imap.CapMove))
	lastSweep := time.Time{}
	for {
		// A message being handled is finished even when Stop is called:
		// drain checks ctx only between messages.
		if err := p.drain(ctx, c, sel.UIDValidity, folders); err != nil {
			return err
		}
		if time.Since(lastSweep) >= p.cfg.IdleRefresh {
			if err := p.ingest.SendPending(ctx); err != nil {
				p.log.Warn("send pending replies", "err", err)
			}
			lastSweep = time.Now()
		}
		if err := p.wait(ctx, c, idle, wake); err != nil {
			return err
		}
	}
}

// wait blocks until the server reports new mail, the refresh or poll
// interval passes, or ctx ends.
func (p *Poller) wait(ctx context.Context, c *imapclient.Client, idle bool, wake chan struct{}) error {
	if !idle {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(p.cfg.PollInterval):
		}
		if err := c.Noop().Wait(); err != nil {
			return fmt.Errorf("imap noop: %w", err)
		}
		return nil
	}
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("imap idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-wake:
	case <-time.After(min(p.cfg.IdleRefresh, p.cfg.PollInterval)):
		// A safety re-check: a notification racing the start of IDLE
		// costs at most one poll interval.
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("imap idle done: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("imap idle: %w", err)
	}
	return ctx.Err()
}

func (p *Poller) dial(opts *imapclient.Options) (*imapclient.Client, error) {
	var (
		c   *imapclient.Client
		err error
	)
	switch p.cfg.TLS {
	case TLSImplicit:
		c, err = imapclient.DialTLS(p.cfg.Addr, opts)
	case TLSStart:
		c, err = imapclient.DialStartTLS(p.cfg.Addr, opts)
	default:
		c, err = imapclient.DialInsecure(p.cfg.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("imap dial %s: %w", p.cfg.Addr, err)
	}
	return c, nil
}

// folders are the server names of the Processed and Failed folders.
type folders map[application.Folder]string

// prepareFolders creates the Processed and Failed folders when missing,
// named with the server's hierarchy separator.
func (p *Poller) prepareFolders(c *imapclient.Client) (folders, error) {
	delim := '/'
	if l, err := c.List("", "", nil).Collect(); err == nil && len(l) > 0 && l[0].Delim != 0 {
		delim = l[0].Delim
	}
	out := folders{}
	for f, name := range map[application.Folder]string{application.FolderProcessed: p.cfg.ProcessedFolder, application.FolderFailed: p.cfg.FailedFolder} {
		name = strings.ReplaceAll(name, "/", string(delim))
		out[f] = name
		parts := strings.Split(name, string(delim))
		for i := range parts {
			prefix := strings.Join(parts[:i+1], string(delim))
			l, err := c.List("", prefix, nil).Collect()
			if err != nil {
				return nil, fmt.Errorf("list %s: %w", prefix, err)
			}
			if len(l) > 0 {
				continue
			}
			if err := c.Create(prefix, nil).Wait(); err != nil {
				// Another instance may have created it meanwhile.
				if l, lerr := c.List("", prefix, nil).Collect(); lerr != nil || len(l) == 0 {
					return nil, fmt.Errorf("create folder %s: %w", prefix, err)
				}
			}
		}
	}
	return out, nil
}

// drain hands every message above the cursor to the mailbox, files it and
// moves the cursor. A message another instance holds is left for it and
// keeps the cursor below it, so that it is looked at again.
func (p *Poller) drain(stop context.Context, c *imapclient.Client, validity uint32, dest folders) error {
	ctx := context.WithoutCancel(stop)
	last := uint32(0)
	cur, err := p.cursors.GetEmailCursor(ctx, p.cfg.Mailbox)
	switch {
	case errors.Is(err, domain.ErrNotFound):
	case err != nil:
		return fmt.Errorf("load cursor: %w", err)
	case cur.UIDValidity == validity:
		last = cur.LastUID
	default:
		// The server renumbered the mailbox: read it again from the start;
		// the mailbox recognises messages it already handled.
		p.log.Warn("uidvalidity changed; cursor reset", "old", cur.UIDValidity, "new", validity)
	}
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(last + 1), Stop: 0}}}}
	res, err := c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return fmt.Errorf("uid search: %w", err)
	}
	uids := res.AllUIDs()
	slices.Sort(uids)
	advance := true
	for _, uid := range uids {
		if stop.Err() != nil {
			return stop.Err()
		}
		if uint32(uid) <= last {
			continue
		}
		folder, err := p.handle(ctx, c, validity, uid)
		if err != nil {
			return err
		}
		if folder == application.FolderNone {
			advance = false
			continue
		}
		if err := p.move(c, uid, dest[folder]); err != nil {
			return err
		}
		if advance {
			if err := p.cursors.SaveEmailCursor(ctx, domain.EmailCursor{Mailbox: p.cfg.Mailbox, UIDValidity: validity, LastUID: uint32(uid)}); err != nil {
				return fmt.Errorf("save cursor: %w", err)
			}
		}
	}
	return nil
}

// handle fetches one message and ingests it.
func (p *Poller) handle(ctx context.Context, c *imapclient.Client, validity uint32, uid imap.UID) (application.Folder, error) {
	size, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return application.FolderNone, fmt.Errorf("fetch size of %d: %w", uid, err)
	}
	if len(size) == 0 {
		return application.FolderNone, nil // expunged meanwhile
	}
	if size[0].RFC822Size > p.cfg.MaxMessageBytes {
		p.log.Warn("message too large; filed as failed unread", "uid", uid, "bytes", size[0].RFC822Size)
		return application.FolderFailed, nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return application.FolderNone, fmt.Errorf("fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return application.FolderNone, nil
	}
	raw := msgs[0].FindBodySection(section)
	folder, err := p.ingest.Ingest(ctx, application.IngestInput{Mailbox: p.cfg.Mailbox, UIDValidity: validity, UID: uint32(uid), Raw: raw})
	if err != nil {
		// Transient (database down): leave the message, retry later.
		p.log.Warn("ingest failed; message left for a retry", "uid", uid, "err", err)
		return application.FolderNone, nil
	}
	return folder, nil
}

// move files a handled message: MOVE, else COPY + \Deleted + UID EXPUNGE,
// else COPY + \Deleted (the cursor keeps it from being read again).
func (p *Poller) move(c *imapclient.Client, uid imap.UID, folder string) error {
	set := imap.UIDSetNum(uid)
	if c.Caps().Has(imap.CapMove) {
		if _, err := c.Move(set, folder).Wait(); err != nil {
			return fmt.Errorf("move %d to %s: %w", uid, folder, err)
		}
		return nil
	}
	if _, err := c.Copy(set, folder).Wait(); err != nil {
		return fmt.Errorf("copy %d to %s: %w", uid, folder, err)
	}
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted, imap.FlagSeen}}
	if err := c.Store(set, flags, nil).Close(); err != nil {
		return fmt.Errorf("flag %d deleted: %w", uid, err)
	}
	if c.Caps().Has(imap.CapUIDPlus) {
		if err := c.UIDExpunge(set).Close(); err != nil {
			return fmt.Errorf("expunge %d: %w", uid, err)
		}
	}
	return nil
}
