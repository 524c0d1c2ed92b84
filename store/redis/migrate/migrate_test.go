package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
)

// newTestClient connects to the test Redis and returns a private prefix
// whose keys are dropped when the test ends. Redis is required.
func newTestClient(t *testing.T) (*goredis.Client, string) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opt)
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (set FLIGHTWATCH_TEST_REDIS_URL; the tests need a real Redis): %v", url, err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	prefix := "fwtest-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.Background()
		for _, p := range keyspace.New(prefix).Patterns() {
			if ks, err := c.Keys(ctx, p).Result(); err == nil && len(ks) > 0 {
				c.Del(ctx, ks...)
			}
		}
		c.Close()
	})
	return c, prefix
}

// TestRun writes single-tag keys with raw commands and checks that Run
// (dry, then for real, then again) puts each under its spread name.
func TestRun(t *testing.T) {
	ctx := context.Background()
	c, prefix := newTestClient(t)
	k := keyspace.New(prefix)
	const cell = 0x85283473fffffff
	day := query.Day(time.Date(2025, 1, 30, 0, 0, 0, 0, time.UTC))
	pipe := c.Pipeline()
	pipe.HSet(ctx, k.Old("ac"), "abc123", "state1", "def456", "state2")
	pipe.ZAdd(ctx, k.Old("seen"), goredis.Z{Score: 10, Member: "abc123"}, goredis.Z{Score: 20, Member: "def456"})
	pipe.ZAdd(ctx, k.Old("trk:abc123"), goredis.Z{Score: 10, Member: "p1"})
	pipe.SAdd(ctx, k.Old("cell:"+keyspace.CellName(cell)), "abc123")
	pipe.HSet(ctx, k.Old("rep"), "r1", `{"id":"r1","time":"2025-01-30T10:00:00Z"}`)
	pipe.ZAdd(ctx, k.Old("rday:notaday"), goredis.Z{Score: 1, Member: "r1"})
	pipe.HSet(ctx, k.Legs(), "abc123-1", "{}") // store-wide: stays
	// newer than the old hash: kept
	pipe.HSet(ctx, k.Aircraft(keyspace.Partition("def456")), "def456", "newer")
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	dry, err := Run(ctx, c, prefix, true)
	if err != nil {
		t.Fatalf("Run(dry run) = %v", err)
	}
	if dry.Moved != 5 || dry.Found["ac"] != 1 || dry.Found["rday"] != 1 || !slices.Equal(dry.Kept, []string{k.Old("rday:notaday")}) {
		t.Errorf("Run(dry run) = %+v; want 5 to move, the malformed day kept", dry)
	}
	if n, err := c.Exists(ctx, k.Aircraft(keyspace.Partition("abc123"))).Result(); err != nil || n != 0 {
		t.Fatalf("after a dry run: EXISTS %s = %d, %v; want 0", k.Aircraft(keyspace.Partition("abc123")), n, err)
	}

	got, err := Run(ctx, c, prefix, false)
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if got.Moved != dry.Moved || !slices.Equal(got.Kept, dry.Kept) {
		t.Errorf("Run() = %+v; want %d moved and kept %v as the dry run said", got, dry.Moved, dry.Kept)
	}
	month := query.Month(day)
	checks := []struct {
		name, got, want string
	}{
		{"aircraft", c.HGet(ctx, k.Aircraft(keyspace.Partition("abc123")), "abc123").Val(), "state1"},
		{"aircraft already there", c.HGet(ctx, k.Aircraft(keyspace.Partition("def456")), "def456").Val(), "newer"},
		{"seen", c.ZScore(ctx, k.Seen(keyspace.Partition("def456")), "def456").String(), "zscore " + k.Seen(keyspace.Partition("def456")) + " def456: 20"},
		{"track", c.ZRange(ctx, k.Track("abc123"), 0, -1).String(), "zrange " + k.Track("abc123") + " 0 -1: [p1]"},
		{"report", c.HGet(ctx, k.Reports(month), "r1").Val(), `{"id":"r1","time":"2025-01-30T10:00:00Z"}`},
		{"report id claim", c.HGet(ctx, k.ReportIDs(), "r1").Val(), query.MonthName(month)},
		{"legs stay", c.HGet(ctx, k.Legs(), "abc123-1").Val(), "{}"},
	}
	for _, tc := range checks {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if ok, err := c.SIsMember(ctx, k.Cell(cell), "abc123").Result(); err != nil || !ok {
		t.Errorf("SISMEMBER %s abc123 = %v, %v; want true", k.Cell(cell), ok, err)
	}
	if n, err := c.Exists(ctx, k.Old("ac"), k.Old("seen"), k.Old("trk:abc123"), k.Old("rep")).Result(); err != nil || n != 0 {
		t.Errorf("old keys left after Run: %d, %v; want none", n, err)
	}

	again, err := Run(ctx, c, prefix, false)
	if err != nil || again.Moved != 0 || again.Found["rday"] != 1 || len(again.Found) != 1 {
		t.Errorf("Run() again = %+v, %v; want only the kept day found", again, err)
	}
}

// FuzzParseDay checks that parseDay never panics and reads back what
// query.DayName writes.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"20250130", "19700101", "2025013", "notaday", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		d, ok := parseDay(name)
		if ok && query.DayName(d) != name {
			t.Errorf("parseDay(%q) = %d, which is named %q", name, d, query.DayName(d))
		}
	})
}
