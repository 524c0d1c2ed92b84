package redis

import (
	"context"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// AppendTrack adds points to each aircraft's track, a sorted set of binary
// points scored by time, and trims it to the newest Config.TrackLen.
func (s *Store) AppendTrack(ctx context.Context, points []flight.TrackPoint) error {
	return s.PutWithTrack(ctx, nil, points)
}

// queueTrack queues AppendTrack's writes on pipe: a ZADD and a trim per
// aircraft. (A Lua script doing the same for the whole batch spares the
// client most of its work but costs Redis more than the commands.)
func (s *Store) queueTrack(ctx context.Context, pipe goredis.Pipeliner, points []flight.TrackPoint) {
	if len(points) == 0 {
		return
	}
	byHex := make(map[string][]goredis.Z)
	buf := make([]byte, 0, len(points)*36)
	for i := range points {
		p := &points[i]
		start := len(buf)
		buf = codec.AppendPoint(buf, p)
		byHex[p.Hex] = append(byHex[p.Hex], goredis.Z{Score: float64(p.Time.UnixMicro()), Member: buf[start:len(buf):len(buf)]})
	}
	for hex, zs := range byHex {
		key := s.k.Track(hex)
		pipe.ZAdd(ctx, key, zs...)
		pipe.ZRemRangeByRank(ctx, key, 0, int64(-s.cfg.TrackLen-1))
	}
}

// Track returns hex's points with since <= time <= until, oldest first.
func (s *Store) Track(ctx context.Context, hex string, since, until time.Time) ([]flight.TrackPoint, error) {
	by := &goredis.ZRangeBy{Min: "-inf", Max: "+inf"}
	if !since.IsZero() {
		by.Min = strconv.FormatInt(since.UnixMicro(), 10)
	}
	if !until.IsZero() {
		by.Max = strconv.FormatInt(until.UnixMicro(), 10)
	}
	vals, err := s.client.ZRangeByScore(ctx, s.k.Track(hex), by).Result()
	if err != nil {
		return nil, rediserr.Wrap(ctx, "track", hex, err)
	}
	out := make([]flight.TrackPoint, 0, len(vals))
	for _, v := range vals {
		var p flight.TrackPoint
		if err := codec.DecodePoint([]byte(v), hex, &p); err != nil {
			return nil, rediserr.Wrap(ctx, "track", hex, err)
		}
		if (!since.IsZero() && p.Time.Before(since)) || (!until.IsZero() && p.Time.After(until)) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
