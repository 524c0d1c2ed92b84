package server

import (
	"testing"

	"github.com/flightwatch/flightwatch/geo"
)

func TestCellHeadsMatchEncoding(t *testing.T) {
	var h cellHeads
	cells := cellSet{
		{Cell: geo.Cell(40.73, -74.17, 5), Res: 5, Count: 12, Reports: 3, Sources: map[string]int{"news": 12}},
		{Cell: geo.Cell(-16.5, 179.99, 3), Res: 3, Count: 7, Reports: 1}, // across the antimeridian
		{Cell: geo.Cell(31.85, -106.38, 7), Res: 7, Count: 5, Reports: 5},
	}
	set := cachedCellSet{cells, &h}
	for round := range 2 { // filling the cache, then reading it
		for i := range cells {
			got, want := string(set.AppendFeature([]byte("x"), i)), "x"+string(cells.AppendFeature(nil, i))
			if got != want {
				t.Errorf("round %d: AppendFeature(%d) = %s, want %s", round, i, got, want)
			}
		}
	}
}
