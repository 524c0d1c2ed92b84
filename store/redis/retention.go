package redis

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/legline"
	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// expirePage is how many keys or records one retention round trip handles.
const expirePage = 500

// Expire removes what r allows no longer at now, a page at a time so that
// Redis serves ingest between pages: track points (SCAN over the track
// keys), legs with their lines and sources (their stats counts stay),
// alerts from the oldest until the first one young enough, and reports a
// whole UTC month at a time with their aggregates.
func (s *Store) Expire(ctx context.Context, now time.Time, r store.Retention) (store.Expired, error) {
	var e store.Expired
	var err error
	if r.Tracks > 0 {
		if e.TrackPoints, err = s.expireTracks(ctx, now.Add(-r.Tracks)); err != nil {
			return e, err
		}
	}
	if r.Legs > 0 {
		if e.Legs, err = s.expireLegs(ctx, now.Add(-r.Legs)); err != nil {
			return e, err
		}
	}
	if r.Alerts > 0 {
		if e.Alerts, err = s.expireAlerts(ctx, now.Add(-r.Alerts)); err != nil {
			return e, err
		}
	}
	if r.Reports > 0 {
		if e.Reports, err = s.expireReports(ctx, now.Add(-r.Reports)); err != nil {
			return e, err
		}
	}
	return e, nil
}

// sumOverKeys sends cmd for every key matching pattern (a SCAN pattern
// from keys), one pipeline per SCAN page, and adds up the answers, each
// divided by per. op and subject name the work in errors.
func (s *Store) sumOverKeys(ctx context.Context, pattern, op, subject string, per int,
	cmd func(pipe goredis.Pipeliner, key string) *goredis.IntCmd) (int, error) {
	total := 0
	err := s.scan(ctx, pattern, expirePage, func(ks []string) error {
		pipe := s.client.Pipeline()
		cmds := make([]*goredis.IntCmd, len(ks))
		for i, k := range ks {
			cmds[i] = cmd(pipe, k)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return rediserr.Wrap(ctx, op, subject, err)
		}
		for _, c := range cmds {
			total += int(c.Val()) / per
		}
		return nil
	})
	if err != nil {
		return total, rediserr.Wrap(ctx, "scan", pattern, err)
	}
	return total, nil
}

func (s *Store) expireTracks(ctx context.Context, cut time.Time) (int, error) {
	max := "(" + strconv.FormatInt(cut.UnixMicro(), 10)
	return s.sumOverKeys(ctx, s.k.TrackPattern(), "expire tracks", "", 1, func(pipe goredis.Pipeliner, k string) *goredis.IntCmd {
		return pipe.ZRemRangeByScore(ctx, k, "-inf", max)
	})
}

func (s *Store) expireLegs(ctx context.Context, cut time.Time) (int, error) {
	by := &goredis.ZRangeBy{Min: "-inf", Max: "(" + strconv.FormatInt(cut.UnixMicro(), 10), Count: expirePage}
	removed := 0
	for {
		ids, err := s.client.ZRangeByScore(ctx, s.k.LegTimes(), by).Result()
		if err != nil {
			return removed, rediserr.Wrap(ctx, "expire legs", "index", err)
		}
		if len(ids) == 0 {
			return removed, nil
		}
		members := make([]any, len(ids))
		// The lines and sources (in the legs' partitions) go first: a leg
		// left without them is expired again on the next run.
		lines := s.client.Pipeline()
		for i, id := range ids {
			members[i] = id
			lines.Unlink(ctx, s.k.LegLine(id))
			lines.Unlink(ctx, s.k.LegSources(id))
		}
		if _, err := lines.Exec(ctx); err != nil {
			return removed, rediserr.Wrap(ctx, "expire legs", strconv.Itoa(len(ids)), err)
		}
		pipe := s.client.TxPipeline()
		pipe.HDel(ctx, s.k.Legs(), ids...)
		pipe.ZRem(ctx, s.k.LegTimes(), members...)
		pipe.HDel(ctx, s.k.LegStatKeys(), ids...)
		if _, err := pipe.Exec(ctx); err != nil {
			return removed, rediserr.Wrap(ctx, "expire legs", strconv.Itoa(len(ids)), err)
		}
		s.sent.mu.Lock()
		for _, id := range ids {
			delete(s.sent.m, id)
		}
		s.sent.mu.Unlock()
		removed += len(ids)
	}
}

// expireAlerts trims the alert log up to the first alert (oldest first)
// raised at or after cut.
func (s *Store) expireAlerts(ctx context.Context, cut time.Time) (int, error) {
	start := "-"
	removed := 0
	for {
		msgs, err := s.client.XRangeN(ctx, s.k.Alerts(), start, "+", expirePage).Result()
		if err != nil {
			return removed, rediserr.Wrap(ctx, "expire alerts", "", err)
		}
		keepFrom := ""
		n := 0
		for _, m := range msgs {
			str, _ := m.Values["a"].(string)
			var a flight.Alert
			if json.Unmarshal([]byte(str), &a) == nil && !a.Time.Before(cut) {
				keepFrom = m.ID
				break
			}
			n++
		}
		if n > 0 {
			minID := keepFrom
			if minID == "" {
				minID = nextID(msgs[len(msgs)-1].ID)
			}
			if err := s.client.XTrimMinID(ctx, s.k.Alerts(), minID).Err(); err != nil {
				return removed, rediserr.Wrap(ctx, "expire alerts", "", err)
			}
			removed += n
		}
		if keepFrom != "" || len(msgs) < expirePage {
			return removed, nil
		}
		start = nextID(msgs[len(msgs)-1].ID)
	}
}

// nextID returns the stream id right after id ("ms-seq").
func nextID(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '-' {
			seq, err := strconv.ParseUint(id[i+1:], 10, 64)
			if err == nil {
				return id[:i+1] + strconv.FormatUint(seq+1, 10)
			}
		}
	}
	return id
}

// expireReports removes the reports of UTC months that ended before cut,
// their day lists and their day and month aggregates.
func (s *Store) expireReports(ctx context.Context, cut time.Time) (int, error) {
	keepMonth := query.Month(query.Day(cut))
	firstKept, _ := query.MonthDays(keepMonth)
	days, err := s.client.ZRangeByScore(ctx, s.k.Days(), &goredis.ZRangeBy{Min: "-inf",
		Max: "(" + strconv.FormatInt(firstKept, 10)}).Result()
	if err != nil {
		return 0, rediserr.Wrap(ctx, "expire reports", "days", err)
	}
	removed := 0
	for _, ds := range days {
		d, err := strconv.ParseInt(ds, 10, 64)
		if err != nil {
			continue
		}
		ids, err := s.client.ZRange(ctx, s.k.ReportDay(d), 0, -1).Result()
		if err != nil {
			return removed, rediserr.Wrap(ctx, "expire reports", ds, err)
		}
		// The day's keys share its month's slot; the day leaves the list
		// after them, so that a failure is retried on the next run.
		pipe := s.client.TxPipeline()
		for lo := 0; lo < len(ids); lo += expirePage {
			pipe.HDel(ctx, s.k.Reports(query.Month(d)), ids[lo:min(lo+expirePage, len(ids))]...)
		}
		dels := []string{s.k.ReportDay(d)}
		for _, res := range s.cfg.ReportRes {
			dels = append(dels, s.k.Agg(res, d))
		}
		pipe.Del(ctx, dels...)
		if _, err := pipe.Exec(ctx); err != nil {
			return removed, rediserr.Wrap(ctx, "expire reports", ds, err)
		}
		// then the ids' claims, so that an expired id may be stored again
		for lo := 0; lo < len(ids); lo += expirePage {
			if err := s.client.HDel(ctx, s.k.ReportIDs(), ids[lo:min(lo+expirePage, len(ids))]...).Err(); err != nil {
				return removed, rediserr.Wrap(ctx, "expire reports", ds, err)
			}
		}
		if err := s.client.ZRem(ctx, s.k.Days(), ds).Err(); err != nil {
			return removed, rediserr.Wrap(ctx, "expire reports", ds, err)
		}
		removed += len(ids)
	}
	months, err := s.client.ZRangeByScore(ctx, s.k.Months(), &goredis.ZRangeBy{Min: "-inf",
		Max: "(" + strconv.FormatInt(keepMonth, 10)}).Result()
	if err != nil {
		return removed, rediserr.Wrap(ctx, "expire reports", "months", err)
	}
	for _, ms := range months {
		m, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			continue
		}
		dels := []string{s.k.Reports(m)}
		for _, res := range s.cfg.ReportRes {
			dels = append(dels, s.k.MonthAgg(res, m))
		}
		if err := s.client.Del(ctx, dels...).Err(); err != nil {
			return removed, rediserr.Wrap(ctx, "expire reports", ms, err)
		}
		if err := s.client.ZRem(ctx, s.k.Months(), ms).Err(); err != nil {
			return removed, rediserr.Wrap(ctx, "expire reports", ms, err)
		}
	}
	return removed, nil
}

// Held counts what the store holds: lengths of the record hashes and the
// alert log, and the points of every track and leg line (a SCAN over
// their keys, so call it every minute or so, not per request).
func (s *Store) Held(ctx context.Context) (store.Held, error) {
	var h store.Held
	months, err := s.client.ZRange(ctx, s.k.Months(), 0, -1).Result()
	if err != nil {
		return h, rediserr.Wrap(ctx, "held", "months", err)
	}
	pipe := s.client.Pipeline()
	ac := make([]*goredis.IntCmd, keyspace.Partitions)
	for p := range ac {
		ac[p] = pipe.HLen(ctx, s.k.Aircraft(p))
	}
	legs := pipe.HLen(ctx, s.k.Legs())
	alerts := pipe.XLen(ctx, s.k.Alerts())
	reps := make([]*goredis.IntCmd, 0, len(months))
	for _, ms := range months {
		if m, err := strconv.ParseInt(ms, 10, 64); err == nil {
			reps = append(reps, pipe.HLen(ctx, s.k.Reports(m)))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return h, rediserr.Wrap(ctx, "held", "", err)
	}
	for _, c := range ac {
		h.Aircraft += int(c.Val())
	}
	for _, c := range reps {
		h.Reports += int(c.Val())
	}
	h.Legs, h.Alerts = int(legs.Val()), int(alerts.Val())
	h.TrackPoints, err = s.sumOverKeys(ctx, s.k.TrackPattern(), "held", "tracks", 1, func(pipe goredis.Pipeliner, k string) *goredis.IntCmd {
		return pipe.ZCard(ctx, k)
	})
	if err != nil {
		return h, err
	}
	h.LegPoints, err = s.sumOverKeys(ctx, s.k.LegLinePattern(), "held", "leg lines", legline.Size, func(pipe goredis.Pipeliner, k string) *goredis.IntCmd {
		return pipe.StrLen(ctx, k)
	})
	return h, err
}
