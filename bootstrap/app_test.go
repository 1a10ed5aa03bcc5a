package bootstrap

import (
	"testing"

	"go.uber.org/fx"
)

// TestAppGraphIsComplete checks that every role's dependency graph resolves
// without starting anything.
func TestAppGraphIsComplete(t *testing.T) {
	for _, role := range []string{RoleAll, RoleWeb, RoleWorker} {
		t.Run(role, func(t *testing.T) {
			vars := map[string]string{"BANKFLOW_ROLE": role, "DATA_DIR": t.TempDir()}
			if role != RoleAll {
				vars["REDIS_URL"] = "redis://127.0.0.1:6379/0"
			}
			cfg, err := LoadConfig(env(vars))
			if err != nil {
				t.Fatal(err)
			}
			opts, err := appOptions(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := fx.ValidateApp(opts...); err != nil {
				t.Fatalf("fx graph for role %s: %v", role, err)
			}
		})
	}
}

func TestEmbeddedQueueNeedsRoleAll(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{"BANKFLOW_ROLE": RoleWorker}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewApp(cfg); err == nil {
		t.Fatal("a worker-only process on the in-process queue would never receive a job; it must refuse to start")
	}
}
