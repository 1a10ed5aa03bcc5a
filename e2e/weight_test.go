package e2e

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// maxPageWeight is the budget of a results page with everything it loads,
// compressed as sent over the wire.
const maxPageWeight = 150 << 10

// TestResultsPageWeight loads the results page of a 1,000-transaction job
// the way a browser does (signed in, Accept-Encoding: gzip) with every CSS
// and JS file it references, and counts the bytes on the wire.
func TestResultsPageWeight(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	api := newClient(t, srv.URL).signUp("peso", "Peso")
	st, b := api.uploadRaw("mil-lancamentos.ofx", thousandTransactionsOFX())
	if st != http.StatusAccepted {
		t.Fatalf("upload: %d %s", st, b)
	}
	var up struct {
		Job jobView `json:"job"`
	}
	mustJSON(t, b, &up)
	if j := api.waitFinal(up.Job.ID, jobDeadline); j.Status != "completed" || j.TransactionCount != 1000 {
		t.Fatalf("1k job: %s with %d transactions (%s)", j.Status, j.TransactionCount, deref(j.ErrorMessage))
	}

	web := pageLogin(t, srv, api.email, apiPassword)
	start := time.Now()
	html, wire := fetchGzip(t, web, srv.URL+"/jobs/"+up.Job.ID)
	elapsed := time.Since(start)
	if !strings.Contains(html, `id="transactions"`) {
		t.Fatalf("results page without table#transactions: %s", truncate(html, 300))
	}
	total := wire
	report := []string{fmt.Sprintf("page %d B (%v)", wire, elapsed.Round(time.Millisecond))}
	assets := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(assets) == 0 {
		t.Fatal("the results page references no /static asset")
	}
	seen := map[string]bool{}
	for _, m := range assets {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		_, n := fetchGzip(t, web, srv.URL+m[1])
		total += n
		report = append(report, fmt.Sprintf("%s %d B", m[1], n))
	}
	t.Logf("results page of a 1,000-transaction job, compressed on the wire: %.1f KB total (%s)", float64(total)/1024, strings.Join(report, ", "))
	if total > maxPageWeight {
		t.Errorf("results page with assets weighs %d bytes compressed, budget %d", total, maxPageWeight)
	}
}

// pageLogin signs in through the login form (GET for the CSRF cookie and
// token, then POST) and returns a client carrying the session cookie. The
// client does not decompress, so bodies are counted as sent.
func pageLogin(t testing.TB, srv *server, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf_token in the login page (%d)", resp.StatusCode)
	}
	resp, err = c.PostForm(srv.URL+"/login", url.Values{"email": {email}, "password": {password}, "csrf_token": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/login" {
		t.Fatalf("sign-in through the form: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return c
}

// fetchGzip GETs u asking for gzip and returns the decoded body and the
// number of bytes received.
func fetchGzip(t testing.TB, c *http.Client, u string) (string, int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Logf("GET %s: sent uncompressed (%d B)", u, len(raw))
		return string(raw), len(raw)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("GET %s: bad gzip: %v", u, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("GET %s: bad gzip: %v", u, err)
	}
	return string(plain), len(raw)
}

// thousandTransactionsOFX is an OFX 1.02 checking statement of 1,000
// transactions over January 2024.
func thousandTransactionsOFX() []byte {
	var b strings.Builder
	b.WriteString("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n")
	b.WriteString("<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240131120000[-3:BRT]<LANGUAGE>POR</SONRS></SIGNONMSGSRSV1>\n")
	b.WriteString("<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>BRL")
	b.WriteString("<BANKACCTFROM><BANKID>0341<BRANCHID>0001<ACCTID>12345-6<ACCTTYPE>CHECKING</BANKACCTFROM>\n")
	b.WriteString("<BANKTRANLIST><DTSTART>20240101120000[-3:BRT]<DTEND>20240131120000[-3:BRT]\n")
	for i := range 1000 {
		cents, kind, sign := (i%97+1)*137, "CREDIT", ""
		if i%3 != 0 {
			kind, sign = "DEBIT", "-"
		}
		fmt.Fprintf(&b, "<STMTTRN><TRNTYPE>%s<DTPOSTED>202401%02d120000[-3:BRT]<TRNAMT>%s%d.%02d<FITID>E2E%05d<MEMO>PIX ENVIADO FORNECEDOR %d\n</STMTTRN>\n",
			kind, i%31+1, sign, cents/100, cents%100, i, i)
	}
	b.WriteString("</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
	return []byte(b.String())
}
