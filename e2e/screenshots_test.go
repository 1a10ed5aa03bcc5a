package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// viewport is a screen size the screenshots are taken at.
type viewport struct {
	name          string
	width, height int64
}

var (
	desktop = viewport{"desktop", 1280, 800}
	phone   = viewport{"phone", 375, 812}
)

// TestScreenshots regenerates docs/screenshots/{dashboard,upload,results}-
// {desktop,phone}.png from a real session with real sample statements, so
// a reviewer can see the pages. It runs with SCREENSHOTS=1 (make
// screenshots).
func TestScreenshots(t *testing.T) {
	if os.Getenv("SCREENSHOTS") != "1" {
		t.Skip("set SCREENSHOTS=1 (make screenshots) to regenerate docs/screenshots")
	}
	out := filepath.Join(repoRoot, "docs", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, nil)
	tb := newTab(t, srv, desktop.width, desktop.height)
	tb.signUp("Ana Contadora", "ana@escritorio.test", uiPassword)

	tb.open("/upload", "input#file-input")
	ids := tb.uploadFiles(ofxSample.path(t), cnabSample.path(t), sample(t, "bb", "ofxsharp_bb.ofx"))
	tb.waitCompleted("table#upload-jobs", len(ids))
	shot := func(page string, v viewport) {
		t.Helper()
		tb.do(chromedp.EmulateViewport(v.width, v.height), chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`))
		png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s-%s: %v", page, v.name, err)
		}
		p := filepath.Join(out, page+"-"+v.name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", p, len(png))
	}
	// The upload page keeps its rows only until the next navigation: take
	// it at both widths first.
	shot("upload", desktop)
	shot("upload", phone)

	results := "/jobs/" + jobOf(tb, ids, ofxSample.name)
	for _, v := range []viewport{desktop, phone} {
		tb.do(chromedp.EmulateViewport(v.width, v.height))
		tb.open("/", "table#jobs")
		shot("dashboard", v)
		tb.open(results, "table#transactions")
		shot("results", v)
	}
}

// jobOf returns the id of the upload row whose file is name.
func jobOf(tb *tab, ids []string, name string) string {
	tb.t.Helper()
	for _, id := range ids {
		if eval[string](tb, `document.querySelector('tr[data-job-id="`+id+`"] a.result-link').textContent.trim()`) == name {
			return id
		}
	}
	tb.t.Fatalf("no upload row for %s", name)
	return ""
}
