package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// tokenField is the field of a month aggregate that addReportScript sets
// to a new token on every change of the aggregate.
const tokenField = "v"

// newToken returns a random token for tokenField.
func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// monthSnaps keeps, per month aggregate key, the aggregate as Cells
// answers it (its cells ordered by cell, with their centres) and the
// token it was read at: a query over one whole month reads the token
// alone, and the whole hash only when another token (a change, made by
// any instance) is stored. An aggregate without a token (written by an
// older version, or restored by a migration) is read every time. Bounded
// to maxMonthSnaps keys. The zero value is ready for use and safe for
// concurrent use.
type monthSnaps struct {
	mu sync.Mutex
	m  map[string]*monthSnap
}

// maxMonthSnaps bounds monthSnaps: a few years of months at a few
// resolutions.
const maxMonthSnaps = 256

// monthSnap is one month aggregate, read only once stored.
type monthSnap struct {
	token   string
	counts  []store.CellCount
	centers []orb.Point
}

func (c *monthSnaps) get(key string) *monthSnap {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *monthSnaps) put(key string, sn *monthSnap) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxMonthSnaps {
		c.m = make(map[string]*monthSnap)
	}
	c.m[key] = sn
}

// monthSnap returns the month aggregate at key (resolution res): the
// cached one when its token is still the stored one, else the hash read
// anew (and cached when it has a token).
func (s *Store) monthSnap(ctx context.Context, res int, key string) (*monthSnap, error) {
	cached := s.months.get(key)
	if cached != nil {
		tok, err := s.client.HGet(ctx, key, tokenField).Result()
		if err != nil && err != goredis.Nil {
			return nil, rediserr.Wrap(ctx, "cells", strconv.Itoa(res), err)
		}
		if err == nil && tok == cached.token {
			return cached, nil
		}
	}
	all, err := s.client.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, rediserr.Wrap(ctx, "cells", strconv.Itoa(res), err)
	}
	sum := query.NewCellSums(res, len(all))
	for field, v := range all {
		cell := keyspace.ParseCell(field)
		if cell == 0 || field == tokenField {
			continue
		}
		if !codec.AddPacked(sum.Cell(cell), v) {
			return nil, fmt.Errorf("redis: cells: %w: field %s = %q", codec.ErrCorrupt, field, v)
		}
	}
	sn := &monthSnap{token: all[tokenField], counts: sum.Result()}
	sn.centers = make([]orb.Point, len(sn.counts))
	for i := range sn.counts {
		sn.centers[i] = s.centers.Of(sn.counts[i].Cell)
	}
	if sn.token != "" {
		s.months.put(key, sn)
	}
	return sn, nil
}

// answer copies the snapshot's cells whose centre lies in bbox (all for
// an empty bbox), each with its own Sources map.
func (sn *monthSnap) answer(bbox orb.Bound) []store.CellCount {
	in := func(i int) bool { return bbox == (orb.Bound{}) || geo.InBound(bbox, sn.centers[i]) }
	n := 0
	for i := range sn.counts {
		if in(i) {
			n++
		}
	}
	out := make([]store.CellCount, 0, n)
	for i := range sn.counts {
		if in(i) {
			c := sn.counts[i]
			c.Sources = maps.Clone(c.Sources)
			out = append(out, c)
		}
	}
	return out
}
