package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/bankflow/bankflow/bootstrap"
)

// runMigrate applies pending database migrations: `bankflow migrate`.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "uso: bankflow migrate  (usa DATABASE_URL, ou o SQLite em DATA_DIR)")
		return exitUsage
	}
	cfg, err := bootstrap.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "bankflow: %v\n", err)
		return exitUsage
	}
	if err := bootstrap.Migrate(ctx, cfg); err != nil {
		fmt.Fprintf(stderr, "bankflow: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(stdout, "banco de dados atualizado")
	return exitOK
}
