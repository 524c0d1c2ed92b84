package memory

import (
	"testing"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return New(store.Config{}) })
}
