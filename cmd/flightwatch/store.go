package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/store/redis/pubsub"
	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

// openStore opens the configured store. With Redis it waits, retrying,
// until Redis answers (or ctx is done), so that a service started before
// its Redis comes up by itself.
func openStore(ctx context.Context, cfg configs.Config, keyer *stats.Keyer, log *slog.Logger) (store.Store, store.Bus, store.Outbox, error) {
	scfg := store.Config{H3Res: cfg.Store.H3Res, TrackLen: cfg.Store.TrackLen,
		ReportRes: cfg.Store.ReportRes, AlertLen: cfg.Store.AlertLen, LegPoints: cfg.Store.LegPoints, Keyer: keyer}
	if cfg.Redis.URL == "" {
		st := memory.New(scfg)
		return st, memory.NewBus(), st, nil
	}
	opt, err := redisurl.Parse(cfg.Redis.URL)
	if err != nil {
		return nil, nil, nil, err
	}
	// Deadlines of the callers (ingest's write timeout, /readyz) bound
	// every command, so a hung Redis answers an error in time.
	opt.SetContextTimeout(true)
	client := opt.Client()
	st := fwredis.NewWithClient(client, cfg.Redis.Prefix, scfg)
	if err := untilUp(ctx, st.Ping, opt.Addr(), log); err != nil {
		client.Close()
		return nil, nil, nil, err
	}
	return closer{st, client}, pubsub.New(client, cfg.Redis.Prefix+":events").WithLogger(log), st, nil
}

// untilUp calls ping until it succeeds, waiting 0.5 s, then twice as long
// each time up to 10 s; it returns ctx's error when ctx ends first.
func untilUp(ctx context.Context, ping func(context.Context) error, addr string, log *slog.Logger) error {
	wait := 500 * time.Millisecond
	for {
		err := ping(ctx)
		if err == nil {
			return nil
		}
		log.Warn("waiting for redis", "addr", addr, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// closer closes the Redis client with the store.
type closer struct {
	store.Store
	client goredis.UniversalClient
}

func (c closer) Close() error {
	c.Store.Close()
	return c.client.Close()
}

// redisLog carries go-redis's own log lines (pool and reconnection
// notices) into the process's slog logger.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// routeRedisLog makes go-redis log through log; go-redis keeps one
// logger for the whole process.
func routeRedisLog(log *slog.Logger) {
	goredis.SetLogger(redisLog{log.With("component", "go-redis")})
}
