package web

import (
	"compress/gzip"
	nethttp "net/http"
	"strings"
	"sync"
)

// gzipMinBytes is the size under which compressing is not worth it; bodies
// are judged by their first write.
const gzipMinBytes = 512

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // the level is valid
	return zw
}}

// compress gzips text answers (pages, fragments, JSON, CSV) for clients that
// accept it. Answers that already carry a Content-Encoding (the static
// files, which are compressed once at start-up) and binary ones (xlsx) pass
// through untouched.
func compress(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if !acceptsGzip(r) || r.Method == nethttp.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		gw := &gzipWriter{ResponseWriter: w}
		next.ServeHTTP(gw, r)
		// Not deferred: a handler that panics (an aborted download) must
		// not get a well-formed gzip end that makes a cut body look whole.
		gw.close()
	})
}

func acceptsGzip(r *nethttp.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

// gzipWriter decides at the first write whether to compress.
type gzipWriter struct {
	nethttp.ResponseWriter
	status  int
	decided bool
	zw      *gzip.Writer
}

func (g *gzipWriter) WriteHeader(status int) {
	if g.status == 0 {
		g.status = status
	}
	if status < 200 || status == nethttp.StatusNoContent || status == nethttp.StatusNotModified {
		g.decide(nil)
	}
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if !g.decided {
		g.decide(p)
	}
	if g.zw != nil {
		return g.zw.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

// decide starts the compressed or the plain answer, given the first bytes.
func (g *gzipWriter) decide(first []byte) {
	if g.decided {
		return
	}
	g.decided = true
	h := g.ResponseWriter.Header()
	if len(first) >= gzipMinBytes && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		zw := gzipPool.Get().(*gzip.Writer)
		zw.Reset(g.ResponseWriter)
		g.zw = zw
	}
	status := g.status
	if status == 0 {
		status = nethttp.StatusOK
	}
	g.ResponseWriter.WriteHeader(status)
}

// close ends the answer: flushes the compressor, or sends the headers of an
// answer that wrote nothing.
func (g *gzipWriter) close() {
	if !g.decided {
		if g.status == 0 {
			return // nothing written: the server sends its default 200
		}
		g.decide(nil)
	}
	if g.zw != nil {
		_ = g.zw.Close() // the client went away; nothing left to tell it
		g.zw.Reset(nil)
		gzipPool.Put(g.zw)
		g.zw = nil
	}
}

// Flush sends what is compressed so far (http.ResponseController).
func (g *gzipWriter) Flush() {
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(nethttp.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (g *gzipWriter) Unwrap() nethttp.ResponseWriter { return g.ResponseWriter }

func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(ct) {
	case "text/html", "text/css", "text/csv", "text/plain", "application/json", "text/javascript",
		"application/javascript", "application/x-ofx", "image/svg+xml":
		return true
	}
	return false
}
