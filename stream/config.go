package stream

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/paulmach/orb"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Config configures a Hub. Zero fields take the defaults noted.
type Config struct {
	// QueueBytes bounds each connection's queue of messages that cannot
	// be skipped (snapshots, alerts, reports, cells); a client past it is
	// closed with a reason. Default 4 MB.
	QueueBytes int
	// Batch is the tick that merges changes into one batch. Default
	// 100 ms; at most 1 s. A change waits for the next tick, half a tick
	// on average: at 250 ms the tick alone kept the hop's p99 above
	// 250 ms. At 30,000 changes a second the 100 ms tick costs the hub
	// about 7% more CPU and sends about 12% more bytes than 250 ms
	// (fewer repeated changes of one aircraft merge; BenchmarkHubTick).
	// A tick that finds the previous batch still being delivered cuts
	// none: under load the batches grow rather than queue.
	Batch time.Duration
	// History is how many batches are kept for resuming clients.
	// Default: 30 s of batches (300 at the default Batch). The batches
	// of the last second keep their encodings; older ones keep which
	// aircraft changed where (about 70 bytes per change), and a client
	// resuming from them gets the latest state of those aircraft.
	History int
	// HistoryBytes bounds the bytes the kept batches hold (estimated).
	// Default 32 MB: about 15 s of changes at 30,000 aircraft changes a
	// second, 30 s at half that.
	HistoryBytes int
	// CellRes is the H3 resolution of the cells layer. Default 5.
	CellRes int
	// AllowedOrigins lists the Origin header values a websocket may come
	// from ("*": any). Empty: the request's own host, or no Origin.
	AllowedOrigins []string
	// Compression offers permessage-deflate to clients that ask for it.
	// Default false.
	Compression bool
	// StallTimeout is how long a client's queue may hold messages with
	// none written before the client is closed as stuck. Default 10 s.
	StallTimeout time.Duration
}

// defaultHistoryAge is how long the history keeps batches by default.
const defaultHistoryAge = 30 * time.Second

func (c Config) withDefaults() Config {
	if c.QueueBytes <= 0 {
		c.QueueBytes = 4 << 20
	}
	if c.Batch <= 0 {
		c.Batch = 100 * time.Millisecond
	}
	c.Batch = min(c.Batch, time.Second)
	if c.History <= 0 {
		c.History = int((defaultHistoryAge + c.Batch - 1) / c.Batch)
	}
	if c.HistoryBytes <= 0 {
		c.HistoryBytes = 32 << 20
	}
	if c.CellRes <= 0 {
		c.CellRes = 5
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = writeWait
	}
	return c
}

// Source reads the state a snapshot starts from.
type Source interface {
	// AircraftIn returns the current aircraft inside b.
	AircraftIn(ctx context.Context, b orb.Bound) ([]flight.Aircraft, error)
	// Cells returns report cell counts.
	Cells(ctx context.Context, q store.CellQuery) ([]store.CellCount, error)
}

// Privacy decides what a client may see.
type Privacy interface {
	// PublicCells returns the cells that may be published (those
	// counting at least the privacy threshold); it may reuse cells.
	PublicCells(cells []store.CellCount) []store.CellCount
	// RawAllowed reports whether raw report points may be sent to the
	// client of r.
	RawAllowed(r *http.Request) bool
}

// Encoder writes the GeoJSON Features of the wire protocol, so that the
// websocket agrees field by field with the other outputs.
type Encoder interface {
	AppendAircraft(b []byte, a *flight.Aircraft) []byte
	AppendAlert(b []byte, a *flight.Alert) []byte
	AppendReport(b []byte, r *flight.Report) []byte
	AppendCell(b []byte, c store.CellCount) []byte
}

// Deps are the parts a Hub uses; all but Logger and Registry are
// required.
type Deps struct {
	Bus     store.Bus
	Source  Source
	Privacy Privacy
	Encoder Encoder
	// Logger receives the hub's logs. Nil: discarded.
	Logger *slog.Logger
	// Registry receives the websocket metrics. Nil: not registered.
	Registry prometheus.Registerer
	// Error answers a failed upgrade. Nil: http.Error.
	Error func(w http.ResponseWriter, status int, msg string)
}
