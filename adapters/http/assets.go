package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	nethttp "net/http"
	"path"
	"strconv"
	"strings"

	"github.com/bankflow/bankflow/static"
)

// staticPrefix starts every asset URL: /static/<hash>/<path>.
const staticPrefix = "/static/"

// asset is one embedded file, read once, with its gzip form when that is
// smaller.
type asset struct {
	hash        string
	contentType string
	body        []byte
	gzipped     []byte
}

// assets serves the embedded static files at content-hashed URLs, so they
// can be cached forever: a new build changes the hash, hence the URL.
type assets struct {
	files map[string]*asset // by path inside static/ ("css/app.css")
}

// newAssets reads and hashes every file of fsys.
func newAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, "/") {
			return err // embed.go and the like sit at the root: not assets
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		f := &asset{hash: hex.EncodeToString(sum[:6]), contentType: ct, body: b}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // the level is valid
		_, _ = zw.Write(b)                                      // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		if gz.Len() < len(b) {
			f.gzipped = gz.Bytes()
		}
		a.files[p] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	return a, nil
}

func mustAssets() *assets {
	a, err := newAssets(static.FS)
	if err != nil {
		panic(err)
	}
	return a
}

// url returns the hashed URL of an embedded file; templates call it as
// {{asset "css/app.css"}}. An unknown file is a template bug: the URL then
// points nowhere and the page test catches it.
func (a *assets) url(p string) string {
	f, ok := a.files[p]
	if !ok {
		return staticPrefix + "missing/" + p
	}
	return staticPrefix + f.hash + "/" + p
}

// ServeHTTP answers GET /static/<hash>/<path>. Only the current hash is
// served (with an immutable, year-long cache); anything else is 404, so a
// stale URL is never cached with new content.
func (a *assets) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	rest := strings.TrimPrefix(r.URL.Path, staticPrefix)
	hash, p, ok := strings.Cut(rest, "/")
	f := a.files[p]
	if !ok || f == nil || f.hash != hash {
		nethttp.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := f.body
	if f.gzipped != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == nethttp.MethodHead {
		return
	}
	_, _ = w.Write(body) // the client went away; nothing left to tell it
}
