//go:build ignore

// gen writes configs/demo/flights.ndjson: the simulated tracks of the demo
// scenario, reconstructed from news reports of 23-26 January 2025 (see
// configs/demo/README.md). Tracks, times, addresses and most callsigns are
// invented; only the airports and outcomes follow the reports.
//
//	go run ./configs/demo/gen.go
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
)

// T0 is the scenario's start. Replay re-bases it to the wall clock.
var T0 = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

const (
	step      = 10 * time.Second // sampling interval of the generated track
	cruiseFt  = 31000.0
	cruiseKt  = 450.0
	climbFPM  = 2200.0
	taxiKt    = 15.0
	approachK = 150.0
)

// leg is one simulated flight: a path of waypoints flown from the first
// to the last, starting to roll at start (after taxi minutes on the ground).
type leg struct {
	hex, callsign, reg string
	start              time.Duration // from T0: first ground observation
	taxi               time.Duration // time on the ground before takeoff
	path               []orb.Point   // [lon, lat], first = origin runway, last = landing runway
	originElev         float64
	destElev           float64
	land               bool      // false: never takes off (only taxi observations)
	parked             orb.Point // where a leg with no path stands
}

func ap(airports *geo.AirportIndex, ident string) (orb.Point, float64) {
	a, ok := airports.Lookup(ident)
	if !ok {
		panic("unknown airport " + ident)
	}
	return a.Point(), a.ElevFt
}

func main() {
	airports, err := geo.EmbeddedAirports()
	if err != nil {
		panic(err)
	}
	kbif, kbifE := ap(airports, "KBIF")
	kdma, kdmaE := ap(airports, "KDMA")
	mggt, mggtE := ap(airports, "MGGT")
	knkx, knkxE := ap(airports, "KNKX")
	kefd, kefdE := ap(airports, "KEFD")

	legs := []leg{
		{hex: "ae5a01", callsign: "RCH821", start: 0, taxi: 4 * time.Minute, originElev: kbifE, destElev: mggtE, land: true,
			path: []orb.Point{kbif, {-104.0, 29.0}, {-97.5, 21.5}, {-93.0, 16.5}, mggt}},
		{hex: "ae5a02", callsign: "RCH822", start: 12 * time.Minute, taxi: 4 * time.Minute, originElev: kdmaE, destElev: mggtE, land: true,
			path: []orb.Point{kdma, {-108.0, 28.5}, {-100.0, 21.0}, {-93.5, 16.2}, mggt}},
		// The flight to Mexico: parked at Biggs, never takes off.
		{hex: "ae5a03", callsign: "RCH823", start: 20 * time.Minute, taxi: 12 * time.Minute, originElev: kbifE, parked: kbif},
		// REACH 538: Miramar toward Bogota, east over Texas, turns back near
		// the Gulf coast and lands in Houston (Ellington, as the field is
		// not reported).
		{hex: "ae5a38", callsign: "RCH538", start: 30 * time.Minute, taxi: 4 * time.Minute, originElev: knkxE, destElev: kefdE, land: true,
			path: []orb.Point{knkx, {-112.0, 32.3}, {-104.0, 30.8}, {-97.8, 28.9}, {-95.6, 27.9}, {-94.2, 27.4}, {-93.9, 27.45},
				{-93.95, 27.7}, {-95.2, 28.3}, {-96.3, 28.8}, {-96.7, 29.1}, {-96.4, 29.5}, {-95.8, 29.65}, kefd}},
		// REACH 539: Miramar toward Bogota, returns to Miramar shortly after
		// departure.
		{hex: "ae5a39", callsign: "RCH539", start: 40 * time.Minute, taxi: 4 * time.Minute, originElev: knkxE, destElev: knkxE, land: true,
			path: []orb.Point{knkx, {-115.6, 32.7}, {-113.6, 32.4}, {-113.3, 32.7}, {-113.8, 32.95}, {-115.5, 33.0}, {-116.6, 32.95}, knkx}},
	}

	out, err := os.Create("configs/demo/flights.ndjson")
	if err != nil {
		panic(err)
	}
	w := bufio.NewWriter(out)
	var all []flight.Observation
	for _, l := range legs {
		all = append(all, l.fly()...)
	}
	sortByTime(all)
	var b []byte
	for i := range all {
		b = all[i].AppendJSON(b[:0])
		b = append(b, '\n')
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	out.Close()
	fmt.Fprintf(os.Stderr, "wrote %d observations, last at T0+%s\n", len(all), all[len(all)-1].Time.Sub(T0))
}

func (l leg) obs(t time.Duration, p orb.Point) flight.Observation {
	return flight.Observation{Hex: l.hex, Time: T0.Add(t), Lat: round(p[1], 5), Lon: round(p[0], 5),
		Callsign: l.callsign, Type: "C17", Source: "demo"}
}

func round(v float64, n int) float64 {
	f := math.Pow(10, float64(n))
	return math.Round(v*f) / f
}

// fly samples the leg every step: taxi, takeoff roll, climb, cruise,
// descent on a 3-to-1 profile, landing roll.
func (l leg) fly() []flight.Observation {
	var out []flight.Observation
	t := l.start
	origin := l.path0()
	// Taxi: creep along a short line near the runway.
	for d := time.Duration(0); d < l.taxi; d += step {
		p := geo.Destination(origin, 270, 0.6-0.6*float64(d)/float64(l.taxi))
		o := l.obs(t, p)
		o.AltFt, o.GSKt, o.TrackDeg, o.OnGround = l.originElev, taxiKt, 90, true
		if !l.land {
			o.GSKt = 0
		}
		o.Has = flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasGround
		o.Squawk = "1200"
		out = append(out, o)
		t += step
	}
	if !l.land {
		return out
	}
	total := pathKm(l.path)
	flown := 0.0
	alt, gs := l.originElev, 140.0
	for flown < total {
		left := total - flown
		p, brg := at(l.path, flown)
		// Target altitude: climb from the origin, descend 3 nm per 1,000 ft
		// to reach the destination elevation at the end.
		descentTop := l.destElev + left/1.852/3*1000
		target := math.Min(cruiseFt, descentTop)
		vr := 0.0
		switch {
		case alt < target-50:
			vr = climbFPM
			alt = math.Min(target, alt+climbFPM*step.Minutes())
		case alt > target+50:
			vr = -(alt - target) / step.Minutes()
			if vr < -3000 {
				vr = -3000
			}
			alt = math.Max(target, alt+vr*step.Minutes())
		default:
			alt = target
		}
		want := cruiseKt
		if alt < 10000+l.originElev && left > total/2 || alt < 10000+l.destElev && left <= total/2 {
			want = 250
		}
		if left < 15 {
			want = approachK
		}
		gs += math.Max(-15, math.Min(15, want-gs))
		o := l.obs(t, p)
		o.AltFt, o.GSKt, o.TrackDeg, o.VRateFPM = math.Round(alt/25)*25, math.Round(gs), math.Round(brg*10)/10, math.Round(vr/64)*64
		o.OnGround = false
		o.Has = flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate | flight.HasGround
		o.Squawk = "4521"
		if o.TrackDeg >= 360 {
			o.TrackDeg -= 360
		}
		out = append(out, o)
		flown += gs * 1.852 * step.Hours()
		t += step
	}
	// Landing roll and taxi in at the destination.
	end := l.path[len(l.path)-1]
	for i, v := range []float64{120, 80, 40, 20, 15, 10} {
		o := l.obs(t, geo.Destination(end, 90, 0.3*float64(i)))
		o.AltFt, o.GSKt, o.TrackDeg, o.OnGround = l.destElev, v, 90, true
		o.Has = flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasGround
		o.Squawk = "4521"
		out = append(out, o)
		t += step
	}
	return out
}

func (l leg) path0() orb.Point {
	if len(l.path) > 0 {
		return l.path[0]
	}
	return l.parked
}

func pathKm(path []orb.Point) float64 {
	km := 0.0
	for i := 1; i < len(path); i++ {
		km += geo.DistanceKm(path[i-1], path[i])
	}
	return km
}

// at returns the point flownKm along path and the bearing there.
func at(path []orb.Point, flownKm float64) (orb.Point, float64) {
	for i := 1; i < len(path); i++ {
		seg := geo.DistanceKm(path[i-1], path[i])
		if flownKm <= seg {
			brg := geo.BearingDeg(path[i-1], path[i])
			return geo.Destination(path[i-1], brg, flownKm), geo.BearingDeg(geo.Destination(path[i-1], brg, flownKm), path[i])
		}
		flownKm -= seg
	}
	n := len(path)
	return path[n-1], geo.BearingDeg(path[n-2], path[n-1])
}

func sortByTime(o []flight.Observation) {
	// Insertion into time order; the file is a few thousand lines.
	for i := 1; i < len(o); i++ {
		for j := i; j > 0 && o[j].Time.Before(o[j-1].Time); j-- {
			o[j], o[j-1] = o[j-1], o[j]
		}
	}
}
