// Package static embeds the vendored JavaScript and the built CSS served by
// the web pages (see web/package.json and `make css`).
package static

import "embed"

// FS holds css/ and vendor/.
//
//go:embed css vendor
var FS embed.FS
