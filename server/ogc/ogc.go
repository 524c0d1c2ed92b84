package ogc

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/httperr"
	"github.com/flightwatch/flightwatch/store"
)

// Config configures the OGC API. Zero fields take the defaults noted.
type Config struct {
	// BaseURL is the public root of the server (scheme and host, e.g.
	// "https://flightwatch.example"), without the mount path. Empty: derived
	// from each request, honouring X-Forwarded-Proto and X-Forwarded-Host.
	BaseURL string
	// MountPath is where the handler is mounted. Default "/ogc".
	MountPath string
	// DefaultLimit is the page size when a request gives no limit. Default 100.
	DefaultLimit int
	// MaxLimit caps limit; larger values are clamped. Default 10000.
	MaxLimit int
	// MinCellCount is the privacy threshold k: report cells counting fewer
	// people are withheld. Default 3.
	MinCellCount int
	// CellRes is the default H3 resolution of report-cells (one the store
	// aggregates). Default 5.
	CellRes int
	// PublicRawReports makes raw report points public; otherwise they need
	// the "read:raw" scope.
	PublicRawReports bool
	// Logger receives request errors; nil means slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MountPath == "" {
		c.MountPath = "/ogc"
	}
	c.MountPath = "/" + strings.Trim(c.MountPath, "/")
	if c.MountPath == "/" {
		c.MountPath = ""
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.DefaultLimit <= 0 {
		c.DefaultLimit = 100
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = 10000
	}
	if c.DefaultLimit > c.MaxLimit {
		c.DefaultLimit = c.MaxLimit
	}
	if c.MinCellCount <= 0 {
		c.MinCellCount = flight.DefaultMinCellCount
	}
	if c.CellRes <= 0 {
		c.CellRes = 5
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Deps are the parts the API reads from.
type Deps struct {
	// Store holds the data served.
	Store store.Store
	// Authorize reports whether r carries the scope; nil grants no scopes.
	Authorize func(r *http.Request, scope string) bool
	// Airports places plan routes and airport stats groups. Nil: no
	// airport is known (those features have no geometry).
	Airports *geo.AirportIndex
	// Countries outlines the country groups of the stats collections.
	// Nil: no country is known (those features have no geometry).
	Countries *geo.CountryIndex
}

// ScopeRaw is the scope that grants access to raw report points.
const ScopeRaw = "read:raw"

// api is the handler New returns.
type api struct {
	cfg   Config
	deps  Deps
	log   *slog.Logger
	mux   *http.ServeMux
	colls []*collection
	byID  map[string]*collection
}

// New returns the OGC API handler. Its paths are relative to the mount
// point: "/", "/conformance", "/api", "/collections", "/collections/{id}",
// "/collections/{id}/schema", "/collections/{id}/queryables",
// "/collections/{id}/items" and
// "/collections/{id}/items/{featureId}".
func New(cfg Config, deps Deps) http.Handler {
	cfg = cfg.withDefaults()
	if deps.Airports == nil {
		deps.Airports = geo.NewAirportIndex(nil)
	}
	a := &api{cfg: cfg, deps: deps, log: cfg.Logger.With("component", "ogc"), mux: http.NewServeMux()}
	a.colls = append(a.collections(), a.statsCollections()...)
	a.byID = make(map[string]*collection, len(a.colls))
	for _, c := range a.colls {
		a.byID[c.id] = c
	}
	a.mux.HandleFunc("GET /{$}", a.landing)
	a.mux.HandleFunc("GET /conformance", a.conformance)
	a.mux.HandleFunc("GET /api", a.openAPI)
	a.mux.HandleFunc("GET /collections", a.collectionsList)
	a.mux.HandleFunc("GET /collections/{id}", a.collection)
	a.mux.HandleFunc("GET /collections/{id}/schema", a.schema)
	a.mux.HandleFunc("GET /collections/{id}/queryables", a.queryables)
	a.mux.HandleFunc("GET /collections/{id}/items", a.items)
	a.mux.HandleFunc("GET /collections/{id}/items/{fid}", a.item)
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httperr.Write(w, http.StatusNotFound, "ogc: no resource at "+r.URL.Path)
	})
	return a
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			a.log.Error("panic serving request", "path", r.URL.Path, "panic", v)
			httperr.Write(w, http.StatusInternalServerError, "internal error")
		}
	}()
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		httperr.Write(w, http.StatusMethodNotAllowed, "ogc: method "+r.Method+" not allowed")
		return
	}
	a.mux.ServeHTTP(w, r)
}

// base returns the absolute URL of the API root, without a trailing slash.
func (a *api) base(r *http.Request) string {
	if a.cfg.BaseURL != "" {
		return a.cfg.BaseURL + a.cfg.MountPath
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && !strings.ContainsAny(h, "/ \"<>") {
		host = h
	}
	return scheme + "://" + host + a.cfg.MountPath
}

func firstValue(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// storeError maps an error from the store to a response: 503 with
// Retry-After when the backend is unreachable, 404 for not found, 400 for
// an invalid query, 500 otherwise.
func (a *api) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrUnavailable):
		w.Header().Set("Retry-After", "5")
		httperr.Write(w, http.StatusServiceUnavailable, "ogc: store unavailable")
	case errors.Is(err, store.ErrNotFound):
		httperr.Write(w, http.StatusNotFound, "ogc: not found")
	case errors.Is(err, flight.ErrInvalid):
		httperr.Write(w, http.StatusBadRequest, err.Error())
	case r.Context().Err() != nil:
		// the client went away; nothing to answer
	default:
		a.log.Error("store query failed", "path", r.URL.Path, "err", err)
		httperr.Write(w, http.StatusInternalServerError, "ogc: internal error")
	}
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		httperr.Write(w, http.StatusInternalServerError, fmt.Sprintf("ogc: encode: %v", err))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
