package redis

import (
	"testing"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		return newTestStore(b, randomPrefix(b), store.Config{})
	})
}
