package domain

import "time"

// Tier is a subscription plan.
type Tier string

// The tiers.
const (
	TierFree         Tier = "free"
	TierProfessional Tier = "professional"
	TierBusiness     Tier = "business"
	TierEnterprise   Tier = "enterprise"
)

// Tiers lists every tier, cheapest first.
var Tiers = []Tier{TierFree, TierProfessional, TierBusiness, TierEnterprise}

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool {
	for _, k := range Tiers {
		if k == t {
			return true
		}
	}
	return false
}

// Limits are what a tier allows. Zero FilesPerMonth or ConcurrentJobs means
// unlimited.
type Limits struct {
	FilesPerMonth  int
	MaxFileBytes   int64
	Retention      time.Duration // how long stored input files are kept
	EmailIngestion bool
	API            bool
	ConcurrentJobs int
}

// DefaultLimits are the limits of each tier unless configuration overrides
// them. They live here, in one place.
func DefaultLimits() map[Tier]Limits {
	return map[Tier]Limits{
		TierFree:         {FilesPerMonth: 20, MaxFileBytes: 5 << 20, Retention: 30 * time.Minute, EmailIngestion: false, API: false, ConcurrentJobs: 2},
		TierProfessional: {FilesPerMonth: 300, MaxFileBytes: 20 << 20, Retention: 30 * time.Minute, EmailIngestion: true, API: true, ConcurrentJobs: 5},
		TierBusiness:     {FilesPerMonth: 2000, MaxFileBytes: 50 << 20, Retention: 24 * time.Hour, EmailIngestion: true, API: true, ConcurrentJobs: 20},
		TierEnterprise:   {FilesPerMonth: 0, MaxFileBytes: 100 << 20, Retention: 7 * 24 * time.Hour, EmailIngestion: true, API: true, ConcurrentJobs: 0},
	}
}

// TierLabel is the pt-BR name shown to users.
func (t Tier) Label() string {
	switch t {
	case TierProfessional:
		return "Profissional"
	case TierBusiness:
		return "Empresarial"
	case TierEnterprise:
		return "Corporativo"
	default:
		return "Gratuito"
	}
}
