package codec

import (
	"reflect"
	"testing"

	"github.com/flightwatch/flightwatch/store/internal/query"
)

func TestAddPacked(t *testing.T) {
	tests := []struct {
		name string
		v    string
		ok   bool
		want query.CellSum
	}{
		{"no sources", "5,2", true, query.CellSum{Count: 5, Reports: 2}},
		{"two sources", "7,3,4,1:a,3,4:news", true, query.CellSum{Count: 7, Reports: 3,
			Sources: []query.SourceCount{{Source: "a", Count: 4}, {Source: "news", Count: 3}}}},
		{"separators and utf-8 in a source", "2,1,2,6:a,:ü:", true, query.CellSum{Count: 2, Reports: 1,
			Sources: []query.SourceCount{{Source: "a,:ü:", Count: 2}}}},
		{"empty source", "1,1,1,0:", true, query.CellSum{Count: 1, Reports: 1, Sources: []query.SourceCount{{Source: "", Count: 1}}}},
		{"negative count", "-1,1,-1,1:x", true, query.CellSum{Count: -1, Reports: 1, Sources: []query.SourceCount{{Source: "x", Count: -1}}}},
		{"empty", "", false, query.CellSum{}},
		{"no reports", "5", false, query.CellSum{}},
		{"source longer than value", "1,1,1,9:ab", false, query.CellSum{}},
		{"missing length", "1,1,1,:a", false, query.CellSum{}},
		{"trailing junk", "1,1x", false, query.CellSum{}},
		{"huge number", "99999999999999999999999,1", false, query.CellSum{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got query.CellSum
			ok := AddPacked(&got, tc.v)
			if ok != tc.ok {
				t.Fatalf("AddPacked(%q) = %v, want %v", tc.v, ok, tc.ok)
			}
			if ok && (got.Count != tc.want.Count || got.Reports != tc.want.Reports || !reflect.DeepEqual(got.Sources, tc.want.Sources)) {
				t.Errorf("AddPacked(%q) gave %+v, want %+v", tc.v, got, tc.want)
			}
		})
	}
}

func FuzzAddPacked(f *testing.F) {
	for _, seed := range []string{"5,2", "7,3,4,1:a,3,4:news", "2,1,2,6:a,:ü:", "1,1,1,9:ab", "-1,-1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var c query.CellSum
		if !AddPacked(&c, v) {
			return
		}
		total := 0
		for _, sc := range c.Sources {
			total += len(sc.Source)
		}
		if total > len(v) {
			t.Errorf("AddPacked(%q) read sources longer than the value: %+v", v, c.Sources)
		}
	})
}
