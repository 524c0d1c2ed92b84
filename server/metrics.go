package server

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus collectors.
type metrics struct {
	requests *prometheus.CounterVec // route, code
	ingested *prometheus.CounterVec // kind (positions, reports), result (accepted, rejected)
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_ingest_records_total", Help: "Records received on the ingest endpoints, by kind and result.",
		}, []string{"kind", "result"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.ingested} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
