package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	nethttp "net/http"
	"path"
	"strings"
	"sync"

	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/templates"
)

// layoutTemplate is the outer template of every full page
// (templates/layouts/base.html); pages define "title" and "content".
const layoutTemplate = "layout"

// renderer holds the parsed templates: one set per page (layout, partials
// and that page), parsed once at start-up.
type renderer struct {
	pages map[string]*template.Template // by page name ("dashboard")
}

// newRenderer parses every template of fsys; a broken template is an error
// here, at boot, never at the first request.
func newRenderer(fsys fs.FS, assets *assets) (*renderer, error) {
	base, err := template.New("").Funcs(templateFuncs(assets)).ParseFS(fsys, "layouts/*.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layouts and partials: %w", err)
	}
	files, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	r := &renderer{pages: make(map[string]*template.Template, len(files))}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone templates for %s: %w", f, err)
		}
		if _, err := t.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		r.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	for _, name := range allPages {
		if r.pages[name] == nil {
			return nil, fmt.Errorf("template pages/%s.html is missing", name)
		}
	}
	return r, nil
}

// mustRenderer is newRenderer over the embedded templates; the templates are
// part of the binary, so a parse error is a programming error that must stop
// the boot.
func mustRenderer(assets *assets) *renderer {
	r, err := newRenderer(templates.FS, assets)
	if err != nil {
		panic(err)
	}
	return r
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes the named template of page into a buffer first, so a
// template error is a clean 500 and never half a page, then writes it with
// status. Pages are private to their user: never cached.
func (s *Server) render(w nethttp.ResponseWriter, r *nethttp.Request, status int, page, name string, data any) {
	t := s.views.pages[page]
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if t == nil {
		s.log.ErrorContext(r.Context(), "unknown page template", "page", page)
		writeError(w, r, nethttp.StatusInternalServerError, domain.CodeInternal, msgInternal)
		return
	}
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "render template", "page", page, "template", name,
			"request_id", RequestID(r.Context()), "error", err)
		writeError(w, r, nethttp.StatusInternalServerError, domain.CodeInternal, msgInternal)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "HX-Request")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the client went away; nothing left to tell it
}

// renderPage renders the full page, or only fragment when the request comes
// from HTMX and fragment is not "".
func (s *Server) renderPage(w nethttp.ResponseWriter, r *nethttp.Request, status int, page, fragment string, data any) {
	if fragment != "" && isHTMX(r) {
		s.render(w, r, status, page, fragment, data)
		return
	}
	s.render(w, r, status, page, layoutTemplate, data)
}

// isHTMX reports a request made by htmx (or by app.js, which sets the same
// header): it wants a fragment, not a whole page.
func isHTMX(r *nethttp.Request) bool { return r.Header.Get("HX-Request") == "true" }

// templateFuncs are the helpers templates may call: formatting only, no
// logic that belongs in a view model.
func templateFuncs(a *assets) template.FuncMap {
	return template.FuncMap{
		"asset": a.url,
		"brl":   brl,
		"date":  func(d domain.Date) string { return d.BR() },
		"add":   func(a, b int) int { return a + b },
		"navItem": func(href, label, key, active string) navLink {
			return navLink{Href: href, Label: label, Active: key == active}
		},
	}
}

// navLink is one entry of the header navigation.
type navLink struct {
	Href, Label string
	Active      bool
}

// brl renders money for people: "R$ 1.234,56", "-R$ 15,00".
func brl(m domain.Money) string {
	if m < 0 {
		return "-R$ " + (-m).BR()
	}
	return "R$ " + m.BR()
}
