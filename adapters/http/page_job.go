package web

import (
	"fmt"
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

// Paging of the results page's transactions table.
const (
	defaultTxPage = 50
	maxTxPage     = 200
	maxRowNotes   = 200 // row notes listed on the page; the rest are counted
)

// jobPage is the view model of GET /jobs/{id}.
type jobPage struct {
	layout
	Job        jobRow
	Pending    bool
	Failed     bool
	Cancelled  bool
	Badge      badgeView
	Statements []statementView
	Rows       rowsView
	Warnings   []string
	Panel      txPanel
	Formats    []string
}

type statementView struct {
	Bank    string
	Account string
	Period  string
	Opening string
	Closing string
	Count   int
	Badge   badgeView
}

type rowsView struct {
	Transactions, Balance, Header, Future, Ignored, Rejected, Total int
	Notes                                                           []noteView
	MoreNotes                                                       int
}

type noteView struct {
	Line   int
	Kind   string
	Reason string
	Text   string
}

// txPanel is the transactions table with its paging, sorting and filters
// (the #transactions-panel fragment).
type txPanel struct {
	JobID      string
	Rows       []txView
	JobTotal   int // every transaction of the job
	Matches    int // those that pass the filters
	Page       int
	Pages      int
	Size       int
	First      int
	Last       int
	Sort       string
	Q          string
	Min        string
	Max        string
	Error      string
	PrevURL    string
	NextURL    string
	DateSort   string // the sort the "Data" header switches to
	AmountSort string
}

type txView struct {
	Date        string
	Description string
	Document    string
	Amount      string
	Negative    bool
	Balance     string
}

var kindLabels = map[domain.RowKind]string{
	domain.RowBalance: "Saldo", domain.RowHeader: "Cabeçalho", domain.RowFuture: "Lançamento futuro",
	domain.RowIgnored: "Ignorada", domain.RowRejected: "Rejeitada", domain.RowTransaction: "Transação",
}

// handleJobPage shows a job's result: GET /jobs/{id}. For HTMX it answers
// the fragment the request targets: #transactions-panel (paging, sorting,
// filtering) or #job-progress (a job still running, which asks for a full
// reload once it is final).
func (s *Server) handleJobPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	u := User(r.Context())
	id := mux.Vars(r)["id"]
	j, err := s.jobs.Get(r.Context(), u, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := jobPage{layout: layoutFor(r, j.OriginalFilename, ""), Job: newJobRow(j)}
	view.Pending = !j.Status.Final()
	view.Failed = j.Status == domain.JobFailed
	view.Cancelled = j.Status == domain.JobCancelled
	target := r.Header.Get("HX-Target")
	if isHTMX(r) && target == fragProgress {
		if !view.Pending {
			w.Header().Set("HX-Refresh", "true")
		}
		s.render(w, r, nethttp.StatusOK, tplJob, fragProgress, view)
		return
	}
	if j.Status != domain.JobCompleted {
		s.render(w, r, nethttp.StatusOK, tplJob, layoutTemplate, view)
		return
	}
	view.Panel, err = s.txPanel(r, j)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if isHTMX(r) && target == fragTxPanel {
		s.render(w, r, nethttp.StatusOK, tplJob, fragTxPanel, view.Panel)
		return
	}
	stmts, err := s.jobs.Statements(r.Context(), u, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.fill(stmts)
	for _, f := range exportFormats {
		view.Formats = append(view.Formats, string(f))
	}
	s.render(w, r, nethttp.StatusOK, tplJob, layoutTemplate, view)
}

// fill sets the statement cards, the overall balance badge, the row
// accounting and the warnings.
func (v *jobPage) fill(stmts []domain.Statement) {
	all := domain.ReconBalanced
	var firstBad *domain.Statement
	for i := range stmts {
		st := &stmts[i]
		acct := strings.TrimSpace(strings.Join(nonEmpty(st.Account.Branch, st.Account.Number), " / "))
		if acct == "" {
			acct = "—"
		}
		sv := statementView{
			Bank: bankName(st.Bank), Account: acct, Count: len(st.Transactions),
			Period:  periodText(st.Period),
			Opening: optBRL(st.Opening), Closing: optBRL(st.Closing),
			Badge: reconBadge(st.Reconciliation.Status, st.Reconciliation.Difference, st.Reconciliation.BreakDate),
		}
		v.Statements = append(v.Statements, sv)
		switch st.Reconciliation.Status {
		case domain.ReconMismatch:
			if firstBad == nil {
				firstBad = st
			}
			all = domain.ReconMismatch
		case domain.ReconBalanced:
		default:
			if all == domain.ReconBalanced {
				all = domain.ReconUnknown
			}
		}
		r := st.Rows
		v.Rows.Transactions += r.Transactions
		v.Rows.Balance += r.Balance
		v.Rows.Header += r.Header
		v.Rows.Future += r.Future
		v.Rows.Ignored += r.Ignored
		v.Rows.Rejected += r.Rejected
		for _, n := range r.Notes {
			if len(v.Rows.Notes) >= maxRowNotes {
				v.Rows.MoreNotes++
				continue
			}
			v.Rows.Notes = append(v.Rows.Notes, noteView{Line: n.Line, Kind: kindLabels[n.Kind], Reason: n.Reason, Text: n.Text})
		}
		v.Warnings = append(v.Warnings, st.Warnings...)
	}
	v.Rows.Total = v.Rows.Transactions + v.Rows.Balance + v.Rows.Header + v.Rows.Future + v.Rows.Ignored + v.Rows.Rejected
	switch {
	case len(stmts) == 0:
		v.Badge = reconBadge(domain.ReconUnknown, 0, domain.Date{})
	case firstBad != nil:
		v.Badge = reconBadge(domain.ReconMismatch, firstBad.Reconciliation.Difference, firstBad.Reconciliation.BreakDate)
	default:
		v.Badge = reconBadge(all, 0, domain.Date{})
	}
}

// txPanel reads one page of the job's transactions through Jobs.Search (one
// indexed query: the page, never the whole job) with the request's paging,
// sorting and amount/text filters. A filter that cannot be read is shown as
// a message and ignored.
func (s *Server) txPanel(r *nethttp.Request, j *domain.Job) (txPanel, error) {
	q := r.URL.Query()
	p := txPanel{JobID: j.ID, JobTotal: j.TransactionCount, Q: strings.TrimSpace(q.Get("q")),
		Min: strings.TrimSpace(q.Get("min")), Max: strings.TrimSpace(q.Get("max")), Sort: q.Get("sort")}
	switch p.Sort {
	case "date", "-date", "amount", "-amount":
	default:
		p.Sort = ""
	}
	p.Size, _ = queryInt(q, "size", defaultTxPage, 1, maxTxPage)
	if p.Size == 0 {
		p.Size = defaultTxPage
	}
	p.Page, _ = queryInt(q, "page", 1, 1, 1<<20)
	if p.Page == 0 {
		p.Page = 1
	}
	query := domain.TransactionQuery{JobID: j.ID, Text: p.Q, Sort: p.Sort, Limit: p.Size, Offset: (p.Page - 1) * p.Size}
	var errs []string
	if m, ok := parseAmount(p.Min); !ok {
		errs = append(errs, "Valor mínimo inválido: use o formato 1.234,56.")
	} else {
		query.MinAmount = m
	}
	if m, ok := parseAmount(p.Max); !ok {
		errs = append(errs, "Valor máximo inválido: use o formato 1.234,56.")
	} else {
		query.MaxAmount = m
	}
	txs, total, err := s.jobs.Search(r.Context(), User(r.Context()), query)
	if domain.ErrorCode(err) == domain.CodeInvalid {
		errs = append(errs, domain.ErrorMessage(err))
		query.MinAmount, query.MaxAmount = nil, nil
		txs, total, err = s.jobs.Search(r.Context(), User(r.Context()), query)
	}
	if err != nil {
		return p, err
	}
	p.Error = strings.Join(errs, " ")
	p.Matches = total
	p.Pages = max(1, (total+p.Size-1)/p.Size)
	if total > 0 {
		p.First = query.Offset + 1
		p.Last = query.Offset + len(txs)
	}
	for _, t := range txs {
		tv := txView{Date: t.Date.BR(), Description: t.Description, Document: t.Document,
			Amount: brl(t.Amount), Negative: t.Amount < 0}
		if t.Balance.Valid {
			tv.Balance = brl(t.Balance.Value)
		}
		p.Rows = append(p.Rows, tv)
	}
	p.DateSort, p.AmountSort = "date", "-amount"
	if p.Sort == "date" {
		p.DateSort = "-date"
	}
	if p.Sort == "-amount" {
		p.AmountSort = "amount"
	}
	if p.Page > 1 {
		p.PrevURL = p.url(p.Page-1, p.Sort)
	}
	if p.Page < p.Pages {
		p.NextURL = p.url(p.Page+1, p.Sort)
	}
	return p, nil
}

// url is the results page with the panel's filters, another page or sort.
func (p txPanel) url(page int, sort string) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": p.Q, "min": p.Min, "max": p.Max, "sort": sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if p.Size != defaultTxPage {
		v.Set("size", strconv.Itoa(p.Size))
	}
	u := "/jobs/" + url.PathEscape(p.JobID)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

// SortURL is the URL that sorts the table by sort (from the first page).
func (p txPanel) SortURL(sort string) string { return p.url(1, sort) }

// parseAmount reads an amount typed by a person: "1.234,56", "-15", "1234.5".
// "" is no filter.
func parseAmount(s string) (*domain.Money, bool) {
	if s == "" {
		return nil, true
	}
	style := domain.StyleComma
	if !strings.Contains(s, ",") {
		if i := strings.LastIndexByte(s, '.'); i >= 0 && strings.Count(s, ".") == 1 && len(s)-i-1 <= 2 {
			style = domain.StyleDot
		}
	}
	m, err := domain.ParseMoney(s, style)
	if err != nil {
		return nil, false
	}
	return &m, true
}

// handleJobDeletePage deletes a job and its data: POST /jobs/{id}/delete →
// 303 to the dashboard.
func (s *Server) handleJobDeletePage(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.jobs.Delete(r.Context(), User(r.Context()), mux.Vars(r)["id"]); err != nil {
		s.renderError(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/?ok=deleted", nethttp.StatusSeeOther)
}

func periodText(p domain.Period) string {
	switch {
	case p.Start.IsZero() && p.End.IsZero():
		return "—"
	case p.Start == p.End || p.End.IsZero():
		return p.Start.BR()
	case p.Start.IsZero():
		return "até " + p.End.BR()
	}
	return fmt.Sprintf("%s a %s", p.Start.BR(), p.End.BR())
}

func optBRL(m domain.OptionalMoney) string {
	if !m.Valid {
		return "—"
	}
	return brl(m.Value)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
