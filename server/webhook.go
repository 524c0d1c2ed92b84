package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Webhook request headers.
const (
	HeaderSignature = "X-Flightwatch-Signature" // "sha256=" + hex HMAC-SHA256 of the body
	HeaderEvent     = "X-Flightwatch-Event"     // "alert"
)

// Sign returns the X-Flightwatch-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// webhooks POSTs this instance's alerts to the configured endpoints, one
// worker and one bounded queue per endpoint, so that a slow endpoint
// delays only itself and never the bus, ingest or the hub.
type webhooks struct {
	cfg    Config
	bus    store.Bus
	log    *slog.Logger
	m      *metrics
	client *http.Client
	ready  chan struct{} // closed once run has subscribed to the bus
	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

func newWebhooks(cfg Config, bus store.Bus, log *slog.Logger, m *metrics) (*webhooks, error) {
	for i, h := range cfg.Webhooks {
		if h.URL == "" {
			return nil, fmt.Errorf("server: webhook %d: url is required", i)
		}
	}
	return &webhooks{cfg: cfg, bus: bus, log: log.With("component", "webhooks"), m: m,
		client: &http.Client{Timeout: 10 * time.Second}, sleep: sleepCtx, ready: make(chan struct{})}, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// run subscribes to the bus and delivers alerts until ctx is done.
func (w *webhooks) run(ctx context.Context) error {
	if len(w.cfg.Webhooks) == 0 {
		close(w.ready)
		return nil
	}
	events, ok := subscribe(ctx, w.bus, w.log)
	if !ok {
		return nil
	}
	close(w.ready)
	queues := make([]chan flight.Alert, len(w.cfg.Webhooks))
	done := make(chan struct{})
	for i := range w.cfg.Webhooks {
		queues[i] = make(chan flight.Alert, w.cfg.WebhookQueue)
		go func() {
			defer func() { done <- struct{}{} }()
			w.worker(ctx, w.cfg.Webhooks[i], queues[i])
		}()
	}
	defer func() {
		for range queues {
			<-done
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-events:
			if !ok {
				if events, ok = subscribe(ctx, w.bus, w.log); !ok {
					return nil
				}
				continue
			}
			if e.Kind != store.EventAlert || e.Alert == nil {
				continue
			}
			if w.cfg.InstanceID != "" && e.Source != w.cfg.InstanceID {
				continue // another instance raised it and sends it
			}
			for i, h := range w.cfg.Webhooks {
				if len(h.Types) > 0 && !slices.Contains(h.Types, e.Alert.Type) {
					continue
				}
				select {
				case queues[i] <- *e.Alert:
				default:
					w.m.webhookDelivery.WithLabelValues("failed").Inc()
					w.log.Warn("webhook queue full; alert dropped", "url", h.URL, "alert", e.Alert.ID)
				}
			}
		}
	}
}

func (w *webhooks) worker(ctx context.Context, h Webhook, queue <-chan flight.Alert) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-queue:
			w.deliver(ctx, h, &a)
		}
	}
}

// deliver POSTs one alert, retrying with exponential backoff on network
// errors, 408, 429 and 5xx answers.
func (w *webhooks) deliver(ctx context.Context, h Webhook, a *flight.Alert) {
	body := appendAlertFeature(nil, a)
	sig := Sign(h.Secret, body)
	backoff := w.cfg.WebhookBackoff
	var last error
	for try := 0; try < w.cfg.WebhookTries; try++ {
		if try > 0 {
			w.m.webhookDelivery.WithLabelValues("retried").Inc()
			if err := w.sleep(ctx, backoff); err != nil {
				return
			}
			backoff *= 2
		}
		retry, err := w.post(ctx, h.URL, body, sig)
		if err == nil {
			w.m.webhookDelivery.WithLabelValues("delivered").Inc()
			return
		}
		last = err
		if !retry {
			break
		}
	}
	w.m.webhookDelivery.WithLabelValues("failed").Inc()
	w.log.Warn("webhook delivery failed", "url", h.URL, "alert", a.ID, "err", last)
}

// post sends one request; retry says whether a failure may pass.
func (w *webhooks) post(ctx context.Context, url string, body []byte, sig string) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("webhook %s: %w", url, err)
	}
	req.Header.Set("Content-Type", ctGeoJSON)
	req.Header.Set(HeaderSignature, sig)
	req.Header.Set(HeaderEvent, "alert")
	req.Header.Set("User-Agent", "flightwatch")
	resp, err := w.client.Do(req)
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("webhook %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return true, fmt.Errorf("webhook %s: status %d", url, resp.StatusCode)
	}
	return false, fmt.Errorf("webhook %s: status %d", url, resp.StatusCode)
}
