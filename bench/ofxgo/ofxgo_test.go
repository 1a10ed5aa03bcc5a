// Package ofxgo_test runs github.com/aclindsa/ofxgo beside BankFlow's OFX
// parser on the same generated files (internal/benchgen). It is a module of
// its own so the product never depends on ofxgo: `make bench` runs it.
package ofxgo_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aclindsa/ofxgo"
	"github.com/bankflow/bankflow/adapters/parsers"
	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/benchgen"
	"golang.org/x/text/encoding/charmap"
)

const transactions = 5000

// countSink counts the transactions it receives and keeps nothing.
type countSink struct{ n int }

func (c *countSink) Begin(context.Context, *domain.Statement) error { return nil }
func (c *countSink) Add(domain.Transaction) error                   { c.n++; return nil }
func (c *countSink) End(*domain.Statement) error                    { return nil }

// BenchmarkBankflow is the engine as `bankflow convert` runs it: detection,
// Windows-1252 values decoded as read, transactions streamed, reconciled.
func BenchmarkBankflow(b *testing.B) {
	raw := benchgen.OFX(transactions)
	e := parsers.Default()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu := benchgen.StartCPU()
	for b.Loop() {
		var c countSink
		if err := e.Stream(context.Background(), domain.Input{Name: "b.ofx", Data: raw}, &c); err != nil || c.n != transactions {
			b.Fatalf("stream: %v (%d)", err, c.n)
		}
	}
	cpu.Report(b, int64(len(raw)))
}

// BenchmarkOfxgo parses the same file with ofxgo behind a Windows-1252
// decoder (ofxgo reads UTF-8 only).
func BenchmarkOfxgo(b *testing.B) {
	raw := benchgen.OFX(transactions)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu := benchgen.StartCPU()
	for b.Loop() {
		resp, err := ofxgo.ParseResponse(charmap.Windows1252.NewDecoder().Reader(bytes.NewReader(raw)))
		if err != nil {
			b.Fatal(err)
		}
		if n := transactionsOf(resp); n != transactions {
			b.Fatalf("ofxgo read %d transactions, want %d", n, transactions)
		}
	}
	cpu.Report(b, int64(len(raw)))
}

func transactionsOf(resp *ofxgo.Response) int {
	n := 0
	for _, m := range resp.Bank {
		if st, ok := m.(*ofxgo.StatementResponse); ok && st.BankTranList != nil {
			n += len(st.BankTranList.Transactions)
		}
	}
	return n
}
