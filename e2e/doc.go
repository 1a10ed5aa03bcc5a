// Package e2e holds BankFlow's end-to-end tests: they build the real
// bankflow binary, run `bankflow serve` as a child process (on the embedded
// default and on the machine's PostgreSQL and Redis), and drive it over HTTP
// through the JSON API and through a headless Chromium (chromedp). Crash
// tests kill the process in the middle of a job. The package has no code
// outside its tests.
package e2e
