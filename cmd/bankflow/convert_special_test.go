package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestConvertIntoANamedPipe writes into an existing non-regular file (the
// same case as -o /dev/null) instead of renaming a temporary file over it:
// run as root, a rename would have replaced /dev/null itself.
func TestConvertIntoANamedPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "saida.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("skipped: no named pipes here: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	r := bankflow(t, dir, "convert", "--to", "csv", "-o", fifo, abs(t, "itau/ofxsharp_itau.ofx"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	select {
	case csv := <-got:
		if !strings.Contains(csv, ";") {
			t.Fatalf("the pipe's reader got %q, want the CSV", csv)
		}
	case <-time.After(30 * time.Second):
		// Unblock the reader so the test ends.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatal("nothing was written into the pipe")
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the named pipe was replaced: mode %v, %v", fi.Mode(), err)
	}
}
