package server

import (
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stream"
)

// Token scopes.
const (
	ScopeIngest  = "ingest"   // POST positions, reports and plans; DELETE plans
	ScopeReadRaw = "read:raw" // read raw report points (GET /api/v1/reports, ws reports layer)
	ScopeAdmin   = "admin"    // every scope
)

// Token is a bearer token and the scopes it grants.
type Token struct {
	Value  string   // the secret sent as "Authorization: Bearer Value"
	Scopes []string // ScopeIngest, ScopeReadRaw, ScopeAdmin
}

// Config configures a Server. Zero fields take the defaults noted.
type Config struct {
	// Listen is the TCP address Run listens on. Default ":8080".
	Listen string
	// Tokens are the accepted bearer tokens. None: every authenticated
	// endpoint answers 401.
	Tokens []Token
	// MaxBodyBytes caps request bodies; larger ones get 413. Default 8 MB.
	MaxBodyBytes int64
	// ReadTimeout, WriteTimeout and IdleTimeout are the http.Server
	// timeouts. Defaults 30 s, 60 s and 120 s. The websocket endpoint
	// manages its own deadlines.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// Stream configures the websocket hub at /api/v1/stream (queues,
	// batching tick, resume history, compression, allowed origins, the
	// cells layer's resolution); zero fields take stream's defaults.
	Stream stream.Config
	// CellRes lists the resolutions the store aggregates reports at
	// (store.Config.ReportRes); /api/v1/cells snaps a zoom to the nearest.
	// Default [3, 5, 7].
	CellRes []int
	// MinCellCount is the privacy threshold k: cells counting fewer people
	// are not published by /api/v1/cells or the websocket. Default 3.
	MinCellCount int
	// PublicRawReports publishes raw report points without a token. False
	// (default): they need a token with scope read:raw.
	PublicRawReports bool
	// InstanceID names this process on the bus.
	InstanceID string
	// Banner is a line the map shows above everything (the demo says it
	// is a simulation). Empty: none.
	Banner string
	// Info is HTML for the map's About panel. Empty: the map's own text.
	Info string
	// Scenario, when set, gives the map the demo's scenario clock (see
	// Scenario); nil: the map shows wall-clock times.
	Scenario func() Scenario
}

// Scenario is the clock of a replayed scenario as /api/v1/meta reports it:
// scenario time = Start + (now - PassStart) × Speed during pass Pass.
type Scenario struct {
	Pass      int       `json:"pass"`
	PassStart time.Time `json:"pass_start"`
	Start     time.Time `json:"start"`
	Speed     float64   `json:"speed"`
	// Passes are the start times of the latest passes, oldest first and
	// Pass's own last, so that the map can place the times of earlier
	// passes too. Empty: only the current pass is known.
	Passes []time.Time `json:"passes,omitempty"`
}

func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = ":8080"
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 8 << 20
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 30 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 60 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 120 * time.Second
	}
	if len(c.CellRes) == 0 {
		c.CellRes = []int{3, 5, 7}
	}
	if c.MinCellCount <= 0 {
		c.MinCellCount = flight.DefaultMinCellCount
	}
	return c
}
