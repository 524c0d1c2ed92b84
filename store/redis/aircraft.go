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
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
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
// of the cells the batch was indexed in go together (on a cluster, one
// pipeline per node, sent in parallel), and a second pipeline moves the
// index entries of the aircraft that changed cell, when any did (most
// updates stay in their cell).
//
// A failure may leave part of the batch written: the states can then be
// newer than their index entries, which the next put of those aircraft
// repairs (an aircraft's recorded cell is written only after its cell
// sets).
func (s *Store) PutWithTrack(ctx context.Context, batch []flight.Aircraft, points []flight.TrackPoint) error {
	if len(batch) == 0 && len(points) == 0 {
		return nil
	}
	op, subject := "put aircraft", strconv.Itoa(len(batch))
	if len(batch) == 0 {
		op, subject = "append track", strconv.Itoa(len(points))
	}
	pipe := s.client.Pipeline()
	groups := groupAircraft(batch)
	var reads cellReads
	if len(batch) > 0 {
		reads = s.queueCellReads(ctx, pipe, batch, groups)
		s.queueStates(ctx, pipe, batch, groups)
	}
	s.queueKeyedTrack(ctx, pipe, points)
	if _, err := pipe.Exec(ctx); err != nil {
		return rediserr.Wrap(ctx, op, subject, err)
	}
	if len(batch) == 0 {
		return nil
	}
	return rediserr.Wrap(ctx, op, subject, s.moveCells(ctx, batch, reads.cells()))
}

// groupAircraft lists the indexes of batch's aircraft per partition.
func groupAircraft(batch []flight.Aircraft) [][]int {
	if len(batch) == 0 {
		return nil
	}
	groups := make([][]int, keyspace.Partitions)
	for i := range batch {
		p := keyspace.Partition(batch[i].Hex)
		groups[p] = append(groups[p], i)
	}
	return groups
}

// cellReads are the reads of the cells a batch's aircraft are indexed in,
// one HMGET per partition.
type cellReads []cellRead

type cellRead struct {
	hexes []string
	cmd   *goredis.SliceCmd
}

// queueCellReads queues on pipe the reads of the recorded cells of batch.
func (s *Store) queueCellReads(ctx context.Context, pipe goredis.Pipeliner, batch []flight.Aircraft, groups [][]int) cellReads {
	var out cellReads
	for p, idx := range groups {
		if len(idx) == 0 {
			continue
		}
		hexes := make([]string, len(idx))
		for j, i := range idx {
			hexes[j] = batch[i].Hex
		}
		out = append(out, cellRead{hexes: hexes, cmd: pipe.HMGet(ctx, s.k.AircraftCell(p), hexes...)})
	}
	return out
}

// cells returns the cell each read aircraft is indexed in, 0 for none.
func (r cellReads) cells() map[string]uint64 {
	cur := make(map[string]uint64)
	for _, rd := range r {
		for i, v := range rd.cmd.Val() {
			if str, ok := v.(string); ok {
				cur[rd.hexes[i]] = keyspace.ParseCell(str)
			} else if _, ok := cur[rd.hexes[i]]; !ok {
				cur[rd.hexes[i]] = 0
			}
		}
	}
	return cur
}

// queueStates queues the writes of the batch's states and last-seen
// times on pipe, one HSET and one ZADD per partition.
func (s *Store) queueStates(ctx context.Context, pipe goredis.Pipeliner, batch []flight.Aircraft, groups [][]int) {
	buf := make([]byte, 0, len(batch)*96)
	ends := make([]int, len(batch))
	for i := range batch {
		buf = codec.AppendAircraft(buf, &batch[i])
		ends[i] = len(buf)
	}
	for p, idx := range groups {
		if len(idx) == 0 {
			continue
		}
		state := make([]any, 0, 2*len(idx))
		seen := make([]goredis.Z, 0, len(idx))
		for _, i := range idx {
			a := &batch[i]
			start := 0
			if i > 0 {
				start = ends[i-1]
			}
			state = append(state, a.Hex, buf[start:ends[i]:ends[i]])
			seen = append(seen, goredis.Z{Score: float64(a.Time.UnixMicro()), Member: a.Hex})
		}
		pipe.HSet(ctx, s.k.Aircraft(p), state...)
		pipe.ZAdd(ctx, s.k.Seen(p), seen...)
	}
}

// moveCells moves the index entries of the aircraft of batch whose cell
// differs from the one they are indexed in, cur (by hex): the cell sets
// first, then the recorded cells (in a second step on a cluster, where
// one pipeline's nodes run in parallel).
func (s *Store) moveCells(ctx context.Context, batch []flight.Aircraft, cur map[string]uint64) error {
	pipe := s.client.Pipeline()
	names := s.queueMoves(ctx, pipe, batch, cur)
	if names == nil {
		return nil
	}
	if s.cluster {
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
		pipe = s.client.Pipeline()
	}
	s.queueCellNames(ctx, pipe, names)
	_, err := pipe.Exec(ctx)
	return err
}

// queueMoves queues on pipe the cell set moves moveCells makes, and
// returns the recorded cells to write after them, as HSET fields per
// partition (nil when no aircraft changed cell).
func (s *Store) queueMoves(ctx context.Context, pipe goredis.Pipeliner, batch []flight.Aircraft, cur map[string]uint64) map[int][]any {
	var names map[int][]any
	var add, rem map[uint64][]any
	for i := range batch {
		a := &batch[i]
		prev := cur[a.Hex]
		c := s.cells.CellOf(a.Lat, a.Lon, prev, s.cfg.H3Res)
		if prev == c {
			continue
		}
		if add == nil {
			add, rem, names = make(map[uint64][]any), make(map[uint64][]any), make(map[int][]any)
		}
		if prev != 0 {
			rem[prev] = append(rem[prev], a.Hex)
		}
		add[c] = append(add[c], a.Hex)
		cur[a.Hex] = c
		p := keyspace.Partition(a.Hex)
		names[p] = append(names[p], a.Hex, keyspace.CellName(c))
	}
	for c, members := range rem {
		pipe.SRem(ctx, s.k.Cell(c), members...)
	}
	for c, members := range add {
		pipe.SAdd(ctx, s.k.Cell(c), members...)
	}
	return names
}

// queueCellNames queues the HSETs of the recorded cells queueMoves
// returned.
func (s *Store) queueCellNames(ctx context.Context, pipe goredis.Pipeliner, names map[int][]any) {
	for p, fields := range names {
		pipe.HSet(ctx, s.k.AircraftCell(p), fields...)
	}
}

// Aircraft returns one aircraft's state, or an error wrapping
// store.ErrNotFound.
func (s *Store) Aircraft(ctx context.Context, hex string) (flight.Aircraft, error) {
	var a flight.Aircraft
	b, err := s.client.HGet(ctx, s.k.Aircraft(keyspace.Partition(hex)), hex).Bytes()
	if err != nil {
		return a, rediserr.Wrap(ctx, "get aircraft", hex, err)
	}
	if err := codec.DecodeAircraft(b, &a); err != nil {
		return a, rediserr.Wrap(ctx, "get aircraft", hex, err)
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
// aircraft and filters them. Each read is one pipeline; on a cluster it
// fans out to the nodes serving the cells, or the partitions, in
// parallel.
func (s *Store) AircraftIn(ctx context.Context, bbox orb.Bound) ([]flight.Aircraft, error) {
	var cells []uint64
	ok := false
	if bbox != (orb.Bound{}) {
		cells, ok = s.covers.Cover(bbox, s.cfg.H3Res)
		ok = ok && len(cells) <= maxCellReads
	}
	if !ok {
		return s.allIn(ctx, bbox)
	}
	pipe := s.client.Pipeline()
	members := make([]*goredis.StringSliceCmd, len(cells))
	for i, c := range cells {
		members[i] = pipe.SMembers(ctx, s.k.Cell(c))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "aircraft in", "cells", err)
	}
	seen := make(map[string]struct{})
	groups := make([][]string, keyspace.Partitions)
	n := 0
	for _, m := range members {
		for _, h := range m.Val() {
			if _, dup := seen[h]; !dup {
				seen[h] = struct{}{}
				p := keyspace.Partition(h)
				groups[p] = append(groups[p], h)
				n++
			}
		}
	}
	if n == 0 {
		return []flight.Aircraft{}, nil
	}
	pipe = s.client.Pipeline()
	var gets []*goredis.SliceCmd
	for p, hexes := range groups {
		for i := 0; i < len(hexes); i += chunk {
			gets = append(gets, pipe.HMGet(ctx, s.k.Aircraft(p), hexes[i:min(i+chunk, len(hexes))]...))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "aircraft in", "states", err)
	}
	out := make([]flight.Aircraft, 0, n)
	for _, g := range gets {
		for _, v := range g.Val() {
			str, ok := v.(string)
			if !ok {
				continue // removed since the index was read
			}
			if !mayBeIn(bbox, str) {
				continue
			}
			var a flight.Aircraft
			if err := codec.DecodeAircraftString(str, &a); err != nil {
				return nil, rediserr.Wrap(ctx, "aircraft in", "states", err)
			}
			if geo.InBound(bbox, orb.Point{a.Lon, a.Lat}) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// allIn reads every partition's states and keeps those in bbox (all of
// them for an empty bbox).
func (s *Store) allIn(ctx context.Context, bbox orb.Bound) ([]flight.Aircraft, error) {
	pipe := s.client.Pipeline()
	cmds := make([]*goredis.StringSliceCmd, keyspace.Partitions)
	for p := range cmds {
		cmds[p] = pipe.HVals(ctx, s.k.Aircraft(p))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "aircraft in", "all", err)
	}
	n := 0
	for _, c := range cmds {
		n += len(c.Val())
	}
	out := make([]flight.Aircraft, 0, n)
	for _, c := range cmds {
		for _, v := range c.Val() {
			if !mayBeIn(bbox, v) {
				continue
			}
			var a flight.Aircraft
			if err := codec.DecodeAircraftString(v, &a); err != nil {
				return nil, fmt.Errorf("redis: aircraft in: %w", err)
			}
			if geo.InBound(bbox, orb.Point{a.Lon, a.Lat}) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// mayBeIn reports whether the encoded state may lie in bbox: false only
// when its position, read without decoding the rest, is outside. A state
// whose position cannot be read is decoded, which reports the error.
func mayBeIn(bbox orb.Bound, state string) bool {
	lat, lon, ok := codec.Position(state)
	return !ok || geo.InBound(bbox, orb.Point{lon, lat})
}

// removeScript deletes one aircraft's state, last-seen time and recorded
// cell if it has not been seen since the cut-off (ARGV[2], Unix µs)
// meanwhile, all keys of its partition. It returns {states deleted, the
// recorded cell or ""}, or false when the aircraft was seen since.
// KEYS: seen, aircraft, aircraftCell. ARGV: hex, cut.
var removeScript = goredis.NewScript(removeLua)

//go:embed scripts/remove_aircraft.lua
var removeLua string

// RemoveAircraft deletes the aircraft whose last observation is older than
// before, with their index entries, and returns their hexes. Each
// aircraft goes in one script on its partition; its cell set entry is
// removed after, and put back when the aircraft was stored again
// meanwhile.
func (s *Store) RemoveAircraft(ctx context.Context, before time.Time) ([]string, error) {
	cut := before.UnixMicro()
	subject := before.Format(time.RFC3339)
	pipe := s.client.Pipeline()
	lists := make([]*goredis.StringSliceCmd, keyspace.Partitions)
	for p := range lists {
		lists[p] = pipe.ZRangeByScore(ctx, s.k.Seen(p), &goredis.ZRangeBy{
			Min: "-inf", Max: "(" + strconv.FormatInt(cut, 10)})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "remove aircraft", subject, err)
	}
	var gone []string
	for p, l := range lists {
		stale := l.Val()
		for i := 0; i < len(stale); i += chunk {
			hexes := stale[i:min(i+chunk, len(stale))]
			removed, err := s.removeStale(ctx, p, hexes, cut)
			gone = append(gone, removed...)
			if err != nil {
				return gone, rediserr.Wrap(ctx, "remove aircraft", subject, err)
			}
		}
	}
	slices.Sort(gone)
	return gone, nil
}

// removeStale runs removeScript for hexes of partition p, then takes the
// removed ones out of their cell sets. It returns the hexes whose states
// it deleted.
func (s *Store) removeStale(ctx context.Context, p int, hexes []string, cut int64) ([]string, error) {
	calls := make([]call, len(hexes))
	for j, hex := range hexes {
		calls[j] = call{keys: []string{s.k.Seen(p), s.k.Aircraft(p), s.k.AircraftCell(p)}, args: []any{hex, cut}}
	}
	if err := s.runScript(ctx, removeScript, calls); err != nil {
		return nil, err
	}
	var gone, unindexed []string
	rem := map[uint64][]any{}
	for j, c := range calls {
		res, _ := c.cmd.Slice()
		if len(res) != 2 {
			continue // seen since
		}
		if n, _ := res[0].(int64); n > 0 {
			gone = append(gone, hexes[j])
		}
		if cs, _ := res[1].(string); cs != "" {
			rem[keyspace.ParseCell(cs)] = append(rem[keyspace.ParseCell(cs)], hexes[j])
			unindexed = append(unindexed, hexes[j])
		}
	}
	if len(unindexed) == 0 {
		return gone, nil
	}
	pipe := s.client.Pipeline()
	for c, members := range rem {
		pipe.SRem(ctx, s.k.Cell(c), members...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return gone, err
	}
	// An aircraft stored again between the script and the SREM has a
	// recorded cell again: put it back in that cell's set.
	now, err := s.client.HMGet(ctx, s.k.AircraftCell(p), unindexed...).Result()
	if err != nil {
		return gone, err
	}
	pipe = s.client.Pipeline()
	back := false
	for j, v := range now {
		if cs, ok := v.(string); ok {
			pipe.SAdd(ctx, s.k.Cell(keyspace.ParseCell(cs)), unindexed[j])
			back = true
		}
	}
	if back {
		if _, err := pipe.Exec(ctx); err != nil {
			return gone, err
		}
	}
	return gone, nil
}
