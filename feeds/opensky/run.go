package opensky

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/poll"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
)

// Sink receives the feed's observations.
type Sink = sink.Sink

// RetryHeader is the header OpenSky sets on 429 with the seconds to wait.
const RetryHeader = "X-Rate-Limit-Retry-After-Seconds"

// Config configures a Feed. Zero values mean the documented defaults.
type Config struct {
	// URL of /api/states/all. Required.
	URL string
	// Interval between polls; zero is 10 s (anonymous resolution).
	Interval time.Duration
	// BBox limits the query: minLon, minLat, maxLon, maxLat; nil is the
	// whole world.
	BBox []float64
	// Username and Password select basic auth.
	Username, Password string
	// ClientID and ClientSecret select OAuth2 client credentials against
	// TokenURL.
	ClientID, ClientSecret, TokenURL string
	// Headers are added to every request.
	Headers map[string]string
	// Source is copied into every observation.
	Source string
	Client *http.Client    // nil: a client with a 30 s timeout
	Stats  feedstats.Stats // nil discards counts
	Logger *slog.Logger    // nil discards logs
	Now    func() time.Time
}

// Feed polls OpenSky's state vectors.
type Feed struct {
	cfg Config
	dec Decoder

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New returns a feed for cfg.
func New(cfg Config) *Feed {
	cfg.Stats, cfg.Logger, cfg.Now = feedstats.Defaults(cfg.Stats, cfg.Logger, cfg.Now)
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	return &Feed{cfg: cfg, dec: Decoder{Source: cfg.Source}}
}

// Endpoint is the URL polled, with the bounding box query.
func (f *Feed) Endpoint() (string, error) {
	u, err := url.Parse(f.cfg.URL)
	if err != nil {
		return "", fmt.Errorf("opensky: parse url %q: %w", f.cfg.URL, err)
	}
	if len(f.cfg.BBox) == 4 {
		q := u.Query()
		b := f.cfg.BBox
		for i, k := range []string{"lomin", "lamin", "lomax", "lamax"} {
			q.Set(k, strconv.FormatFloat(b[i], 'f', -1, 64))
		}
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// Run polls until ctx is done and returns nil then.
func (f *Feed) Run(ctx context.Context, to Sink) error {
	if f.cfg.URL == "" {
		return errors.New("opensky: no url")
	}
	endpoint, err := f.Endpoint()
	if err != nil {
		return err
	}
	p := &poll.Loop{
		Client:      f.cfg.Client,
		Interval:    f.cfg.Interval,
		RetryHeader: RetryHeader,
		Request: func(ctx context.Context) (*http.Request, error) {
			req, err := poll.Get(ctx, "opensky", endpoint, f.cfg.Headers)
			if err != nil {
				return nil, err
			}
			return req, f.authorize(ctx, req)
		},
		Handle:       poll.Deliver(to, f.cfg.Stats, f.dec.Decode),
		Unauthorized: f.dropToken,
		Stats:        f.cfg.Stats,
		Logger:       f.cfg.Logger,
		Now:          f.cfg.Now,
	}
	return p.Run(ctx)
}

// authorize adds the configured credentials to req.
func (f *Feed) authorize(ctx context.Context, req *http.Request) error {
	switch {
	case f.cfg.ClientID != "":
		tok, err := f.bearer(ctx)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	case f.cfg.Username != "":
		req.SetBasicAuth(f.cfg.Username, f.cfg.Password)
	}
	return nil
}

func (f *Feed) dropToken() {
	f.mu.Lock()
	f.token = ""
	f.mu.Unlock()
}

// bearer returns the cached token, fetching a new one when it is missing
// or within 30 s of expiry.
func (f *Feed) bearer(ctx context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.cfg.Now()
	if f.token != "" && now.Before(f.expires) {
		return f.token, nil
	}
	if f.cfg.TokenURL == "" {
		return "", errors.New("opensky: client credentials without token_url")
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {f.cfg.ClientID},
		"client_secret": {f.cfg.ClientSecret},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("opensky: token request %s: %w", f.cfg.TokenURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("opensky: fetch token %s: %w", f.cfg.TokenURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("opensky: read token %s: %w", f.cfg.TokenURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("opensky: fetch token %s: %w", f.cfg.TokenURL, &poll.StatusError{Code: resp.StatusCode})
	}
	var t struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return "", fmt.Errorf("opensky: token %s: no access_token in answer", f.cfg.TokenURL)
	}
	life := time.Duration(t.ExpiresIn * float64(time.Second))
	if life <= 0 {
		life = 5 * time.Minute
	}
	f.token, f.expires = t.AccessToken, now.Add(life-min(30*time.Second, life/2))
	return f.token, nil
}
