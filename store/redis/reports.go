package redis

import (
	"context"
	_ "embed"
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
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// addReportScript stores one report unless its id is stored in its
// month, and then (only then) lists it under its day and adds it to the
// day and month aggregates, all atomically and all keys of the month's
// slot, so that instances adding the same report at once count it once.
// Day aggregates keep a field per cell, count and source; month
// aggregates keep one packed field per cell (see codec.AddPacked), so that
// reading a month reads one field per cell.
// Every change of a month aggregate also sets its field "v" (no cell's
// name) to the caller's token, so that a reader can tell whether the
// aggregate changed since it last read it (see monthSnaps).
// KEYS: reports, reportDay, then per resolution its day aggregate and its
// month aggregate.
// ARGV: id, json, time µs, count, source, cell per resolution, token.
var addReportScript = goredis.NewScript(addReportLua)

//go:embed scripts/add_report.lua
var addReportLua string

// AddReports stores the reports whose ID is new and counts them into the
// per-day and per-month aggregates, one script call per report in one
// pipeline, after listing their days and months. It returns how many were
// new. A report's ID is unique within its UTC month: the months' keys are
// spread over a cluster's slots.
func (s *Store) AddReports(ctx context.Context, reports []flight.Report) (int, error) {
	if len(reports) == 0 {
		return 0, nil
	}
	// An id is stored once, whatever its time: each report first claims
	// its id for its month (one hash under the store's tag); a report
	// whose id is claimed for another month is the one already stored.
	// A claim whose month script never ran (a failure in between) is
	// completed by the client's retry, which names the same month.
	claimed, err := s.claimReports(ctx, reports)
	if err != nil {
		return 0, err
	}
	calls := make([]call, 0, len(reports))
	token := newToken()
	days := map[int64]bool{}
	months := map[int64]bool{}
	for i := range reports {
		r := reports[i]
		r.Time = r.Time.UTC()
		day := query.Day(r.Time)
		month := query.Month(day)
		if claimed[i] != query.MonthName(month) {
			continue
		}
		b, err := json.Marshal(&r)
		if err != nil {
			return 0, fmt.Errorf("redis: add report %s: %w", r.ID, err)
		}
		days[day], months[month] = true, true
		keys := make([]string, 0, 2+2*len(s.cfg.ReportRes))
		keys = append(keys, s.k.Reports(month), s.k.ReportDay(day))
		args := make([]any, 0, 5+len(s.cfg.ReportRes))
		args = append(args, r.ID, b, r.Time.UnixMicro(), r.Count, query.Source(r.Source))
		for _, res := range s.cfg.ReportRes {
			keys = append(keys, s.k.Agg(res, day), s.k.MonthAgg(res, month))
			args = append(args, keyspace.CellName(geo.Cell(r.Lat, r.Lon, res)))
		}
		args = append(args, token)
		calls = append(calls, call{keys: keys, args: args})
	}
	if len(calls) == 0 {
		return 0, nil
	}
	// The lists first: a counted report is always listed (a listed day
	// with nothing counted reads as empty).
	pipe := s.client.Pipeline()
	for _, set := range []struct {
		key string
		m   map[int64]bool
	}{{s.k.Days(), days}, {s.k.Months(), months}} {
		zs := make([]goredis.Z, 0, len(set.m))
		for d := range set.m {
			zs = append(zs, goredis.Z{Score: float64(d), Member: d})
		}
		pipe.ZAdd(ctx, set.key, zs...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, rediserr.Wrap(ctx, "add reports", strconv.Itoa(len(reports)), err)
	}
	err = s.runScript(ctx, addReportScript, calls)
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
		return added, rediserr.Wrap(ctx, "add reports", strconv.Itoa(len(reports)), err)
	}
	return added, nil
}

// claimReports claims each report's id for its UTC month and returns, per
// report, the month its id is claimed for (its own, or an earlier
// report's).
func (s *Store) claimReports(ctx context.Context, reports []flight.Report) ([]string, error) {
	pipe := s.client.Pipeline()
	gets := make([]*goredis.StringCmd, len(reports))
	for i := range reports {
		m := query.MonthName(query.Month(query.Day(reports[i].Time.UTC())))
		pipe.HSetNX(ctx, s.k.ReportIDs(), reports[i].ID, m)
		gets[i] = pipe.HGet(ctx, s.k.ReportIDs(), reports[i].ID)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "add reports", "claim ids", err)
	}
	out := make([]string, len(reports))
	for i, g := range gets {
		out[i] = g.Val()
	}
	return out, nil
}

// storedDays returns the stored days within [first, last], ascending.
func (s *Store) storedDays(ctx context.Context, first, last int64) ([]int64, error) {
	vals, err := s.client.ZRangeByScore(ctx, s.k.Days(), scoreRange(first, last)).Result()
	if err != nil {
		return nil, err
	}
	return parseBuckets(vals)
}

// scoreRange is the score range [first, last] of a zset of days or
// months, minDay and maxDay meaning open ends.
func scoreRange(first, last int64) *goredis.ZRangeBy {
	by := &goredis.ZRangeBy{Min: "-inf", Max: "+inf"}
	if first != minDay {
		by.Min = strconv.FormatInt(first, 10)
	}
	if last != maxDay {
		by.Max = strconv.FormatInt(last, 10)
	}
	return by
}

// parseBuckets reads the members of a zset of days or months.
func parseBuckets(vals []string) ([]int64, error) {
	days := make([]int64, 0, len(vals))
	for _, v := range vals {
		d, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: day or month %q", codec.ErrCorrupt, v)
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
		return nil, rediserr.Wrap(ctx, "reports", "days", err)
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
		lists[i] = pipe.ZRangeByScore(ctx, s.k.ReportDay(d), by)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "reports", "index", err)
	}
	for di, l := range lists {
		ids := l.Val()
		var day []flight.Report
		for i := 0; i < len(ids); i += chunk {
			vals, err := s.client.HMGet(ctx, s.k.Reports(query.Month(days[di])), ids[i:min(i+chunk, len(ids))]...).Result()
			if err != nil {
				return nil, rediserr.Wrap(ctx, "reports", "records", err)
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

// Cells sums the aggregate hashes at q.Res over q's window, for the cells
// whose centre lies in q.BBox, ordered by cell: one hash per whole month
// in the window and one per day of the partial months at either end. It
// never reads the reports.
func (s *Store) Cells(ctx context.Context, q store.CellQuery) ([]store.CellCount, error) {
	if err := query.CheckRes(q.Res, s.cfg); err != nil {
		return nil, err
	}
	first, last, empty := query.CellDays(q)
	if empty {
		return make([]store.CellCount, 0), nil
	}
	dayKeys, monthKeys, err := s.cellKeys(ctx, q.Res, query.SplitDays(first, last))
	if err != nil {
		return nil, err
	}
	if len(dayKeys)+len(monthKeys) == 0 {
		return make([]store.CellCount, 0), nil
	}
	if len(dayKeys) == 0 && len(monthKeys) == 1 {
		sn, err := s.monthSnap(ctx, q.Res, monthKeys[0])
		if err != nil {
			return nil, err
		}
		return sn.answer(q.BBox), nil
	}
	pipe := s.client.Pipeline()
	dayTables := make([]*goredis.MapStringStringCmd, len(dayKeys))
	for i, k := range dayKeys {
		dayTables[i] = pipe.HGetAll(ctx, k)
	}
	monthTables := make([]*goredis.MapStringStringCmd, len(monthKeys))
	for i, k := range monthKeys {
		monthTables[i] = pipe.HGetAll(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, rediserr.Wrap(ctx, "cells", strconv.Itoa(q.Res), err)
	}
	n := 0
	for _, t := range monthTables {
		n = max(n, len(t.Val()))
	}
	sum := query.NewCellSums(q.Res, n)
	filter := query.CellFilter{BBox: q.BBox, Centers: &s.centers}
	for _, t := range monthTables {
		for field, v := range t.Val() {
			cell := keyspace.ParseCell(field)
			if cell == 0 {
				continue
			}
			if c := sum.Filtered(cell, filter.In); c != nil && !codec.AddPacked(c, v) {
				return nil, fmt.Errorf("redis: cells: %w: field %s = %q", codec.ErrCorrupt, field, v)
			}
		}
	}
	for _, t := range dayTables {
		for field, v := range t.Val() {
			name, rest, _ := strings.Cut(field, ":")
			cell := keyspace.ParseCell(name)
			if cell == 0 {
				continue
			}
			c := sum.Filtered(cell, filter.In)
			if c == nil {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("redis: cells: %w: field %s = %q", codec.ErrCorrupt, field, v)
			}
			switch {
			case rest == "":
				c.Count += n
			case rest == "n":
				c.Reports += n
			case strings.HasPrefix(rest, "s:"):
				c.AddSource(rest[2:], n)
			}
		}
	}
	return sum.Result(), nil
}

// cellKeys returns the keys of the stored day aggregates at res of the
// span's partial months and those of the stored month aggregates of its
// whole months.
func (s *Store) cellKeys(ctx context.Context, res int, span query.Span) (dayKeys, monthKeys []string, err error) {
	pipe := s.client.Pipeline()
	var lists []*goredis.StringSliceCmd
	for _, r := range [][2]int64{{span.HeadFirst, span.HeadLast}, {span.TailFirst, span.TailLast}} {
		if r[0] <= r[1] {
			lists = append(lists, pipe.ZRangeByScore(ctx, s.k.Days(), scoreRange(r[0], r[1])))
		}
	}
	var months *goredis.StringSliceCmd
	if span.HasMonths() {
		months = pipe.ZRangeByScore(ctx, s.k.Months(), scoreRange(span.FirstMonth, span.LastMonth))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, rediserr.Wrap(ctx, "cells", "buckets", err)
	}
	for _, l := range lists {
		days, err := parseBuckets(l.Val())
		if err != nil {
			return nil, nil, fmt.Errorf("redis: cells: %w", err)
		}
		for _, d := range days {
			dayKeys = append(dayKeys, s.k.Agg(res, d))
		}
	}
	if months != nil {
		ms, err := parseBuckets(months.Val())
		if err != nil {
			return nil, nil, fmt.Errorf("redis: cells: %w", err)
		}
		for _, m := range ms {
			monthKeys = append(monthKeys, s.k.MonthAgg(res, m))
		}
	}
	return dayKeys, monthKeys, nil
}
