package query

import (
	"reflect"
	"testing"

	"github.com/flightwatch/flightwatch/store"
)

func TestCellSums(t *testing.T) {
	type add struct {
		cell           uint64
		count, reports int
		sources        []SourceCount
	}
	tests := []struct {
		name string
		adds []add
		want []store.CellCount
	}{
		{"empty", nil, []store.CellCount{}},
		{"one cell, sources merged", []add{
			{7, 3, 1, []SourceCount{{"a", 3}}},
			{7, 5, 2, []SourceCount{{"b", 1}, {"a", 4}}},
		}, []store.CellCount{{Cell: 7, Res: 5, Count: 8, Reports: 3, Sources: map[string]int{"a": 7, "b": 1}}}},
		{"ordered by cell", []add{
			{9, 1, 1, []SourceCount{{"x", 1}}},
			{2, 2, 1, []SourceCount{{"y", 2}}},
			{9, 1, 1, []SourceCount{{"x", 1}}},
		}, []store.CellCount{
			{Cell: 2, Res: 5, Count: 2, Reports: 1, Sources: map[string]int{"y": 2}},
			{Cell: 9, Res: 5, Count: 2, Reports: 2, Sources: map[string]int{"x": 2}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewCellSums(5, 0)
			for _, a := range tc.adds {
				s.Cell(a.cell).Add(a.count, a.reports, a.sources)
			}
			if got := s.Result(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Result() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCellSumsDoesNotShareSources(t *testing.T) {
	src := []SourceCount{{"a", 1}}
	s := NewCellSums(3, 1)
	s.Cell(1).Add(1, 1, src)
	s.Cell(1).Add(1, 1, src)
	if src[0].Count != 1 {
		t.Errorf("adding twice changed the added list to %+v", src)
	}
}

func TestCellSumsFiltered(t *testing.T) {
	asked := map[uint64]int{}
	even := func(c uint64) bool { asked[c]++; return c%2 == 0 }
	s := NewCellSums(3, 0)
	for range 3 {
		for c := uint64(1); c <= 4; c++ {
			if sum := s.Filtered(c, even); sum != nil {
				sum.Add(1, 1, []SourceCount{{"s", 1}})
			}
		}
	}
	got := s.Result()
	want := []store.CellCount{
		{Cell: 2, Res: 3, Count: 3, Reports: 3, Sources: map[string]int{"s": 3}},
		{Cell: 4, Res: 3, Count: 3, Reports: 3, Sources: map[string]int{"s": 3}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Result() = %+v, want %+v", got, want)
	}
	for c, n := range asked {
		if n != 1 {
			t.Errorf("filter asked %d times about cell %d, want once", n, c)
		}
	}
}
