package feedtest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/flight"
)

// Fixture returns the contents of testdata/name, failing the test when it
// cannot be read.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RunFunc is a feed's Run method.
type RunFunc func(ctx context.Context, to sink.Sink) error

// Start runs run with to in a goroutine. stop cancels ctx, waits for run
// to return and returns its result; later calls return the same result.
// The test's cleanup calls stop too, so a failed test does not leave the
// feed running.
func Start(t testing.TB, run RunFunc, to sink.Sink) (ctx context.Context, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, to) }()
	var (
		once sync.Once
		err  error
	)
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return ctx, stop
}

// ByHex fails the test for every observation that does not validate at
// now, and returns the observations by hex (a later one of the same hex
// wins).
func ByHex(t testing.TB, obs []flight.Observation, now time.Time) map[string]flight.Observation {
	t.Helper()
	byHex := map[string]flight.Observation{}
	for _, o := range obs {
		if err := o.Validate(now); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
		byHex[o.Hex] = o
	}
	return byHex
}

// Rejects fails the test unless rejects holds, for each reason in want,
// exactly the count want gives. Reasons not in want are not checked.
func Rejects(t testing.TB, rejects, want map[string]int) {
	t.Helper()
	for reason, n := range want {
		if rejects[reason] != n {
			t.Errorf("rejects[%s] = %d, want %d (all %v)", reason, rejects[reason], n, rejects)
		}
	}
}
