package backoff

import (
	"testing"
	"time"
)

func TestDoubling(t *testing.T) {
	b := Doubling{Min: time.Second, Max: 5 * time.Second}
	var got []time.Duration
	for i := 0; i < 5; i++ {
		got = append(got, b.Next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Next #%d = %v, want %v", i, got[i], want[i])
		}
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Errorf("after Reset Next = %v, want 1s", d)
	}
}
