package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Webhook request headers.
const (
	HeaderSignature = "X-Flightwatch-Signature" // "sha256=" + hex HMAC-SHA256 of the body
	HeaderEvent     = "X-Flightwatch-Event"     // "alert"
	HeaderDelivery  = "X-Flightwatch-Delivery"  // the alert id: the same on every retry
)

// Sign returns the X-Flightwatch-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Webhook is an endpoint receiving alerts. Zero fields take the defaults
// noted.
type Webhook struct {
	// Name identifies the webhook's consumer group and its failed
	// deliveries; instances sharing a store must use the same names.
	// Default: derived from URL.
	Name   string
	URL    string
	Secret string
	// Types limits the alert types sent; empty sends all.
	Types []flight.AlertType
	// MaxAge is how long after an alert was logged it is still retried.
	// Default 24h.
	MaxAge time.Duration
	// Attempts caps the POSTs per alert; 0 retries until MaxAge.
	Attempts int
	// Timeout bounds one POST. Default 10s.
	Timeout time.Duration
}

// Options configures a Notifier. Zero fields take the defaults noted.
type Options struct {
	// Consumer names this instance in the consumer groups. Required.
	Consumer string
	// Encode renders the request body of an alert. Required.
	Encode func(a *flight.Alert) []byte
	// Backoff is the wait before the first retry, doubled after each
	// failure up to MaxBackoff. Defaults 1s and 5m.
	Backoff, MaxBackoff time.Duration
	// Takeover is how long an entry handed to another instance stays
	// idle before this one claims it. Default 30s.
	Takeover time.Duration
	// Poll bounds the wait for new alerts. Default 1s.
	Poll     time.Duration
	Client   *http.Client
	Logger   *slog.Logger
	Registry prometheus.Registerer
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Notifier delivers the alert log to webhooks.
type Notifier struct {
	out   store.Outbox
	hooks []Webhook
	opt   Options
	log   *slog.Logger
	m     *prometheus.CounterVec
	ready chan struct{}
	once  sync.Once
}

// New returns a notifier reading out for hooks.
func New(out store.Outbox, hooks []Webhook, opt Options) (*Notifier, error) {
	if opt.Consumer == "" || opt.Encode == nil {
		return nil, errors.New("notify: new: Consumer and Encode are required")
	}
	seen := map[string]bool{}
	hooks = slices.Clone(hooks)
	for i := range hooks {
		h := &hooks[i]
		if h.URL == "" {
			return nil, fmt.Errorf("notify: webhook %d: url is required", i)
		}
		if h.Name == "" {
			sum := sha256.Sum256([]byte(h.URL))
			h.Name = hex.EncodeToString(sum[:6])
		}
		if seen[h.Name] {
			return nil, fmt.Errorf("notify: webhook %d: name %q used twice", i, h.Name)
		}
		seen[h.Name] = true
		if h.MaxAge <= 0 {
			h.MaxAge = 24 * time.Hour
		}
		if h.Timeout <= 0 {
			h.Timeout = 10 * time.Second
		}
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 5 * time.Minute
	}
	if opt.Takeover <= 0 {
		opt.Takeover = 30 * time.Second
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	if opt.Client == nil {
		opt.Client = &http.Client{}
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	n := &Notifier{out: out, hooks: hooks, opt: opt, log: opt.Logger.With("component", "notify"), ready: make(chan struct{}),
		m: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_webhook_deliveries_total",
			Help: "Webhook POSTs by outcome (delivered, retried, failed).",
		}, []string{"outcome"})}
	if opt.Registry != nil {
		if err := opt.Registry.Register(n.m); err != nil {
			return nil, fmt.Errorf("notify: register metrics: %w", err)
		}
	}
	return n, nil
}

// group is the consumer group of a webhook.
func group(h *Webhook) string { return "webhook:" + h.Name }

// Prepare creates the consumer groups, so that alerts logged from now on
// are delivered even before Run starts.
func (n *Notifier) Prepare(ctx context.Context) error {
	for i := range n.hooks {
		if _, err := n.out.Pending(ctx, group(&n.hooks[i]), 1); err != nil {
			return fmt.Errorf("notify: prepare %s: %w", n.hooks[i].Name, err)
		}
	}
	return nil
}

// Run delivers alerts until ctx is done: one loop per webhook.
func (n *Notifier) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range n.hooks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.loop(ctx, &n.hooks[i])
		}()
	}
	wg.Wait()
	return nil
}

// loop serves one webhook: retries due, then new alerts.
func (n *Notifier) loop(ctx context.Context, h *Webhook) {
	g := group(h)
	wait := n.opt.Poll
	for ctx.Err() == nil {
		if err := n.retryDue(ctx, h); err != nil && ctx.Err() == nil {
			n.log.Warn("webhook retries", "webhook", h.Name, "err", err)
			sleep(ctx, wait)
			wait = min(2*wait, 10*time.Second)
			continue
		}
		ds, err := n.out.Next(ctx, g, n.opt.Consumer, 16, n.opt.Poll)
		if err != nil {
			if ctx.Err() == nil {
				n.log.Warn("webhook read", "webhook", h.Name, "err", err)
				sleep(ctx, wait)
				wait = min(2*wait, 10*time.Second)
			}
			continue
		}
		wait = n.opt.Poll
		for _, d := range ds {
			n.attempt(ctx, h, d)
		}
	}
}

// backoff is the wait after the count-th failed attempt.
func (n *Notifier) backoff(count int) time.Duration {
	d := n.opt.Backoff
	for i := 1; i < count && d < n.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, n.opt.MaxBackoff)
}

// retryDue claims and attempts the pending entries whose backoff has
// passed: this instance's own after the backoff, another's only after
// Takeover too (that instance may still be at it).
func (n *Notifier) retryDue(ctx context.Context, h *Webhook) error {
	g := group(h)
	pend, err := n.out.Pending(ctx, g, 100)
	if err != nil {
		return err
	}
	for _, p := range pend {
		idle := n.backoff(p.Count)
		if p.Consumer != n.opt.Consumer {
			idle = max(idle, n.opt.Takeover)
		}
		if p.Idle < idle {
			continue
		}
		ds, err := n.out.Claim(ctx, g, n.opt.Consumer, idle, p.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			n.attempt(ctx, h, d)
		}
	}
	return nil
}

// attempt POSTs one delivery: acknowledged when delivered, not wanted,
// or given up on (then recorded as failed); else left pending for a
// retry.
func (n *Notifier) attempt(ctx context.Context, h *Webhook, d store.Delivery) {
	g := group(h)
	if len(h.Types) > 0 && !slices.Contains(h.Types, d.Alert.Type) {
		n.ack(ctx, g, d.ID)
		return
	}
	err := n.post(ctx, h, &d.Alert)
	if err == nil {
		n.m.WithLabelValues("delivered").Inc()
		n.ack(ctx, g, d.ID)
		return
	}
	if ctx.Err() != nil {
		return
	}
	now := n.opt.Now()
	logged := Logged(d)
	if (h.Attempts > 0 && d.Count >= h.Attempts) || (!logged.IsZero() && now.Sub(logged) >= h.MaxAge) {
		n.m.WithLabelValues("failed").Inc()
		n.log.Warn("webhook delivery given up", "webhook", h.Name, "alert", d.Alert.ID, "attempts", d.Count, "err", err)
		f := store.Failure{ID: d.ID, Alert: d.Alert, Attempts: d.Count, Error: err.Error(), First: logged, Last: now}
		if ferr := n.out.Fail(ctx, g, f); ferr != nil {
			n.log.Warn("record failed delivery", "webhook", h.Name, "alert", d.Alert.ID, "err", ferr)
			return // stays pending: tried again later
		}
		n.ack(ctx, g, d.ID)
		return
	}
	n.m.WithLabelValues("retried").Inc()
	n.log.Info("webhook delivery failed; will retry", "webhook", h.Name, "alert", d.Alert.ID, "attempt", d.Count,
		"next", n.backoff(d.Count), "err", err)
}

func (n *Notifier) ack(ctx context.Context, g, id string) {
	if err := n.out.Ack(ctx, g, id); err != nil && ctx.Err() == nil {
		n.log.Warn("ack delivery", "group", g, "id", id, "err", err)
	}
}

// Logged is when the entry entered the log: the time in a Redis stream
// id ("<unix ms>-<seq>"), else the delivery's Logged time.
func Logged(d store.Delivery) time.Time {
	if !d.Logged.IsZero() {
		return d.Logged
	}
	ms, _, ok := strings.Cut(d.ID, "-")
	if !ok {
		return time.Time{}
	}
	v, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

// post sends one alert.
func (n *Notifier) post(ctx context.Context, h *Webhook, a *flight.Alert) error {
	body := n.opt.Encode(a)
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", h.Name, err)
	}
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set(HeaderSignature, Sign(h.Secret, body))
	req.Header.Set(HeaderEvent, "alert")
	req.Header.Set(HeaderDelivery, a.ID)
	req.Header.Set("User-Agent", "flightwatch")
	resp, err := n.opt.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", h.Name, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return fmt.Errorf("webhook %s: status %d", h.Name, resp.StatusCode)
	}
	return nil
}

// Failed is a delivery given up on, with its webhook.
type Failed struct {
	Webhook string `json:"webhook"`
	store.Failure
}

// Failed lists every webhook's failed deliveries.
func (n *Notifier) Failed(ctx context.Context) ([]Failed, error) {
	out := []Failed{}
	for i := range n.hooks {
		fs, err := n.out.Failed(ctx, group(&n.hooks[i]))
		if err != nil {
			return nil, fmt.Errorf("notify: failed %s: %w", n.hooks[i].Name, err)
		}
		for _, f := range fs {
			out = append(out, Failed{Webhook: n.hooks[i].Name, Failure: f})
		}
	}
	return out, nil
}

// ErrNoDelivery is returned by Retry when no failed delivery has the id.
var ErrNoDelivery = errors.New("notify: no such failed delivery")

// Retry POSTs the failed deliveries with entry id (to the named webhook,
// or to every webhook where it failed when webhook is empty) now, and
// forgets those delivered. It returns how many were delivered and the
// last error.
func (n *Notifier) Retry(ctx context.Context, id, webhook string) (int, error) {
	found, delivered := 0, 0
	var last error
	for i := range n.hooks {
		h := &n.hooks[i]
		if webhook != "" && h.Name != webhook {
			continue
		}
		fs, err := n.out.Failed(ctx, group(h))
		if err != nil {
			return delivered, fmt.Errorf("notify: retry %s: %w", id, err)
		}
		for _, f := range fs {
			if f.ID != id {
				continue
			}
			found++
			if err := n.post(ctx, h, &f.Alert); err != nil {
				last = err
				f.Attempts++
				f.Error, f.Last = err.Error(), n.opt.Now()
				_ = n.out.Fail(ctx, group(h), f)
				continue
			}
			n.m.WithLabelValues("delivered").Inc()
			delivered++
			if err := n.out.Unfail(ctx, group(h), id); err != nil && !errors.Is(err, store.ErrNotFound) {
				last = err
			}
		}
	}
	if found == 0 {
		return 0, fmt.Errorf("%w: %s", ErrNoDelivery, id)
	}
	return delivered, last
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
