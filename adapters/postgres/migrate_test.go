package postgres

import (
	"context"
	"errors"
	"testing"
)

func TestMigrateEmptyDatabaseToHead(t *testing.T) {
	for _, d := range []string{DialectSQLite, DialectPostgres} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openEmpty(t, d)
			if err := db.CheckSchema(ctx); !errors.Is(err, ErrSchemaOutdated) {
				t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaOutdated", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema at head: %v", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("second migrate is not a no-op: %v", err)
			}
			ms, _ := Migrations(d)
			var n int
			if err := db.bun.NewRaw("SELECT count(*) FROM schema_migrations").Scan(ctx, &n); err != nil || n != len(ms) {
				t.Fatalf("schema_migrations rows = %d, %v; want %d", n, err, len(ms))
			}

			// Behind: the newest migration is not recorded.
			if _, err := db.bun.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = ?", ms[len(ms)-1].Version); err != nil {
				t.Fatal(err)
			}
			if err := db.CheckSchema(ctx); !errors.Is(err, ErrSchemaOutdated) {
				t.Errorf("CheckSchema with a pending migration = %v", err)
			}
			if _, err := db.bun.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)",
				ms[len(ms)-1].Version, ms[len(ms)-1].Name, t0, "edited"); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err == nil {
				t.Error("Migrate accepted an applied migration whose file changed")
			}
			if err := db.CheckSchema(ctx); err == nil {
				t.Error("CheckSchema accepted an applied migration whose file changed")
			}
		})
	}
}

func TestMigrationsAreNumberedOnBothDialects(t *testing.T) {
	pg, err := Migrations(DialectPostgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := Migrations(DialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) == 0 || len(pg) != len(lite) {
		t.Fatalf("%d PostgreSQL and %d SQLite migrations: every change needs both", len(pg), len(lite))
	}
	for i := range pg {
		if pg[i].Version != i+1 || lite[i].Version != i+1 || pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: %s / %s", i+1, pg[i].Name, lite[i].Name)
		}
	}
}
