package feeds

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"time"

	"gopkg.in/yaml.v3"
)

// Feed kinds.
const (
	KindSBS     = "sbs"
	KindReadsb  = "readsb"
	KindADSBX   = "adsbx-v2"
	KindOpenSky = "opensky"
	KindReplay  = "replay"
	KindReports = "reports"
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("feeds: bad config")

// ConfigError is what is wrong with a feed entry; errors.Is(err,
// ErrConfig) holds for it. Reason carries no prefix, so a caller that
// names the entry itself can print just the reason.
type ConfigError struct {
	Feed   string // the entry's name; empty for an error about the list
	Reason string
}

func (e *ConfigError) Error() string {
	if e.Feed == "" {
		return ErrConfig.Error() + ": " + e.Reason
	}
	return fmt.Sprintf("%s: feed %q: %s", ErrConfig, e.Feed, e.Reason)
}

// Is reports ErrConfig as the error's kind.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// Duration is a time.Duration read from YAML as "1s", "500ms" (or a plain
// number of seconds).
type Duration time.Duration

// UnmarshalYAML reads a Go duration string or a number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("%w: line %d: duration must be a scalar", ErrConfig, n.Line)
	}
	if v, err := time.ParseDuration(n.Value); err == nil {
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := n.Decode(&secs); err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
		return fmt.Errorf("%w: line %d: bad duration %q (want e.g. 1s, 500ms)", ErrConfig, n.Line, n.Value)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// MarshalYAML writes the Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// String is the Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// Config is one entry of the `feeds:` list in configs/flightwatch.yaml.
// Decode with yaml KnownFields so unknown keys are errors. Fields a kind
// does not use are ignored for it.
type Config struct {
	// Name identifies the feed in logs, status and metrics, and is the
	// observations' source. Required, unique.
	Name string `yaml:"name"`
	// Kind is sbs, readsb, adsbx-v2, opensky, replay or reports.
	Kind string `yaml:"kind"`
	// Address is host:port of an SBS receiver (sbs).
	Address string `yaml:"address"`
	// URL is polled (readsb, adsbx-v2, opensky; reports when it reads a URL).
	URL string `yaml:"url"`
	// Path is the file played (replay), or appended to URL (adsbx-v2,
	// e.g. /v2/mil).
	Path string `yaml:"path"`
	// Interval between polls; zero is the kind's default (readsb 1 s,
	// adsbx-v2 and opensky 10 s).
	Interval Duration `yaml:"interval"`
	// BBox limits an opensky query: [minLon, minLat, maxLon, maxLat].
	BBox []float64 `yaml:"bbox"`
	// Username and Password: basic auth (opensky).
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// ClientID, ClientSecret and TokenURL: OAuth2 client credentials
	// (opensky).
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	TokenURL     string `yaml:"token_url"`
	// Timezone of SBS times: "UTC" (readsb; the default), "Local" or an
	// IANA name (dump1090-fa writes local time). Also for SBS lines in
	// replay files.
	Timezone string `yaml:"timezone"`
	// Speed of a replay: 1 (default) is real time, 60 a minute per second.
	Speed float64 `yaml:"speed"`
	// Loop plays a replay again at its end.
	Loop bool `yaml:"loop"`
	// MaxAge is the oldest position accepted from readsb and adsbx-v2;
	// zero is 60 s.
	MaxAge Duration `yaml:"max_age"`
	// Headers are added to every HTTP request of a polled feed.
	Headers map[string]string `yaml:"headers"`
}

// Validate checks one entry: a name, a known kind, what the kind
// requires, a bbox of four valid numbers, non-negative durations and a
// known time zone.
func (c *Config) Validate() error {
	fail := func(format string, a ...any) error {
		return &ConfigError{Feed: c.Name, Reason: fmt.Sprintf(format, a...)}
	}
	if c.Name == "" {
		return fail("name is required")
	}
	switch c.Kind {
	case KindSBS:
		if c.Address == "" {
			return fail("kind sbs needs address (host:port)")
		}
		if _, _, err := net.SplitHostPort(c.Address); err != nil {
			return fail("address %q: %v", c.Address, err)
		}
	case KindReadsb, KindADSBX, KindOpenSky:
		if c.URL == "" {
			return fail("kind %s needs url", c.Kind)
		}
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fail("url %q is not an http(s) URL", c.URL)
		}
	case KindReplay:
		if c.Path == "" {
			return fail("kind replay needs path")
		}
	case KindReports:
		if c.URL == "" && c.Path == "" {
			return fail("kind reports needs url or path")
		}
	case "":
		return fail("kind is required")
	default:
		return fail("unknown kind %q (want sbs, readsb, adsbx-v2, opensky, replay or reports)", c.Kind)
	}
	if c.Interval < 0 || c.MaxAge < 0 {
		return fail("interval and max_age must not be negative")
	}
	if c.BBox != nil {
		if len(c.BBox) != 4 {
			return fail("bbox needs 4 numbers: minLon, minLat, maxLon, maxLat")
		}
		b := c.BBox
		for _, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fail("bbox numbers must be finite")
			}
		}
		if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] >= b[2] || b[1] >= b[3] {
			return fail("bbox %v out of range or empty", b)
		}
	}
	if c.Speed < 0 || math.IsNaN(c.Speed) || math.IsInf(c.Speed, 0) {
		return fail("speed must be a positive number")
	}
	if _, err := c.Location(); err != nil {
		return fail("%v", err)
	}
	if (c.ClientID != "") != (c.ClientSecret != "") || (c.ClientID != "" && c.TokenURL == "") {
		return fail("client_id, client_secret and token_url go together")
	}
	return nil
}

// ValidateAll checks every entry and that names are unique.
func ValidateAll(cfgs []Config) error {
	seen := make(map[string]bool, len(cfgs))
	for i := range cfgs {
		if err := cfgs[i].Validate(); err != nil {
			return err
		}
		if seen[cfgs[i].Name] {
			return &ConfigError{Reason: fmt.Sprintf("feed name %q used twice", cfgs[i].Name)}
		}
		seen[cfgs[i].Name] = true
	}
	return nil
}

// Location is the time zone Timezone names; empty is UTC.
func (c *Config) Location() (*time.Location, error) {
	switch c.Timezone {
	case "", "UTC", "utc":
		return time.UTC, nil
	case "Local", "local":
		return time.Local, nil
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", c.Timezone, err)
	}
	return loc, nil
}
