package redis

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// countLegsScript moves each leg's count to its new key: the counters of
// the key it was counted under (stored per leg) go down, those of the new
// key up. A key is "day<US>group<US>..." (stats.Key.String); an empty new
// key uncounts the leg.
// KEYS: legStatKeys, statDays. ARGV: statDayPrefix, then leg id
// and new key per leg.
var countLegsScript = goredis.NewScript(countLegsLua)

//go:embed scripts/count_legs.lua
var countLegsLua string

// sentKeys remembers the stats key this process last sent per leg, so that
// a leg rewritten with the same groups (its last_seen moved on) costs no
// script call. Bounded: it starts afresh when full.
type sentKeys struct {
	mu sync.Mutex
	m  map[string]string
}

const maxSentKeys = 200000

// queueCountLegs queues on pipe the script that files legs under their
// stats keys, for the legs whose key changed since this process last sent
// it. A caller whose pipeline fails calls forgetSent.
func (s *Store) queueCountLegs(ctx context.Context, pipe goredis.Pipeliner, legs []flight.Leg) {
	keyer := s.cfg.Keyer
	args := []any{s.k.StatDayPrefix()}
	s.sent.mu.Lock()
	if s.sent.m == nil || len(s.sent.m) > maxSentKeys {
		s.sent.m = make(map[string]string)
	}
	for i := range legs {
		l := &legs[i]
		k := ""
		if key, ok := keyer.KeyOf(l); ok {
			k = key.String()
		}
		if prev, seen := s.sent.m[l.ID]; seen && prev == k {
			continue
		}
		s.sent.m[l.ID] = k
		args = append(args, l.ID, k)
	}
	s.sent.mu.Unlock()
	if len(args) == 1 {
		return
	}
	countLegsScript.Eval(ctx, pipe, []string{s.k.LegStatKeys(), s.k.StatDays()}, args...)
}

// forgetSent makes the next write send every leg's stats key again: the
// store may not have the ones a failed write carried.
func (s *Store) forgetSent() {
	s.sent.mu.Lock()
	s.sent.m = nil
	s.sent.mu.Unlock()
}

// Stats returns the per-day counts of q.By over q's days: the days from
// the day index, then one HGETALL per day in one pipeline.
func (s *Store) Stats(ctx context.Context, q store.StatsQuery) ([]stats.DayCount, error) {
	by := stats.Index(stats.By(q.By))
	if by < 0 {
		return nil, store.ErrUnknownGrouping
	}
	rng := &goredis.ZRangeBy{Min: "-inf", Max: "+inf"}
	if !q.Since.IsZero() {
		rng.Min = strconv.FormatInt(stats.Day(q.Since), 10)
	}
	if !q.Until.IsZero() {
		rng.Max = strconv.FormatInt(stats.Day(q.Until.Add(-1)), 10)
	}
	days, err := s.client.ZRangeByScore(ctx, s.k.StatDays(), rng).Result()
	if err != nil {
		return nil, rediserr.Wrap(ctx, "stats", "days", err)
	}
	out := make([]stats.DayCount, 0)
	if len(days) == 0 {
		return out, nil
	}
	pipe := s.client.Pipeline()
	cmds := make([]*goredis.MapStringStringCmd, len(days))
	nums := make([]int64, len(days))
	for i, d := range days {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis: stats: day %q: %w", d, codec.ErrCorrupt)
		}
		nums[i] = n
		cmds[i] = pipe.HGetAll(ctx, s.k.StatDay(by, n))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "stats", q.By, err)
	}
	for i, c := range cmds {
		for g, v := range c.Val() {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("redis: stats: count %q: %w", v, codec.ErrCorrupt)
			}
			if n > 0 {
				out = append(out, stats.DayCount{Day: nums[i], Group: g, Count: n})
			}
		}
	}
	return out, nil
}
