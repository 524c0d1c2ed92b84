package feeds

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Prometheus counters of all feeds, labelled by feed name.
type metrics struct {
	messages, observations, reconnects *prometheus.CounterVec
	rejects                            *prometheus.CounterVec
	connected                          *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flightwatch_feed_messages_total",
			Help: "Messages (lines, documents) received per feed."}, []string{"feed"}),
		observations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flightwatch_feed_observations_total",
			Help: "Observations handed to the store per feed."}, []string{"feed"}),
		rejects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flightwatch_feed_rejects_total",
			Help: "Records rejected per feed and reason."}, []string{"feed", "reason"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flightwatch_feed_reconnects_total",
			Help: "Reconnections and restarts after a failure per feed."}, []string{"feed"}),
		connected: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "flightwatch_feed_connected",
			Help: "1 while the feed is connected or its last poll succeeded."}, []string{"feed"}),
	}
	var err error
	m.messages = register(reg, m.messages, &err)
	m.observations = register(reg, m.observations, &err)
	m.rejects = register(reg, m.rejects, &err)
	m.reconnects = register(reg, m.reconnects, &err)
	m.connected = register(reg, m.connected, &err)
	if err != nil {
		return nil, fmt.Errorf("feeds: register metrics: %w", err)
	}
	return m, nil
}

// register registers c, or returns the collector already registered under
// its name (a second Manager on the same registry shares the counters).
func register[C prometheus.Collector](reg prometheus.Registerer, c C, errp *error) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if ex, ok := are.ExistingCollector.(C); ok {
				return ex
			}
		}
		if *errp == nil {
			*errp = err
		}
	}
	return c
}

// stats counts one feed's activity; it implements feedstats.Stats.
type stats struct {
	name string
	met  *metrics
	now  func() time.Time

	messages, observations, rejects, reconnects atomic.Uint64
	connected                                   atomic.Bool
	lastMessage                                 atomic.Int64 // unix nanoseconds

	mu      sync.Mutex
	lastErr string
}

func newStats(name string, met *metrics, now func() time.Time) *stats {
	return &stats{name: name, met: met, now: now}
}

func (s *stats) Messages(n int) {
	s.messages.Add(uint64(n))
	s.lastMessage.Store(s.now().UnixNano())
	if s.met != nil {
		s.met.messages.WithLabelValues(s.name).Add(float64(n))
	}
}

func (s *stats) Observations(n int) {
	s.observations.Add(uint64(n))
	if s.met != nil {
		s.met.observations.WithLabelValues(s.name).Add(float64(n))
	}
}

func (s *stats) Reject(reason string, n int) {
	s.rejects.Add(uint64(n))
	if s.met != nil {
		s.met.rejects.WithLabelValues(s.name, reason).Add(float64(n))
	}
}

func (s *stats) Reconnect() {
	s.reconnects.Add(1)
	if s.met != nil {
		s.met.reconnects.WithLabelValues(s.name).Inc()
	}
}

func (s *stats) Connected(ok bool) {
	s.connected.Store(ok)
	if s.met != nil {
		v := 0.0
		if ok {
			v = 1
		}
		s.met.connected.WithLabelValues(s.name).Set(v)
	}
}

func (s *stats) Error(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.lastErr = ""
		return
	}
	s.lastErr = err.Error()
}

func (s *stats) status() Status {
	st := Status{
		Name:         s.name,
		Connected:    s.connected.Load(),
		Messages:     s.messages.Load(),
		Observations: s.observations.Load(),
		Rejects:      s.rejects.Load(),
		Reconnects:   s.reconnects.Load(),
	}
	if ns := s.lastMessage.Load(); ns != 0 {
		st.LastMessage = time.Unix(0, ns).UTC()
	}
	s.mu.Lock()
	st.LastError = s.lastErr
	s.mu.Unlock()
	return st
}
