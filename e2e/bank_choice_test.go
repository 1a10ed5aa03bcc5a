package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUploadWithChosenBank: the bank chosen on the upload page reaches the
// engine as the --bank override does on the command line.
func TestUploadWithChosenBank(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	tb := newTab(t, srv, 1280, 800)
	tb.signUp("Bia Contadora", "bia@e2e.test", uiPassword)

	tb.open("/upload", "select#bank-select")
	tb.do(chromedp.SetValue(chromedp.CSS(`select#bank-select`), "sicoob"))
	ids := tb.uploadFiles(ofxSample.path(t)) // a Bradesco OFX
	tb.waitCompleted("table#upload-jobs", 1)
	row := eval[string](tb, `document.querySelector('table#upload-jobs tbody tr[data-job-id="`+ids[0]+`"]').textContent`)
	if !strings.Contains(row, "Sicoob") {
		t.Fatalf("the job row %q does not show the chosen bank Sicoob", strings.Join(strings.Fields(row), " "))
	}

	// Back to automatic detection: the file's own bank again.
	tb.open("/upload", "select#bank-select")
	tb.do(chromedp.SetValue(chromedp.CSS(`select#bank-select`), ""))
	ids = tb.uploadFiles(cnabSample.path(t))
	tb.waitCompleted("table#upload-jobs", 1)
	tb.waitJS("the detected bank", `document.querySelector('table#upload-jobs tbody tr[data-job-id="`+ids[0]+`"]').textContent.includes("Itaú")`, 10*time.Second)
}
