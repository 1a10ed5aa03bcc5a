package application

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/bankflow/bankflow/domain"
)

// envelope is the routing and threading information of a message.
type envelope struct {
	header     mail.Header
	entity     *message.Entity
	MessageID  string // with angle brackets; "" when absent
	Subject    string
	From       string // bare lower-cased address
	ReplyTo    string // the first Reply-To address, bare and lower-cased; "" when absent
	References string
	Recipients []string // To, Cc, Delivered-To, X-Original-To, Envelope-To
}

// readEnvelope parses the header of raw. A message whose header cannot be
// read yields an envelope without addresses (refused, never answered).
func readEnvelope(raw []byte) *envelope {
	env := &envelope{}
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		// Fall back to the bare header so that loop checks still work.
		h, herr := textproto.ReadHeader(bufioReader(raw))
		if herr != nil || err == nil {
			return env
		}
		env.header = mail.Header{Header: message.Header{Header: h}}
	} else {
		env.entity = e
		env.header = mail.Header{Header: e.Header}
	}
	h := env.header
	if id, err := h.MessageID(); err == nil && id != "" {
		env.MessageID = "<" + id + ">"
	} else if v := strings.TrimSpace(h.Get("Message-Id")); v != "" {
		env.MessageID = truncate(v, 900)
	}
	env.Subject, _ = h.Subject()
	if env.Subject == "" {
		env.Subject = h.Get("Subject")
	}
	if from := firstAddress(h, "From"); from != "" {
		env.From = from
	}
	env.ReplyTo = firstAddress(h, "Reply-To")
	if refs, err := h.MsgIDList("References"); err == nil {
		for _, r := range refs {
			env.References = strings.TrimSpace(env.References + " <" + r + ">")
		}
	}
	for _, k := range []string{"To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To"} {
		for _, v := range h.Values(k) {
			env.Recipients = append(env.Recipients, addresses(v)...)
		}
	}
	return env
}

// loopRisk returns why a message must never be answered, "" when a reply
// is safe: auto-replies, bounces, mailing lists, robots and ourselves.
func (env *envelope) loopRisk(inbox string) string {
	h := env.header
	if h.Header.Header.Len() == 0 {
		return "unreadable header"
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" || (h.Has("Return-Path") && rp == "") {
		return "empty Return-Path (bounce)"
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + h.Get("Precedence")
	}
	for _, k := range []string{"List-Id", "List-Unsubscribe", "List-Post", "X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Loop"} {
		if h.Has(k) {
			return k + " present"
		}
	}
	if strings.EqualFold(h.Get("X-Auto-Response-Suppress"), "All") && h.Has("X-MS-Exchange-Generated-Message-Source") {
		return "Exchange generated message"
	}
	if mt, _, _ := h.ContentType(); strings.EqualFold(mt, "multipart/report") {
		return "delivery report"
	}
	if env.From == "" {
		return "no sender address"
	}
	return addressRisk(env.From, inbox)
}

// addressRisk returns why a reply must never go to addr ("" when it may):
// robots (mailer-daemon, noreply, ...) and the BankFlow inbox itself.
func addressRisk(addr, inbox string) string {
	local := addr[:max(strings.LastIndexByte(addr, '@'), 0)]
	for _, robot := range []string{"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce"} {
		if strings.HasPrefix(local, robot) {
			return "robot sender " + addr
		}
	}
	if inbox != "" {
		at := strings.LastIndexByte(inbox, '@')
		if addr == inbox || strings.HasPrefix(addr, inbox[:at]+"+") && strings.HasSuffix(addr, inbox[at:]) {
			return "sent by the BankFlow inbox itself"
		}
	}
	return ""
}

// replyAddress is where a reply goes: Reply-To when present and safe,
// else From (which loopRisk already checked).
func (env *envelope) replyAddress(inbox string) string {
	if env.ReplyTo != "" && domain.ValidateEmail(env.ReplyTo) == nil && addressRisk(env.ReplyTo, inbox) == "" {
		return env.ReplyTo
	}
	return env.From
}

// content walks the body for statements.
func (env *envelope) content(maxBytes int64) mailContent {
	if env.entity == nil {
		return mailContent{Malformed: true}
	}
	w := &mailWalker{maxBytes: maxBytes}
	w.walk(env.entity, 0)
	return w.out
}

func firstAddress(h mail.Header, key string) string {
	if l, err := h.AddressList(key); err == nil && len(l) > 0 {
		return domain.NormalizeEmail(l[0].Address)
	}
	if as := addresses(h.Get(key)); len(as) > 0 {
		return as[0]
	}
	return ""
}

// addresses extracts the bare addresses of a header value, leniently: it
// falls back to the text between angle brackets or the words with an @.
func addresses(v string) []string {
	if l, err := mail.ParseAddressList(v); err == nil {
		out := make([]string, 0, len(l))
		for _, a := range l {
			out = append(out, domain.NormalizeEmail(a.Address))
		}
		return out
	}
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
		f = strings.Trim(f, "<>\"'()")
		if strings.Count(f, "@") == 1 && domain.ValidateEmail(f) == nil {
			out = append(out, domain.NormalizeEmail(f))
		}
	}
	return out
}

func bufioReader(raw []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(raw)) }
