package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/paulmach/orb/maptile"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/httperr"
)

// Config configures a Handler. Zero fields take the defaults noted.
type Config struct {
	// CacheBytes bounds the memory of the encoded tile cache. Default
	// 64 MB.
	CacheBytes int
	// Basemap draws the tiles. Nil: the embedded basemap, decoded on the
	// first tile request, with the airports of Airports.
	Basemap *Basemap
	// Airports are drawn on the embedded basemap. Nil: no airports layer.
	Airports *geo.AirportIndex
	// Logger receives errors. Nil: discarded.
	Logger *slog.Logger
}

// Handler serves
//
//	GET /tiles/basemap/{z}/{x}/{y}.mvt   vector tiles (application/vnd.mapbox-vector-tile)
//	GET /tiles/basemap.json              TileJSON 3.0.0
//	GET /fonts/{fontstack}/{range}.pbf   label glyphs
//
// with ETag and Cache-Control headers; tiles are gzip-compressed for
// clients that accept it. Errors are the API's JSON answers.
type Handler struct {
	cfg      Config
	cache    *cache
	embedded func() (*Basemap, error)
	mux      *http.ServeMux
	log      *slog.Logger
}

// New returns a Handler.
func New(cfg Config) *Handler {
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 64 << 20
	}
	h := &Handler{cfg: cfg, cache: newCache(cfg.CacheBytes), mux: http.NewServeMux(), log: cfg.Logger}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.log = h.log.With("component", "tiles")
	h.embedded = sync.OnceValues(func() (*Basemap, error) { return Embedded(cfg.Airports) })
	h.mux.HandleFunc("GET /tiles/basemap/{z}/{x}/{y}", h.serveTile)
	h.mux.HandleFunc("GET /tiles/basemap.json", h.serveTileJSON)
	h.mux.HandleFunc("GET /fonts/{fontstack}/{range}", h.serveGlyphs)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httperr.Write(w, http.StatusNotFound, "no such tile resource")
	})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) basemap() (*Basemap, error) {
	if h.cfg.Basemap != nil {
		return h.cfg.Basemap, nil
	}
	return h.embedded()
}

func (h *Handler) serveTile(w http.ResponseWriter, r *http.Request) {
	t, err := ParsePath(r.PathValue("z"), r.PathValue("x"), r.PathValue("y"))
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrOutOfRange) {
			status = http.StatusNotFound
		}
		httperr.Write(w, status, err.Error())
		return
	}
	e, err := h.tile(t)
	if err != nil {
		h.log.Error("tile failed", "tile", fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y), "err", err)
		httperr.Write(w, http.StatusInternalServerError, "internal error")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	hd.Set("Cache-Control", "public, max-age=86400")
	hd.Set("ETag", e.etag)
	hd.Add("Vary", "Accept-Encoding")
	if match(r.Header.Get("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.raw
	if acceptsGzip(r) && len(e.gz) > 0 {
		hd.Set("Content-Encoding", "gzip")
		body = e.gz
	}
	hd.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// tile returns tile t from the cache, encoding it on a miss.
func (h *Handler) tile(t maptile.Tile) (*encoded, error) {
	key := fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y)
	if e, ok := h.cache.get(key); ok {
		return e, nil
	}
	b, err := h.basemap()
	if err != nil {
		return nil, err
	}
	raw, err := b.Tile(t)
	if err != nil {
		return nil, err
	}
	e := &encoded{raw: raw, etag: etagOf(raw)}
	if len(raw) > 0 {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(raw) // writes to a bytes.Buffer do not fail
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("tiles: gzip %s: %w", key, err)
		}
		e.gz = buf.Bytes()
	}
	h.cache.add(key, e)
	return e, nil
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// match reports whether an If-None-Match header lists etag (or is *).
func match(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0"
		}
	}
	return false
}

// vectorLayer describes one layer in TileJSON.
type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// VectorLayers lists the layers of the tiles and their fields.
var VectorLayers = []vectorLayer{
	{LayerLand, "Land polygons (Natural Earth 1:10m)", 0, MaxZoom, map[string]string{}},
	{LayerCountries, "Country polygons (Natural Earth 1:10m)", 0, MaxZoom,
		map[string]string{"name": "String", "iso_n3": "String: ISO 3166-1 numeric code"}},
	{LayerBoundaries, "Land borders between countries", 0, MaxZoom, map[string]string{"kind": "String: country"}},
	{LayerLakes, "Lakes (Natural Earth 1:50m), each from its Natural Earth min_zoom", 0, MaxZoom,
		map[string]string{"name": "String", "min_zoom": "Number: the lowest zoom it shows at"}},
	{LayerStates, "US state (from z3) and county (from z7) polygons", 3, MaxZoom,
		map[string]string{"kind": "String: state or county", "name": "String", "state": "String: the county's state"}},
	{LayerPlaces, "Populated places; larger ones from lower zooms", 3, MaxZoom,
		map[string]string{"name": "String", "pop": "Number: population", "region": "String: US state code or country code", "country": "String: ISO 3166-1 alpha-2"}},
	{LayerAirports, "Airports: large from z4, medium from z7, small from z9", 4, MaxZoom,
		map[string]string{"name": "String", "ident": "String: ICAO-style ident", "iata": "String", "size": "String: large, medium or small"}},
}

// Attribution is the credit line of the basemap's data.
const Attribution = "Natural Earth (public domain); US Census via us-atlas; GeoNames (CC BY 4.0); OurAirports (public domain)"

func (h *Handler) serveTileJSON(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	doc := map[string]any{
		"tilejson":      "3.0.0",
		"name":          "flightwatch basemap",
		"description":   "Offline basemap: land, countries, US states and counties, places, airports",
		"version":       "1.0.0",
		"scheme":        "xyz",
		"tiles":         []string{scheme + "://" + r.Host + "/tiles/basemap/{z}/{x}/{y}.mvt"},
		"minzoom":       0,
		"maxzoom":       MaxZoom,
		"bounds":        []float64{-180, -85.0511, 180, 85.0511},
		"center":        []float64{-95.36, 29.76, 3},
		"attribution":   Attribution,
		"vector_layers": VectorLayers,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		httperr.Write(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(append(b, '\n'))
}
