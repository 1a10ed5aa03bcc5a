// Package migrations holds the versioned SQL schema of BankFlow, one
// directory per dialect (postgres/, sqlite/), embedded into the binary. Files
// are named NNNN_name.sql, applied in order, each in its own transaction, and
// never edited once released: a change is a new file.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
