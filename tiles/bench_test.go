package tiles

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// BenchmarkTile encodes tiles without the cache: the z3 tile over the
// Americas, the z9 Houston tile, and a z0 world tile. It reports the
// encoded size.
func BenchmarkTile(b *testing.B) {
	bm, err := Embedded(testAirports(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		t    maptile.Tile
	}{
		{"z0-world", maptile.New(0, 0, 0)},
		{"z3-americas", maptile.At(orb.Point{-95.2, 29.7}, 3)},
		{"z9-houston", houston},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data, err := bm.Tile(bc.t) // also builds the zoom's simplified level
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if data, err = bm.Tile(bc.t); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes/tile")
		})
	}
}
