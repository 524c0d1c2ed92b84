package retention

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/store"
)

// Options configures a Retainer. Zero fields take the defaults noted.
type Options struct {
	// Every is how often Run expires data and counts what is held.
	// Default 10m.
	Every time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger receives the outcome of each round. Nil: discarded.
	Logger *slog.Logger
	// Registry receives the gauges and counters. Nil: none registered.
	Registry prometheus.Registerer
}

// Retainer expires a store's old data on a timer.
type Retainer struct {
	h       store.History
	policy  store.Retention
	opt     Options
	log     *slog.Logger
	held    *prometheus.GaugeVec
	expired *prometheus.CounterVec
}

// New returns a Retainer applying policy to h.
func New(h store.History, policy store.Retention, opt Options) *Retainer {
	if opt.Every <= 0 {
		opt.Every = 10 * time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Retainer{h: h, policy: policy, opt: opt, log: opt.Logger.With("component", "retention"),
		held: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "flightwatch_store_held",
			Help: "What the store holds, by kind (aircraft, track_points, legs, leg_points, alerts, reports), counted at each retention round.",
		}, []string{"kind"}),
		expired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_store_expired_total",
			Help: "Records removed by retention, by kind (track_points, legs, alerts, reports).",
		}, []string{"kind"}),
	}
	if opt.Registry != nil {
		opt.Registry.MustRegister(r.held, r.expired)
	}
	return r
}

// Run expires and counts once right away, then every Options.Every, until
// ctx is done. A failed round is logged and tried again at the next tick.
func (r *Retainer) Run(ctx context.Context) error {
	t := time.NewTicker(r.opt.Every)
	defer t.Stop()
	for {
		if _, err := r.Once(ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.log.Warn("retention round", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Once expires what the policy allows no longer, updates the counters and
// the held gauges, and returns what it expired.
func (r *Retainer) Once(ctx context.Context) (store.Expired, error) {
	e, err := r.h.Expire(ctx, r.opt.Now(), r.policy)
	r.expired.WithLabelValues("track_points").Add(float64(e.TrackPoints))
	r.expired.WithLabelValues("legs").Add(float64(e.Legs))
	r.expired.WithLabelValues("alerts").Add(float64(e.Alerts))
	r.expired.WithLabelValues("reports").Add(float64(e.Reports))
	if err != nil {
		return e, err
	}
	if e != (store.Expired{}) {
		r.log.Info("expired", "track_points", e.TrackPoints, "legs", e.Legs, "alerts", e.Alerts, "reports", e.Reports)
	}
	h, err := r.h.Held(ctx)
	if err != nil {
		return e, err
	}
	for kind, n := range map[string]int{"aircraft": h.Aircraft, "track_points": h.TrackPoints, "legs": h.Legs,
		"leg_points": h.LegPoints, "alerts": h.Alerts, "reports": h.Reports} {
		r.held.WithLabelValues(kind).Set(float64(n))
	}
	return e, nil
}
