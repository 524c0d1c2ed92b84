package server

import "net/http"

// Basemap is the offline basemap a Server serves and the view the map
// opens at.
type Basemap struct {
	// Tiles serves GET /tiles/... (vector tiles and TileJSON) and
	// GET /fonts/... (label glyphs). Nil: not mounted.
	Tiles http.Handler
	// View is the opening view reported by /api/v1/meta as
	// "map": {"center": [lon, lat], "zoom": z}.
	View MapView
}

// MapView is the map's opening view.
type MapView struct {
	Center [2]float64 `json:"center"` // [lon, lat]
	Zoom   float64    `json:"zoom"`
}

// mountTiles mounts Deps.Basemap's tile handler.
func (s *Server) mountTiles(mux *http.ServeMux) {
	if s.deps.Basemap == nil || s.deps.Basemap.Tiles == nil {
		return
	}
	mux.Handle("GET /tiles/", s.deps.Basemap.Tiles)
	mux.Handle("GET /fonts/", s.deps.Basemap.Tiles)
}

// metaMap adds the opening view to the /api/v1/meta answer.
func (s *Server) metaMap(meta map[string]any) {
	if s.deps.Basemap != nil {
		meta["map"] = s.deps.Basemap.View
	}
}
