package redis

import (
	"testing"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func TestHistoryContract(t *testing.T) {
	storetest.RunHistory(t, func(t *testing.T) store.Store {
		return newTestStore(t, randomPrefix(t), storetest.HistoryConfig())
	})
}
