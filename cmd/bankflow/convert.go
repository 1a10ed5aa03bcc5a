package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/bootstrap"
	"github.com/bankflow/bankflow/domain"
)

// defaultMaxMB bounds one input file, checked before reading it, unless
// --max-mb says otherwise (the file is held in memory once: the engine
// streams from it without copying).
const defaultMaxMB = 100

const convertUsage = `Uso: bankflow convert [--to xlsx|csv|ofx|json] [-o CAMINHO] [--bank BANCO] ARQUIVO...

Lê cada extrato (o formato e o banco são detectados pelo conteúdo) e grava:
  - json sem -o e com um só arquivo: na saída padrão;
  - sem -o: ao lado do arquivo, como <nome>.<formato> (nunca sobre o próprio arquivo);
  - com -o e um arquivo: no caminho dado ("-" para a saída padrão; uma pasta existente recebe <nome>.<formato>);
  - com -o e vários arquivos: -o é uma pasta (criada se preciso), cada arquivo vira <nome>.<formato>.

Saída: 0 tudo certo; 1 algum arquivo falhou (motivo no stderr, os demais são processados); 2 uso incorreto.

Opções:
`

// banks are the slugs --bank accepts.
var banks = []string{
	domain.BankItau, domain.BankBradesco, domain.BankBB, domain.BankCaixa, domain.BankSantander, domain.BankNubank,
	domain.BankInter, domain.BankC6, domain.BankSicoob, domain.BankSicredi, domain.BankBTG,
}

// convertOptions is the parsed command line of `bankflow convert`.
type convertOptions struct {
	format domain.ExportFormat
	out    string
	bank   string
	maxMB  int64
	files  []string
}

// runConvert implements `bankflow convert`.
func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	engine := bootstrap.NewStatements()
	opts, ok := parseConvert(args, engine, stderr)
	if !ok {
		return exitUsage
	}
	c := converter{engine: engine, opts: opts, stdout: stdout, stderr: stderr, written: map[string]bool{}}
	if len(opts.files) > 1 && opts.out != "" && opts.out != "-" {
		if err := os.MkdirAll(opts.out, 0o755); err != nil {
			fmt.Fprintf(stderr, "bankflow convert: não foi possível criar a pasta %s: %v\n", opts.out, err)
			return exitFail
		}
	}
	code := exitOK
	for _, path := range opts.files {
		if err := ctx.Err(); err != nil {
			fmt.Fprintln(stderr, "bankflow convert: interrompido")
			return exitFail
		}
		if err := c.convert(ctx, path); err != nil {
			fmt.Fprintf(stderr, "bankflow convert: %s: %s\n", path, message(err))
			code = exitFail
		}
	}
	return code
}

// parseConvert reads flags placed before, between or after the files.
func parseConvert(args []string, engine *application.Statements, stderr io.Writer) (convertOptions, bool) {
	var opts convertOptions
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", string(domain.ExportXLSX), "formato de saída: xlsx, csv, ofx ou json")
	fs.StringVar(&opts.out, "o", "", "arquivo ou pasta de saída")
	fs.StringVar(&opts.bank, "bank", "", "força o banco: "+strings.Join(banks, ", "))
	fs.Int64Var(&opts.maxMB, "max-mb", defaultMaxMB, "tamanho máximo de cada arquivo, em MB")
	fs.Usage = func() {
		fmt.Fprint(stderr, convertUsage)
		fs.PrintDefaults()
	}
	for {
		if err := fs.Parse(args); err != nil {
			return opts, false // the flag package already said why
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		opts.files = append(opts.files, args[0])
		args = args[1:]
	}
	opts.format = domain.ExportFormat(strings.ToLower(strings.TrimPrefix(*to, ".")))
	if _, err := engine.Exporter(opts.format); err != nil {
		fmt.Fprintf(stderr, "bankflow convert: %s\n", domain.ErrorMessage(err))
		return opts, false
	}
	opts.bank = strings.ToLower(strings.TrimSpace(opts.bank))
	if opts.bank != "" && !slices.Contains(banks, opts.bank) {
		fmt.Fprintf(stderr, "bankflow convert: banco %q desconhecido. Use um destes: %s.\n", opts.bank, strings.Join(banks, ", "))
		return opts, false
	}
	if opts.maxMB < 1 || opts.maxMB > 8<<10 {
		fmt.Fprintln(stderr, "bankflow convert: --max-mb vai de 1 a 8192.")
		return opts, false
	}
	if len(opts.files) == 0 {
		fmt.Fprintln(stderr, "bankflow convert: informe ao menos um arquivo de extrato.")
		fs.Usage()
		return opts, false
	}
	if opts.out == "-" && len(opts.files) > 1 {
		fmt.Fprintln(stderr, "bankflow convert: -o - (saída padrão) só vale para um arquivo.")
		return opts, false
	}
	return opts, true
}

// converter converts one file at a time and remembers the outputs written
// in this run, so two inputs never write the same output.
type converter struct {
	engine  *application.Statements
	opts    convertOptions
	stdout  io.Writer
	stderr  io.Writer
	written map[string]bool
}

func (c *converter) convert(ctx context.Context, path string) error {
	data, err := readInput(path, c.opts.maxMB<<20)
	if err != nil {
		return err
	}
	defer limitMemory(int64(len(data)))()
	in := domain.Input{Name: filepath.Base(path), Data: data, Bank: c.opts.bank}
	target, err := c.target(path)
	if err != nil {
		return err
	}
	if target == "" {
		// Standard output cannot be taken back: read everything first, so a
		// failure never leaves half a result there.
		stmts, err := c.engine.Read(ctx, in)
		if err != nil {
			return err
		}
		if err := c.engine.Export(ctx, c.stdout, c.opts.format, stmts); err != nil {
			return err
		}
		done := make([]application.Converted, len(stmts))
		for i := range stmts {
			done[i] = application.Converted{Statement: stmts[i], Count: len(stmts[i].Transactions)}
		}
		c.report(path, target, done)
		return nil
	}
	done, err := c.writeFile(ctx, target, in)
	if err != nil {
		return err
	}
	c.report(path, target, done)
	return nil
}

// workingSet is the memory a streamed conversion needs besides its input:
// the workbook's zip and deflate state, a chunk of decoded text, the
// runtime.
const workingSet = 32 << 20

// limitMemory sets a soft memory limit of the input plus the working set
// while one file is converted, unless GOMEMLIMIT is set: the input (a
// pointer-free buffer) is cheap for the collector to keep, so collecting
// the little garbage of a stream more often keeps a 200 MB statement
// within about 250 MB instead of letting the heap double. It returns the
// function that restores the previous limit.
func limitMemory(input int64) func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(input + workingSet)
	return func() { debug.SetMemoryLimit(prev) }
}

// target is where the output of input goes; "" means standard output.
func (c *converter) target(input string) (string, error) {
	out := c.opts.out
	name := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input)) + "." + string(c.opts.format)
	var target string
	switch {
	case out == "-":
		return "", nil
	case out == "" && c.opts.format == domain.ExportJSON && len(c.opts.files) == 1:
		return "", nil
	case out == "":
		target = filepath.Join(filepath.Dir(input), name)
	case len(c.opts.files) > 1 || isDir(out):
		target = filepath.Join(out, name)
	default:
		target = out
	}
	if same(target, input) {
		return "", domain.Errorf(domain.CodeInvalid, "a saída %s seria o próprio arquivo de entrada; escolha outro destino com -o.", target)
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return "", fmt.Errorf("output path: %w", err)
	}
	if c.written[abs] {
		return "", domain.Errorf(domain.CodeInvalid, "a saída %s já foi gravada por outro arquivo desta conversão (nomes iguais); converta-o separadamente com -o.", target)
	}
	c.written[abs] = true
	return target, nil
}

// writeFile streams the export of in next to its final name and renames it
// into place, so a failed export never leaves a half-written file.
func (c *converter) writeFile(ctx context.Context, target string, in domain.Input) ([]application.Converted, error) {
	if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() {
		// A device or pipe (-o /dev/null, a FIFO): write into it, never
		// rename over it — as root that would replace /dev/null itself.
		return c.writeSpecial(ctx, target, in)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, domain.Wrap(domain.CodeInvalid, err, "não foi possível gravar em "+filepath.Dir(target)+".")
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	done, err := c.engine.Convert(ctx, in, tmp, c.opts.format)
	if err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("close output: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return nil, fmt.Errorf("chmod output: %w", err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return nil, domain.Wrap(domain.CodeInvalid, err, "não foi possível gravar "+target+".")
	}
	return done, nil
}

// writeSpecial streams the export straight into an existing non-regular
// file such as /dev/null or a named pipe.
func (c *converter) writeSpecial(ctx context.Context, target string, in domain.Input) ([]application.Converted, error) {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInvalid, err, "não foi possível gravar "+target+".")
	}
	done, err := c.engine.Convert(ctx, in, f, c.opts.format)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close output: %w", cerr)
	}
	return done, err
}

// report tells on stderr what was read and written, with the balance proof
// and every warning, so nothing the engine noticed goes unsaid.
func (c *converter) report(input, target string, stmts []application.Converted) {
	dest := "saída padrão"
	if target != "" {
		dest = target
	}
	n := 0
	for i := range stmts {
		n += stmts[i].Count
	}
	fmt.Fprintf(c.stderr, "%s → %s: %d extrato(s), %d lançamento(s)\n", input, dest, len(stmts), n)
	for i := range stmts {
		s := &stmts[i]
		fmt.Fprintf(c.stderr, "  %s %s: %s\n", s.Bank, accountLabel(s.Account), reconText(s.Reconciliation))
		if s.Rows.Rejected > 0 {
			fmt.Fprintf(c.stderr, "  atenção: %d linha(s) rejeitada(s); veja a aba/lista de linhas\n", s.Rows.Rejected)
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(c.stderr, "  aviso: %s\n", w)
		}
	}
}

// readInput reads a regular file of at most limit bytes, checking the size
// before reading, into a buffer of exactly its size.
func readInput(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, domain.Errorf(domain.CodeNotFound, "arquivo não encontrado.")
		}
		return nil, domain.Wrap(domain.CodeInvalid, err, "não foi possível abrir o arquivo.")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, domain.Wrap(domain.CodeInvalid, err, "não foi possível ler o arquivo.")
	}
	if !info.Mode().IsRegular() {
		return nil, domain.Errorf(domain.CodeInvalid, "não é um arquivo comum (é uma pasta?).")
	}
	if info.Size() > limit {
		return nil, domain.Errorf(domain.CodeInvalid, "arquivo grande demais (%d MB); o limite é %d MB (veja --max-mb).", info.Size()>>20, limit>>20)
	}
	// Sized to the file up front: no doubling copies of a large input.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, domain.Wrap(domain.CodeInvalid, err, "não foi possível ler o arquivo.")
	}
	if int64(buf.Len()) > limit {
		return nil, domain.Errorf(domain.CodeInvalid, "arquivo grande demais; o limite é %d MB.", limit>>20)
	}
	return buf.Bytes(), nil
}

// message is the reason shown for a failed file: the pt-BR user message, and
// for unexpected errors the error itself (a local user can act on it).
func message(err error) string {
	if domain.ErrorCode(err) == domain.CodeInternal {
		return "erro interno: " + err.Error()
	}
	return domain.ErrorMessage(err)
}

func accountLabel(a domain.Account) string {
	parts := []string{}
	if a.Branch != "" {
		parts = append(parts, "ag. "+a.Branch)
	}
	if a.Number != "" {
		parts = append(parts, "conta "+a.Number)
	}
	if len(parts) == 0 {
		return "(conta não informada)"
	}
	return strings.Join(parts, " ")
}

func reconText(r domain.Reconciliation) string {
	switch r.Status {
	case domain.ReconBalanced:
		return "saldos conferidos"
	case domain.ReconMismatch:
		s := "saldos divergentes (diferença R$ " + r.Difference.BR()
		if !r.BreakDate.IsZero() {
			s += "; quebra em " + r.BreakDate.BR()
		}
		return s + ")"
	}
	return "sem saldos para conferir"
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// same reports whether a and b name the same file (or the same path when
// the target does not exist yet).
func same(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ia, ib)
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	return absA == absB
}
