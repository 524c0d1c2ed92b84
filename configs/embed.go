package configs

import (
	"embed"
	"io/fs"
)

//go:embed flightwatch.yaml watchlist.yaml flights.yaml demo/*.ndjson demo/*.yaml demo/*.csv demo/*.html
var files embed.FS

// Files returns the bundled configuration files: flightwatch.yaml,
// watchlist.yaml, flights.yaml and the demo scenario under demo/.
func Files() fs.FS { return files }

// Demo returns the demo scenario's files (flights.ndjson, flights.yaml,
// watchlist.yaml, reports.csv), rooted at the demo folder.
func Demo() fs.FS {
	sub, err := fs.Sub(files, "demo")
	if err != nil {
		panic(err) // the folder is embedded above; this cannot fail
	}
	return sub
}
