// Command benchgen writes a generated benchmark file to standard output,
// for end-to-end runs of the real binary (see docs/BENCHMARKS.md):
//
//	go run ./internal/benchgen/cmd/benchgen -kind ofx -n 1000000 > big.ofx
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/bankflow/bankflow/internal/benchgen"
)

func main() {
	kind := flag.String("kind", "ofx", "ofx or csv (Bradesco)")
	n := flag.Int("n", 100_000, "number of transactions")
	flag.Parse()
	var data []byte
	switch *kind {
	case "ofx":
		data = benchgen.OFX(*n)
	case "csv":
		data = benchgen.BradescoCSV(*n)
	default:
		fmt.Fprintln(os.Stderr, "benchgen: -kind is ofx or csv")
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(data); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}
