package mail

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"

	"github.com/bankflow/bankflow/domain"
)

// compose writes m as a MIME message: a UTF-8 text part and the
// attachments (base64), marked as an automatic reply so that the other
// side's robots never answer it (no mail loops).
func (s *Sender) compose(w io.Writer, m *domain.OutgoingEmail, now time.Time) error {
	var h mail.Header
	from, err := mail.ParseAddress(s.from)
	if err != nil {
		return fmt.Errorf("parse from: %w", err)
	}
	h.SetAddressList("From", []*mail.Address{from})
	h.SetAddressList("To", []*mail.Address{{Address: m.To}})
	h.SetSubject(m.Subject)
	h.SetDate(now)
	if err := h.GenerateMessageIDWithHostname(s.hostname); err != nil {
		return fmt.Errorf("message id: %w", err)
	}
	if id := strings.Trim(m.InReplyTo, "<> "); id != "" {
		h.SetMsgIDList("In-Reply-To", []string{id})
	}
	var refs []string
	for _, r := range strings.Fields(m.References) {
		if r = strings.Trim(r, "<>"); r != "" {
			refs = append(refs, r)
		}
	}
	if len(refs) > 0 {
		h.SetMsgIDList("References", refs)
	}
	h.Set("Auto-Submitted", "auto-replied")
	h.Set("X-Auto-Response-Suppress", "All")

	if len(m.Attachments) == 0 {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		wc, err := message.CreateWriter(w, h.Header)
		if err != nil {
			return fmt.Errorf("mime: %w", err)
		}
		if _, err := io.WriteString(wc, m.Text); err != nil {
			return fmt.Errorf("mime: %w", err)
		}
		return wc.Close()
	}
	mw, err := mail.CreateWriter(w, h)
	if err != nil {
		return fmt.Errorf("mime: %w", err)
	}
	var th mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, err := mw.CreateSingleInline(th)
	if err != nil {
		return fmt.Errorf("mime text: %w", err)
	}
	if _, err := io.WriteString(tw, m.Text); err != nil {
		return fmt.Errorf("mime text: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("mime text: %w", err)
	}
	for _, a := range m.Attachments {
		var ah mail.AttachmentHeader
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		ah.SetContentType(ct, nil)
		ah.SetFilename(a.Filename)
		aw, err := mw.CreateAttachment(ah)
		if err != nil {
			return fmt.Errorf("mime attachment: %w", err)
		}
		if _, err := aw.Write(a.Data); err != nil {
			return fmt.Errorf("mime attachment: %w", err)
		}
		if err := aw.Close(); err != nil {
			return fmt.Errorf("mime attachment: %w", err)
		}
	}
	return mw.Close()
}

// parseFrom returns the bare address of a From setting.
func parseFrom(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return domain.NormalizeEmail(a.Address), nil
}
