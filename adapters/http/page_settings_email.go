package web

import (
	nethttp "net/http"

	"github.com/gorilla/mux"
)

// mailSection is the "Recebimento por e-mail" section of the settings page.
type mailSection struct {
	// Address is the personal inbox address; "" when this server does not
	// receive e-mail (the page says so instead).
	Address     string
	Allowed     bool   // the plan includes e-mail ingestion
	UpgradePlan string // the cheapest plan that does, when not Allowed
	Senders     []senderView
	CanVerify   bool // sender links can be e-mailed (SMTP configured)
	MaxSenders  int
	Full        bool // MaxSenders reached
	NotifyEmail bool
	SenderEmail string // the address typed, kept after an error
	SenderError string
	MailError   string // error of the address or notification forms
}

type senderView struct {
	Email    string
	Verified bool
	Since    string // verified at, or added at while pending
	Expired  bool   // pending and its link expired: add it again for a new one
}

// mailSection builds the e-mail section for the signed-in user, creating
// their inbox token on first visit.
func (s *Server) mailSection(r *nethttp.Request) (*mailSection, error) {
	o, err := s.email.Overview(r.Context(), User(r.Context()).ID)
	if err != nil {
		return nil, err
	}
	m := &mailSection{Address: o.InboxAddress, Allowed: o.Allowed, CanVerify: o.CanVerify,
		MaxSenders: o.MaxSenders, Full: len(o.Senders) >= o.MaxSenders, NotifyEmail: o.NotifyEmail}
	if o.UpgradeTier != "" {
		m.UpgradePlan = o.UpgradeTier.Label()
	}
	for _, a := range o.Senders {
		v := senderView{Email: a.Email, Verified: a.VerifiedAt != nil, Since: formatTime(a.CreatedAt)}
		if a.VerifiedAt != nil {
			v.Since = formatTime(*a.VerifiedAt)
		} else {
			v.Expired = !a.VerifyExpiresAt.After(o.At)
		}
		m.Senders = append(m.Senders, v)
	}
	return m, nil
}

// handleInboxRotate replaces the user's personal inbox address; the old
// one stops working: POST /settings/email/rotate → 303 to /settings.
func (s *Server) handleInboxRotate(w nethttp.ResponseWriter, r *nethttp.Request) {
	if _, err := s.email.RotateInboxAddress(r.Context(), User(r.Context()).ID, s.clientIP(r)); err != nil {
		s.mailFailed(w, r, err, func(m *mailSection, msg string) { m.MailError = msg })
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=rotated#email", nethttp.StatusSeeOther)
}

// handleNotifySubmit saves the opt-in e-mail sent when a processing
// finishes: POST /settings/email/notify (notify=on, absent for off).
func (s *Server) handleNotifySubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	on := r.PostFormValue("notify") == "on"
	if err := s.email.SetNotifyEmail(r.Context(), User(r.Context()).ID, on); err != nil {
		s.mailFailed(w, r, err, func(m *mailSection, msg string) { m.MailError = msg })
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=notify#email", nethttp.StatusSeeOther)
}

// handleSenderAdd registers a sender address and e-mails it a
// verification link: POST /settings/senders (email) → 303 to /settings.
func (s *Server) handleSenderAdd(w nethttp.ResponseWriter, r *nethttp.Request) {
	email := r.PostFormValue("email")
	if _, err := s.email.AddSender(r.Context(), User(r.Context()).ID, email, s.clientIP(r)); err != nil {
		s.mailFailed(w, r, err, func(m *mailSection, msg string) { m.SenderEmail, m.SenderError = email, msg })
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=sender_added#senders", nethttp.StatusSeeOther)
}

// handleSenderRemove removes a sender address: POST
// /settings/senders/remove (email) → 303 to /settings; 404 when it is not
// one of the user's.
func (s *Server) handleSenderRemove(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.email.RemoveSender(r.Context(), User(r.Context()).ID, r.PostFormValue("email"), s.clientIP(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=sender_removed#senders", nethttp.StatusSeeOther)
}

// handleSenderVerify is the link e-mailed to a new sender address: GET
// /senders/verify/{token}. It works once, within 24 hours, and only in the
// session of the account that added the address (an anonymous visitor
// signs in first and comes back); otherwise 404 with what to do.
func (s *Server) handleSenderVerify(w nethttp.ResponseWriter, r *nethttp.Request) {
	if _, err := s.email.VerifySender(r.Context(), User(r.Context()).ID, mux.Vars(r)["token"], s.clientIP(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=sender_verified#senders", nethttp.StatusSeeOther)
}

// mailFailed re-renders the settings page with the error in the e-mail
// section, with the error's status.
func (s *Server) mailFailed(w nethttp.ResponseWriter, r *nethttp.Request, err error, place func(*mailSection, string)) {
	s.settingsFailed(w, r, err, func(v *settingsPage, msg string) {
		if v.Mail != nil {
			place(v.Mail, msg)
		}
	})
}
