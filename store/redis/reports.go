package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// addReportScript stores one report unless its id is stored, and then
// (only then) lists it under its day and adds it to the aggregates, all
// atomically, so that instances adding the same report at once count it
// once.
// KEYS: reports, reportDay, days, agg per resolution.
// ARGV: id, json, time µs, day, count, source, cell per resolution.
var addReportScript = goredis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[4])
local n = tonumber(ARGV[5])
for i = 4, #KEYS do
	local c = ARGV[i + 3]
	redis.call('HINCRBY', KEYS[i], c, n)
	redis.call('HINCRBY', KEYS[i], c .. ':n', 1)
	redis.call('HINCRBY', KEYS[i], c .. ':s:' .. ARGV[6], n)
end
return 1
`)

// AddReports stores the reports whose ID is new and counts them into the
// per-day aggregates, one script call per report in one pipeline. It
// returns how many were new.
func (s *Store) AddReports(ctx context.Context, reports []flight.Report) (int, error) {
	if len(reports) == 0 {
		return 0, nil
	}
	calls := make([]call, len(reports))
	for i := range reports {
		r := reports[i]
		r.Time = r.Time.UTC()
		b, err := json.Marshal(&r)
		if err != nil {
			return 0, fmt.Errorf("redis: add report %s: %w", r.ID, err)
		}
		day := query.Day(r.Time)
		keys := make([]string, 0, 3+len(s.cfg.ReportRes))
		keys = append(keys, s.k.reports(), s.k.reportDay(day), s.k.days())
		args := make([]any, 0, 6+len(s.cfg.ReportRes))
		args = append(args, r.ID, b, r.Time.UnixMicro(), day, r.Count, query.Source(r.Source))
		for _, res := range s.cfg.ReportRes {
			keys = append(keys, s.k.agg(res, day))
			args = append(args, cellName(geo.Cell(r.Lat, r.Lon, res)))
		}
		calls[i] = call{keys: keys, args: args}
	}
	err := s.runScript(ctx, addReportScript, calls)
	added := 0
	for _, c := range calls {
		if c.cmd == nil {
			continue
		}
		if n, _ := c.cmd.Int(); n == 1 {
			added++
		}
	}
	if err != nil {
		return added, wrap(ctx, "add reports", strconv.Itoa(len(reports)), err)
	}
	return added, nil
}

// storedDays returns the stored days within [first, last], ascending.
func (s *Store) storedDays(ctx context.Context, first, last int64) ([]int64, error) {
	by := &goredis.ZRangeBy{Min: "-inf", Max: "+inf"}
	if first != minDay {
		by.Min = strconv.FormatInt(first, 10)
	}
	if last != maxDay {
		by.Max = strconv.FormatInt(last, 10)
	}
	vals, err := s.client.ZRangeByScore(ctx, s.k.days(), by).Result()
	if err != nil {
		return nil, err
	}
	days := make([]int64, 0, len(vals))
	for _, v := range vals {
		d, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: day %q", errCorrupt, v)
		}
		days = append(days, d)
	}
	return days, nil
}

const (
	minDay = -1 << 63
	maxDay = 1<<63 - 1
)

// Reports returns the reports q selects, oldest first: it reads the ids
// listed under each day of the window, then the reports day by day until
// q.Limit match.
func (s *Store) Reports(ctx context.Context, q store.ReportQuery) ([]flight.Report, error) {
	out := make([]flight.Report, 0)
	first, last, empty := query.DayRange(q.Since, q.Until)
	if empty {
		return out, nil
	}
	days, err := s.storedDays(ctx, first, last)
	if err != nil {
		return nil, wrap(ctx, "reports", "days", err)
	}
	by := &goredis.ZRangeBy{Min: "-inf", Max: "+inf"}
	if !q.Since.IsZero() {
		by.Min = strconv.FormatInt(q.Since.UnixMicro(), 10)
	}
	if !q.Until.IsZero() {
		by.Max = strconv.FormatInt(q.Until.UnixMicro(), 10)
	}
	pipe := s.client.Pipeline()
	lists := make([]*goredis.StringSliceCmd, len(days))
	for i, d := range days {
		lists[i] = pipe.ZRangeByScore(ctx, s.k.reportDay(d), by)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap(ctx, "reports", "index", err)
	}
	for _, l := range lists {
		ids := l.Val()
		var day []flight.Report
		for i := 0; i < len(ids); i += chunk {
			vals, err := s.client.HMGet(ctx, s.k.reports(), ids[i:min(i+chunk, len(ids))]...).Result()
			if err != nil {
				return nil, wrap(ctx, "reports", "records", err)
			}
			for _, v := range vals {
				str, ok := v.(string)
				if !ok {
					continue
				}
				var r flight.Report
				if err := json.Unmarshal([]byte(str), &r); err != nil {
					return nil, fmt.Errorf("redis: reports: decode: %w", err)
				}
				if query.ReportMatches(q, &r) {
					day = append(day, r)
				}
			}
		}
		slices.SortFunc(day, func(a, b flight.Report) int { return query.CompareReports(&a, &b) })
		out = append(out, day...)
		if q.Limit > 0 && len(out) >= q.Limit {
			return out[:q.Limit], nil
		}
	}
	return out, nil
}

// Cells sums the aggregate hashes at q.Res of the days in q's window, for
// the cells whose centre lies in q.BBox, ordered by cell. It reads one
// hash per day, never the reports.
func (s *Store) Cells(ctx context.Context, q store.CellQuery) ([]store.CellCount, error) {
	if err := query.CheckRes(q.Res, s.cfg); err != nil {
		return nil, err
	}
	out := make([]store.CellCount, 0)
	first, last, empty := query.CellDays(q)
	if empty {
		return out, nil
	}
	days, err := s.storedDays(ctx, first, last)
	if err != nil {
		return nil, wrap(ctx, "cells", "days", err)
	}
	pipe := s.client.Pipeline()
	tables := make([]*goredis.MapStringStringCmd, len(days))
	for i, d := range days {
		tables[i] = pipe.HGetAll(ctx, s.k.agg(q.Res, d))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap(ctx, "cells", strconv.Itoa(q.Res), err)
	}
	sum := make(map[uint64]*store.CellCount)
	filter := query.CellFilter{BBox: q.BBox, Centers: &s.centers}
	for _, t := range tables {
		for field, v := range t.Val() {
			name, rest, _ := strings.Cut(field, ":")
			cell := parseCell(name)
			if cell == 0 || !filter.In(cell) {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("redis: cells: %w: field %s = %q", errCorrupt, field, v)
			}
			c := sum[cell]
			if c == nil {
				c = &store.CellCount{Cell: cell, Res: q.Res, Sources: make(map[string]int, 1)}
				sum[cell] = c
			}
			switch {
			case rest == "":
				c.Count += n
			case rest == "n":
				c.Reports += n
			case strings.HasPrefix(rest, "s:"):
				c.Sources[rest[2:]] += n
			}
		}
	}
	for _, c := range sum {
		out = append(out, *c)
	}
	query.SortCells(out)
	return out, nil
}
