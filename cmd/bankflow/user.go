package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/bootstrap"
	"github.com/bankflow/bankflow/domain"
)

// runUser administers accounts:
// `bankflow user create --email E --name N [--admin]`, password read from
// standard input (or prompted without echo on a terminal).
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "uso: bankflow user create --email E --name N [--admin]  (senha lida da entrada padrão)")
		return exitUsage
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "e-mail do usuário")
	name := fs.String("name", "", "nome do usuário")
	company := fs.String("company", "", "empresa (opcional)")
	admin := fs.Bool("admin", false, "cria um administrador")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if *email == "" || *name == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "bankflow: informe --email e --name")
		return exitUsage
	}
	cfg, err := bootstrap.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "bankflow: %v\n", err)
		return exitUsage
	}
	password, err := readPassword(os.Stdin, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bankflow: %v\n", err)
		return exitUsage
	}
	u, err := bootstrap.CreateUser(ctx, cfg, application.RegisterInput{
		Email: *email, Name: *name, Company: *company, Password: password,
	}, *admin)
	if err != nil {
		fmt.Fprintf(stderr, "bankflow: %s\n", domain.ErrorMessage(err))
		if domain.ErrorCode(err) == domain.CodeInternal {
			fmt.Fprintf(stderr, "detalhe: %v\n", err)
		}
		return exitFail
	}
	fmt.Fprintf(stdout, "usuário criado: %s <%s> (%s)\n", u.Name, u.Email, u.Role)
	return exitOK
}

// readPassword prompts twice without echo on a terminal, or reads the first
// line of a pipe.
func readPassword(in *os.File, prompt io.Writer) (string, error) {
	fd := int(in.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprint(prompt, "Senha: ")
		p1, err := term.ReadPassword(fd)
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		fmt.Fprint(prompt, "Repita a senha: ")
		p2, err := term.ReadPassword(fd)
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("as senhas não conferem")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("senha vazia: envie a senha pela entrada padrão")
	}
	return line, nil
}
