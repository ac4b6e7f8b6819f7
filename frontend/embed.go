// Package frontend embeds the built browser app (dist/, committed, no source
// maps) so that `go build` alone gives the whole notebook.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app: index.html and its assets.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time: cannot fail
	}
	return sub
}
