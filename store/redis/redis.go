package redis

import (
	"context"
	"fmt"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/cellcache"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

var _ store.Store = (*Store)(nil)

// Store keeps the store in Redis under one key prefix. The zero Store is
// not usable; call New or NewWithClient.
type Store struct {
	client goredis.UniversalClient
	owned  bool // Close closes client
	// cluster is set on a Redis Cluster, where one step may only touch
	// keys of one slot atomically.
	cluster bool
	k       keyspace.Keys
	cfg     store.Config
	// centers caches the centres of aggregated cells for Cells.
	centers query.Centers
	// months caches whole-month aggregates for Cells (monthsnap.go).
	months monthSnaps
	// covers caches the cell covers of recent bboxes for AircraftIn.
	covers cellcache.Covers
	// cells finds the cells of aircraft that have not left theirs.
	cells cellcache.Cells
	// sent remembers the stats keys of legs this process wrote (stats.go).
	sent sentKeys
}

// New connects to the Redis at url (any URL redisurl.Parse reads: one server
// or a Redis Cluster) and returns a
// store using key prefix and cfg (zero fields take the store.Config
// defaults). It pings Redis once; an unreachable Redis is an error
// wrapping store.ErrUnavailable, and the returned store is nil.
func New(ctx context.Context, url, prefix string, cfg store.Config) (*Store, error) {
	opt, err := redisurl.Parse(url)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	s := NewWithClient(opt.Client(), prefix, cfg)
	s.owned = true
	if err := s.Ping(ctx); err != nil {
		s.client.Close()
		return nil, fmt.Errorf("redis: connect %s: %w", opt.Addr(), err)
	}
	return s, nil
}

// NewWithClient returns a store on an existing client (a plain client, a
// cluster client or a failover client). Braces in prefix are replaced by
// "_" since the prefix becomes the keys' hash tag. Close leaves the client
// open.
func NewWithClient(client goredis.UniversalClient, prefix string, cfg store.Config) *Store {
	_, cluster := client.(*goredis.ClusterClient)
	return &Store{client: client, k: keyspace.New(prefix), cfg: cfg.WithDefaults(), cluster: cluster}
}

// Client returns the Redis client the store uses.
func (s *Store) Client() goredis.UniversalClient { return s.client }

// Config returns the configuration in use, defaults applied.
func (s *Store) Config() store.Config { return s.cfg }

// Ping reports whether Redis answers. On a cluster every master must
// answer and report cluster_state:ok, so a cluster missing slots or a
// master is unhealthy even when the node asked first is fine.
func (s *Store) Ping(ctx context.Context) error {
	cc, ok := s.client.(*goredis.ClusterClient)
	if !ok {
		return rediserr.Wrap(ctx, "ping", "", s.client.Ping(ctx).Err())
	}
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *goredis.Client) error {
		info, err := node.ClusterInfo(ctx).Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return fmt.Errorf("node %s: %w: cluster_state is not ok", node.Options().Addr, store.ErrUnavailable)
		}
		return nil
	})
	return rediserr.Wrap(ctx, "ping", "cluster", err)
}

// Close closes the client when New made it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.client.Close(); err != nil {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}

// Drop deletes every key of the store's prefix, for tests and resets. On a
// cluster it scans every master.
func (s *Store) Drop(ctx context.Context) error {
	for _, pattern := range s.k.Patterns() {
		err := s.scan(ctx, pattern, 1000, func(found []string) error {
			pipe := s.client.Pipeline()
			for _, k := range found {
				pipe.Unlink(ctx, k)
			}
			_, err := pipe.Exec(ctx)
			return err
		})
		if err != nil {
			return rediserr.Wrap(ctx, "drop", s.k.Prefix(), err)
		}
	}
	return nil
}

// scan calls f with each page of the keys matching pattern, on every
// master of a cluster (one at a time) or on the one server. f may issue
// commands on s.client for any key.
func (s *Store) scan(ctx context.Context, pattern string, count int64, f func(keys []string) error) error {
	each := func(ctx context.Context, node goredis.Cmdable) error {
		var cursor uint64
		for {
			found, next, err := node.Scan(ctx, cursor, pattern, count).Result()
			if err != nil {
				return err
			}
			if len(found) > 0 {
				if err := f(found); err != nil {
					return err
				}
			}
			if next == 0 {
				return nil
			}
			cursor = next
		}
	}
	cc, ok := s.client.(*goredis.ClusterClient)
	if !ok {
		return each(ctx, s.client)
	}
	var mu sync.Mutex
	return cc.ForEachMaster(ctx, func(ctx context.Context, node *goredis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		return each(ctx, node)
	})
}

// call is one script invocation of a batch.
type call struct {
	keys []string
	args []any
	cmd  *goredis.Cmd
}

// runScript runs every call of sc in one pipeline with EVALSHA, loading
// the script and repeating only the calls that found it missing. Each
// call's cmd holds its result.
func (s *Store) runScript(ctx context.Context, sc *goredis.Script, calls []call) error {
	pending := make([]int, len(calls))
	for i := range pending {
		pending[i] = i
	}
	for attempt := 0; ; attempt++ {
		pipe := s.client.Pipeline()
		for _, i := range pending {
			calls[i].cmd = sc.EvalSha(ctx, pipe, calls[i].keys, calls[i].args...)
		}
		_, _ = pipe.Exec(ctx)
		var missing []int
		for _, i := range pending {
			err := calls[i].cmd.Err()
			switch {
			case err == nil || err == goredis.Nil:
			case attempt == 0 && strings.HasPrefix(err.Error(), "NOSCRIPT"):
				missing = append(missing, i)
			default:
				return err
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if err := sc.Load(ctx, s.client).Err(); err != nil {
			return err
		}
		pending = missing
	}
}
