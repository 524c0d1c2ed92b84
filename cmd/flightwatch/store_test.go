package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestRedisLog: a go-redis log line comes out of the slog logger as a
// warning of component go-redis, without the trailing newline.
func TestRedisLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	l := redisLog{log.With("component", "go-redis")}
	l.Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %v\n", 5, errors.New("refused"))
	got := buf.String()
	for _, want := range []string{"level=WARN", `msg="redis: connection pool: failed to dial after 5 attempts: refused"`, "component=go-redis"} {
		if !strings.Contains(got, want) {
			t.Errorf("logged %q, want it to contain %s", got, want)
		}
	}
}

// TestUntilUp: the retry loop returns once ping succeeds, and ctx's error
// when ctx ends first.
func TestUntilUp(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	calls := 0
	ping := func(context.Context) error {
		calls++
		if calls < 2 {
			return errors.New("down")
		}
		return nil
	}
	if err := untilUp(context.Background(), ping, "h:1", log); err != nil || calls != 2 {
		t.Errorf("untilUp() = %v after %d pings, want nil after 2", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	down := func(context.Context) error { cancel(); return errors.New("down") }
	if err := untilUp(ctx, down, "h:1", log); !errors.Is(err, context.Canceled) {
		t.Errorf("untilUp(cancelled) = %v, want context.Canceled", err)
	}
}
