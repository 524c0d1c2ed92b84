package server

import (
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// featureCache keeps the encoded GeoJSON Feature of each aircraft's latest
// state, by hex, so that a bbox GET copies the bytes of the aircraft that
// did not change since the last GET instead of encoding every feature
// again. An entry is used only when the state it was encoded from equals
// the state asked for, field by field: a changed aircraft (a new
// position, time, phase, tag, leg...) is encoded again and its entry
// replaced. The cache is bounded (maxCachedFeatures entries, an arbitrary
// entry of a full shard giving way) and sharded by hex. The zero value is
// ready for use and safe for concurrent use.
type featureCache struct {
	once   sync.Once
	seed   maphash.Seed
	shards [cacheShards]featureShard
}

// cacheShards is the number of shards; a power of two.
const cacheShards = 64

// maxCachedFeatures bounds the entries of a featureCache: twice the
// ~50,000 aircraft a worldwide feed tracks.
const maxCachedFeatures = 1 << 17

type featureShard struct {
	mu sync.RWMutex
	m  map[string]*cachedFeature
}

// cachedFeature is an encoded feature and the state it was encoded from.
// Neither is modified once the entry is stored.
type cachedFeature struct {
	a flight.Aircraft
	b []byte
}

func (c *featureCache) shard(hex string) *featureShard {
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	return &c.shards[maphash.String(c.seed, hex)&(cacheShards-1)]
}

// Append appends the GeoJSON Feature of a to b, from the cache when it
// holds a's current state.
func (c *featureCache) Append(b []byte, a *flight.Aircraft) []byte {
	sh := c.shard(a.Hex)
	sh.mu.RLock()
	e := sh.m[a.Hex]
	sh.mu.RUnlock()
	if e != nil && sameAircraft(&e.a, a) {
		return append(b, e.b...)
	}
	start := len(b)
	b = appendAircraftFeature(b, a)
	e = &cachedFeature{a: *a, b: slices.Clone(b[start:])}
	e.a.Tags = slices.Clone(a.Tags)
	sh.mu.Lock()
	if sh.m == nil {
		sh.m = make(map[string]*cachedFeature)
	}
	if _, ok := sh.m[a.Hex]; !ok && len(sh.m) >= maxCachedFeatures/cacheShards {
		for k := range sh.m {
			delete(sh.m, k)
			break
		}
	}
	sh.m[a.Hex] = e
	sh.mu.Unlock()
	return b
}

// Len returns the number of cached features.
func (c *featureCache) Len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}

// sameAircraft reports whether x and y encode to the same feature: every
// field equal (a NaN never is, which only costs an encoding).
func sameAircraft(x, y *flight.Aircraft) bool {
	ox, oy := x.Observation, y.Observation
	ox.Time, oy.Time = time.Time{}, time.Time{} // the same instant encodes the same
	return ox == oy && x.Time.Equal(y.Time) && x.Phase == y.Phase &&
		x.Watch == y.Watch && x.Leg == y.Leg && slices.Equal(x.Tags, y.Tags)
}

// cachedAircraftSet is an aircraftSet whose GeoJSON features come from a
// featureCache.
type cachedAircraftSet struct {
	aircraftSet
	cache *featureCache
}

func (s cachedAircraftSet) AppendFeature(b []byte, i int) []byte {
	return s.cache.Append(b, &s.aircraftSet[i])
}
