package rediserr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store"
)

// Wrap names the operation and subject of err, and maps it to the store's
// sentinels: redis.Nil becomes store.ErrNotFound; a connection failure,
// or a deadline passed waiting for Redis, wraps store.ErrUnavailable.
// Errors after ctx was cancelled are only named.
func Wrap(ctx context.Context, op, subject string, err error) error {
	if err == nil {
		return nil
	}
	name := "redis: " + op
	if subject != "" {
		name += " " + subject
	}
	switch {
	case errors.Is(err, goredis.Nil):
		return fmt.Errorf("%s: %w", name, store.ErrNotFound)
	case errors.Is(ctx.Err(), context.Canceled):
		// The caller gave up; Redis may be fine.
		return fmt.Errorf("%s: %w", name, err)
	case Unavailable(err):
		return fmt.Errorf("%s: %w: %w", name, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Unavailable reports whether err means Redis cannot be reached or cannot
// serve now, so that a retry later may succeed.
func Unavailable(err error) bool {
	var ne net.Error
	switch {
	case errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed),
		errors.Is(err, goredis.ErrClosed), errors.Is(err, goredis.ErrPoolTimeout),
		errors.Is(err, context.DeadlineExceeded):
		return true
	}
	msg := err.Error()
	for _, p := range []string{"LOADING ", "EXECABORT ", "READONLY ", "CLUSTERDOWN ", "TRYAGAIN ", "MASTERDOWN ", "connection refused", "i/o timeout"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
