package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/notify"
)

// Deliveries lists and retries webhook deliveries given up on
// (notify.Notifier).
type Deliveries interface {
	Failed(ctx context.Context) ([]notify.Failed, error)
	Retry(ctx context.Context, id, webhook string) (delivered int, err error)
}

// AlertFeature is the GeoJSON Feature of an alert, as the API, the
// websocket and webhooks send it.
func AlertFeature(a *flight.Alert) []byte { return appendAlertFeature(nil, a) }

// getDeliveries answers the failed webhook deliveries (token with the
// ingest scope).
func (s *Server) getDeliveries(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorize(w, r, ScopeIngest); err != nil {
		return err
	}
	if s.deps.Deliveries == nil {
		return writeJSON(w, http.StatusOK, map[string]any{"failed": []any{}})
	}
	fs, err := s.deps.Deliveries.Failed(r.Context())
	if err != nil {
		return ingestFailed("deliveries", err)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"failed": fs})
}

// retryDelivery POSTs a failed delivery again now: 200 when delivered,
// 404 when no failed delivery has the id, 502 when the endpoint failed
// again (it stays listed).
func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorize(w, r, ScopeIngest); err != nil {
		return err
	}
	id := r.PathValue("id")
	if s.deps.Deliveries == nil {
		return errorf(http.StatusNotFound, "no failed delivery %q", id)
	}
	n, err := s.deps.Deliveries.Retry(r.Context(), id, r.URL.Query().Get("webhook"))
	switch {
	case errors.Is(err, notify.ErrNoDelivery):
		return errorf(http.StatusNotFound, "no failed delivery %q", id)
	case err != nil && n == 0:
		return errorf(http.StatusBadGateway, "retry %s: %v", id, err)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"id": id, "delivered": n})
}
