package rediserr

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store"
)

func TestWrap(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name              string
		ctx               context.Context
		err               error
		want              string
		notFound, unavail bool
	}{
		{name: "nil", ctx: context.Background()},
		{name: "missing key", ctx: context.Background(), err: goredis.Nil, want: "redis: get k: store: not found", notFound: true},
		{name: "refused", ctx: context.Background(), err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED), unavail: true},
		{name: "loading", ctx: context.Background(), err: errors.New("LOADING Redis is loading the dataset in memory"), unavail: true},
		{name: "deadline", ctx: context.Background(), err: context.DeadlineExceeded, unavail: true},
		{name: "cancelled", ctx: cancelled, err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)},
		{name: "script error", ctx: context.Background(), err: errors.New("ERR wrong number of arguments"), want: "redis: get k: ERR wrong number of arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Wrap(tc.ctx, "get", "k", tc.err)
			if tc.err == nil {
				if got != nil {
					t.Fatalf("Wrap(nil) = %v, want nil", got)
				}
				return
			}
			if got == nil || !errors.Is(got, tc.err) && !tc.notFound {
				t.Fatalf("Wrap(%v) = %v, want it wrapped", tc.err, got)
			}
			if tc.want != "" && got.Error() != tc.want {
				t.Errorf("Wrap(%v) = %q, want %q", tc.err, got, tc.want)
			}
			if errors.Is(got, store.ErrNotFound) != tc.notFound {
				t.Errorf("Wrap(%v) = %v: ErrNotFound %v, want %v", tc.err, got, !tc.notFound, tc.notFound)
			}
			if errors.Is(got, store.ErrUnavailable) != tc.unavail {
				t.Errorf("Wrap(%v) = %v: ErrUnavailable %v, want %v", tc.err, got, !tc.unavail, tc.unavail)
			}
		})
	}
}
