package partition

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/ingest"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// Pipeline is the part of ingest.Pipeline the router drives.
type Pipeline interface {
	IngestBatch(ctx context.Context, obs []flight.Observation) (ingest.Outcome, error)
	IngestReports(ctx context.Context, reps []flight.Report) (int, error)
}

var _ Pipeline = (*ingest.Pipeline)(nil)

// Tracker is the part of track.Tracker a hand-over changes.
type Tracker interface {
	Seed(legs []flight.Leg)
	Forget(drop func(hex string) bool) int
}

// LegReader reads stored legs (store.Store).
type LegReader interface {
	Legs(ctx context.Context, q store.LegQuery) ([]flight.Leg, error)
}

// RouterConfig configures a Router. Zero fields take the defaults noted.
type RouterConfig struct {
	// MaxStream bounds each partition's stream, in entries (one entry is
	// the part of one ingested batch for the partition). An ingest that
	// finds a stream full answers as a store fault (503): the owner has
	// not kept up for a long time. Default 10000.
	MaxStream int
	// Read is how many entries the owner reads from a stream at once.
	// Default 256.
	Read int
	// Block is how long a read waits for new entries on a single Redis,
	// and how long the owner sleeps between reads on a Redis Cluster,
	// where one read cannot span partitions. Default 1s on a single
	// Redis, 100ms on a cluster.
	Block time.Duration
	// WriteTimeout bounds forwarding a batch to the streams and each
	// step of consuming them; past it Redis counts as unavailable.
	// Default 2s.
	WriteTimeout time.Duration
	// LiveFor is how far back (by LastSeen) the legs that seed the
	// tracker for a new partition are read. Default 12h.
	LiveFor time.Duration
	// Now is the clock. Default time.Now.
	Now      func() time.Time
	Logger   *slog.Logger
	Registry prometheus.Registerer
}

// group is the consumer group of every partition stream.
const group = "owner"

// Router sends each observation to its partition's owner: into the local
// pipeline for partitions this instance owns, through the partition's
// stream for the others. It implements the ingest interfaces of the
// server and the feeds, and is the Leases' Handover. Create it with
// NewRouter; Run consumes the owned partitions' streams.
type Router struct {
	client  goredis.UniversalClient
	k       keyspace.Keys
	l       *Leases
	pipe    Pipeline
	tr      Tracker
	legs    LegReader
	cfg     RouterConfig
	cluster bool
	log     *slog.Logger

	routed   *prometheus.CounterVec
	badEntry prometheus.Counter

	wake   chan struct{}  // a partition was taken: read again at once
	routes map[string]int // stream key -> partition
}

// NewRouter returns a router over pipe for the partitions l hands out.
// tr (nil: none) is seeded and trimmed on hand-over from legs.
func NewRouter(client goredis.UniversalClient, prefix string, l *Leases, pipe Pipeline, tr Tracker, legs LegReader, cfg RouterConfig) *Router {
	_, cluster := client.(*goredis.ClusterClient)
	if cfg.MaxStream <= 0 {
		cfg.MaxStream = 10000
	}
	if cfg.Read <= 0 {
		cfg.Read = 256
	}
	if cfg.Block <= 0 {
		cfg.Block = time.Second
		if cluster {
			cfg.Block = 100 * time.Millisecond
		}
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 2 * time.Second
	}
	if cfg.LiveFor <= 0 {
		cfg.LiveFor = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Router{client: client, k: keyspace.New(prefix), l: l, pipe: pipe, tr: tr, legs: legs, cfg: cfg,
		cluster: cluster, log: cfg.Logger.With("component", "router"), wake: make(chan struct{}, 1), routes: map[string]int{}}
	for p := range Count {
		r.routes[r.k.Route(p)] = p
	}
	r.routed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "flightwatch_routed_observations_total",
		Help: "Observations by route: local (ingested here, partition owned), forwarded (appended to the owner's stream), consumed (read from an owned partition's stream and stored).",
	}, []string{"route"})
	r.badEntry = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "flightwatch_routed_entries_corrupt_total",
		Help: "Partition stream entries that could not be decoded and were dropped.",
	})
	if cfg.Registry != nil {
		cfg.Registry.MustRegister(r.routed, r.badEntry, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "flightwatch_partitions_owned",
			Help: "Partitions this instance owns (of " + strconv.Itoa(Count) + ").",
		}, func() float64 { return float64(l.NumOwned()) }))
	}
	return r
}

// Ingest is IngestBatch without the outcome, for feeds.
func (r *Router) Ingest(ctx context.Context, obs []flight.Observation) error {
	_, err := r.IngestBatch(ctx, obs)
	return err
}

// IngestReports stores reports through the pipeline: reports have no
// owner.
func (r *Router) IngestReports(ctx context.Context, reps []flight.Report) (int, error) {
	return r.pipe.IngestReports(ctx, reps)
}

// IngestBatch ingests the observations of owned partitions through the
// pipeline and appends the others to their partitions' streams; it
// returns only once both are stored. Forwarded observations count as
// stored (their owner judges them later: lines it drops are not listed in
// Ignored). An error wrapping store.ErrUnavailable means the batch must be
// sent again; parts of it may be stored, and storing them again is
// harmless.
func (r *Router) IngestBatch(ctx context.Context, obs []flight.Observation) (ingest.Outcome, error) {
	r.l.enter()
	defer r.l.leave()
	all := true
	for i := range obs {
		if !r.l.owned[Of(obs[i].Hex)].Load() {
			all = false
			break
		}
	}
	if all {
		out, err := r.pipe.IngestBatch(ctx, obs)
		if err == nil {
			r.routed.WithLabelValues("local").Add(float64(len(obs)))
		}
		return out, err
	}
	var (
		local   []flight.Observation
		idx     []int
		packed  = map[int][]byte{}
		scratch []byte
	)
	for i := range obs {
		p := Of(obs[i].Hex)
		if r.l.owned[p].Load() {
			local = append(local, obs[i])
			idx = append(idx, i)
			continue
		}
		packed[p], scratch = appendObs(packed[p], scratch, &obs[i])
	}
	if err := r.forward(ctx, packed); err != nil {
		return ingest.Outcome{}, err
	}
	fwd := len(obs) - len(local)
	r.routed.WithLabelValues("forwarded").Add(float64(fwd))
	var out ingest.Outcome
	if len(local) > 0 {
		var err error
		if out, err = r.pipe.IngestBatch(ctx, local); err != nil {
			return ingest.Outcome{}, err
		}
		for i := range out.Ignored {
			out.Ignored[i].Index = idx[out.Ignored[i].Index]
		}
		r.routed.WithLabelValues("local").Add(float64(len(local)))
	}
	out.Stored += fwd
	return out, nil
}

// appendScript appends ARGV[2] to the stream KEYS[1] as field "o" unless
// it holds ARGV[1] entries already.
var appendScript = goredis.NewScript(`
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return redis.error_reply('FULL partition stream holds ' .. ARGV[1] .. ' entries')
end
return redis.call('XADD', KEYS[1], '*', 'o', ARGV[2])`)

// forward appends each partition's packed observations to its stream,
// in one pipeline.
func (r *Router) forward(ctx context.Context, packed map[int][]byte) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
	defer cancel()
	try := func() (missing bool, err error) {
		pipe := r.client.Pipeline()
		cmds := make(map[int]*goredis.Cmd, len(packed))
		for p, b := range packed {
			cmds[p] = appendScript.EvalSha(ctx, pipe, []string{r.k.Route(p)}, r.cfg.MaxStream, b)
		}
		_, _ = pipe.Exec(ctx)
		for p, c := range cmds {
			switch err := c.Err(); {
			case err == nil:
			case isNoScript(err):
				missing = true
			case strings.HasPrefix(err.Error(), "FULL"):
				return false, fmt.Errorf("partition: forward to %d: %w: %w", p, store.ErrUnavailable, err)
			default:
				return false, rediserr.Wrap(ctx, "forward", strconv.Itoa(p), err)
			}
		}
		return missing, nil
	}
	missing, err := try()
	if err == nil && missing {
		if err := appendScript.Load(ctx, r.client).Err(); err != nil {
			return rediserr.Wrap(ctx, "load forward script", "", err)
		}
		missing, err = try() // the entries that were stored are stored again: harmless
		if err == nil && missing {
			err = errors.New("partition: forward: script missing after load")
		}
	}
	if err != nil && !errors.Is(err, store.ErrUnavailable) && !errors.Is(ctx.Err(), context.Canceled) {
		err = fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}
