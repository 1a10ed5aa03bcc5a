package table

import (
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// FuzzFastPaths holds the allocation-free readers equal to the domain
// parsers they shortcut: whenever a fast path accepts a cell, the domain
// parser must read the same value.
func FuzzFastPaths(f *testing.F) {
	for _, v := range []string{"-1.234,56", "1500.00", "1,234.56", "0,5", "12,", "31/12/23", "2024-01-31",
		"20240131", "29/02/2023", "00/00/0000", "12/31/2024", "1.2.3,45", "-", "Crédito (R$)", " AÇÃO Ünica ÿÆ ",
		"Nº Docto", "e\u0301"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := fold(v), source.Fold(v); got != want {
			t.Fatalf("fold(%q) = %q; source.Fold gives %q", v, got, want)
		}
		for _, style := range []domain.NumberStyle{domain.StyleComma, domain.StyleDot} {
			if m, ok := fastMoney(v, style); ok {
				want, err := domain.ParseMoney(v, style)
				if err != nil || want != m {
					t.Fatalf("fastMoney(%q, %d) = %d; domain gives %d, %v", v, style, m, want, err)
				}
			}
		}
		for _, order := range []domain.DateOrder{domain.OrderDMY, domain.OrderMDY, domain.OrderYMD} {
			if d, ok := fastDate(v, order); ok {
				want, err := domain.ParseDate(v, order)
				if err != nil || want != d {
					t.Fatalf("fastDate(%q, %d) = %s; domain gives %s, %v", v, order, d, want, err)
				}
			}
		}
	})
}
