package static

import (
	"embed"
	"io/fs"
)

//go:embed web
var files embed.FS

// FS returns the browser map's files, rooted so that index.html is at the
// top ("index.html", "app.js", "vendor/maplibre-gl.js").
// The returned file system is read-only and safe for concurrent use; serve it
// with http.FileServerFS.
func FS() fs.FS {
	sub, err := fs.Sub(files, "web")
	if err != nil {
		// fs.Sub fails only for an invalid path; "web" is a constant.
		return files
	}
	return sub
}
