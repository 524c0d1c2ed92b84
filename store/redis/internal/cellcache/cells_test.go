package cellcache

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/flightwatch/flightwatch/geo"
)

// TestCellOf checks that the shortcut always finds the cell H3 finds, for
// points scattered around the cell they were in before, at several
// resolutions, near the poles and across the antimeridian included.
func TestCellOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name     string
		res      int
		lat, lon func() float64
		stepDeg  float64
	}{
		{"res 3 anywhere", 3, func() float64 { return rng.Float64()*170 - 85 }, func() float64 { return rng.Float64()*360 - 180 }, 1.5},
		{"res 3 near the poles", 3, func() float64 { return 88 + rng.Float64()*2 }, func() float64 { return rng.Float64()*360 - 180 }, 1},
		{"res 3 antimeridian", 3, func() float64 { return rng.Float64()*120 - 60 }, func() float64 { return 179 + rng.Float64()*2 - 180*float64(rng.IntN(2)) }, 1},
		{"res 0", 0, func() float64 { return rng.Float64()*180 - 90 }, func() float64 { return rng.Float64()*360 - 180 }, 20},
		{"res 7", 7, func() float64 { return rng.Float64()*170 - 85 }, func() float64 { return rng.Float64()*360 - 180 }, 0.05},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Cells
			hits := 0
			const n = 20000
			for range n {
				lat0, lon0 := tc.lat(), tc.lon()
				prev := geo.Cell(lat0, lon0, tc.res)
				lat := math.Max(-90, math.Min(90, lat0+(rng.Float64()*2-1)*tc.stepDeg))
				lon := lon0 + (rng.Float64()*2-1)*tc.stepDeg
				if lon > 180 {
					lon -= 360
				} else if lon < -180 {
					lon += 360
				}
				want := geo.Cell(lat, lon, tc.res)
				if got := c.CellOf(lat, lon, prev, tc.res); got != want {
					t.Fatalf("CellOf(%v, %v, prev %s) = %s, want %s", lat, lon, geo.CellString(prev), geo.CellString(got), geo.CellString(want))
				}
				if want == prev {
					hits++
				}
			}
			if got := c.CellOf(10, 10, geo.Cell(10, 10, tc.res+1), tc.res); got != geo.Cell(10, 10, tc.res) {
				t.Errorf("CellOf(prev at another resolution) = %s, want %s", geo.CellString(got), geo.CellString(geo.Cell(10, 10, tc.res)))
			}
			t.Logf("%d of %d stayed in their cell", hits, n)
		})
	}
}

func BenchmarkCellOf(b *testing.B) {
	lat, lon := 40.0, -74.0
	prev := geo.Cell(lat, lon, 3)
	b.Run("Shortcut", func(b *testing.B) {
		var c Cells
		for i := 0; i < b.N; i++ {
			c.CellOf(lat+float64(i%100)*1e-4, lon, prev, 3)
		}
	})
	b.Run("H3", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			geo.Cell(lat+float64(i%100)*1e-4, lon, 3)
		}
	})
}

// TestDiscInsideCell checks the disc's rim against H3 directly: points on
// it, all around, pentagons and every resolution up to 6 included.
func TestDiscInsideCell(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for res := 0; res <= 6; res++ {
		for range 300 {
			cell := geo.Cell(rng.Float64()*180-90, rng.Float64()*360-180, res)
			d := discOf(cell)
			r := 2 * math.Asin(math.Sqrt(d.hav)) * 0.999
			for k := range 24 {
				brg := float64(k) * 2 * math.Pi / 24
				lat := math.Asin(math.Sin(d.lat)*math.Cos(r) + math.Cos(d.lat)*math.Sin(r)*math.Cos(brg))
				lon := d.lon + math.Atan2(math.Sin(brg)*math.Sin(r)*math.Cos(d.lat), math.Cos(r)-math.Sin(d.lat)*math.Sin(lat))
				latDeg, lonDeg := lat/rad, math.Remainder(lon/rad, 360)
				if got := geo.Cell(latDeg, lonDeg, res); got != cell {
					t.Fatalf("res %d: point %v,%v on the disc of %s is in %s", res, latDeg, lonDeg, geo.CellString(cell), geo.CellString(got))
				}
			}
		}
	}
	// The twelve pentagons at resolution 0.
	for _, s := range []string{"8009fffffffffff", "801dfffffffffff", "8031fffffffffff", "804dfffffffffff", "8063fffffffffff", "8075fffffffffff",
		"807ffffffffffff", "8091fffffffffff", "80a7fffffffffff", "80c3fffffffffff", "80d7fffffffffff", "80ebfffffffffff"} {
		cell := geo.ParseCell(s)
		if !geo.ValidCell(cell) {
			t.Fatalf("ParseCell(%s) = %x, not a cell", s, cell)
		}
		d := discOf(cell)
		r := 2 * math.Asin(math.Sqrt(d.hav)) * 0.999
		for k := range 36 {
			brg := float64(k) * 2 * math.Pi / 36
			lat := math.Asin(math.Sin(d.lat)*math.Cos(r) + math.Cos(d.lat)*math.Sin(r)*math.Cos(brg))
			lon := d.lon + math.Atan2(math.Sin(brg)*math.Sin(r)*math.Cos(d.lat), math.Cos(r)-math.Sin(d.lat)*math.Sin(lat))
			latDeg, lonDeg := lat/rad, math.Remainder(lon/rad, 360)
			if got := geo.Cell(latDeg, lonDeg, 0); got != cell {
				t.Fatalf("pentagon %s: point %v,%v on its disc is in %s", s, latDeg, lonDeg, geo.CellString(got))
			}
		}
	}
}
