package partition

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

// Count is how many partitions the aircraft are split into: the store's
// key partitions.
const Count = keyspace.Partitions

// Of is the partition of key: an aircraft hex, or track.PlanKey of a plan.
func Of(key string) int { return keyspace.Partition(key) }

// LeaseConfig configures Leases. Zero fields take the defaults noted.
type LeaseConfig struct {
	// Instance names this process; it must differ between the
	// instances sharing the store. Required.
	Instance string
	// TTL is how long a lease (and an instance's announcement) lives
	// unless renewed; leases are renewed every TTL/3, and a dead
	// instance's partitions are taken over within about TTL+TTL/3.
	// Default 6s.
	TTL time.Duration
	// Logger receives hand-over notices. Nil: discarded.
	Logger *slog.Logger
}

// Handover is told when partitions change hands. Both methods are called
// from the Leases' goroutine, one at a time.
type Handover interface {
	// Acquired is called after this instance took the leases of ps,
	// before they count as owned; an error gives them back.
	Acquired(ctx context.Context, ps []int) error
	// Released is called once ps no longer count as owned and every
	// ingest that saw them owned has finished, before their leases are
	// deleted (or after they were lost).
	Released(ctx context.Context, ps []int)
}

// Leases keeps this instance's share of the partitions. Create it with
// NewLeases and drive it with Run.
type Leases struct {
	client goredis.UniversalClient
	k      keyspace.Keys
	cfg    LeaseConfig
	log    *slog.Logger
	start  int // where this instance starts looking for free partitions

	owned [Count]atomic.Bool
	n     atomic.Int32
	live  atomic.Int32
	// gate lets a release wait for the work that saw a partition owned:
	// that work holds it for reading (enter, leave).
	gate sync.RWMutex
}

// NewLeases returns the leases of cfg.Instance on client, under the
// store's key prefix.
func NewLeases(client goredis.UniversalClient, prefix string, cfg LeaseConfig) (*Leases, error) {
	if cfg.Instance == "" {
		return nil, errors.New("partition: new leases: Instance is required")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 6 * time.Second
	}
	if cfg.TTL < 30*time.Millisecond {
		return nil, fmt.Errorf("partition: new leases: TTL %v is too short", cfg.TTL)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := fnv.New32a()
	h.Write([]byte(cfg.Instance))
	return &Leases{client: client, k: keyspace.New(prefix), cfg: cfg, start: int(h.Sum32() % Count),
		log: cfg.Logger.With("component", "partition")}, nil
}

// Instance is this process's name.
func (l *Leases) Instance() string { return l.cfg.Instance }

// Owns reports whether this instance owns partition p.
func (l *Leases) Owns(p int) bool { return p >= 0 && p < Count && l.owned[p].Load() }

// OwnsKey reports whether this instance owns the partition of key (a
// hex, or track.PlanKey): the tracker's owner filter.
func (l *Leases) OwnsKey(key string) bool { return l.owned[Of(key)].Load() }

// Owned returns the partitions this instance owns, in order.
func (l *Leases) Owned() []int {
	var out []int
	for p := range l.owned {
		if l.owned[p].Load() {
			out = append(out, p)
		}
	}
	return out
}

// NumOwned is how many partitions this instance owns.
func (l *Leases) NumOwned() int { return int(l.n.Load()) }

// Live is how many instances were announced at the last step.
func (l *Leases) Live() int { return int(l.live.Load()) }

// enter and leave bracket work that relies on what is owned.
func (l *Leases) enter() { l.gate.RLock() }
func (l *Leases) leave() { l.gate.RUnlock() }

var (
	// announceScript records ARGV[1] as live for ARGV[2] ms by Redis's
	// clock, forgets expired instances and returns how many are live.
	announceScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`)
	// renewScript extends the lease KEYS[1] by ARGV[2] ms if ARGV[1]
	// holds it (1), takes it again if it expired meanwhile and nobody took
	// it (2: Redis was away longer than the lease), else returns 0.
	renewScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not v and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 2 end
return 0`)
	// dropScript deletes the lease KEYS[1] if ARGV[1] holds it.
	dropScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)
)

// Run takes and keeps this instance's share until ctx is done, telling h
// (nil: nobody) of every change; then it hands every partition over and
// withdraws the announcement. Redis errors are logged and retried.
func (l *Leases) Run(ctx context.Context, h Handover) error {
	if h == nil {
		h = nopHandover{}
	}
	tick := time.NewTicker(l.cfg.TTL / 3)
	defer tick.Stop()
	for {
		if err := l.Step(ctx, h); err != nil && ctx.Err() == nil {
			l.log.Warn("partition leases", "err", err)
		}
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.cfg.TTL)
			defer cancel()
			l.Leave(sctx, h)
			return nil
		case <-tick.C:
		}
	}
}

// Leave hands every owned partition over and withdraws the announcement,
// so that the others take the partitions at once.
func (l *Leases) Leave(ctx context.Context, h Handover) {
	if h == nil {
		h = nopHandover{}
	}
	l.release(ctx, h, l.Owned(), true)
	if err := l.client.ZRem(ctx, l.k.Owners(), l.cfg.Instance).Err(); err != nil {
		l.log.Warn("withdraw announcement", "err", err)
	}
}

type nopHandover struct{}

func (nopHandover) Acquired(context.Context, []int) error { return nil }
func (nopHandover) Released(context.Context, []int)       {}

// Step runs one round: announce, renew the owned leases (dropping those
// lost), then release surplus partitions or take free ones toward the
// fair share ceil(Count/live). Run calls it every TTL/3.
func (l *Leases) Step(ctx context.Context, h Handover) error {
	if h == nil {
		h = nopHandover{}
	}
	ttl := strconv.FormatInt(l.cfg.TTL.Milliseconds(), 10)
	live, err := announceScript.Run(ctx, l.client, []string{l.k.Owners()}, l.cfg.Instance, ttl).Int()
	if err != nil {
		return rediserr.Wrap(ctx, "announce", l.cfg.Instance, err)
	}
	l.live.Store(int32(live))
	owned := l.Owned()
	if len(owned) > 0 {
		pipe := l.client.Pipeline()
		cmds := make([]*goredis.Cmd, len(owned))
		for i, p := range owned {
			cmds[i] = renewScript.EvalSha(ctx, pipe, []string{l.k.Lease(p)}, l.cfg.Instance, ttl)
		}
		_, _ = pipe.Exec(ctx)
		var lost []int
		for i, p := range owned {
			n, err := cmds[i].Int()
			if err != nil && isNoScript(err) {
				n, err = renewScript.Run(ctx, l.client, []string{l.k.Lease(p)}, l.cfg.Instance, ttl).Int()
			}
			if err != nil {
				return rediserr.Wrap(ctx, "renew lease", strconv.Itoa(p), err)
			}
			if n == 0 {
				lost = append(lost, p)
			}
		}
		if len(lost) > 0 {
			l.log.Warn("partition leases lost", "partitions", lost)
			l.release(ctx, h, lost, false)
			owned = slices.DeleteFunc(owned, func(p int) bool { return slices.Contains(lost, p) })
		}
	}
	fair := (Count + live - 1) / max(live, 1)
	switch {
	case len(owned) > fair:
		give := owned[fair:]
		l.log.Info("handing partitions over", "partitions", len(give), "live", live, "fair", fair)
		l.release(ctx, h, give, true)
	case len(owned) < fair:
		return l.acquire(ctx, h, fair-len(owned), ttl)
	}
	return nil
}

// acquire takes up to want free partitions.
func (l *Leases) acquire(ctx context.Context, h Handover, want int, ttl string) error {
	var cands []int
	for i := range Count {
		if p := (l.start + i) % Count; !l.owned[p].Load() {
			cands = append(cands, p)
		}
	}
	pipe := l.client.Pipeline()
	gets := make([]*goredis.StringCmd, len(cands))
	for i, p := range cands {
		gets[i] = pipe.Get(ctx, l.k.Lease(p))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return rediserr.Wrap(ctx, "read leases", "", err)
	}
	var free []int
	for i, p := range cands {
		if errors.Is(gets[i].Err(), goredis.Nil) {
			free = append(free, p)
			if len(free) == want {
				break
			}
		}
	}
	if len(free) == 0 {
		return nil
	}
	pipe = l.client.Pipeline()
	sets := make([]*goredis.BoolCmd, len(free))
	for i, p := range free {
		sets[i] = pipe.SetNX(ctx, l.k.Lease(p), l.cfg.Instance, l.cfg.TTL)
	}
	_, execErr := pipe.Exec(ctx)
	var got []int
	for i, p := range free {
		if ok, err := sets[i].Result(); err == nil && ok {
			got = append(got, p)
		}
	}
	if len(got) > 0 {
		if err := h.Acquired(ctx, got); err != nil {
			l.deleteLeases(ctx, got)
			return fmt.Errorf("partition: take over %v: %w", got, err)
		}
		for _, p := range got {
			l.owned[p].Store(true)
		}
		l.n.Add(int32(len(got)))
		l.log.Info("partitions taken", "partitions", got, "owned", l.n.Load())
	}
	if execErr != nil {
		return rediserr.Wrap(ctx, "take leases", "", execErr)
	}
	return nil
}

// release stops owning ps: no new work takes them, the work that saw them
// owned finishes, h is told, and (del) their leases are deleted.
func (l *Leases) release(ctx context.Context, h Handover, ps []int, del bool) {
	if len(ps) == 0 {
		return
	}
	for _, p := range ps {
		if l.owned[p].Swap(false) {
			l.n.Add(-1)
		}
	}
	l.gate.Lock()
	l.gate.Unlock() //nolint:staticcheck // an empty critical section: a barrier for enter/leave
	h.Released(ctx, ps)
	if del {
		l.deleteLeases(ctx, ps)
	}
}

// deleteLeases deletes the leases of ps that this instance still holds.
func (l *Leases) deleteLeases(ctx context.Context, ps []int) {
	pipe := l.client.Pipeline()
	for _, p := range ps {
		dropScript.Eval(ctx, pipe, []string{l.k.Lease(p)}, l.cfg.Instance)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		l.log.Warn("delete leases (they expire by themselves)", "partitions", ps, "err", err)
	}
}

func isNoScript(err error) bool {
	return err != nil && len(err.Error()) >= 8 && err.Error()[:8] == "NOSCRIPT"
}
