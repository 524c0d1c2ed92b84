package track

import (
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/track/watch"
)

// TestMilitaryAgreesWithTags: an aircraft's military flag and its
// "military" tag always agree, whether the feed flagged it or a
// watchlist entry tagged it, and a watchlist reload that drops the tag
// drops the flag (unless the feed flags it).
func TestMilitaryAgreesWithTags(t *testing.T) {
	mil := watch.New([]watch.Entry{{Name: "airlifters", Type: []string{"C17"}, Tags: []string{"military"}},
		{Name: "charters", CallsignPrefix: []string{"GXA"}, Tags: []string{"removal-charter"}}}, nil)
	plain := watch.New([]watch.Entry{{Name: "airlifters", Type: []string{"C17"}}}, nil)
	tests := []struct {
		name     string
		list     *watch.List
		reload   *watch.List
		obs      flight.Observation
		military bool
	}{
		{"C-17 tagged by its entry", mil, nil, flight.Observation{Hex: "ae0001", Type: "C17"}, true},
		{"feed flags military, no entry", mil, nil, flight.Observation{Hex: "ae0002", Military: true}, true},
		{"charter, not military", mil, nil, flight.Observation{Hex: "a00003", Callsign: "GXA123"}, false},
		{"unwatched airliner", mil, nil, flight.Observation{Hex: "a00004", Callsign: "AAL1", Type: "B738"}, false},
		{"tag dropped by a reload", mil, plain, flight.Observation{Hex: "ae0005", Type: "C17"}, false},
		{"feed flag survives the reload", mil, plain, flight.Observation{Hex: "ae0006", Type: "C17", Military: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker(Config{}, Deps{Watchlist: tt.list})
			o := tt.obs
			o.Time, o.Lat, o.Lon = t0, 31.8, -106.4
			a := tr.Observe(o).Aircraft
			if tt.reload != nil {
				tr.SetWatchlist(tt.reload)
				o.Time, o.Military = t0.Add(time.Minute), false // the feed says nothing this time
				a = tr.Observe(o).Aircraft
			}
			if a.Military != tt.military || slices.Contains(a.Tags, "military") != a.Military {
				t.Errorf("military = %v, tags %v; want military %v, agreeing with the tags", a.Military, a.Tags, tt.military)
			}
		})
	}
}
