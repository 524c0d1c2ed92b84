package configs

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/geo"
)

func noEnv(string) string { return "" }

func TestLoadTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(f, noEnv, geo.Countries())
			good := strings.HasSuffix(f, ".good.yml")
			if good && err != nil {
				t.Errorf("Load(%s) = %v, want no error", f, err)
			}
			if !good && err == nil {
				t.Errorf("Load(%s) = nil error, want one", f)
			}
		})
	}
}

// TestBundledFiles loads every bundled configuration: the documented
// defaults must be valid and equal to Default().
func TestBundledFiles(t *testing.T) {
	c, err := Load("flightwatch.yaml", noEnv, geo.Countries())
	if err != nil {
		t.Fatalf("Load(flightwatch.yaml) = %v", err)
	}
	d := Default()
	if c.Listen != d.Listen || c.Redis.Prefix != d.Redis.Prefix || c.Store.StaleAfter != d.Store.StaleAfter ||
		c.HTTP.MaxBodyBytes != d.HTTP.MaxBodyBytes || c.Privacy.MinCellCount != d.Privacy.MinCellCount {
		t.Errorf("flightwatch.yaml defaults %+v differ from Default() %+v", c, d)
	}
	for _, name := range []string{"flightwatch.yaml", "watchlist.yaml", "flights.yaml",
		"demo/flights.ndjson", "demo/flights.yaml", "demo/watchlist.yaml", "demo/reports.csv"} {
		if _, err := fs.Stat(Files(), name); err != nil {
			t.Errorf("bundled %s: %v", name, err)
		}
	}
}

func TestEnvOverrides(t *testing.T) {
	env := map[string]string{
		"FLIGHTWATCH_LISTEN":        "127.0.0.1:9999",
		"FLIGHTWATCH_REDIS_URL":     "redis://127.0.0.1:6379/3",
		"FLIGHTWATCH_INGEST_TOKENS": "a, b,,c",
		"FLIGHTWATCH_DEMO":          "1",
	}
	c, err := Load("testdata/minimal.good.yml", func(k string) string { return env[k] }, geo.Countries())
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9999" || c.Redis.URL != "redis://127.0.0.1:6379/3" || !c.Demo {
		t.Errorf("env not applied: %+v", c)
	}
	if len(c.HTTP.Tokens) != 3 || c.HTTP.Tokens[1].Token != "b" || c.HTTP.Tokens[1].Scopes[0] != "ingest" {
		t.Errorf("tokens = %+v, want a, b, c with scope ingest", c.HTTP.Tokens)
	}
	if c.Tracker.TimeScale != DemoSpeed || c.Privacy.MinCellCount != 1 || c.HTTP.Banner == "" {
		t.Errorf("demo settings not applied: %+v", c)
	}
}

func TestValidateRedisURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"":                                   true,
		"redis://127.0.0.1:6379/0":           true,
		"rediss://:pw@h:6380":                true,
		"unix:///tmp/redis.sock":             true,
		"redis+cluster://a:7000,b:7001":      true,
		"rediss+cluster://u:pw@a:7000,b:700": true,
		"http://h:1":                         false,
		"127.0.0.1:6379":                     false,
		"redis+sentinel://h:1":               false,
	} {
		c := Default()
		c.Redis.URL = url
		if err := c.Validate(nil); (err == nil) != ok {
			t.Errorf("Validate(redis.url %q) = %v, want ok %v", url, err, ok)
		}
	}
}
