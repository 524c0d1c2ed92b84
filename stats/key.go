package stats

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
)

// By names what legs are grouped by.
type By string

// Groupings. Airport is the destination airport; Origin the departure one.
const (
	ByCountry  By = "country"  // ADM0_A3 of the destination airport
	ByAirport  By = "airport"  // destination airport ident
	ByOrigin   By = "origin"   // departure airport ident
	ByOperator By = "operator" // callsign's ICAO prefix, else the watchlist entry
	ByClass    By = "class"    // leg class (judged from its ends when the tracker has not)
)

// Bys lists every grouping, in Key.Groups order.
var Bys = []By{ByCountry, ByAirport, ByOrigin, ByOperator, ByClass}

// Index returns by's position in Bys, or -1.
func Index(by By) int {
	for i, b := range Bys {
		if b == by {
			return i
		}
	}
	return -1
}

// Unknown is the group of a leg whose grouping field is not known.
const Unknown = "unknown"

// Key is where one leg is counted: its UTC day and its group per By.
type Key struct {
	Day    int64 // days since 1970-01-01 of take-off, else first sighting
	Groups [5]string
}

// Keyer derives keys from legs. The zero Keyer is not usable; use New. It is safe for concurrent use.
type Keyer struct {
	airports  *geo.AirportIndex
	countries *geo.CountryIndex
	mu        sync.Mutex
	country   map[string]string // airport ident -> ADM0_A3 ("" unknown)
}

// New returns a Keyer resolving airports and their countries in the
// indexes given; a nil index knows nothing.
func New(airports *geo.AirportIndex, countries *geo.CountryIndex) *Keyer {
	return &Keyer{airports: airports, countries: countries, country: map[string]string{}}
}

// Counted reports whether a leg is counted at all: a leg of a watched
// aircraft that flew (a leg only ever seen taxiing is not a flight).
func Counted(l *flight.Leg) bool {
	return l.Watch != "" && l.Status != flight.LegTaxi && l.Status != ""
}

// Destination is the airport a leg is counted as going to: where it
// landed, else where it was predicted to land, else its planned
// destination; empty when none is known.
func Destination(l *flight.Leg) string {
	switch {
	case l.ActualDestination != "":
		return l.ActualDestination
	case l.PredictedDestination != "":
		return l.PredictedDestination
	}
	return l.PlannedDestination
}

// Operator is a leg's operator group: the ICAO airline prefix of its
// callsign (three letters followed by a digit or nothing), else the name
// of the watchlist entry that matched it.
func Operator(l *flight.Leg) string {
	c := strings.ToUpper(strings.TrimSpace(l.Callsign))
	if len(c) >= 3 && isLetters(c[:3]) && (len(c) == 3 || c[3] >= '0' && c[3] <= '9') {
		return c[:3]
	}
	return l.Watch
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Day returns the days since 1970-01-01 of t in UTC.
func Day(t time.Time) int64 {
	return floorDiv(t.Unix(), 86400)
}

// DayTime returns the start (UTC) of day d.
func DayTime(d int64) time.Time { return time.Unix(d*86400, 0).UTC() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// KeyOf returns the key a leg is counted under; false when it is not
// counted (see Counted) or has no time.
func (k *Keyer) KeyOf(l *flight.Leg) (Key, bool) {
	if !Counted(l) {
		return Key{}, false
	}
	at := l.Departed
	if at.IsZero() {
		at = l.FirstSeen
	}
	if at.IsZero() {
		return Key{}, false
	}
	dest := Destination(l)
	key := Key{Day: Day(at)}
	key.Groups[0] = orUnknown(k.countryOf(dest))
	key.Groups[1] = orUnknown(dest)
	key.Groups[2] = orUnknown(l.Origin)
	key.Groups[3] = orUnknown(Operator(l))
	key.Groups[4] = orUnknown(string(k.classOf(l, dest)))
	return key, true
}

// HomeCountry is the home country legs are classed against when the
// tracker has not classed them (ADM0_A3, as tracker.home_country).
const HomeCountry = "USA"

// classOf is the leg's class, or when the tracker left it empty, the
// class its ends give: from home abroad is a removal, home to home
// domestic, abroad to home a return, abroad to abroad foreign; unknown
// when an end is not known.
func (k *Keyer) classOf(l *flight.Leg, dest string) flight.Class {
	if l.Class != "" {
		return l.Class
	}
	from, to := k.countryOf(l.Origin), k.countryOf(dest)
	switch {
	case from == "" || to == "":
		return flight.ClassUnknown
	case from == HomeCountry && to == HomeCountry:
		return flight.ClassDomestic
	case from == HomeCountry:
		return flight.ClassRemoval
	case to == HomeCountry:
		return flight.ClassReturn
	}
	return flight.ClassForeign
}

func orUnknown(s string) string {
	if s == "" {
		return Unknown
	}
	return strings.ReplaceAll(s, sep, " ")
}

// countryOf returns the ADM0_A3 code of the country an airport lies in,
// "" when the airport or its country is not known.
func (k *Keyer) countryOf(ident string) string {
	if ident == "" {
		return ""
	}
	k.mu.Lock()
	c, ok := k.country[ident]
	k.mu.Unlock()
	if ok {
		return c
	}
	if a, found := k.airports.Lookup(ident); found {
		c, _ = k.countries.At(a.Point())
	}
	k.mu.Lock()
	if len(k.country) < 100000 {
		k.country[ident] = c
	}
	k.mu.Unlock()
	return c
}

// sep joins a key's parts in its string form; it cannot occur in airport
// idents, country codes, callsigns or watchlist names.
const sep = "\x1f"

// String encodes k as "day<US>group<US>group...", the form stores keep
// per leg to move its count when its groups change.
func (k Key) String() string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(k.Day, 10))
	for _, g := range k.Groups {
		b.WriteString(sep)
		b.WriteString(g)
	}
	return b.String()
}

// ParseKey reads Key.String's form.
func ParseKey(s string) (Key, bool) {
	parts := strings.Split(s, sep)
	if len(parts) != len(Key{}.Groups)+1 {
		return Key{}, false
	}
	d, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Key{}, false
	}
	k := Key{Day: d}
	copy(k.Groups[:], parts[1:])
	return k, true
}
