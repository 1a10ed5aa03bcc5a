package export_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
)

// A stream through each exporter's sink gives the bytes Export gives (the
// OFX sink going through its disk spool), so the statements never need to
// be held to be exported.
func TestSinkMatchesExport(t *testing.T) {
	cases := map[string][]domain.Statement{"fixture": fixture(t), "generated": generated(2000)}
	for name, stmts := range cases {
		for _, e := range []domain.StreamExporter{export.NewOFX(), export.NewCSV()} {
			t.Run(name+"/"+string(e.Format()), func(t *testing.T) {
				var want, got bytes.Buffer
				if err := e.Export(&want, stmts); err != nil {
					t.Fatal(err)
				}
				sink, err := e.Sink(&got)
				if err != nil {
					t.Fatal(err)
				}
				if err := domain.Replay(context.Background(), stmts, sink); err != nil {
					t.Fatal(err)
				}
				if err := sink.Close(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("sink wrote %d bytes, Export %d, and they differ", got.Len(), want.Len())
				}
			})
		}
	}
}
