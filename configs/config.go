package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/flightwatch/flightwatch/feeds"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/geofence"
)

// Config is the whole configuration of one flightwatch process.
type Config struct {
	// Listen is the HTTP listen address. Default ":8080".
	// Env: FLIGHTWATCH_LISTEN.
	Listen string `yaml:"listen"`
	// Redis selects the Redis store; an empty URL means the embedded store.
	Redis Redis `yaml:"redis"`
	// Store tunes either store.
	Store Store `yaml:"store"`
	// Cluster shares the aircraft among the instances of one Redis
	// store; without Redis the one process owns them all.
	Cluster Cluster `yaml:"cluster"`
	// HTTP tunes the API.
	HTTP HTTP `yaml:"http"`
	// Websocket tunes /api/v1/stream.
	Websocket Websocket `yaml:"websocket"`
	// Privacy governs what the reports layer publishes.
	Privacy Privacy `yaml:"privacy"`
	// Tracker tunes flight legs and alert detectors.
	Tracker Tracker `yaml:"tracker"`
	// Watchlists are files of watched aircraft: YAML (see
	// configs/watchlist.yaml) or plane-alert-db CSV (by the .csv extension).
	Watchlists []string `yaml:"watchlists"`
	// Plans are files of planned flights (see configs/flights.yaml).
	Plans []string `yaml:"plans"`
	// Geofences raise geofence alerts when watched aircraft enter or leave.
	Geofences []geofence.Config `yaml:"geofences"`
	// Webhooks receive alerts.
	Webhooks []Webhook `yaml:"webhooks"`
	// Feeds are the live sources of positions and reports.
	Feeds []feeds.Config `yaml:"feeds"`
	// Map is the view the browser map opens at (see Map).
	Map Map `yaml:"map"`
	// Demo replays the bundled January 2025 scenario. Env: FLIGHTWATCH_DEMO=1.
	Demo bool `yaml:"demo"`
	// LogLevel is debug, info, warn or error. Default info.
	LogLevel string `yaml:"log_level"`
}

// Redis configures the Redis store and bus.
type Redis struct {
	// URL is redis://[:password@]host:port/db or rediss://...; for a Redis
	// Cluster redis+cluster://[user:password@]host1:port,host2:port,... or
	// rediss+cluster://...; empty: the embedded store. Env:
	// FLIGHTWATCH_REDIS_URL.
	URL string `yaml:"url"`
	// Prefix starts every key; instances sharing a prefix share data.
	// Default "fw". Env: FLIGHTWATCH_REDIS_PREFIX.
	Prefix string `yaml:"prefix"`
}

// Cluster tunes how instances sharing a Redis store divide the aircraft:
// each of the store's 64 partitions of the hex space has one owner, which
// alone tracks its aircraft and judges their alerts; the others route
// observations of it to the owner (docs/scaling.md).
type Cluster struct {
	// Lease is how long a partition lease lives unless renewed (every
	// Lease/3): a dead instance's partitions are taken over within about
	// Lease + Lease/3. Default 6s.
	Lease time.Duration `yaml:"lease"`
	// StreamLen bounds each partition's stream of observations routed to
	// its owner, in entries (one per ingested batch); an ingest finding
	// it full answers 503. Default 10000.
	StreamLen int `yaml:"stream_len"`
}

// Store tunes the store.
type Store struct {
	// H3Res is the resolution of the aircraft cell index. Default 3.
	H3Res int `yaml:"h3_res"`
	// TrackLen is how many track points are kept per aircraft. Default 2000.
	TrackLen int `yaml:"track_len"`
	// ReportRes are the resolutions report counts are kept at. Default [3, 5, 7].
	ReportRes []int `yaml:"report_res"`
	// AlertLen is how many alerts are kept. Default 10000.
	AlertLen int `yaml:"alert_len"`
	// StaleAfter is how old (by the clock) an aircraft's last fix may be
	// for it to be live (REST aircraft, websocket): older fixes go into
	// the history only, and aircraft silent for longer leave the live
	// views. Default 60s.
	StaleAfter time.Duration `yaml:"stale_after"`
	// LegPoints bounds the points of one leg's own line; a fuller line
	// keeps every other point. Default 10000 (12 hours at one per 5 s).
	LegPoints int `yaml:"leg_points"`
	// Retention is how long each kind of data is kept.
	Retention Retention `yaml:"retention"`
	// WriteTimeout bounds every store call of an ingest; past it the
	// store counts as unavailable (503 with Retry-After). Default 2s.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// Takeover is how long an alert handed to an instance for delivery
	// (webhooks, websocket relay) may stay unacknowledged before another
	// instance sharing the store takes it over. Default 30s.
	Takeover time.Duration `yaml:"takeover"`
}

// Retention is how long the store keeps each kind of data; 0 keeps it
// forever. Unset fields take the defaults noted.
type Retention struct {
	// Tracks: track points, by point time. Default 720h (30 days).
	Tracks Age `yaml:"tracks"`
	// Legs: legs last seen longer ago, with their lines. Default 0.
	Legs Age `yaml:"legs"`
	// Alerts: alerts raised longer ago. Default 0 (alert_len bounds them).
	Alerts Age `yaml:"alerts"`
	// Reports: reports, a whole UTC month at a time. Default 0.
	Reports Age `yaml:"reports"`
	// Every is how often retention runs. Default 10m.
	Every time.Duration `yaml:"every"`
}

// Age is a retention age: a duration such as 720h, or 0 to keep forever.
// The zero Age is unset and takes its field's default.
type Age struct {
	D   time.Duration
	Set bool
}

// UnmarshalYAML reads 0 or a Go duration.
func (a *Age) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "0" {
		*a = Age{Set: true}
		return nil
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q: want 0 or a duration such as 720h", n.Line, n.Value)
	}
	*a = Age{D: d, Set: true}
	return nil
}

// Policy returns the retention ages with defaults applied.
func (r Retention) Policy() (tracks, legs, alerts, reports time.Duration) {
	get := func(a Age, def time.Duration) time.Duration {
		if !a.Set {
			return def
		}
		return a.D
	}
	return get(r.Tracks, 720*time.Hour), get(r.Legs, 0), get(r.Alerts, 0), get(r.Reports, 0)
}

// HTTP tunes the API.
type HTTP struct {
	// Tokens are bearer tokens with their scopes: ingest (POST positions,
	// reports, plans), read:raw (raw report points), admin.
	// FLIGHTWATCH_INGEST_TOKENS adds comma-separated ingest tokens.
	Tokens []Token `yaml:"tokens"`
	// MaxBodyBytes limits an ingest body. Default 8 MiB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// AllowedOrigins may open websockets; empty: the same host only.
	AllowedOrigins []string `yaml:"allowed_origins"`
	// Banner is shown on the map (the demo sets it).
	Banner string `yaml:"banner"`
}

// Token is one bearer token.
type Token struct {
	Token  string   `yaml:"token"`
	Scopes []string `yaml:"scopes"`
}

// Websocket tunes /api/v1/stream.
type Websocket struct {
	// QueueBytes bounds each connection's send queue. Default 4 MiB.
	QueueBytes int `yaml:"queue_bytes"`
	// Batch is how often updates are merged and sent. Default 100ms.
	Batch time.Duration `yaml:"batch"`
	// History is how many update batches are kept for resuming. Default:
	// 30 s of them.
	History int `yaml:"history"`
	// HistoryBytes bounds the bytes those batches hold. Default 32 MiB.
	HistoryBytes int `yaml:"history_bytes"`
	// Compression offers permessage-deflate to clients that ask. Default false.
	Compression bool `yaml:"compression"`
}

// Privacy governs the reports layer.
type Privacy struct {
	// MinCellCount is k: hexagons counting fewer people are not published.
	// Default 3.
	MinCellCount int `yaml:"min_cell_count"`
	// PublicRawReports publishes raw report points to everyone; false
	// (default) needs a token with scope read:raw.
	PublicRawReports bool `yaml:"public_raw_reports"`
}

// Webhook receives alerts as signed JSON POSTs.
type Webhook struct {
	// Name keys the webhook's delivery state in the store; instances
	// sharing a store use the same names. Default: derived from url.
	Name   string   `yaml:"name"`
	URL    string   `yaml:"url"`
	Secret string   `yaml:"secret"`
	Types  []string `yaml:"types"` // empty: every alert type
	// MaxAge is how long after an alert was stored its delivery is
	// retried. Default 24h.
	MaxAge time.Duration `yaml:"max_age"`
	// Attempts caps the POSTs per alert; 0 (default) retries until MaxAge.
	Attempts int `yaml:"attempts"`
	// Timeout bounds one POST. Default 10s.
	Timeout time.Duration `yaml:"timeout"`
}

// Default returns the configuration used when no file is given.
func Default() Config {
	var c Config
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Listen == "" {
		c.Listen = ":8080"
	}
	if c.Redis.Prefix == "" {
		c.Redis.Prefix = "fw"
	}
	if c.Store.StaleAfter <= 0 {
		c.Store.StaleAfter = 60 * time.Second
	}
	if c.Store.WriteTimeout <= 0 {
		c.Store.WriteTimeout = 2 * time.Second
	}
	if c.Store.Takeover <= 0 {
		c.Store.Takeover = 30 * time.Second
	}
	if c.Cluster.Lease <= 0 {
		c.Cluster.Lease = 6 * time.Second
	}
	if c.Cluster.StreamLen <= 0 {
		c.Cluster.StreamLen = 10000
	}
	for i := range c.Webhooks {
		if c.Webhooks[i].MaxAge <= 0 {
			c.Webhooks[i].MaxAge = 24 * time.Hour
		}
		if c.Webhooks[i].Timeout <= 0 {
			c.Webhooks[i].Timeout = 10 * time.Second
		}
	}
	if c.HTTP.MaxBodyBytes <= 0 {
		c.HTTP.MaxBodyBytes = 8 << 20
	}
	if c.Privacy.MinCellCount <= 0 {
		c.Privacy.MinCellCount = flight.DefaultMinCellCount
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
}

// Load reads a configuration file, applies the environment and defaults,
// and validates it, country codes against countries (nil: unchecked). An
// empty path means Default plus the environment. Errors start with
// "config" and the file, and name the offending key.
func Load(path string, env func(string) string, countries *geo.CountryIndex) (Config, error) {
	var c Config
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		if c, err = Parse(bytes.NewReader(b)); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if env == nil {
		env = os.Getenv
	}
	c.ApplyEnv(env)
	if c.Demo {
		c.applyDemo()
	}
	c.applyDefaults()
	if err := c.Validate(countries); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// Parse decodes YAML strictly: unknown keys are errors. Its errors name
// the line and the key path (tracker.holding_turn_deg), not Go types.
func Parse(r io.Reader) (Config, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Config{}, err
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, yamlError(b, err)
	}
	return c, nil
}

// DemoBanner is shown on the map while the demo runs.
const DemoBanner = "Simulation: tracks reconstructed from news reports of 23–26 January 2025, " +
	"times compressed 60×. Aircraft addresses and exact paths are invented. Not live data. About: the facts and their sources."

// DemoSpeed is how many times faster than real time the demo plays.
const DemoSpeed = 60

// applyDemo sets what the compressed demo scenario needs, where the file
// leaves it unset: the tracker's time scale, every reported place
// published (the figures come from published news reports), and the
// banner.
func (c *Config) applyDemo() {
	if c.Tracker.TimeScale == 0 {
		c.Tracker.TimeScale = DemoSpeed
	}
	if c.Privacy.MinCellCount == 0 {
		c.Privacy.MinCellCount = 1
	}
	if c.HTTP.Banner == "" {
		c.HTTP.Banner = DemoBanner
	}
}

// ApplyEnv overrides c with the FLIGHTWATCH_* environment variables.
func (c *Config) ApplyEnv(env func(string) string) {
	if v := env("FLIGHTWATCH_LISTEN"); v != "" {
		c.Listen = v
	}
	if v, ok := lookup(env, "FLIGHTWATCH_REDIS_URL"); ok {
		c.Redis.URL = v
	}
	if v := env("FLIGHTWATCH_REDIS_PREFIX"); v != "" {
		c.Redis.Prefix = v
	}
	for _, t := range strings.Split(env("FLIGHTWATCH_INGEST_TOKENS"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.HTTP.Tokens = append(c.HTTP.Tokens, Token{Token: t, Scopes: []string{"ingest"}})
		}
	}
	switch strings.ToLower(env("FLIGHTWATCH_DEMO")) {
	case "1", "true", "yes", "on":
		c.Demo = true
	case "0", "false", "no", "off":
		c.Demo = false
	}
	if v := env("FLIGHTWATCH_LOG_LEVEL"); v != "" {
		c.LogLevel = v
	}
}

func lookup(env func(string) string, k string) (string, bool) {
	v := env(k)
	return v, v != ""
}

// Validate checks every section and names the first offending field;
// country codes are checked against countries (nil: unchecked).
func (c *Config) Validate(countries *geo.CountryIndex) error {
	if c.Cluster.Lease < 300*time.Millisecond {
		return fmt.Errorf("cluster.lease: %v is shorter than 300ms", c.Cluster.Lease)
	}
	if c.Redis.URL != "" {
		// The store parses the whole URL (store/redis/redisurl.Parse); the
		// scheme is checked here. A cluster URL lists several hosts, which
		// url.Parse does not read.
		scheme, _, _ := strings.Cut(c.Redis.URL, "://")
		switch scheme {
		case "redis", "rediss", "unix", "redis+cluster", "rediss+cluster":
		default:
			return fmt.Errorf("redis.url %q: want redis://, rediss://, unix://, redis+cluster:// or rediss+cluster://", c.Redis.URL)
		}
	}
	if c.Store.H3Res < 0 || c.Store.H3Res > 15 {
		return fmt.Errorf("store.h3_res %d: want 0..15", c.Store.H3Res)
	}
	for _, r := range c.Store.ReportRes {
		if r < 0 || r > 15 {
			return fmt.Errorf("store.report_res %d: want 0..15", r)
		}
	}
	if c.Store.LegPoints < 0 {
		return fmt.Errorf("store.leg_points %d: want 0 (default) or more", c.Store.LegPoints)
	}
	for name, a := range map[string]Age{"tracks": c.Store.Retention.Tracks, "legs": c.Store.Retention.Legs,
		"alerts": c.Store.Retention.Alerts, "reports": c.Store.Retention.Reports} {
		if a.D < 0 {
			return fmt.Errorf("store.retention.%s %v: want 0 (keep) or a positive duration", name, a.D)
		}
	}
	if c.Store.Retention.Every < 0 {
		return fmt.Errorf("store.retention.every %v: want a positive duration", c.Store.Retention.Every)
	}
	for i, t := range c.HTTP.Tokens {
		if t.Token == "" {
			return fmt.Errorf("http.tokens[%d]: empty token", i)
		}
		for _, s := range t.Scopes {
			switch s {
			case "ingest", "read:raw", "admin":
			default:
				return fmt.Errorf("http.tokens[%d]: unknown scope %q", i, s)
			}
		}
	}
	if err := c.Tracker.Validate(countries); err != nil {
		return err
	}
	if c.Websocket.Batch > time.Second {
		return fmt.Errorf("websocket.batch %s: at most 1s", c.Websocket.Batch)
	}
	for i, g := range c.Geofences {
		if err := g.Validate(); err != nil {
			return fmt.Errorf("geofences[%d] %q: %w", i, g.Name, err)
		}
		if countries == nil {
			continue
		}
		for j, code := range g.Countries {
			if _, ok := countries.Country(code); !ok {
				return fmt.Errorf("geofences[%d] %q: countries[%d] %q: not a Natural Earth ADM0_A3 code (e.g. MEX)", i, g.Name, j, code)
			}
		}
	}
	for i, w := range c.Webhooks {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("webhooks[%d].url %q: want http(s)://", i, w.URL)
		}
		if w.Attempts < 0 {
			return fmt.Errorf("webhooks[%d].attempts %d: want 0 (until max_age) or more", i, w.Attempts)
		}
		for _, t := range w.Types {
			if !knownAlert(t) {
				return fmt.Errorf("webhooks[%d].types: unknown alert type %q", i, t)
			}
		}
	}
	names := map[string]bool{}
	for i := range c.Feeds {
		f := &c.Feeds[i]
		if names[f.Name] {
			return fmt.Errorf("feeds[%d] %q: duplicate name", i, f.Name)
		}
		names[f.Name] = true
		if err := f.Validate(); err != nil {
			return fmt.Errorf("feeds[%d] %q: %s", i, f.Name, feedReason(err))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// feedReason is a feed's validation error without the feed's name, which
// the feeds[i] "name" of the caller already says.
func feedReason(err error) string {
	if ce, ok := errors.AsType[*feeds.ConfigError](err); ok {
		return ce.Reason
	}
	return err.Error()
}

func knownAlert(t string) bool {
	for _, a := range flight.AlertTypes {
		if string(a) == t {
			return true
		}
	}
	return false
}
