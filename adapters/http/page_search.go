package web

import (
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

const searchPage = 50

// searchView is the view model of GET /search.
type searchView struct {
	layout
	Q, Min, Max, From, To string
	Searched              bool
	Error                 string
	Hits                  []searchHit
	Total                 int
	Page, Pages           int
	PrevURL, NextURL      string
}

type searchHit struct {
	JobID       string
	Date        string
	Description string
	Amount      string
	Negative    bool
	Bank        string
	Account     string
}

// handleSearchPage searches all of the user's transactions: GET
// /search?q=&min=&max=&from=&to=&page= (amounts in pt-BR, dates as
// aaaa-mm-dd or dd/mm/aaaa). HTMX requests get the #search-panel fragment.
func (s *Server) handleSearchPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	q := r.URL.Query()
	v := searchView{layout: layoutFor(r, "Busca", "search"),
		Q: strings.TrimSpace(q.Get("q")), Min: strings.TrimSpace(q.Get("min")), Max: strings.TrimSpace(q.Get("max")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	v.Page, _ = queryInt(q, "page", 1, 1, 1<<20)
	if v.Page == 0 {
		v.Page = 1
	}
	query := domain.TransactionQuery{Text: v.Q, Sort: "-date", Limit: searchPage, Offset: (v.Page - 1) * searchPage}
	var errs []string
	var ok bool
	if query.MinAmount, ok = parseAmount(v.Min); !ok {
		errs = append(errs, "Valor mínimo inválido: use o formato 1.234,56.")
	}
	if query.MaxAmount, ok = parseAmount(v.Max); !ok {
		errs = append(errs, "Valor máximo inválido: use o formato 1.234,56.")
	}
	if query.From, ok = parseFormDate(v.From); !ok {
		errs = append(errs, "Data inicial inválida: use dd/mm/aaaa.")
	}
	if query.To, ok = parseFormDate(v.To); !ok {
		errs = append(errs, "Data final inválida: use dd/mm/aaaa.")
	}
	v.Searched = v.Q != "" || query.MinAmount != nil || query.MaxAmount != nil || !query.From.IsZero() || !query.To.IsZero()
	status := nethttp.StatusOK
	if len(errs) > 0 {
		v.Error, v.Searched, status = strings.Join(errs, " "), false, nethttp.StatusBadRequest
	}
	if v.Searched {
		hits, total, err := s.jobs.Search(r.Context(), User(r.Context()), query)
		switch {
		case domain.ErrorCode(err) == domain.CodeInvalid:
			v.Error, v.Searched, status = domain.ErrorMessage(err), false, nethttp.StatusBadRequest
		case err != nil:
			s.renderError(w, r, err)
			return
		}
		v.Total = total
		v.Pages = max(1, (total+searchPage-1)/searchPage)
		for _, t := range hits {
			v.Hits = append(v.Hits, searchHit{JobID: t.JobID, Date: t.Date.BR(), Description: t.Description,
				Amount: brl(t.Amount), Negative: t.Amount < 0, Bank: bankName(t.Bank), Account: t.Account})
		}
		if v.Page > 1 {
			v.PrevURL = v.url(v.Page - 1)
		}
		if v.Page < v.Pages {
			v.NextURL = v.url(v.Page + 1)
		}
	}
	s.renderPage(w, r, status, tplSearch, fragSearch, v)
}

func (v searchView) url(page int) string {
	q := url.Values{}
	for k, s := range map[string]string{"q": v.Q, "min": v.Min, "max": v.Max, "from": v.From, "to": v.To} {
		if s != "" {
			q.Set(k, s)
		}
	}
	q.Set("page", strconv.Itoa(page))
	return "/search?" + q.Encode()
}

// parseFormDate reads a date field: "2024-01-31" (input type=date) or
// "31/01/2024". "" is no filter.
func parseFormDate(s string) (domain.Date, bool) {
	if s == "" {
		return domain.Date{}, true
	}
	var d domain.Date
	var err error
	if strings.Contains(s, "/") {
		d, err = domain.ParseDate(s, domain.OrderDMY)
	} else {
		d, err = domain.ParseISODate(s)
	}
	return d, err == nil
}
