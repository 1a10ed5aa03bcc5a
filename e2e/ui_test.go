package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const uiPassword = "senha-forte-e2e-123"

// TestBrowserFlow is a person's visit, in Chromium: sign up, upload two
// statements at once, watch both complete without reloading, open the
// results, check the table and the balance badge, download the workbook,
// search for a description, sign out, and find the results closed.
func TestBrowserFlow(t *testing.T) {
	t.Parallel()
	// Jobs wait a moment after being claimed, so the live update from
	// queued/processing to completed is really watched.
	srv := startServer(t, map[string]string{"BANKFLOW_TEST_PROCESS_DELAY": "1500ms"})
	tb := newTab(t, srv, 1280, 800)
	tb.signUp("Ana Contadora", "ana@e2e.test", uiPassword)

	tb.open("/upload", "input#file-input")
	tb.do(chromedp.Evaluate[chromedp.Void](`window.__e2eNoReload = true`))
	samples := []statementSample{ofxSample, cnabSample}
	ids := tb.uploadFiles(ofxSample.path(t), cnabSample.path(t))
	for id, st := range tb.rowStatuses("table#upload-jobs") {
		if st != "queued" && st != "processing" {
			t.Errorf("job row %s starts %q, want queued or processing", id, st)
		}
	}
	tb.waitCompleted("table#upload-jobs", len(samples))
	if !eval[bool](tb, `window.__e2eNoReload === true`) {
		t.Fatal("the upload page reloaded: rows must update in place")
	}
	if n := eval[int](tb, `document.querySelectorAll("table#upload-jobs a.result-link").length`); n != len(samples) {
		t.Fatalf("%d result links on completed rows, want %d", n, len(samples))
	}

	// Results of each statement: rows, total and balance badge.
	byName := map[string]string{} // sample file name → job id
	for _, id := range ids {
		name := eval[string](tb, fmt.Sprintf(`document.querySelector('tr[data-job-id=%q] a.result-link').textContent.trim()`, id))
		byName[name] = id
	}
	for _, smp := range samples {
		id := byName[smp.name]
		if id == "" {
			t.Fatalf("no job row for %s in %v", smp.name, byName)
		}
		tb.open("/", "table#jobs") // the dashboard lists the same rows

		tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-job-id=%q] a.result-link`, id))))
		tb.waitJS("the results page of "+smp.name, `!!document.querySelector("table#transactions")`, 15*time.Second)
		if p := tb.path(); p != "/jobs/"+id {
			t.Errorf("result link led to %s, want /jobs/%s", p, id)
		}
		if n := eval[int](tb, `document.querySelectorAll("table#transactions tbody tr").length`); n != smp.transactions {
			t.Errorf("%s: %d rows in table#transactions, want %d", smp.name, n, smp.transactions)
		}
		if c := strings.TrimSpace(eval[string](tb, `document.querySelector("span#tx-count").textContent`)); c != strconv.Itoa(smp.transactions) {
			t.Errorf("%s: span#tx-count %q, want %d", smp.name, c, smp.transactions)
		}
		if b := eval[string](tb, `document.querySelector("span#balance-badge").dataset.status || ""`); b != smp.balance {
			t.Errorf("%s: balance badge data-status %q, want %q", smp.name, b, smp.balance)
		}
		if !eval[bool](tb, fmt.Sprintf(`document.querySelector("table#transactions").textContent.includes(%q)`, smp.description)) {
			t.Errorf("%s: table#transactions does not show %q", smp.name, smp.description)
		}
	}

	// Download the workbook of the last results page opened.
	dir := t.TempDir()
	tb.downloadTo(dir)
	tb.do(chromedp.Click(chromedp.CSS(`a[data-format=xlsx]`)))
	file := waitDownload(t, dir)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	last := samples[len(samples)-1]
	if n := workbookRows(t, data); n != last.transactions {
		t.Errorf("downloaded %s: %d rows in Transações, want %d", file, n, last.transactions)
	}

	// Search across both statements.
	tb.open("/search", "form#search-form")
	tb.do(
		chromedp.SendKeys(chromedp.CSS(`#search-form input[name=q]`), "antonio"),
		chromedp.Click(chromedp.CSS(`#search-form button[type=submit]`)),
	)
	tb.waitJS("search results", `!!document.querySelector("table#search-results")`, 15*time.Second)
	hits := eval[[]string](tb, `Array.from(document.querySelectorAll("table#search-results tbody tr"), r => r.textContent)`)
	found := false
	for _, h := range hits {
		found = found || strings.Contains(h, cnabSample.description)
	}
	if !found {
		t.Errorf("search for %q: %d hits, none with %q: %q", "antonio", len(hits), cnabSample.description, hits)
	}

	// Sign out: the results page now sends to the login page.
	tb.do(chromedp.Click(chromedp.CSS(`#logout-form button[type=submit]`)))
	tb.waitJS("the login page after sign-out", `location.pathname === "/login"`, 15*time.Second)
	tb.do(chromedp.Navigate(srv.URL + "/jobs/" + byName[ofxSample.name]))
	if p := tb.path(); !strings.HasPrefix(p, "/login") {
		t.Errorf("after sign-out the results page shows %s, want a redirect to /login", p)
	}
	if eval[bool](tb, `!!document.querySelector("table#transactions")`) {
		t.Error("after sign-out the results page still shows the transactions")
	}
}

// TestPhoneWidth checks that the dashboard, the upload page and a results
// page fit a 375px wide phone screen: nothing scrolls sideways.
func TestPhoneWidth(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	tb := newTab(t, srv, 375, 812)
	tb.signUp("Bia Celular", "bia@e2e.test", uiPassword)
	tb.open("/upload", "#dropzone")
	ids := tb.uploadFiles(ofxSample.path(t))
	tb.waitCompleted("table#upload-jobs", 1)
	tb.noHorizontalOverflow("upload", 375)
	tb.open("/", "table#jobs")
	tb.noHorizontalOverflow("dashboard", 375)
	tb.open("/jobs/"+ids[0], "table#transactions")
	tb.noHorizontalOverflow("results", 375)
}
