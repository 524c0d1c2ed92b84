package redis

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
)

// chunk bounds the number of keys or fields sent in one command.
const chunk = 4096

// PutAircraft stores each aircraft's state and moves its index entry to
// its current cell. See PutWithTrack.
func (s *Store) PutAircraft(ctx context.Context, batch []flight.Aircraft) error {
	return s.PutWithTrack(ctx, batch, nil)
}

// PutWithTrack does PutAircraft(batch) and AppendTrack(points) in one
// pipeline: the states, the last-seen times, the track points and the read
// of the cells the batch was indexed in go together, and a second pipeline
// moves the index entries of the aircraft that changed cell, when any did
// (most updates stay in their cell).
//
// A failure may leave part of the batch written: the states can then be
// newer than their index entries, which the next put of those aircraft
// repairs.
func (s *Store) PutWithTrack(ctx context.Context, batch []flight.Aircraft, points []flight.TrackPoint) error {
	if len(batch) == 0 && len(points) == 0 {
		return nil
	}
	op, subject := "put aircraft", strconv.Itoa(len(batch))
	if len(batch) == 0 {
		op, subject = "append track", strconv.Itoa(len(points))
	}
	pipe := s.client.Pipeline()
	var old *goredis.SliceCmd
	var hexes []string
	if len(batch) > 0 {
		hexes = make([]string, len(batch))
		for i := range batch {
			hexes[i] = batch[i].Hex
		}
		old = pipe.HMGet(ctx, s.k.aircraftCell(), hexes...)
		s.queueStates(ctx, pipe, batch)
	}
	s.queueKeyedTrack(ctx, pipe, points)
	if _, err := pipe.Exec(ctx); err != nil {
		return wrap(ctx, op, subject, err)
	}
	if len(batch) == 0 {
		return nil
	}
	return wrap(ctx, op, subject, s.moveCells(ctx, batch, hexes, old.Val()))
}

// queueStates queues the writes of the batch's states and last-seen
// times on pipe.
func (s *Store) queueStates(ctx context.Context, pipe goredis.Pipeliner, batch []flight.Aircraft) {
	buf := make([]byte, 0, len(batch)*96)
	ends := make([]int, len(batch))
	for i := range batch {
		buf = codec.AppendAircraft(buf, &batch[i])
		ends[i] = len(buf)
	}
	state := make([]any, 0, 2*len(batch))
	seen := make([]goredis.Z, 0, len(batch))
	start := 0
	for i := range batch {
		a := &batch[i]
		state = append(state, a.Hex, buf[start:ends[i]:ends[i]])
		start = ends[i]
		seen = append(seen, goredis.Z{Score: float64(a.Time.UnixMicro()), Member: a.Hex})
	}
	pipe.HSet(ctx, s.k.aircraft(), state...)
	pipe.ZAdd(ctx, s.k.seen(), seen...)
}

// moveCells moves the index entries of the aircraft of batch whose cell
// differs from the one they are indexed in, old (HMGET's answer for
// hexes).
func (s *Store) moveCells(ctx context.Context, batch []flight.Aircraft, hexes []string, old []any) error {
	pipe := s.client.Pipeline()
	if !s.queueMoves(ctx, pipe, batch, hexes, old) {
		return nil
	}
	_, err := pipe.Exec(ctx)
	return err
}

// queueMoves queues on pipe the index moves moveCells makes; it reports
// whether there were any.
func (s *Store) queueMoves(ctx context.Context, pipe goredis.Pipeliner, batch []flight.Aircraft, hexes []string, old []any) bool {
	cur := make(map[string]uint64, len(batch))
	for i, v := range old {
		if str, ok := v.(string); ok {
			cur[hexes[i]] = parseCell(str)
		} else if _, ok := cur[hexes[i]]; !ok {
			cur[hexes[i]] = 0
		}
	}
	var cells []any
	var add, rem map[uint64][]any
	for i := range batch {
		a := &batch[i]
		prev := cur[a.Hex]
		c := s.cells.CellOf(a.Lat, a.Lon, prev, s.cfg.H3Res)
		if prev == c {
			continue
		}
		if add == nil {
			add, rem = make(map[uint64][]any), make(map[uint64][]any)
		}
		if prev != 0 {
			rem[prev] = append(rem[prev], a.Hex)
		}
		add[c] = append(add[c], a.Hex)
		cur[a.Hex] = c
		cells = append(cells, a.Hex, cellName(c))
	}
	if len(cells) == 0 {
		return false
	}
	pipe.HSet(ctx, s.k.aircraftCell(), cells...)
	for c, members := range rem {
		pipe.SRem(ctx, s.k.cell(c), members...)
	}
	for c, members := range add {
		pipe.SAdd(ctx, s.k.cell(c), members...)
	}
	return true
}

// Aircraft returns one aircraft's state, or an error wrapping
// store.ErrNotFound.
func (s *Store) Aircraft(ctx context.Context, hex string) (flight.Aircraft, error) {
	var a flight.Aircraft
	b, err := s.client.HGet(ctx, s.k.aircraft(), hex).Bytes()
	if err != nil {
		return a, wrap(ctx, "get aircraft", hex, err)
	}
	if err := codec.DecodeAircraft(b, &a); err != nil {
		return a, wrap(ctx, "get aircraft", hex, err)
	}
	return a, nil
}

// maxCellReads is the largest cover AircraftIn reads cell by cell. Past
// it (about half the continental US at resolution 3) one read of every
// state is quicker than the index round trip plus the per-hex reads.
const maxCellReads = 1024

// AircraftIn returns the aircraft inside bbox: it reads the members of the
// cells covering bbox, then their states, and filters them exactly. An
// empty bbox, or one covered by more than maxCellReads cells, reads every
// aircraft and filters them.
func (s *Store) AircraftIn(ctx context.Context, bbox orb.Bound) ([]flight.Aircraft, error) {
	var cells []uint64
	ok := false
	if bbox != (orb.Bound{}) {
		cells, ok = s.covers.Cover(bbox, s.cfg.H3Res)
		ok = ok && len(cells) <= maxCellReads
	}
	if !ok {
		vals, err := s.client.HVals(ctx, s.k.aircraft()).Result()
		if err != nil {
			return nil, wrap(ctx, "aircraft in", "all", err)
		}
		return decodeIn(vals, bbox)
	}
	pipe := s.client.Pipeline()
	members := make([]*goredis.StringSliceCmd, len(cells))
	for i, c := range cells {
		members[i] = pipe.SMembers(ctx, s.k.cell(c))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap(ctx, "aircraft in", "cells", err)
	}
	seen := make(map[string]struct{})
	var hexes []string
	for _, m := range members {
		for _, h := range m.Val() {
			if _, dup := seen[h]; !dup {
				seen[h] = struct{}{}
				hexes = append(hexes, h)
			}
		}
	}
	if len(hexes) == 0 {
		return []flight.Aircraft{}, nil
	}
	pipe = s.client.Pipeline()
	var gets []*goredis.SliceCmd
	for i := 0; i < len(hexes); i += chunk {
		gets = append(gets, pipe.HMGet(ctx, s.k.aircraft(), hexes[i:min(i+chunk, len(hexes))]...))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap(ctx, "aircraft in", "states", err)
	}
	out := make([]flight.Aircraft, 0, len(hexes))
	for _, g := range gets {
		for _, v := range g.Val() {
			str, ok := v.(string)
			if !ok {
				continue // removed since the index was read
			}
			var a flight.Aircraft
			if err := codec.DecodeAircraftString(str, &a); err != nil {
				return nil, wrap(ctx, "aircraft in", "states", err)
			}
			if geo.InBound(bbox, orb.Point{a.Lon, a.Lat}) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

func decodeIn(vals []string, bbox orb.Bound) ([]flight.Aircraft, error) {
	out := make([]flight.Aircraft, 0, len(vals))
	for _, v := range vals {
		var a flight.Aircraft
		if err := codec.DecodeAircraftString(v, &a); err != nil {
			return nil, fmt.Errorf("redis: aircraft in: %w", err)
		}
		if geo.InBound(bbox, orb.Point{a.Lon, a.Lat}) {
			out = append(out, a)
		}
	}
	return out, nil
}

// removeScript deletes one aircraft and its index entries if it has not
// been seen since the cut-off (ARGV[2], Unix µs) meanwhile.
// KEYS: seen, aircraft, aircraftCell[, cell]. ARGV: hex, cut.
var removeScript = goredis.NewScript(removeLua)

//go:embed scripts/remove_aircraft.lua
var removeLua string

// RemoveAircraft deletes the aircraft whose last observation is older than
// before, with their index entries, and returns their hexes.
func (s *Store) RemoveAircraft(ctx context.Context, before time.Time) ([]string, error) {
	cut := before.UnixMicro()
	stale, err := s.client.ZRangeByScore(ctx, s.k.seen(), &goredis.ZRangeBy{
		Min: "-inf", Max: "(" + strconv.FormatInt(cut, 10)}).Result()
	if err != nil {
		return nil, wrap(ctx, "remove aircraft", before.Format(time.RFC3339), err)
	}
	var gone []string
	for i := 0; i < len(stale); i += chunk {
		hexes := stale[i:min(i+chunk, len(stale))]
		cells, err := s.client.HMGet(ctx, s.k.aircraftCell(), hexes...).Result()
		if err != nil {
			return gone, wrap(ctx, "remove aircraft", before.Format(time.RFC3339), err)
		}
		calls := make([]call, len(hexes))
		for j, hex := range hexes {
			keys := []string{s.k.seen(), s.k.aircraft(), s.k.aircraftCell()}
			if c, ok := cells[j].(string); ok {
				keys = append(keys, s.k.cell(parseCell(c)))
			}
			calls[j] = call{keys: keys, args: []any{hex, cut}}
		}
		if err := s.runScript(ctx, removeScript, calls); err != nil {
			return gone, wrap(ctx, "remove aircraft", before.Format(time.RFC3339), err)
		}
		for j, c := range calls {
			if n, _ := c.cmd.Int(); n > 0 {
				gone = append(gone, hexes[j])
			}
		}
	}
	slices.Sort(gone)
	return gone, nil
}
