// Package templates embeds the server-rendered pages: one layout, a page per
// screen and small partials shared by pages and HTMX fragments. The HTTP
// adapter parses them once at start-up.
package templates

import "embed"

// FS holds layouts/, pages/ and partials/.
//
//go:embed layouts pages partials
var FS embed.FS
