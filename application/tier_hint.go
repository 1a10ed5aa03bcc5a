package application

import "github.com/bankflow/bankflow/domain"

// wayUp tells a user who hit a limit of their plan how to lift it: the
// cheapest higher tier whose limits pass ok, or support when none does.
func wayUp(limits map[domain.Tier]domain.Limits, current domain.Tier, ok func(domain.Limits) bool) string {
	above := false
	for _, t := range domain.Tiers {
		if t == current {
			above = true
			continue
		}
		if above && ok(limitsFor(limits, t)) {
			return "Faça upgrade para o plano " + t.Label() + " em Configurações ou fale com o suporte."
		}
	}
	return "Fale com o suporte para ampliar o seu limite."
}
