package domain

import "time"

// EmailStatus is where an inbound e-mail is in its handling.
type EmailStatus string

// The inbound e-mail statuses.
const (
	// EmailClaimed: one BankFlow instance took the message and is ingesting it.
	EmailClaimed EmailStatus = "claimed"
	// EmailSubmitted: its statements became jobs; the reply waits for them.
	EmailSubmitted EmailStatus = "submitted"
	// EmailReplied: the reply with the results was sent (or dropped without SMTP).
	EmailReplied EmailStatus = "replied"
	// EmailRefused: no user, or a plan without e-mail ingestion; refused politely.
	EmailRefused EmailStatus = "refused"
	// EmailIgnored: an auto-reply, bounce or list message; never answered.
	EmailIgnored EmailStatus = "ignored"
)

// Final reports whether nothing more happens to a message in this status
// but, for EmailSubmitted, its reply.
func (s EmailStatus) Final() bool { return s != EmailClaimed && s != "" }

// InboundEmail is one e-mail taken from the BankFlow inbox and what became
// of it. It is keyed both by its place in the mailbox (Mailbox, UIDValidity,
// UID) and by DedupKey (Message-ID and content hash), so that a message is
// handled once even when the server renumbers its mailbox.
type InboundEmail struct {
	ID          string
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	DedupKey    string
	MessageID   string // the Message-ID header, with angle brackets
	UserID      string // "" when no user was found
	Status      EmailStatus
	ReplyTo     string // the address a reply goes to; "" for none
	Subject     string
	References  string // the References chain of the reply (space separated)
	Note        string // why the message was refused or ignored (for logs and audits)
	Files       []EmailFile
	Failed      bool // nothing in it became a job: the message goes to the Failed folder
	ClaimedAt   time.Time
	RepliedAt   *time.Time
}

// EmailFile is one attachment of an inbound e-mail and its fate: a job, or
// the reason it was refused.
type EmailFile struct {
	Filename  string
	JobID     string // "" when refused
	Duplicate bool   // the same bytes were sent before: JobID is that job
	Error     string // pt-BR reason when refused
}

// EmailCursor is how far the poller read a mailbox: messages with a UID above
// LastUID under the same UIDValidity are new.
type EmailCursor struct {
	Mailbox     string
	UIDValidity uint32
	LastUID     uint32
	UpdatedAt   time.Time
}

// SenderAddress is an address a user registered to send statements from;
// only a verified one routes mail to the user.
type SenderAddress struct {
	UserID     string
	Email      string
	CreatedAt  time.Time
	VerifiedAt *time.Time
	// VerifyHash is the SHA-256 hex of the secret of the one-time link that
	// verifies the address; "" once verified. VerifyExpiresAt ends the link.
	VerifyHash      string
	VerifyExpiresAt time.Time
}

// OutgoingEmail is a message BankFlow sends: a reply to an e-mailed
// statement or a notification. Text is plain UTF-8 text in pt-BR.
type OutgoingEmail struct {
	To          string
	Subject     string
	InReplyTo   string // Message-ID answered, with angle brackets; "" for none
	References  string
	Text        string
	Attachments []EmailAttachment
}

// EmailAttachment is a file attached to an OutgoingEmail.
type EmailAttachment struct {
	Filename    string
	ContentType string
	Data        []byte
}
