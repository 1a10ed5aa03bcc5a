// Package static embeds the vendored JavaScript, the application script and
// the built CSS served by the web pages (see web/package.json and `make css`).
package static

import "embed"

// FS holds css/, js/ and vendor/.
//
//go:embed css js vendor
var FS embed.FS
