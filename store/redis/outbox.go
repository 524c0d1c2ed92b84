package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

var _ store.Outbox = (*Store)(nil)

// groups remembers the consumer groups created on the alert log.
var groups sync.Map // key + "\x00" + group -> struct{}

// ensureGroup creates group on the alert log at its end, once per
// process (and again after Redis lost it).
func (s *Store) ensureGroup(ctx context.Context, group string, force bool) error {
	id := s.k.Alerts() + "\x00" + group
	if _, ok := groups.Load(id); ok && !force {
		return nil
	}
	err := s.client.XGroupCreateMkStream(ctx, s.k.Alerts(), group, "$").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return err
	}
	groups.Store(id, struct{}{})
	return nil
}

// withGroup runs f, creating the group first and again when Redis says it
// does not exist (a Redis that restarted without its data).
func (s *Store) withGroup(ctx context.Context, op, group string, f func() error) error {
	if err := s.ensureGroup(ctx, group, false); err != nil {
		return rediserr.Wrap(ctx, op, group, err)
	}
	err := f()
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		if err := s.ensureGroup(ctx, group, true); err != nil {
			return rediserr.Wrap(ctx, op, group, err)
		}
		err = f()
	}
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	return rediserr.Wrap(ctx, op, group, err)
}

// Next reads new entries for the group (XREADGROUP ... >).
func (s *Store) Next(ctx context.Context, group, consumer string, n int, block time.Duration) ([]store.Delivery, error) {
	var out []store.Delivery
	err := s.withGroup(ctx, "outbox next", group, func() error {
		args := &goredis.XReadGroupArgs{Group: group, Consumer: consumer, Streams: []string{s.k.Alerts(), ">"},
			Count: int64(n), Block: block}
		if block <= 0 {
			args.Block = -1
		}
		res, err := s.client.XReadGroup(ctx, args).Result()
		if err != nil {
			return err
		}
		for _, st := range res {
			for _, m := range st.Messages {
				d, err := delivery(m, 1)
				if err != nil {
					return err
				}
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// delivery decodes a log entry.
func delivery(m goredis.XMessage, count int) (store.Delivery, error) {
	str, _ := m.Values["a"].(string)
	var a flight.Alert
	if err := json.Unmarshal([]byte(str), &a); err != nil {
		return store.Delivery{}, fmt.Errorf("decode %s: %w", m.ID, err)
	}
	if a.ID == "" {
		a.ID = m.ID
	}
	return store.Delivery{ID: m.ID, Alert: a, Count: count}, nil
}

// Pending lists the group's pending entries (XPENDING).
func (s *Store) Pending(ctx context.Context, group string, n int) ([]store.Pending, error) {
	if n <= 0 {
		n = 1000
	}
	var out []store.Pending
	err := s.withGroup(ctx, "outbox pending", group, func() error {
		res, err := s.client.XPendingExt(ctx, &goredis.XPendingExtArgs{Stream: s.k.Alerts(), Group: group,
			Start: "-", End: "+", Count: int64(n)}).Result()
		if err != nil {
			return err
		}
		out = make([]store.Pending, len(res))
		for i, p := range res {
			out[i] = store.Pending{ID: p.ID, Consumer: p.Consumer, Idle: p.Idle, Count: int(p.RetryCount)}
		}
		return nil
	})
	return out, err
}

// Claim takes idle pending entries for consumer (XCLAIM), then reads
// their delivery counts.
func (s *Store) Claim(ctx context.Context, group, consumer string, minIdle time.Duration, ids ...string) ([]store.Delivery, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []store.Delivery
	err := s.withGroup(ctx, "outbox claim", group, func() error {
		msgs, err := s.client.XClaim(ctx, &goredis.XClaimArgs{Stream: s.k.Alerts(), Group: group,
			Consumer: consumer, MinIdle: minIdle, Messages: ids}).Result()
		if err != nil {
			return err
		}
		counts := map[string]int{}
		if len(msgs) > 0 {
			pend, err := s.client.XPendingExt(ctx, &goredis.XPendingExtArgs{Stream: s.k.Alerts(), Group: group,
				Start: msgs[0].ID, End: msgs[len(msgs)-1].ID, Count: int64(len(msgs) + len(ids)), Consumer: consumer}).Result()
			if err != nil {
				return err
			}
			for _, p := range pend {
				counts[p.ID] = int(p.RetryCount)
			}
		}
		for _, m := range msgs {
			if m.Values == nil { // the entry left the log
				s.client.XAck(ctx, s.k.Alerts(), group, m.ID)
				continue
			}
			d, err := delivery(m, counts[m.ID])
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// Ack marks entries done for the group (XACK).
func (s *Store) Ack(ctx context.Context, group string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.withGroup(ctx, "outbox ack", group, func() error {
		return s.client.XAck(ctx, s.k.Alerts(), group, ids...).Err()
	})
}

// Fail records a failed delivery in the group's failure hash.
func (s *Store) Fail(ctx context.Context, group string, f store.Failure) error {
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("redis: fail %s: %w", f.ID, err)
	}
	return rediserr.Wrap(ctx, "fail", f.ID, s.client.HSet(ctx, s.k.Failed(group), f.ID, b).Err())
}

// Failed lists the group's failed deliveries, oldest entry first.
func (s *Store) Failed(ctx context.Context, group string) ([]store.Failure, error) {
	vals, err := s.client.HVals(ctx, s.k.Failed(group)).Result()
	if err != nil {
		return nil, rediserr.Wrap(ctx, "failed", group, err)
	}
	out := make([]store.Failure, 0, len(vals))
	for _, v := range vals {
		var f store.Failure
		if err := json.Unmarshal([]byte(v), &f); err != nil {
			return nil, fmt.Errorf("redis: failed %s: decode: %w", group, err)
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b store.Failure) int { return compareStreamIDs(a.ID, b.ID) })
	return out, nil
}

// Unfail removes a failed delivery.
func (s *Store) Unfail(ctx context.Context, group, id string) error {
	n, err := s.client.HDel(ctx, s.k.Failed(group), id).Result()
	if err != nil {
		return rediserr.Wrap(ctx, "unfail", id, err)
	}
	if n == 0 {
		return fmt.Errorf("redis: unfail %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// compareStreamIDs orders stream ids "<ms>-<seq>".
func compareStreamIDs(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	x, _ := strconv.ParseUint(am, 10, 64)
	y, _ := strconv.ParseUint(bm, 10, 64)
	if x != y {
		if x < y {
			return -1
		}
		return 1
	}
	x, _ = strconv.ParseUint(as, 10, 64)
	y, _ = strconv.ParseUint(bs, 10, 64)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
