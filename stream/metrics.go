package stream

import "github.com/prometheus/client_golang/prometheus"

// metrics are the websocket's Prometheus collectors.
type metrics struct {
	clients prometheus.Gauge
	dropped *prometheus.CounterVec // reason
	sent    prometheus.Counter
	touched prometheus.Histogram
	// the resume history: bytes held and batches kept
	histBytes   prometheus.Gauge
	histBatches prometheus.Gauge
	busyTicks   prometheus.Counter // ticks that cut no batch: the previous one was still being delivered
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		clients: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "flightwatch_ws_clients", Help: "Connected websocket clients.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_ws_messages_dropped_total", Help: "Websocket messages dropped, by reason (slow client queue overflow, closed).",
		}, []string{"reason"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "flightwatch_ws_messages_sent_total", Help: "Websocket messages written to clients.",
		}),
		touched: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "flightwatch_ws_tick_clients", Help: "Websocket clients a tick delivered to.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 8),
		}),
		histBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "flightwatch_ws_history_bytes", Help: "Bytes held by the websocket resume history (estimated).",
		}),
		histBatches: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "flightwatch_ws_history_batches", Help: "Update batches kept in the websocket resume history.",
		}),
		busyTicks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "flightwatch_ws_ticks_merged_total", Help: "Websocket ticks whose changes merged into the next batch, the previous one still being delivered.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.clients, m.dropped, m.sent, m.touched, m.histBytes, m.histBatches, m.busyTicks} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// drop counts one message dropped for reason.
func (h *Hub) drop(reason string) {
	h.m.dropped.WithLabelValues(reason).Inc()
	if reason == reasonSlow {
		h.slowClosed.Add(1)
	}
}

// Drop reasons.
const (
	reasonSlow   = "slow_client"
	reasonClosed = "closed"
)

// SlowClosed returns how many clients were closed as too slow.
func (h *Hub) SlowClosed() int64 { return h.slowClosed.Load() }
