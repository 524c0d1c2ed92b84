package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// region is a lon/lat box synthetic aircraft fly in.
type region struct {
	minLon, minLat, maxLon, maxLat float64
}

// The contiguous US and Europe, where the synthetic aircraft fly (60% and
// 40%) and where regional viewports are placed.
var (
	regionUS     = region{-125, 25, -67, 49}
	regionEurope = region{-10, 36, 30, 60}
)

// fleet is a set of synthetic aircraft, each flying a straight line at a
// constant speed from a start point, wrapping inside its region.
type fleet struct {
	hex    []string
	reg    []region
	lon0   []float64
	lat0   []float64
	dir    []float64 // radians, 0 = north
	speed  []float64 // knots
	alt    []float64
	origin time.Time
}

// newFleet places n aircraft, 60% over the US and 40% over Europe.
func newFleet(n int, seed uint64, origin time.Time) *fleet {
	rng := rand.New(rand.NewPCG(seed, 11))
	f := &fleet{origin: origin}
	for i := 0; i < n; i++ {
		r := regionUS
		if i%5 >= 3 {
			r = regionEurope
		}
		f.hex = append(f.hex, strconv.FormatInt(int64(0x100000+i), 16))
		f.reg = append(f.reg, r)
		f.lon0 = append(f.lon0, r.minLon+rng.Float64()*(r.maxLon-r.minLon))
		f.lat0 = append(f.lat0, r.minLat+rng.Float64()*(r.maxLat-r.minLat))
		f.dir = append(f.dir, rng.Float64()*2*math.Pi)
		f.speed = append(f.speed, 250+rng.Float64()*250)
		f.alt = append(f.alt, float64(5000+rng.IntN(35000)))
	}
	return f
}

// at returns aircraft i's observation at t, stamped with sent.
func (f *fleet) at(i int, t, sent time.Time) flight.Observation {
	r := f.reg[i]
	hours := t.Sub(f.origin).Hours()
	distDeg := f.speed[i] * hours / 60 // nautical miles to degrees of arc
	lat := wrap(f.lat0[i]+distDeg*math.Cos(f.dir[i]), r.minLat, r.maxLat)
	lon := wrap(f.lon0[i]+distDeg*math.Sin(f.dir[i])/math.Cos(lat*math.Pi/180), r.minLon, r.maxLon)
	return flight.Observation{
		Hex: f.hex[i], Time: t, Lat: lat, Lon: lon,
		AltFt: f.alt[i], GSKt: f.speed[i], TrackDeg: math.Mod(f.dir[i]*180/math.Pi+360, 360),
		Callsign: stamp(sent), Source: "bench",
		Has: flight.HasAlt | flight.HasGS | flight.HasTrack,
	}
}

// wrap folds v into [lo, hi) so aircraft stay inside their region.
func wrap(v, lo, hi float64) float64 {
	w := hi - lo
	v = math.Mod(v-lo, w)
	if v < 0 {
		v += w
	}
	return lo + v
}

// stamp encodes t as eight upper-case base-36 digits of Unix
// milliseconds, which fits a callsign (good until the year 2059).
func stamp(t time.Time) string {
	s := strings.ToUpper(strconv.FormatInt(t.UnixMilli(), 36))
	for len(s) < 8 {
		s = "0" + s
	}
	return s
}

// unstamp decodes a callsign written by stamp; ok is false for others.
func unstamp(s string) (time.Time, bool) {
	if len(s) != 8 {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(strings.ToLower(s), 36, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// viewport returns a w×h degree box inside a region (60% US, 40% Europe).
func viewport(rng *rand.Rand, w, h float64) [4]float64 {
	r := regionUS
	if rng.IntN(5) >= 3 {
		r = regionEurope
	}
	lon := r.minLon + rng.Float64()*math.Max(0, r.maxLon-r.minLon-w)
	lat := r.minLat + rng.Float64()*math.Max(0, r.maxLat-r.minLat-h)
	return [4]float64{lon, lat, lon + w, lat + h}
}
