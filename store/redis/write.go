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
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// Write stores the batch after one read of the cells its aircraft are
// indexed in: states, last-seen times, index moves, track points (each
// replacing any point stored at the same time), leg lines, legs, and
// alerts (each through the dedupe script, into the alert log).
//
// On a single Redis the writes go in one MULTI/EXEC transaction: nothing
// is written when the read or the transaction fails before EXEC. On a
// cluster, where a transaction holds keys of one slot, they go in steps:
// the per-aircraft and per-cell writes in one pipeline per node, the
// recorded cells of moved aircraft, then the legs and alerts (one slot)
// in one transaction. A failure may leave the first steps written; every
// step is idempotent, so writing the batch again completes it.
func (s *Store) Write(ctx context.Context, b *store.Batch) ([]flight.Alert, error) {
	if b == nil || b.Empty() {
		return nil, nil
	}
	subject := strconv.Itoa(len(b.Aircraft)+len(b.Track)) + " records"
	groups := groupAircraft(b.Aircraft)
	var cur map[string]uint64
	if len(b.Aircraft) > 0 {
		pipe := s.client.Pipeline()
		reads := s.queueCellReads(ctx, pipe, b.Aircraft, groups)
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, rediserr.Wrap(ctx, "write", subject, err)
		}
		cur = reads.cells()
	}
	var pipe goredis.Pipeliner
	if s.cluster {
		pipe = s.client.Pipeline()
	} else {
		pipe = s.client.TxPipeline()
	}
	var names map[int][]any
	if len(b.Aircraft) > 0 {
		s.queueStates(ctx, pipe, b.Aircraft, groups)
		names = s.queueMoves(ctx, pipe, b.Aircraft, cur)
	}
	s.queueKeyedTrack(ctx, pipe, b.Track)
	s.queueLegLines(ctx, pipe, b.LegLines)
	if s.cluster {
		if err := s.execSteps(ctx, pipe, names); err != nil {
			return nil, rediserr.Wrap(ctx, "write", subject, err)
		}
		pipe = s.client.TxPipeline()
	} else {
		s.queueCellNames(ctx, pipe, names)
	}
	if len(b.Legs) > 0 {
		if err := s.queueLegs(ctx, pipe, b.Legs); err != nil {
			return nil, err
		}
	}
	cmds := make([]*goredis.Cmd, len(b.Alerts))
	for i := range b.Alerts {
		c := b.Alerts[i]
		c.Time = utc(c.Time)
		body, err := json.Marshal(&c)
		if err != nil {
			return nil, fmt.Errorf("redis: write alert %s: %w", c.Key, err)
		}
		cmds[i] = addAlertScript.Eval(ctx, pipe,
			[]string{s.k.AlertKeys(), s.k.Alerts(), s.k.AlertSeq()},
			c.Key, body, s.cfg.AlertLen, s.cfg.AlertLen*query.AlertKeys)
	}
	if pipe.Len() > 0 {
		if _, err := pipe.Exec(ctx); err != nil && err != goredis.Nil {
			if len(b.Legs) > 0 {
				s.forgetSent()
			}
			return nil, rediserr.Wrap(ctx, "write", subject, err)
		}
	}
	var added []flight.Alert
	for i, cmd := range cmds {
		id, err := cmd.Text()
		if err == goredis.Nil {
			continue
		}
		if err != nil {
			return nil, rediserr.Wrap(ctx, "write alert", b.Alerts[i].Key, err)
		}
		a := b.Alerts[i]
		if a.ID == "" {
			a.ID = id
		}
		added = append(added, a)
	}
	return added, nil
}

// execSteps runs pipe, then the HSETs of the recorded cells names holds,
// for a cluster's Write.
func (s *Store) execSteps(ctx context.Context, pipe goredis.Pipeliner, names map[int][]any) error {
	if pipe.Len() > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
	}
	if len(names) == 0 {
		return nil
	}
	pipe = s.client.Pipeline()
	s.queueCellNames(ctx, pipe, names)
	_, err := pipe.Exec(ctx)
	return err
}

// queueKeyedTrack queues track points as queueTrack does, each after
// removing any point stored at its time, so that a point is kept once per
// (hex, time).
func (s *Store) queueKeyedTrack(ctx context.Context, pipe goredis.Pipeliner, points []flight.TrackPoint) {
	for i := range points {
		t := strconv.FormatInt(points[i].Time.UnixMicro(), 10)
		pipe.ZRemRangeByScore(ctx, s.k.Track(points[i].Hex), t, t)
	}
	s.queueTrack(ctx, pipe, points)
}
