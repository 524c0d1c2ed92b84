package keyspace

import (
	"fmt"
	"strings"
	"testing"
)

// tagOf returns the hash tag of key: what lies between its first "{" and
// the next "}".
func tagOf(key string) string {
	i := strings.IndexByte(key, '{')
	j := strings.IndexByte(key[i+1:], '}')
	if i < 0 || j < 0 {
		return ""
	}
	return key[i+1 : i+1+j]
}

func TestKeyTags(t *testing.T) {
	tests := []struct {
		name, prefix, want string
	}{
		{"plain", "fw", "fw"},
		{"braces replaced", "a{b}c", "a_b_c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := New(tc.prefix)
			p := Partition("abc123")
			const cell = 0x83283ffffffffff // resolution 3
			all := []struct {
				key, tag string
			}{
				{k.Aircraft(p), k.Part(p)}, {k.AircraftCell(p), k.Part(p)}, {k.Seen(p), k.Part(p)},
				{k.Track("abc123"), k.Part(p)}, {k.LegLine("abc123-1"), k.Part(p)}, {k.LegSources("abc123-1"), k.Part(p)},
				{k.Cell(cell), k.CellTag(cell)},
				{k.Reports(2024*12 + 9), k.MonthTag(2024*12 + 9)}, {k.ReportDay(20000), k.MonthTag(2024*12 + 9)},
				{k.Agg(5, 20000), k.MonthTag(2024*12 + 9)}, {k.MonthAgg(5, 2024*12+9), k.MonthTag(2024*12 + 9)},
				{k.Legs(), k.tag}, {k.LegTimes(), k.tag}, {k.Plans(), k.tag}, {k.Alerts(), k.tag},
				{k.AlertKeys(), k.tag}, {k.AlertSeq(), k.tag}, {k.Days(), k.tag}, {k.Months(), k.tag},
				{k.LegStatKeys(), k.tag}, {k.StatDays(), k.tag}, {k.StatDay(1, 20000), k.tag}, {k.Failed("g"), k.tag},
			}
			seen := map[string]bool{}
			for _, e := range all {
				if !strings.HasPrefix(e.key, e.tag+":") || strings.Count(e.key, "{") != 1 {
					t.Errorf("key %q does not start with its one hash tag %s", e.key, e.tag)
				}
				if got := tagOf(e.key); !strings.HasPrefix(got, tc.want) {
					t.Errorf("tagOf(%q) = %q, want it to start with the prefix %q", e.key, got, tc.want)
				}
				if seen[e.key] {
					t.Errorf("key %q used twice", e.key)
				}
				seen[e.key] = true
			}
		})
	}
}

// TestDayInMonthTag checks that a day's report keys share its month's tag
// (the add script touches both), at either end of a month.
func TestDayInMonthTag(t *testing.T) {
	k := New("fw")
	tests := []struct {
		name  string
		day   int64 // days since epoch
		month int64 // year*12 + month-1
	}{
		{"1970-01-01", 0, 1970 * 12},
		{"2024-12-31", 20088, 2024*12 + 11},
		{"2025-01-01", 20089, 2025 * 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, key := range []string{k.ReportDay(tc.day), k.Agg(3, tc.day)} {
				if got, want := tagOf(key), tagOf(k.MonthAgg(3, tc.month)); got != want {
					t.Errorf("tagOf(%q) = %q, want the month's %q", key, got, want)
				}
			}
		})
	}
}

func TestPartition(t *testing.T) {
	counts := make([]int, Partitions)
	const n, per = 64 * Partitions, 64
	for i := range n {
		hex := fmt.Sprintf("%06x", i*7919)
		p := Partition(hex)
		if p < 0 || p >= Partitions {
			t.Fatalf("Partition(%q) = %d, want 0..%d", hex, p, Partitions-1)
		}
		counts[p]++
	}
	for p, c := range counts {
		if c < per/2 || c > 2*per {
			t.Errorf("Partition %d holds %d of %d hexes, want about %d", p, c, n, per)
		}
	}
	if a, b := Partition("abc123"), Partition("abc123"); a != b {
		t.Errorf("Partition(abc123) = %d then %d", a, b)
	}
}

func TestPatterns(t *testing.T) {
	k := New("a*b")
	tests := []struct {
		name, got, want, key string
	}{
		{"track", k.TrackPattern(), `{a\*b:p:??}:trk:*`, k.Track("abc123")},
		{"leg line", k.LegLinePattern(), `{a\*b:p:??}:lline:*`, k.LegLine("abc123-1")},
		{"cell", k.CellPattern(), `{a\*b:c:*}:cell:*`, k.Cell(0x83283ffffffffff)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("pattern = %s, want %s", tc.got, tc.want)
			}
			if !match(tc.got, tc.key) {
				t.Errorf("pattern %s does not match %s", tc.got, tc.key)
			}
		})
	}
	for _, key := range []string{k.Aircraft(3), k.Cell(0x83283ffffffffff), k.Reports(2024*12 + 9), k.Legs()} {
		n := 0
		for _, p := range k.Patterns() {
			if match(p, key) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s matches %d of Patterns(), want 1", key, n)
		}
	}
}

// match is the subset of Redis Glob matching the key Patterns use: "*",
// "?" and backslash escapes.
func match(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if match(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && match(pattern[1:], s[1:])
	case '\\':
		return len(pattern) > 1 && s != "" && s[0] == pattern[1] && match(pattern[2:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && match(pattern[1:], s[1:])
}

// FuzzOldFamily checks that reading any key name as a single-tag key
// never panics, and names only the known families.
func FuzzOldFamily(f *testing.F) {
	k := New("fw")
	for _, s := range []string{"{fw}:ac", "{fw}:trk:abc123", "{fw}:agg:5:20250101", "{fw}:legs", "{fw}:cell:", "{fw}", "", "{fw:p:01}:ac"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		family, subject, ok := k.OldFamily(key)
		if !ok {
			return
		}
		known := false
		for _, fam := range OldFamilies {
			known = known || strings.TrimSuffix(fam, ":") == family
		}
		if !known {
			t.Errorf("OldFamily(%q) = %q, not a known family", key, family)
		}
		want := k.tag + ":" + family
		if subject != "" {
			want += ":" + subject
		}
		if key != want {
			t.Errorf("OldFamily(%q) = %q, %q, which name %q", key, family, subject, want)
		}
	})
}
