package redis

import (
	"strings"
	"testing"
)

func TestKeysShareOneTag(t *testing.T) {
	tests := []struct {
		name, prefix, tag string
	}{
		{"plain", "fw", "{fw}"},
		{"braces replaced", "a{b}c", "{a_b_c}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := newKeys(tc.prefix)
			all := []string{k.aircraft(), k.aircraftCell(), k.seen(), k.cell(0x83283ffffffffff), k.track("abc123"),
				k.legs(), k.legTimes(), k.plans(), k.alerts(), k.alertKeys(), k.alertSeq(), k.reports(),
				k.reportDay(20000), k.days(), k.agg(5, 20000), k.months(), k.monthAgg(5, 657),
				k.legLine("ae1234-1"), k.legSources("ae1234-1"), k.legStatKeys(), k.statDays(), k.statDay(1, 20000)}
			seen := map[string]bool{}
			for _, key := range all {
				if !strings.HasPrefix(key, tc.tag+":") || strings.Count(key, "{") != 1 {
					t.Errorf("key %q does not start with the one hash tag %s", key, tc.tag)
				}
				if seen[key] {
					t.Errorf("key %q used twice", key)
				}
				seen[key] = true
			}
		})
	}
	if got := newKeys("a*b").pattern(); got != `{a\*b}:*` {
		t.Errorf("pattern() = %s, want {a\\*b}:*", got)
	}
	k := newKeys("a*b")
	if got := k.trackPattern(); got != `{a\*b}:trk:*` || !strings.HasPrefix(k.track("abc123"), `{a*b}:trk:`) {
		t.Errorf("trackPattern() = %s, want {a\\*b}:trk:*", got)
	}
	if got := k.legLinePattern(); got != `{a\*b}:lline:*` || !strings.HasPrefix(k.legLine("x"), `{a*b}:lline:`) {
		t.Errorf("legLinePattern() = %s, want {a\\*b}:lline:*", got)
	}
}
