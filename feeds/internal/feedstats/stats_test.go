package feedstats

import (
	"testing"
	"time"
)

// other is a Stats other than Nop, to tell a kept value from a default
// (not of size zero, so that two pointers to it differ).
type other struct {
	Nop
	_ int
}

func TestDefaults(t *testing.T) {
	st, log, now := Defaults(nil, nil, nil)
	if _, ok := st.(Nop); !ok || log == nil || now == nil {
		t.Fatalf("Defaults(nil, nil, nil) = %T, %v, clock set %v; want Nop, a logger, a clock", st, log, now != nil)
	}
	c := &other{}
	fixed := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	st, _, now = Defaults(c, log, func() time.Time { return fixed })
	if st != Stats(c) || !now().Equal(fixed) {
		t.Errorf("Defaults replaced set values: %T, %v", st, now())
	}
}
