package storage

import (
	"bytes"
	"context"
	"io"
	"testing"
)

func BenchmarkPut(b *testing.B) {
	s := newStore(b)
	data := randomBytes(b, 4<<20)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		id, _, err := s.Put(context.Background(), bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = s.Delete(context.Background(), id)
		b.StartTimer()
	}
}

func BenchmarkOpen(b *testing.B) {
	s := newStore(b)
	data := randomBytes(b, 4<<20)
	id := put(b, s, data)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rc, err := s.Open(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}
