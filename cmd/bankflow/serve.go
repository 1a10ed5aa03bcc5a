package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bankflow/bankflow/bootstrap"
)

// runServe starts the service: `bankflow serve [--role web|worker|all]`.
// It stops gracefully on SIGINT/SIGTERM: in-flight jobs finish or go back
// to the queue.
func runServe(ctx context.Context, args []string, _ io.Writer, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "web (páginas e API), worker (processamento) ou all (ambos; padrão)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	getenv := os.Getenv
	if *role != "" {
		getenv = override(os.Getenv, "BANKFLOW_ROLE", *role)
	}
	cfg, err := bootstrap.LoadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "bankflow: %v\n", err)
		return exitUsage
	}
	app, err := bootstrap.NewApp(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "bankflow: %v\n", err)
		return exitUsage
	}
	if err := app.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "bankflow: start: %v\n", err)
		return exitFail
	}
	select {
	case <-ctx.Done():
	case sig := <-app.Done():
		fmt.Fprintf(stderr, "bankflow: %v\n", sig)
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancel()
	if err := app.Stop(stopCtx); err != nil {
		fmt.Fprintf(stderr, "bankflow: stop: %v\n", err)
		return exitFail
	}
	return exitOK
}

// override returns getenv with one variable replaced (a flag beats the
// environment).
func override(getenv func(string) string, key, value string) func(string) string {
	return func(k string) string {
		if k == key {
			return value
		}
		return getenv(k)
	}
}
