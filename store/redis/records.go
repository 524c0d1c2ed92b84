package redis

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// page is how many entries a filtered scan reads per round trip.
const page = 512

// PutLeg stores a leg as JSON and indexes it by LastSeen.
func (s *Store) PutLeg(ctx context.Context, leg flight.Leg) error {
	return s.PutLegs(ctx, []flight.Leg{leg})
}

// PutLegs stores legs as PutLeg does, in one transaction and one round
// trip. When legs holds one id more than once, the last one is kept.
func (s *Store) PutLegs(ctx context.Context, legs []flight.Leg) error {
	if len(legs) == 0 {
		return nil
	}
	subject := legs[0].ID
	if len(legs) > 1 {
		subject = strconv.Itoa(len(legs))
	}
	pipe := s.client.TxPipeline()
	if err := s.queueLegs(ctx, pipe, legs); err != nil {
		return err
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.forgetSent()
		return rediserr.Wrap(ctx, "put leg", subject, err)
	}
	return nil
}

// queueLegs queues PutLegs' writes on pipe.
func (s *Store) queueLegs(ctx context.Context, pipe goredis.Pipeliner, legs []flight.Leg) error {
	fields := make([]any, 0, 2*len(legs))
	times := make([]goredis.Z, 0, len(legs))
	for _, leg := range legs {
		leg.Departed, leg.Arrived = utc(leg.Departed), utc(leg.Arrived)
		leg.FirstSeen, leg.LastSeen = utc(leg.FirstSeen), utc(leg.LastSeen)
		b, err := json.Marshal(leg)
		if err != nil {
			return fmt.Errorf("redis: put leg %s: %w", leg.ID, err)
		}
		fields = append(fields, leg.ID, b)
		times = append(times, goredis.Z{Score: query.LegScore(&leg), Member: leg.ID})
	}
	for i := 0; i < len(times); i += chunk {
		pipe.HSet(ctx, s.k.Legs(), fields[2*i:2*min(i+chunk, len(times))]...)
		pipe.ZAdd(ctx, s.k.LegTimes(), times[i:min(i+chunk, len(times))]...)
	}
	s.queueCountLegs(ctx, pipe, legs)
	return nil
}

// Legs returns the legs q selects, newest LastSeen first, reading the
// LastSeen index a page at a time until q.Limit legs match.
func (s *Store) Legs(ctx context.Context, q store.LegQuery) ([]flight.Leg, error) {
	by := goredis.ZRangeBy{Min: "-inf", Max: "+inf", Count: page}
	if !q.Since.IsZero() {
		by.Min = strconv.FormatInt(q.Since.UnixMicro(), 10)
	}
	skip := max(q.Offset, 0)
	if q.Status == "" && q.Hex == "" && q.Class == "" && q.Until.IsZero() {
		// every leg in the score range matches: the index skips them
		by.Offset, skip = int64(skip), 0
	}
	out := make([]flight.Leg, 0)
	for {
		ids, err := s.client.ZRevRangeByScore(ctx, s.k.LegTimes(), &by).Result()
		if err != nil {
			return nil, rediserr.Wrap(ctx, "legs", "index", err)
		}
		if len(ids) == 0 {
			break
		}
		vals, err := s.client.HMGet(ctx, s.k.Legs(), ids...).Result()
		if err != nil {
			return nil, rediserr.Wrap(ctx, "legs", "records", err)
		}
		var batch []flight.Leg
		for i, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue
			}
			var leg flight.Leg
			if err := json.Unmarshal([]byte(str), &leg); err != nil {
				return nil, fmt.Errorf("redis: legs: decode %s: %w", ids[i], err)
			}
			if query.LegMatches(q, &leg) {
				batch = append(batch, leg)
			}
		}
		query.SortLegs(batch)
		n := min(skip, len(batch))
		skip -= n
		out = append(out, batch[n:]...)
		if q.Limit > 0 && len(out) >= q.Limit {
			out = out[:q.Limit]
			break
		}
		if len(ids) < page {
			break
		}
		by.Offset += page
	}
	return out, nil
}

// PutPlan stores a plan as JSON, replacing one with the same ID.
func (s *Store) PutPlan(ctx context.Context, p flight.Plan) error {
	p.Departure = utc(p.Departure)
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("redis: put plan %s: %w", p.ID, err)
	}
	return rediserr.Wrap(ctx, "put plan", p.ID, s.client.HSet(ctx, s.k.Plans(), p.ID, b).Err())
}

// DeletePlan removes a plan; an error wrapping store.ErrNotFound when
// there was none.
func (s *Store) DeletePlan(ctx context.Context, id string) error {
	n, err := s.client.HDel(ctx, s.k.Plans(), id).Result()
	if err != nil {
		return rediserr.Wrap(ctx, "delete plan", id, err)
	}
	if n == 0 {
		return fmt.Errorf("redis: delete plan %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// Plans returns every plan ordered by ID.
func (s *Store) Plans(ctx context.Context) ([]flight.Plan, error) {
	vals, err := s.client.HVals(ctx, s.k.Plans()).Result()
	if err != nil {
		return nil, rediserr.Wrap(ctx, "plans", "", err)
	}
	out := make([]flight.Plan, len(vals))
	for i, v := range vals {
		if err := json.Unmarshal([]byte(v), &out[i]); err != nil {
			return nil, fmt.Errorf("redis: plans: decode: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b flight.Plan) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// addAlertScript appends an alert to the log unless its key was seen, and
// returns the stream id, or nil for a duplicate. The log is trimmed to
// exactly ARGV[3] entries and the remembered keys to ARGV[4].
// KEYS: alertKeys, alerts, alertSeq. ARGV: key, json, maxlen, maxkeys.
var addAlertScript = goredis.NewScript(addAlertLua)

//go:embed scripts/add_alert.lua
var addAlertLua string

// AddAlert appends a to the alert log unless an alert with the same Key
// was added (by any instance); one script makes the check and the append
// atomic. An empty a.ID becomes the log entry's id, "<unix ms>-<seq>".
func (s *Store) AddAlert(ctx context.Context, a *flight.Alert) (bool, error) {
	c := *a
	c.Time = utc(c.Time)
	b, err := json.Marshal(&c)
	if err != nil {
		return false, fmt.Errorf("redis: add alert %s: %w", a.Key, err)
	}
	calls := []call{{
		keys: []string{s.k.AlertKeys(), s.k.Alerts(), s.k.AlertSeq()},
		args: []any{a.Key, b, s.cfg.AlertLen, s.cfg.AlertLen * query.AlertKeys},
	}}
	if err := s.runScript(ctx, addAlertScript, calls); err != nil {
		return false, rediserr.Wrap(ctx, "add alert", a.Key, err)
	}
	id, err := calls[0].cmd.Text()
	if err == goredis.Nil {
		return false, nil
	}
	if err != nil {
		return false, rediserr.Wrap(ctx, "add alert", a.Key, err)
	}
	if a.ID == "" {
		a.ID = id
	}
	return true, nil
}

// Alerts returns the alerts q selects, most recently added first, reading
// the log backwards a page at a time.
func (s *Store) Alerts(ctx context.Context, q store.AlertQuery) ([]flight.Alert, error) {
	out := make([]flight.Alert, 0)
	end := "+"
	skip := q.Offset
	for {
		msgs, err := s.client.XRevRangeN(ctx, s.k.Alerts(), end, "-", page).Result()
		if err != nil {
			return nil, rediserr.Wrap(ctx, "alerts", "", err)
		}
		for _, m := range msgs {
			str, _ := m.Values["a"].(string)
			var a flight.Alert
			if err := json.Unmarshal([]byte(str), &a); err != nil {
				return nil, fmt.Errorf("redis: alerts: decode %s: %w", m.ID, err)
			}
			if a.ID == "" {
				a.ID = m.ID
			}
			if !query.AlertMatches(q, &a) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, a)
			if q.Limit > 0 && len(out) == q.Limit {
				return out, nil
			}
		}
		if len(msgs) < page {
			return out, nil
		}
		end = "(" + msgs[len(msgs)-1].ID
	}
}

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
