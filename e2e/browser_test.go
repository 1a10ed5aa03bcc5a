package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/bankflow/bankflow/internal/testenv"
)

// chromiumPath is Debian's Chromium, installed by scripts/test-deps.sh.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds one browser test.
const browserTimeout = 2 * time.Minute

// One headless Chromium serves every browser test of the binary; each test
// gets its own browser context (cookies, storage, downloads) and tab.
var (
	browserOnce    sync.Once
	browserCtx     context.Context
	browserStop    []context.CancelFunc
	browserErr     error
	browserProfile string
)

func startBrowser() {
	dir, err := os.MkdirTemp("", "bankflow-e2e-chromium-")
	if err != nil {
		browserErr = err
		return
	}
	browserProfile = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	browserStop = []context.CancelFunc{cancelBrowser, cancelAlloc}
	// Start the browser now, so that a broken install fails once, clearly.
	// The first action must run on ctx itself: the browser lives as long as
	// the context of its first action.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		browserErr = fmt.Errorf("start %s: %w", chromiumPath, err)
		return
	}
	browserCtx = ctx
}

// closeBrowser ends the shared Chromium (TestMain calls it at the end).
func closeBrowser() {
	for _, stop := range browserStop {
		stop()
	}
	if browserProfile != "" {
		_ = os.RemoveAll(browserProfile)
	}
}

// tab is one browser tab in a fresh browser context, for one test.
type tab struct {
	t   *testing.T
	ctx context.Context
	srv *server
}

// newTab opens a tab of width x height on srv. Without Chromium the test is
// skipped (failed under CI=true). When the test fails, a screenshot of the
// tab is saved and its path logged.
func newTab(t *testing.T, srv *server, width, height int64) *tab {
	t.Helper()
	_, err := os.Stat(chromiumPath)
	testenv.Need(t, err == nil, "chromium not installed: run scripts/test-deps.sh")
	browserOnce.Do(startBrowser)
	if browserErr != nil {
		t.Fatalf("browser: %v", browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, browserTimeout)
	tb := &tab{t: t, ctx: ctx, srv: srv}
	t.Cleanup(func() {
		if t.Failed() {
			tb.saveFailureScreenshot()
		}
		cancelTimeout()
		cancel()
	})
	tb.do(chromedp.EmulateViewport(width, height))
	return tb
}

// saveFailureScreenshot writes the tab's current screen to
// $TMPDIR/bankflow-e2e-failures and, under `go test -artifacts`, to the
// test's artifact directory, and logs the paths.
func (tb *tab) saveFailureScreenshot() {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Logf("failure screenshot: %v", err)
		return
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(tb.t.Name(), "_") + ".png"
	dirs := []string{filepath.Join(os.TempDir(), "bankflow-e2e-failures")}
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		dirs = append(dirs, tb.t.ArtifactDir())
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, png, 0o644); err == nil {
			tb.t.Logf("failure screenshot: %s", p)
		}
	}
	if url, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		tb.t.Logf("page at failure: %s", url)
	}
}

// do runs actions, failing the test on an error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// open navigates to path on the server and waits for sel to be visible.
func (tb *tab) open(path, sel string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", truncate(expr, 80), err)
	}
	return v
}

// waitJS polls a JavaScript condition until it is true or the deadline.
func (tb *tab) waitJS(what, expr string, within time.Duration) {
	tb.t.Helper()
	eventually(tb.t, within, what, func() bool { return eval[bool](tb, expr) })
}

// path is the current URL's path and query.
func (tb *tab) path() string {
	tb.t.Helper()
	return eval[string](tb, `location.pathname + location.search`)
}

// signUp creates an account through the sign-up page and lands on the
// dashboard.
func (tb *tab) signUp(name, email, password string) {
	tb.t.Helper()
	tb.open("/signup", "form#signup-form")
	tb.do(
		chromedp.SendKeys(chromedp.CSS(`#signup-form input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`#signup-form input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`#signup-form input[name=password]`), password),
		chromedp.SendKeys(chromedp.CSS(`#signup-form input[name=password_confirm]`), password),
		chromedp.Click(chromedp.CSS(`#signup-form button[type=submit]`)),
	)
	tb.waitJS("the dashboard after sign-up", `location.pathname === "/" && !!document.querySelector("#usage")`, 15*time.Second)
}

// uploadFiles chooses files in the upload page's file input and waits for
// one job row per file.
func (tb *tab) uploadFiles(paths ...string) []string {
	tb.t.Helper()
	tb.do(chromedp.SetUploadFiles(chromedp.CSS(`input#file-input`), paths))
	tb.waitJS("a job row for each file", fmt.Sprintf(`document.querySelectorAll("table#upload-jobs tbody tr[data-job-id]").length === %d`, len(paths)), 30*time.Second)
	return eval[[]string](tb, `Array.from(document.querySelectorAll("table#upload-jobs tbody tr[data-job-id]"), r => r.dataset.jobId)`)
}

// rowStatuses maps job id to data-status for the rows of a table.
func (tb *tab) rowStatuses(table string) map[string]string {
	tb.t.Helper()
	return eval[map[string]string](tb, fmt.Sprintf(`Object.fromEntries(Array.from(document.querySelectorAll(%q), r => [r.dataset.jobId, r.dataset.status]))`, table+" tbody tr[data-job-id]"))
}

// waitCompleted waits until every row of the table is completed.
func (tb *tab) waitCompleted(table string, n int) {
	tb.t.Helper()
	tb.waitJS("every job row completed", fmt.Sprintf(
		`(() => { const rows = document.querySelectorAll(%q); return rows.length === %d && Array.from(rows).every(r => r.dataset.status === "completed"); })()`,
		table+" tbody tr[data-job-id]", n), jobDeadline)
}

// downloadTo makes the tab's browser context save downloads into dir.
func (tb *tab) downloadTo(dir string) {
	tb.t.Helper()
	c := chromedp.FromContext(tb.ctx)
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllow,
		BrowserContextID: c.BrowserContextID,
		DownloadPath:     dir,
	}); err != nil {
		tb.t.Fatalf("set download behavior: %v", err)
	}
}

// waitDownload waits for one finished file in dir and returns its path.
func waitDownload(t testing.TB, dir string) string {
	t.Helper()
	var got string
	eventually(t, 20*time.Second, "the download to finish in "+dir, func() bool {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				return false
			}
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Size() > 0 {
				got = filepath.Join(dir, e.Name())
			}
		}
		return got != ""
	})
	return got
}

// noHorizontalOverflow fails when the page is wider than the viewport.
func (tb *tab) noHorizontalOverflow(page string, width int) {
	tb.t.Helper()
	sw := eval[int](tb, `document.documentElement.scrollWidth`)
	if sw > width {
		wide := eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > %d + 1).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + String(e.className).split(" ").slice(0, 3).join("."))`, width))
		tb.t.Errorf("%s at %dpx: scrollWidth %d overflows; widest elements: %v", page, width, sw, wide)
	}
}
