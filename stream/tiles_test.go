package stream

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

func TestTilesOf(t *testing.T) {
	tests := []struct {
		name  string
		b     orb.Bound
		n     int
		wide  bool
		holds []orb.Point
	}{
		{"whole world", orb.Bound{}, 0, true, nil},
		{"one tile", orb.Bound{Min: orb.Point{0.5, 0.5}, Max: orb.Point{1.5, 1.5}}, 1, false, []orb.Point{{1, 1}}},
		{"12x8 regional", orb.Bound{Min: orb.Point{-100.5, 30.5}, Max: orb.Point{-88.5, 38.5}}, 7 * 5, false,
			[]orb.Point{{-100.5, 30.5}, {-88.5, 38.5}, {-95, 35}}},
		{"antimeridian", orb.Bound{Min: orb.Point{179, -1}, Max: orb.Point{-179, 1}}, 2 * 2, false,
			[]orb.Point{{179.5, 0}, {-179.5, 0}, {180, 0}}},
		{"edge of the world", orb.Bound{Min: orb.Point{178, 88}, Max: orb.Point{180, 90}}, 1, false, []orb.Point{{180, 90}}},
		{"continent", orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 55}}, 36 * 18, false, nil},
		{"most of the world is wide", orb.Bound{Min: orb.Point{-180, -60}, Max: orb.Point{180, 80}}, 0, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tiles, wide := tilesOf(tt.b)
			if wide != tt.wide || len(tiles) != tt.n {
				t.Fatalf("tilesOf(%v) = %d tiles, wide %v; want %d, %v", tt.b, len(tiles), wide, tt.n, tt.wide)
			}
			for _, p := range tt.holds {
				found := false
				for _, tk := range tiles {
					found = found || tk == tileOf(p)
				}
				if !found {
					t.Errorf("tiles of %v lack the tile of %v", tt.b, p)
				}
			}
		})
	}
}

// TestTileCover checks at random that the tiles of a bound hold every
// point inside it, and that a tile called inside holds only points inside.
func TestTileCover(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		lon, lat := -180+rng.Float64()*360, -90+rng.Float64()*170
		w, h := rng.Float64()*30, rng.Float64()*(90-lat)/2
		maxLon := lon + w
		if maxLon > 180 {
			maxLon -= 360 // crosses the antimeridian
		}
		b := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{maxLon, lat + h}}
		tiles, wide := tilesOf(b)
		if wide {
			continue
		}
		set := map[tileKey]bool{}
		for _, tk := range tiles {
			set[tk] = true
		}
		for range 20 {
			p := orb.Point{lon + rng.Float64()*w, lat + rng.Float64()*h}
			if p[0] > 180 {
				p[0] -= 360
			}
			if !geo.InBound(b, p) {
				continue
			}
			if !set[tileOf(p)] {
				t.Fatalf("point %v inside %v is in tile %d, not among its tiles", p, b, tileOf(p))
			}
		}
		for _, tk := range tiles {
			if !tileInside(tk, b) {
				continue
			}
			col, row := float64(int(tk)%tileCols), float64(int(tk)/tileCols)
			p := orb.Point{col*tileDeg - 180 + rng.Float64()*tileDeg, row*tileDeg - 90 + rng.Float64()*tileDeg}
			if !geo.InBound(b, p) {
				t.Fatalf("tile %d called inside %v holds %v outside it", tk, b, p)
			}
		}
	}
}

// TestStreamTileIndex moves an aircraft between viewports indexed by
// tile: across the antimeridian, into a regional viewport, then far out of
// it; a viewport of everywhere sees it all along.
func TestStreamTileIndex(t *testing.T) {
	in := startHub(t, Config{})
	subs := map[string]string{
		"antimeridian": `[170,-10,-170,10]`,
		"regional":     `[-100,30,-88,38]`,
		"everywhere":   ``,
	}
	conns := map[string]*websocketConn{}
	for name, bbox := range subs {
		c := dialWS(t, in, "")
		msg := `{"op":"subscribe"}`
		if bbox != "" {
			msg = `{"op":"subscribe","bbox":` + bbox + `}`
		}
		sendWS(t, c, msg)
		if m := readMsg(t, c); m.Type != "snapshot" {
			t.Fatalf("%s: first message %+v, want a snapshot", name, m)
		}
		conns[name] = c
	}
	now := time.Now().Add(-time.Hour).Truncate(time.Second)
	steps := []struct {
		lat, lon float64
		want     map[string]string // viewport -> "update" or "remove"
	}{
		{0, 179.5, map[string]string{"antimeridian": "update", "everywhere": "update"}},
		{0, -179.5, map[string]string{"antimeridian": "update", "everywhere": "update"}},
		{35, -95, map[string]string{"antimeridian": "remove", "regional": "update", "everywhere": "update"}},
		{35, 50, map[string]string{"regional": "remove", "everywhere": "update"}},
	}
	for i, st := range steps {
		_, before := in.hub.Position()
		postObs(t, in, obsLine("ae00aa", st.lat, st.lon, now.Add(time.Duration(i)*time.Second)))
		for _, off := in.hub.Position(); off == before; _, off = in.hub.Position() {
			time.Sleep(time.Millisecond)
		}
		// markers in the next batch show what each viewport was not sent
		marker := fmt.Sprintf("ae%04x", 0xff00+i)
		postObs(t, in, obsLine(marker, st.lat, st.lon, now), obsLine(marker+"x", 0, 179.9, now),
			obsLine(marker+"y", 35, -94, now), obsLine(marker+"z", 10, 10, now))
		for name, c := range conns {
			got := ""
			readUntil(t, c, "marker", func(m wsMsg) bool {
				switch m.Type {
				case "update":
					done := false
					for _, id := range ids(featureCollection(t, m.Data)) {
						if id == "ae00aa" {
							got = "update"
						}
						done = done || strings.HasPrefix(id, marker)
					}
					return done
				case "remove":
					if slices.Contains(m.IDs, "ae00aa") {
						got = "remove"
					}
				}
				return false
			})
			if got != st.want[name] {
				t.Errorf("step %d (%g,%g): %s got %q, want %q", i, st.lat, st.lon, name, got, st.want[name])
			}
		}
	}
}

type websocketConn = websocket.Conn
