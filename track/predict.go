package track

import (
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/paulmach/orb"
)

// The predictors are pure functions: each takes what one basis knows and
// returns a destination with a confidence (0-1), or nothing.

// prediction is a predicted destination with its confidence, basis and
// a phrase saying what it rests on ("from 3 earlier flights").
type prediction struct {
	dest  string
	conf  float64
	basis flight.Basis
	note  string
}

func (p prediction) ok() bool { return p.dest != "" }

// pastLeg is one landed leg of an airframe, for the history basis.
type pastLeg struct {
	origin, dest      string
	departed, arrived time.Time
}

// start is when the leg began: its take-off, else its landing.
func (p pastLeg) start() time.Time {
	if !p.departed.IsZero() {
		return p.departed
	}
	return p.arrived
}

// historyConfCap bounds a history prediction's confidence: an airframe
// can always go somewhere new.
const historyConfCap = 0.95

// predictHistory predicts where a leg from origin goes from the airframe's
// earlier legs (hist, oldest first, all landed before now). Each earlier
// leg from origin votes for its destination with a weight that halves
// every 3 legs back (recent first); a leg whose predecessor on its own
// mission chain came from prevOrigin (the origin of the leg that brought
// the aircraft to origin on the current mission, "" when none) votes
// twice: the same chain again (hub -> hub -> abroad). Legs that landed back
// at their origin do not vote. The confidence is the winner's share of the
// votes times 1 - 0.5^n, n its supporting legs (mission matches count
// twice): one earlier flight gives at most 0.5, two 0.75, three 0.875.
func predictHistory(hist []pastLeg, origin, prevOrigin string, mission time.Duration) prediction {
	if origin == "" {
		return prediction{}
	}
	type vote struct {
		w       float64
		n, mist int
		last    int
	}
	votes := map[string]*vote{}
	total := 0.0
	rank := 0
	for i := len(hist) - 1; i >= 0; i-- {
		h := hist[i]
		if h.origin != origin || h.dest == "" || h.dest == h.origin {
			continue
		}
		w := math.Pow(0.5, float64(rank)/3)
		rank++
		sameChain := false
		if prevOrigin != "" && i > 0 {
			if p := hist[i-1]; p.dest == origin && p.origin == prevOrigin && h.start().Sub(p.arrived) <= mission {
				sameChain = true
			}
		}
		if sameChain {
			w *= 2
		}
		v := votes[h.dest]
		if v == nil {
			v = &vote{last: i}
			votes[h.dest] = v
		}
		v.w += w
		v.n++
		if sameChain {
			v.mist++
		}
		total += w
	}
	if total == 0 {
		return prediction{}
	}
	dests := make([]string, 0, len(votes))
	for d := range votes {
		dests = append(dests, d)
	}
	sort.Slice(dests, func(i, j int) bool {
		a, b := votes[dests[i]], votes[dests[j]]
		if a.w != b.w {
			return a.w > b.w
		}
		return a.last > b.last
	})
	best := votes[dests[0]]
	conf := best.w / total * (1 - math.Pow(0.5, float64(best.n+best.mist)))
	note := "from " + strconv.Itoa(best.n) + " earlier flight"
	if best.n != 1 {
		note += "s"
	}
	if best.mist > 0 {
		note += " on the same mission chain"
	}
	return prediction{dest: dests[0], conf: math.Min(conf, historyConfCap), basis: flight.BasisHistory, note: note}
}

// missionPrev returns the origin of the airframe's last leg when it
// landed at origin within mission before at (the current mission chain),
// else "".
func missionPrev(hist []pastLeg, origin string, at time.Time, mission time.Duration) string {
	if len(hist) == 0 || origin == "" {
		return ""
	}
	h := hist[len(hist)-1]
	if h.dest != origin || at.Sub(h.arrived) > mission || at.Before(h.arrived) {
		return ""
	}
	return h.origin
}

// Route-table confidences: a route whose stops include the leg's origin
// says where the next stop is; without a known origin, the stop ahead on
// the aircraft's course is a weaker guess.
const (
	routeConfOrigin = 0.7
	routeConfCourse = 0.45
)

// predictRoute predicts the next stop of a callsign's route (stops, in
// order, as airport idents with their positions). With a known origin on
// the route, the stop after it; with no origin known, the stop whose
// bearing from p lies nearest the course (within 45°) among those after
// the stop the aircraft is nearest. An origin known but not on the route
// (a stale or reused callsign) gives nothing.
func predictRoute(stops []geo.Airport, callsign, origin string, p orb.Point, courseDeg float64, hasCourse bool) prediction {
	if len(stops) < 2 {
		return prediction{}
	}
	note := "from the route table for " + callsign
	if origin != "" {
		for i := 0; i+1 < len(stops); i++ {
			if stops[i].Ident == origin {
				return prediction{dest: stops[i+1].Ident, conf: routeConfOrigin, basis: flight.BasisRoute, note: note}
			}
		}
		return prediction{}
	}
	if !hasCourse {
		return prediction{}
	}
	best, bestOff := -1, 45.0
	for i := 1; i < len(stops); i++ {
		off := math.Abs(geo.TurnDeg(courseDeg, geo.BearingDeg(p, stops[i].Point())))
		if off <= bestOff {
			best, bestOff = i, off
		}
	}
	if best < 0 {
		return prediction{}
	}
	return prediction{dest: stops[best].Ident, conf: routeConfCourse, basis: flight.BasisRoute, note: note}
}

// kmPerFtDescent is the top-of-descent rule of thumb: 3 nm of track per
// 1,000 ft to lose.
const kmPerFtDescent = 3 * geo.KmPerNM / 1000

// Course search bounds.
const (
	courseMaxKm     = 2500.0 // how far ahead along the course airports are considered
	courseConfMax   = 0.45   // the course basis never reaches this
	courseConfFloor = 0.1
)

// courseInput is what the course predictor knows of an airborne aircraft.
type courseInput struct {
	p         orb.Point
	courseDeg float64 // the course held over the last minutes
	altFt     float64
	hasAlt    bool
	approach  bool // descending, or low: the field lies within the descent ahead
	origin    string
}

// predictCourse picks the airport the aircraft is most likely heading for
// from its held course: medium and large airports (large preferred) near
// the great circle ahead. In cruise only airports beyond the top-of-descent
// distance for the current altitude count (the aircraft would already be
// descending for a nearer one); on approach, the airports around the
// distance the remaining descent needs score best, and some off the
// course count too (vectoring swings the track). The confidence is low by
// design (below courseConfMax) and grows with the winner's lead.
func predictCourse(ix *geo.AirportIndex, in courseInput) prediction {
	tod := 0.0
	if in.hasAlt && in.altFt > 0 {
		tod = in.altFt * kmPerFtDescent
	}
	type cand struct {
		a     geo.Airport
		score float64
	}
	seen := map[string]bool{}
	var cands []cand
	consider := func(a geo.Airport, d float64) {
		if seen[a.Ident] || a.Ident == in.origin {
			return
		}
		seen[a.Ident] = true
		w := 0.0
		switch a.Type {
		case geo.LargeAirport:
			w = 1
		case geo.MediumAirport:
			w = 0.15
		default:
			return
		}
		off := math.Abs(geo.TurnDeg(in.courseDeg, geo.BearingDeg(in.p, a.Point())))
		cross := d * math.Sin(math.Min(off, 90)*math.Pi/180)
		var s float64
		if in.approach {
			if off > 120 || d < 3 {
				return
			}
			// The descent still to fly, above this field, in track
			// distance: a field much farther than that is unlikely; a
			// nearer one is not (approaches are vectored, descents late).
			r := 15.0
			if in.hasAlt {
				r = math.Max((in.altFt-a.ElevFt)*kmPerFtDescent, 15)
			}
			s = w * math.Exp(-math.Max(0, d-r)/(0.5*r+25)) * math.Exp(-off/90)
		} else {
			if off > 30 || (in.hasAlt && d < (in.altFt-a.ElevFt)*kmPerFtDescent) {
				return
			}
			s = w * math.Exp(-cross/40) / (1 + d/1500)
		}
		cands = append(cands, cand{a, s})
	}
	if in.approach {
		ix.Within(in.p, math.Max(tod*1.6, 40)+10, func(a geo.Airport, km float64) bool {
			consider(a, km)
			return true
		})
	} else {
		for d := math.Max(tod, 30); d <= courseMaxKm; {
			half := math.Min(25+0.04*d, 90)
			c := geo.Destination(in.p, in.courseDeg, d)
			ix.Within(c, half, func(a geo.Airport, _ float64) bool {
				consider(a, geo.DistanceKm(in.p, a.Point()))
				return true
			})
			d += half
		}
	}
	if len(cands) == 0 {
		return prediction{}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].a.Ident < cands[j].a.Ident
	})
	total := 0.0
	for _, c := range cands {
		total += c.score
	}
	share := cands[0].score / total
	conf := courseConfFloor + 0.15*share
	if in.approach {
		conf = courseConfFloor + 0.3*share
	}
	return prediction{dest: cands[0].a.Ident, conf: math.Min(conf, courseConfMax-0.01), basis: flight.BasisCourse, note: "from its course"}
}

// contradicts reports whether an aircraft at p holding courseDeg is
// flying away from a predicted field at dest: its course more than
// maxOffDeg off the bearing to it.
func contradicts(p orb.Point, courseDeg float64, dest orb.Point, maxOffDeg float64) bool {
	return math.Abs(geo.TurnDeg(courseDeg, geo.BearingDeg(p, dest))) > maxOffDeg
}

// divertInput is what the unplanned diversion verdict looks at when a
// watched leg lands.
type divertInput struct {
	landed     orb.Point
	landedAt   string     // airport ident of the landing, "" when none
	held       prediction // the prediction held long and firmly enough, if any
	heldPt     orb.Point  // its destination's position
	turnedBack bool       // turned_back was raised on the leg
	origin     string
	originPt   orb.Point
	hasOrigin  bool
	nearKm     float64 // tracker.landed_near_km
}

// divertedUnplanned judges a landing of a watched leg with no plan: away
// from a held prediction (not at the predicted field, farther than nearKm
// from it) is a diversion; so is a landing away from the origin after
// turning back, unless it is at the held predicted field. A landing back at
// the origin is a turn-back, never a diversion. It returns the message
// tail ("predicted MSLP from 3 earlier flights" or "turned back toward
// KNKX").
func divertedUnplanned(in divertInput) (string, bool) {
	if in.hasOrigin && geo.DistanceKm(in.landed, in.originPt) <= in.nearKm {
		return "", false
	}
	if in.held.ok() {
		if in.landedAt == in.held.dest || geo.DistanceKm(in.landed, in.heldPt) <= in.nearKm {
			return "", false
		}
		return "predicted " + in.held.dest + " " + in.held.note, true
	}
	if in.turnedBack && in.hasOrigin {
		return "turned back toward " + in.origin, true
	}
	return "", false
}
