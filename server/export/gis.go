package export

import (
	"net/http"
	"path"
	"strings"
)

// WriteGIS writes set as KML, GPX, FlatGeobuf or GeoParquet, the layer named after
// the endpoint ("flights", "alerts", "aircraft", or "<hex>-track").
func WriteGIS(w http.ResponseWriter, r *http.Request, format string, set Set) error {
	layer := path.Base(r.URL.Path)
	if layer == "track" {
		layer = path.Base(path.Dir(r.URL.Path)) + "-track"
	}
	layer = strings.Map(func(c rune) rune {
		if c == '"' || c == '\\' || c < ' ' {
			return '_'
		}
		return c
	}, layer)
	switch format {
	case KML:
		return writeKML(w, set, layer)
	case GPX:
		return writeGPX(w, set, layer)
	case Parquet:
		return writeGeoParquet(w, set, layer)
	}
	return writeFGB(w, set, layer)
}
