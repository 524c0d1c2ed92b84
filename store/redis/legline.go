package redis

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/legline"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

var _ store.History = (*Store)(nil)

// appendLineScript appends each leg's new records (those newer than its
// last one, compared as big-endian time prefixes), thins a line over the
// limit to every other record (keeping the last), and merges per-source
// "first,last,positions" (Unix µs) into the leg's source hash.
// KEYS: line, sources per leg. ARGV: max records, then per leg: its
// records, and its sources as lines "name<TAB>first<TAB>last<TAB>positions"
// (source names hold no control characters).
var appendLineScript = goredis.NewScript(appendLineLua)

//go:embed scripts/append_line.lua
var appendLineLua string

// legsPerCall bounds the legs of one script call.
const legsPerCall = 256

// AppendLegLine adds points to legs' lines and merges their sources, in
// scripts sent in one pipeline. The records and source lines of the whole
// batch are encoded into two buffers that each leg's arguments slice.
func (s *Store) AppendLegLine(ctx context.Context, batch []store.LegPoints) error {
	calls := s.legLineCalls(batch)
	if len(calls) == 0 {
		return nil
	}
	return rediserr.Wrap(ctx, "append leg line", strconv.Itoa(len(batch)), s.runScript(ctx, appendLineScript, calls))
}

// queueLegLines queues AppendLegLine's script calls on pipe (for Write).
func (s *Store) queueLegLines(ctx context.Context, pipe goredis.Pipeliner, batch []store.LegPoints) {
	for _, c := range s.legLineCalls(batch) {
		appendLineScript.Eval(ctx, pipe, c.keys, c.args...)
	}
}

// legLineCalls are the script calls that append batch to its legs' lines
// and sources, at most legsPerCall legs each, all of one partition.
func (s *Store) legLineCalls(batch []store.LegPoints) []call {
	nPts, nLegs := 0, 0
	for i := range batch {
		if batch[i].Leg != "" && (len(batch[i].Points) > 0 || len(batch[i].Seen) > 0) {
			nPts += len(batch[i].Points)
			nLegs++
		}
	}
	if nLegs == 0 {
		return nil
	}
	recs := make([]byte, 0, nPts*legline.Size)
	seen := make([]byte, 0, nLegs*48)
	calls := make([]call, 0, (nLegs+legsPerCall-1)/legsPerCall)
	open := map[int]int{} // partition -> index in calls of its call being filled
	for i := range batch {
		lp := &batch[i]
		if lp.Leg == "" || (len(lp.Points) == 0 && len(lp.Seen) == 0) {
			continue
		}
		p := keyspace.Partition(keyspace.LegHex(lp.Leg))
		ci, ok := open[p]
		if !ok || len(calls[ci].keys) >= 2*legsPerCall {
			calls = append(calls, call{keys: make([]string, 0, 2), args: make([]any, 1, 3)})
			ci = len(calls) - 1
			open[p] = ci
			calls[ci].args[0] = s.cfg.LegPoints
		}
		cur := &calls[ci]
		r0 := len(recs)
		for j := range lp.Points {
			recs = legline.Append(recs, &lp.Points[j])
		}
		s0 := len(seen)
		for _, src := range lp.Seen {
			seen = append(seen, src.Source...)
			seen = append(seen, '\t')
			seen = strconv.AppendInt(seen, src.First.UnixMicro(), 10)
			seen = append(seen, '\t')
			seen = strconv.AppendInt(seen, src.Last.UnixMicro(), 10)
			seen = append(seen, '\t')
			seen = strconv.AppendInt(seen, int64(src.Positions), 10)
			seen = append(seen, '\n')
		}
		cur.keys = append(cur.keys, s.k.LegLine(lp.Leg), s.k.LegSources(lp.Leg))
		cur.args = append(cur.args, recs[r0:len(recs):len(recs)], seen[s0:len(seen):len(seen)])
	}
	return calls
}

// LegLines returns the lines of the legs ids names, in ids order, with one
// MGET per partition, in one pipeline.
func (s *Store) LegLines(ctx context.Context, ids []string) ([][]flight.TrackPoint, error) {
	out := make([][]flight.TrackPoint, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	groups := map[int][]int{}
	for i, id := range ids {
		p := keyspace.Partition(keyspace.LegHex(id))
		groups[p] = append(groups[p], i)
	}
	type get struct {
		idx []int
		cmd *goredis.SliceCmd
	}
	var gets []get
	pipe := s.client.Pipeline()
	for _, idx := range groups {
		for lo := 0; lo < len(idx); lo += chunk {
			part := idx[lo:min(lo+chunk, len(idx))]
			ks := make([]string, len(part))
			for j, i := range part {
				ks[j] = s.k.LegLine(ids[i])
			}
			gets = append(gets, get{idx: part, cmd: pipe.MGet(ctx, ks...)})
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "leg lines", strconv.Itoa(len(ids)), err)
	}
	for _, g := range gets {
		for j, v := range g.cmd.Val() {
			str, ok := v.(string)
			if !ok || str == "" {
				continue
			}
			id := ids[g.idx[j]]
			pts, err := legline.Decode([]byte(str), keyspace.LegHex(id))
			if err != nil {
				return nil, fmt.Errorf("redis: leg line %s: %w", id, err)
			}
			out[g.idx[j]] = pts
		}
	}
	return out, nil
}

// LegSources returns the feeds that saw each leg of ids, in ids order.
func (s *Store) LegSources(ctx context.Context, ids []string) ([][]store.SourceSeen, error) {
	out := make([][]store.SourceSeen, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	pipe := s.client.Pipeline()
	cmds := make([]*goredis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, s.k.LegSources(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "leg sources", strconv.Itoa(len(ids)), err)
	}
	for i, c := range cmds {
		for name, v := range c.Val() {
			src, ok := parseSeen(name, v)
			if !ok {
				return nil, fmt.Errorf("redis: leg sources %s: %w", ids[i], codec.ErrCorrupt)
			}
			out[i] = append(out[i], src)
		}
		slices.SortFunc(out[i], func(a, b store.SourceSeen) int { return strings.Compare(a.Source, b.Source) })
	}
	return out, nil
}

// parseSeen reads a source hash value "first,last,positions" (Unix µs).
func parseSeen(name, v string) (store.SourceSeen, bool) {
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return store.SourceSeen{}, false
	}
	var n [3]int64
	for i, p := range parts {
		x, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return store.SourceSeen{}, false
		}
		n[i] = x
	}
	return store.SourceSeen{Source: name, First: time.UnixMicro(n[0]).UTC(), Last: time.UnixMicro(n[1]).UTC(),
		Positions: int(n[2])}, true
}
