package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/flightwatch/flightwatch/feeds/reports"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/stream"
)

// Ingester takes validated records into the pipeline (tracker, store and
// bus). It is implemented by the caller of New.
type Ingester interface {
	// Ingest stores observations; an error wrapping store.ErrUnavailable
	// means nothing was stored and the client should retry (503).
	Ingest(ctx context.Context, obs []flight.Observation) error
	// IngestReports stores reports and returns how many were new.
	IngestReports(ctx context.Context, reps []flight.Report) (added int, err error)
}

// Deps are the parts a Server uses. Store, Bus and Ingest are required.
type Deps struct {
	Store  store.Store
	Bus    store.Bus
	Ingest Ingester
	// Static is the browser map, served at /. Nil: / answers 404.
	Static fs.FS
	// OGC is mounted at /ogc with http.StripPrefix (it sees paths
	// relative to /ogc; /ogc redirects to /ogc/). Nil: not mounted.
	OGC http.Handler
	// FeedStatus is served at /api/v1/feeds as JSON. Nil: [].
	FeedStatus func() any
	// Cluster is served at /api/v1/cluster as JSON: which partitions of
	// the aircraft this instance owns. Nil: 404.
	Cluster func() any
	// Resolver resolves report place names to positions on report ingest.
	Resolver reports.Resolver
	// Logger receives the server's logs. Nil: discarded.
	Logger *slog.Logger
	// Registry receives the server's metrics and is served at /metrics.
	// Nil: a private registry.
	Registry *prometheus.Registry
	// Now is the clock used to validate ingested records. Nil: time.Now.
	Now func() time.Time
	// Deliveries serves /api/v1/webhooks/deliveries. Nil: none listed.
	Deliveries Deliveries
	// Airports resolves plan airports and /api/v1/airports. Nil: no
	// airport is known (plans are rejected, routes are not drawn).
	Airports *geo.AirportIndex
	// Basemap serves the offline basemap tiles and glyphs and gives the
	// map's opening view. Nil: neither.
	Basemap *Basemap
}

// Server is the HTTP API, websocket hub and webhook sender. Its methods are
// safe for concurrent use.
type Server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	reg     *prometheus.Registry
	m       *metrics
	hub     *stream.Hub
	handler http.Handler
	now     func() time.Time

	airports *geo.AirportIndex // deps.Airports, or an empty index

	cellHeads cellHeads // encoded cell geometries, for /cells
}

// New builds a Server from cfg and deps; it starts nothing.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Store == nil || deps.Bus == nil || deps.Ingest == nil {
		return nil, errors.New("server: new: Store, Bus and Ingest are required")
	}
	cfg = cfg.withDefaults()
	for i, t := range cfg.Tokens {
		if t.Value == "" {
			return nil, fmt.Errorf("server: new: token %d is empty", i)
		}
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Logger, reg: deps.Registry, now: deps.Now, airports: deps.Airports}
	if s.airports == nil {
		s.airports = geo.NewAirportIndex(nil)
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.log = s.log.With("component", "server")
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		for _, c := range []prometheus.Collector{collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
			if err := s.reg.Register(c); err != nil {
				return nil, fmt.Errorf("server: register collectors: %w", err)
			}
		}
	}
	if s.now == nil {
		s.now = time.Now
	}
	m, err := newMetrics(s.reg)
	if err != nil {
		return nil, fmt.Errorf("server: register metrics: %w", err)
	}
	s.m = m
	if s.hub, err = s.newStream(); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	if len(cfg.Tokens) == 0 {
		s.log.Warn("no ingest tokens configured: writes (positions, reports, plans) answer 401; set http.tokens or FLIGHTWATCH_INGEST_TOKENS")
	}
	return s, nil
}

// Handler returns the HTTP handler of every endpoint. The websocket stream
// delivers updates only while Run or Serve runs the hub.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := s.handle
	mux.Handle("POST /api/v1/positions", h(s.postPositions))
	mux.Handle("POST /api/v1/reports", h(s.postReports))
	mux.Handle("GET /api/v1/reports", h(s.getReports))
	mux.Handle("GET /api/v1/cells", h(s.getCells))
	mux.Handle("GET /api/v1/aircraft", h(s.getAircraftList))
	mux.Handle("GET /api/v1/aircraft/{hex}", h(s.getAircraft))
	mux.Handle("GET /api/v1/aircraft/{hex}/track", h(s.getTrack))
	mux.Handle("GET /api/v1/flights", h(s.getFlights))
	mux.Handle("GET /api/v1/history", h(s.getHistory))
	mux.Handle("GET /api/v1/stats", h(s.getStats))
	mux.Handle("GET /api/v1/alerts", h(s.getAlerts))
	mux.Handle("POST /api/v1/plans", h(s.postPlan))
	mux.Handle("GET /api/v1/plans", h(s.getPlans))
	mux.Handle("DELETE /api/v1/plans/{id}", h(s.deletePlan))
	mux.Handle("GET /api/v1/routes", h(s.getRoutes))
	mux.Handle("GET /api/v1/airports/{ident}", h(s.getAirport))
	mux.Handle("GET /api/v1/feeds", h(s.getFeeds))
	mux.Handle("GET /api/v1/meta", h(s.getMeta))
	if s.deps.Cluster != nil {
		mux.Handle("GET /api/v1/cluster", h(func(w http.ResponseWriter, _ *http.Request) error {
			return writeJSON(w, http.StatusOK, s.deps.Cluster())
		}))
	}
	mux.Handle("GET /api/v1/stream", s.hub)
	mux.Handle("GET /api/v1/webhooks/deliveries", h(s.getDeliveries))
	mux.Handle("POST /api/v1/webhooks/deliveries/{id}/retry", h(s.retryDelivery))
	mux.Handle("/api/", h(func(http.ResponseWriter, *http.Request) error {
		return errorf(http.StatusNotFound, "no such endpoint")
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_ = writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /readyz", h(s.readyz))
	s.mountTiles(mux)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg}))
	if s.deps.OGC != nil {
		mux.Handle("/ogc/", http.StripPrefix("/ogc", s.deps.OGC))
		mux.Handle("/ogc", http.RedirectHandler("/ogc/", http.StatusMovedPermanently))
	}
	if s.deps.Static != nil {
		files := http.FileServerFS(s.deps.Static)
		mux.Handle("GET /report", reportPage(files))
		mux.Handle("/", h(func(w http.ResponseWriter, r *http.Request) error {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				return errorf(http.StatusMethodNotAllowed, "method %s not allowed", r.Method)
			}
			files.ServeHTTP(w, r)
			return nil
		}))
	}
	return s.instrument(recoverer(s.log, mux))
}

// instrument counts requests by route pattern and status code.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// read endpoints are public data for browser GIS tools
			sw.Header().Set("Access-Control-Allow-Origin", "*")
		}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		s.m.requests.WithLabelValues(route, fmt.Sprint(sw.status)).Inc()
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.deps.Store.Ping(ctx); err != nil {
		return &apiError{Status: http.StatusServiceUnavailable, Msg: "store unreachable: " + err.Error(), RetryAfter: 5}
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) getFeeds(w http.ResponseWriter, _ *http.Request) error {
	if s.deps.FeedStatus == nil {
		return writeJSON(w, http.StatusOK, []any{})
	}
	return writeJSON(w, http.StatusOK, s.deps.FeedStatus())
}

// getMeta describes the deployment to the map: the banner to show and the
// text of its About panel (both may be empty), the privacy threshold k of
// the published hexagons, and the scenario clock while a demo plays.
func (s *Server) getMeta(w http.ResponseWriter, _ *http.Request) error {
	meta := map[string]any{"banner": s.cfg.Banner, "info": s.cfg.Info, "min_cell_count": s.cfg.MinCellCount}
	s.metaMap(meta)
	if s.cfg.Scenario != nil {
		if sc := s.cfg.Scenario(); sc.Pass > 0 {
			meta["scenario"] = sc
		}
	}
	return writeJSON(w, http.StatusOK, meta)
}

// Run listens on Config.Listen and serves until ctx is done; see Serve.
func (s *Server) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("server: listen %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves HTTP on ln and runs the websocket hub and the webhook
// workers until ctx is done; then it shuts the HTTP server down (waiting
// up to 10 s for requests under way) and closes ln. A clean shutdown
// returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadTimeout:       s.cfg.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// requests under way finish during Shutdown; websockets are
		// closed by the hub
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.hub.Run(gctx) })
	g.Go(func() error {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("server: serve %s: %w", ln.Addr(), err)
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("server: shutdown: %w", err)
		}
		return nil
	})
	return g.Wait()
}
