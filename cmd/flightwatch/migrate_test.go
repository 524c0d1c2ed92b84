package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
)

func TestMigrateKeysFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the error, or in the usage for --help
	}{
		{"help", []string{"--help"}, "idempotent and resumable"},
		{"no url", []string{"--redis", ""}, "--redis is required"},
		{"bad url", []string{"--redis", "http://x"}, "unknown scheme"},
		{"empty prefix", []string{"--redis", "redis://127.0.0.1:1", "--prefix", ""}, "--prefix must not be empty"},
		{"extra argument", []string{"--redis", "redis://127.0.0.1:1", "now"}, `unexpected argument "now"`},
		{"unknown flag", []string{"--force"}, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runMigrateKeys(context.Background(), tc.args, &out, &errOut)
			if err == nil {
				t.Fatalf("migrate-keys %v = nil error", tc.args)
			}
			if tc.name == "help" {
				if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), tc.want) || !strings.Contains(errOut.String(), "-dry-run") {
					t.Errorf("migrate-keys --help = %v, usage %q; want ErrHelp and a usage naming %q and -dry-run", err, errOut.String(), tc.want)
				}
				return
			}
			if !strings.Contains(err.Error()+errOut.String(), tc.want) {
				t.Errorf("migrate-keys %v = %v (%s), want %q", tc.args, err, errOut.String(), tc.want)
			}
		})
	}
}

// TestMigrateKeys writes a report in the single-tag layout with raw
// commands, runs migrate-keys (dry, then for real, then again) and reads
// the report back through the store.
func TestMigrateKeys(t *testing.T) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	ctx := context.Background()
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (make test needs it): %v", url, err)
	}
	prefix := fmt.Sprintf("fwtest-mig-%d", rand.Uint64())
	st := fwredis.NewWithClient(c, prefix, store.Config{})
	t.Cleanup(func() { st.Drop(context.Background()) })

	r := flight.Report{ID: "r1", Time: time.Date(2025, 1, 30, 10, 0, 0, 0, time.UTC), Lat: 31.8, Lon: -106.4,
		Count: 3, Category: "unknown", Source: "test"}
	body, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	day := r.Time.Unix() / 86400
	tag := "{" + prefix + "}"
	pipe := c.Pipeline()
	pipe.HSet(ctx, tag+":rep", r.ID, body)
	pipe.ZAdd(ctx, tag+":rday:20250130", goredis.Z{Score: float64(r.Time.UnixMicro()), Member: r.ID})
	pipe.ZAdd(ctx, tag+":days", goredis.Z{Score: float64(day), Member: day})
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	reports := func() []flight.Report {
		got, err := st.Reports(ctx, store.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	steps := []struct {
		name    string
		args    []string
		want    string
		reports int
	}{
		{"dry run", []string{"--dry-run"}, "would move 2 keys", 0},
		{"migrate", nil, "moved 2 keys", 1},
		{"again", nil, "old keys found: none", 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"--redis", url, "--prefix", prefix}, st.args...)
			if err := runMigrateKeys(ctx, args, &out, &errOut); err != nil {
				t.Fatalf("migrate-keys %v = %v (%s)", args, err, errOut.String())
			}
			if !strings.Contains(out.String(), st.want) {
				t.Errorf("migrate-keys %v printed %q, want %q", args, out.String(), st.want)
			}
			got := reports()
			if len(got) != st.reports || (len(got) == 1 && (got[0].ID != "r1" || got[0].Count != 3)) {
				t.Errorf("Reports() after %s = %+v, want %d report r1", st.name, got, st.reports)
			}
		})
	}
}
