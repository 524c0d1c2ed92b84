package partition

import (
	"context"
	"errors"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

var _ Handover = (*Router)(nil)

// Acquired prepares partitions this instance just took, before they count
// as owned: it creates their consumer groups, seeds the tracker with
// their live legs from the store (after dropping what it knew of them),
// then stores everything waiting in their streams: the entries the
// previous owner read but did not acknowledge first, then the rest.
func (r *Router) Acquired(ctx context.Context, ps []int) error {
	for _, p := range ps {
		if err := r.createGroup(ctx, p); err != nil {
			return err
		}
	}
	if err := r.seed(ctx, ps); err != nil {
		return err
	}
	in := map[int]bool{}
	for _, p := range ps {
		in[p] = true
	}
	for _, p := range ps {
		if err := r.claim(ctx, p, 0, func(int) bool { return true }); err != nil {
			return err
		}
	}
	for {
		n, err := r.readOnce(ctx, ps, -1, func(p int) bool { return in[p] })
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return nil
}

// Released drops the tracker's state of partitions handed over.
func (r *Router) Released(_ context.Context, ps []int) {
	if r.tr == nil {
		return
	}
	in := map[int]bool{}
	for _, p := range ps {
		in[p] = true
	}
	n := r.tr.Forget(func(hex string) bool { return in[Of(hex)] })
	r.log.Debug("partitions handed over", "partitions", ps, "aircraft dropped", n)
}

// seed replaces the tracker's state of ps by their live legs in the store.
func (r *Router) seed(ctx context.Context, ps []int) error {
	if r.tr == nil || r.legs == nil {
		return nil
	}
	in := map[int]bool{}
	for _, p := range ps {
		in[p] = true
	}
	lctx, cancel := context.WithTimeout(ctx, 5*r.cfg.WriteTimeout)
	defer cancel()
	legs, err := r.legs.Legs(lctx, store.LegQuery{Since: r.cfg.Now().Add(-r.cfg.LiveFor)})
	if err != nil {
		return err
	}
	var live []flight.Leg
	for _, l := range legs {
		if !in[Of(l.Hex)] {
			continue
		}
		switch l.Status {
		case flight.LegTaxi, flight.LegAirborne, flight.LegSignalLost:
			live = append(live, l)
		}
	}
	r.tr.Forget(func(hex string) bool { return in[Of(hex)] })
	// Legs lists the newest first; Seed keeps each aircraft's newest live
	// leg, which is the newest of those it is given.
	r.tr.Seed(live)
	return nil
}

func (r *Router) createGroup(ctx context.Context, p int) error {
	err := r.client.XGroupCreateMkStream(ctx, r.k.Route(p), group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return rediserr.Wrap(ctx, "create consumer group", r.k.Route(p), err)
	}
	return nil
}

// Run stores what the owned partitions' streams receive until ctx is
// done. A failed store write leaves the entries pending; they are claimed
// again and retried a second later.
func (r *Router) Run(ctx context.Context) error {
	retry := map[int]bool{}
	lastSweep := time.Now()
	pause := time.NewTicker(r.cfg.Block)
	defer pause.Stop()
	for ctx.Err() == nil {
		owned := r.l.Owned()
		if len(owned) == 0 {
			select {
			case <-ctx.Done():
			case <-r.wake:
			case <-pause.C:
			}
			continue
		}
		var err error
		for p := range retry {
			if err = r.claim(ctx, p, 0, r.l.Owns); err != nil {
				break
			}
			delete(retry, p)
		}
		if err == nil && time.Since(lastSweep) >= sweepEvery {
			// Entries delivered to another consumer and never
			// acknowledged: a read that instance had outstanding when it
			// handed the partition over (it leaves them pending), or a
			// write that failed there.
			lastSweep = time.Now()
			for _, p := range owned {
				if err = r.claim(ctx, p, strayIdle, r.l.Owns); err != nil {
					break
				}
			}
		}
		n := 0
		if err == nil {
			block := time.Duration(-1)
			if !r.cluster {
				block = r.cfg.Block
			}
			n, err = r.readOnce(ctx, owned, block, r.l.Owns)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.log.Warn("consume partition streams", "err", err)
			if strings.Contains(err.Error(), "NOGROUP") {
				for _, p := range owned {
					_ = r.createGroup(ctx, p)
				}
			}
			for _, p := range owned {
				retry[p] = true
			}
		}
		if (err != nil || (n == 0 && r.cluster)) && ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-r.wake:
			case <-pause.C:
			}
		}
	}
	return nil
}

// sweepEvery is how often the owner claims stray entries of its
// partitions: those pending at another consumer for strayIdle or longer.
const (
	sweepEvery = time.Second
	strayIdle  = 2 * time.Second
)

// claim takes over and stores every entry of partition p pending for at
// least minIdle (the previous owner's, or this instance's own after a
// failed write).
func (r *Router) claim(ctx context.Context, p int, minIdle time.Duration, owns func(int) bool) error {
	start := "0-0"
	for {
		cctx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
		msgs, next, err := r.client.XAutoClaim(cctx, &goredis.XAutoClaimArgs{Stream: r.k.Route(p), Group: group,
			MinIdle: minIdle, Start: start, Count: int64(r.cfg.Read), Consumer: r.l.Instance()}).Result()
		cancel()
		if err != nil {
			return rediserr.Wrap(ctx, "claim", r.k.Route(p), err)
		}
		if len(msgs) > 0 {
			if err := r.store(ctx, []goredis.XStream{{Stream: r.k.Route(p), Messages: msgs}}, owns); err != nil {
				return err
			}
		}
		if next == "0-0" || next == "" || len(msgs) == 0 && next == start {
			return nil
		}
		start = next
	}
}

// readOnce reads new entries of ps once (blocking up to block on a single
// Redis; block < 0 does not block) and stores them; it returns how many
// it read.
func (r *Router) readOnce(ctx context.Context, ps []int, block time.Duration, owns func(int) bool) (int, error) {
	var streams []goredis.XStream
	if r.cluster || len(ps) == 1 && block < 0 {
		rctx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
		defer cancel()
		pipe := r.client.Pipeline()
		cmds := make([]*goredis.XStreamSliceCmd, len(ps))
		for i, p := range ps {
			cmds[i] = pipe.XReadGroup(rctx, &goredis.XReadGroupArgs{Group: group, Consumer: r.l.Instance(),
				Streams: []string{r.k.Route(p), ">"}, Count: int64(r.cfg.Read), Block: -1})
		}
		_, _ = pipe.Exec(rctx)
		for i, c := range cmds {
			s, err := c.Result()
			if err != nil && !errors.Is(err, goredis.Nil) {
				return 0, rediserr.Wrap(ctx, "read", r.k.Route(ps[i]), err)
			}
			streams = append(streams, s...)
		}
	} else {
		keys := make([]string, 0, 2*len(ps))
		for _, p := range ps {
			keys = append(keys, r.k.Route(p))
		}
		for range ps {
			keys = append(keys, ">")
		}
		var err error
		streams, err = r.client.XReadGroup(ctx, &goredis.XReadGroupArgs{Group: group, Consumer: r.l.Instance(),
			Streams: keys, Count: int64(r.cfg.Read), Block: block}).Result()
		if err != nil && !errors.Is(err, goredis.Nil) {
			return 0, rediserr.Wrap(ctx, "read", "partition streams", err)
		}
	}
	n := 0
	for _, s := range streams {
		n += len(s.Messages)
	}
	if n == 0 {
		return 0, nil
	}
	return n, r.store(ctx, streams, owns)
}

// store feeds the entries of streams whose partition owns accepts through
// the pipeline in one batch, then acknowledges and deletes them. Entries
// of partitions handed over meanwhile stay pending for the next owner.
func (r *Router) store(ctx context.Context, streams []goredis.XStream, owns func(int) bool) error {
	r.l.enter()
	defer r.l.leave()
	var (
		obs  []flight.Observation
		done = map[string][]string{} // stream -> entry ids to acknowledge
	)
	for _, s := range streams {
		p := r.partitionOf(s.Stream)
		if p < 0 || !owns(p) {
			continue
		}
		for _, m := range s.Messages {
			v, _ := m.Values["o"].(string)
			var err error
			before := len(obs)
			if obs, err = decodeObs(v, obs); err != nil {
				obs = obs[:before]
				r.badEntry.Inc()
				r.log.Warn("dropping a corrupt partition stream entry", "stream", s.Stream, "id", m.ID, "err", err)
			}
			done[s.Stream] = append(done[s.Stream], m.ID)
		}
	}
	if len(done) == 0 {
		return nil
	}
	// A backlog (entries waiting while no instance owned the partition)
	// goes through in batches of a size the store writes in time.
	for i := 0; i < len(obs); i += maxConsumed {
		part := obs[i:min(i+maxConsumed, len(obs))]
		if _, err := r.pipe.IngestBatch(ctx, part); err != nil {
			return err
		}
		r.routed.WithLabelValues("consumed").Add(float64(len(part)))
	}
	actx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
	defer cancel()
	ctx = actx
	pipe := r.client.Pipeline()
	for s, ids := range done {
		pipe.XAck(ctx, s, group, ids...)
		pipe.XDel(ctx, s, ids...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		// Stored but not acknowledged: they are stored again later,
		// which is harmless.
		return rediserr.Wrap(ctx, "acknowledge", "partition streams", err)
	}
	return nil
}

// maxConsumed bounds the observations of one pipeline batch when
// consuming.
const maxConsumed = 2000

// partitionOf is the partition of a route stream key; -1 when it is none.
func (r *Router) partitionOf(key string) int {
	if p, ok := r.routes[key]; ok {
		return p
	}
	return -1
}
