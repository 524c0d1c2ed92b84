package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// Write stores the batch in one MULTI/EXEC transaction, after one read of
// the cells its aircraft are indexed in: states, last-seen times, index
// moves, track points (each replacing any point stored at the same time),
// legs, and alerts (each through the dedupe script, into the alert log).
// Nothing is written when the read or the transaction fails before EXEC.
func (s *Store) Write(ctx context.Context, b *store.Batch) ([]flight.Alert, error) {
	if b == nil || b.Empty() {
		return nil, nil
	}
	subject := strconv.Itoa(len(b.Aircraft)+len(b.Track)) + " records"
	var hexes []string
	var old []any
	if len(b.Aircraft) > 0 {
		hexes = make([]string, len(b.Aircraft))
		for i := range b.Aircraft {
			hexes[i] = b.Aircraft[i].Hex
		}
		vals, err := s.client.HMGet(ctx, s.k.aircraftCell(), hexes...).Result()
		if err != nil {
			return nil, wrap(ctx, "write", subject, err)
		}
		old = vals
	}
	pipe := s.client.TxPipeline()
	if len(b.Aircraft) > 0 {
		s.queueStates(ctx, pipe, b.Aircraft)
		s.queueMoves(ctx, pipe, b.Aircraft, hexes, old)
	}
	s.queueKeyedTrack(ctx, pipe, b.Track)
	if len(b.Legs) > 0 {
		if err := s.queueLegs(ctx, pipe, b.Legs); err != nil {
			return nil, err
		}
	}
	s.queueLegLines(ctx, pipe, b.LegLines)
	cmds := make([]*goredis.Cmd, len(b.Alerts))
	for i := range b.Alerts {
		c := b.Alerts[i]
		c.Time = utc(c.Time)
		body, err := json.Marshal(&c)
		if err != nil {
			return nil, fmt.Errorf("redis: write alert %s: %w", c.Key, err)
		}
		cmds[i] = addAlertScript.Eval(ctx, pipe,
			[]string{s.k.alertKeys(), s.k.alerts(), s.k.alertSeq()},
			c.Key, body, s.cfg.AlertLen, s.cfg.AlertLen*query.AlertKeys)
	}
	if _, err := pipe.Exec(ctx); err != nil && err != goredis.Nil {
		if len(b.Legs) > 0 {
			s.forgetSent()
		}
		return nil, wrap(ctx, "write", subject, err)
	}
	var added []flight.Alert
	for i, cmd := range cmds {
		id, err := cmd.Text()
		if err == goredis.Nil {
			continue
		}
		if err != nil {
			return nil, wrap(ctx, "write alert", b.Alerts[i].Key, err)
		}
		a := b.Alerts[i]
		if a.ID == "" {
			a.ID = id
		}
		added = append(added, a)
	}
	return added, nil
}

// queueKeyedTrack queues track points as queueTrack does, each after
// removing any point stored at its time, so that a point is kept once per
// (hex, time).
func (s *Store) queueKeyedTrack(ctx context.Context, pipe goredis.Pipeliner, points []flight.TrackPoint) {
	for i := range points {
		t := strconv.FormatInt(points[i].Time.UnixMicro(), 10)
		pipe.ZRemRangeByScore(ctx, s.k.track(points[i].Hex), t, t)
	}
	s.queueTrack(ctx, pipe, points)
}
