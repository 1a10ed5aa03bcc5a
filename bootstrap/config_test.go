package bootstrap

import (
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigEmbeddedDefault(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatalf("embedded default must need no configuration: %v", err)
	}
	if !c.Embedded() || c.DatabaseURL != "sqlite:data/bankflow.db" || c.UploadDir != "data/uploads" || c.HTTPAddr != ":8080" {
		t.Fatalf("unexpected embedded default: %+v", c)
	}
	if c.Environment != "development" || c.LogFormat != "console" || c.Role != "all" {
		t.Fatalf("embedded default should log for humans and run every role: %+v", c)
	}
}

func TestLoadConfigProductionNeedsSecrets(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"DATABASE_URL": "postgres://u:secret@db/bankflow"}))
	if err == nil {
		t.Fatal("production without JWT_SECRET and BANKFLOW_ENCRYPTION_KEY must not start")
	}
	for _, want := range []string{"JWT_SECRET", "BANKFLOW_ENCRYPTION_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	cases := map[string]map[string]string{
		"BANKFLOW_ROLE":                      {"BANKFLOW_ROLE": "boss"},
		"DATABASE_URL":                       {"DATABASE_URL": "mysql://x"},
		"REDIS_URL":                          {"REDIS_URL": "localhost:6379"},
		"BANKFLOW_WORKERS":                   {"BANKFLOW_WORKERS": "many"},
		"BANKFLOW_TIER_FREE_FILES_PER_MONTH": {"BANKFLOW_TIER_FREE_FILES_PER_MONTH": "-1"},
		"BANKFLOW_RETENTION":                 {"BANKFLOW_RETENTION": "soon"},
	}
	for name, vars := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadConfig(env(vars))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("want an error naming %s, got %v", name, err)
			}
		})
	}
}

func TestLoadConfigTierOverrides(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{
		"BANKFLOW_TIER_FREE_FILES_PER_MONTH": "3",
		"BANKFLOW_TIER_FREE_MAX_FILE_MB":     "1",
		"BANKFLOW_TIER_FREE_API":             "true",
		"BANKFLOW_RETENTION":                 "5m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	free := c.Limits[domain.TierFree]
	if free.FilesPerMonth != 3 || free.MaxFileBytes != 1<<20 || !free.API || free.Retention != 5*time.Minute {
		t.Fatalf("overrides not applied: %+v", free)
	}
	if c.Limits[domain.TierBusiness].Retention != 5*time.Minute {
		t.Fatal("BANKFLOW_RETENTION must apply to every tier")
	}
}

func TestLoadConfigAuditRetention(t *testing.T) {
	if _, err := LoadConfig(env(map[string]string{"BANKFLOW_AUDIT_RETENTION": "24h"})); err == nil || !strings.Contains(err.Error(), "BANKFLOW_AUDIT_RETENTION") {
		t.Fatalf("an audit retention under 30 days must be refused, got %v", err)
	}
	c, err := LoadConfig(env(map[string]string{"BANKFLOW_PUBLIC_URL": "https://app.bankflow.com.br/"}))
	if err != nil || c.AuditRetention != 365*24*time.Hour || c.PublicURL != "https://app.bankflow.com.br" {
		t.Fatalf("defaults: %v %v %q", err, c.AuditRetention, c.PublicURL)
	}
}
