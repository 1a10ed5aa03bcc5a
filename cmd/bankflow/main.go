// Command bankflow is the one BankFlow binary: the web service and its
// workers (serve), database migrations (migrate), user administration (user)
// and the statement converter (convert).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and something failed (reason on stderr)
	exitUsage = 2 // bad command line
)

const usageText = `BankFlow transforma extratos bancários em lançamentos conferidos e planilhas.

Uso:
  bankflow <comando> [opções]

Comandos:
  serve     inicia o serviço (--role web|worker|all)
  migrate   aplica as migrações do banco de dados
  user      administra usuários (user create --email E --name N [--admin])
  convert   converte extratos (OFX, CSV, XLSX, CNAB 240...) em xlsx, csv, ofx ou json
  help      mostra esta ajuda

Use "bankflow <comando> -h" para as opções de um comando.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "convert":
		return runConvert(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	default:
		fmt.Fprintf(stderr, "bankflow: comando desconhecido %q\n\n%s", cmd, usageText)
		return exitUsage
	}
}
