package geo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
)

//go:embed data/airports.csv
var airportsCSV []byte

// Airport is one airfield from the embedded OurAirports list. Type is
// "large_airport", "medium_airport" or "small_airport"; Country is the ISO
// 3166-1 alpha-2 code; IATA is empty when the field has none. ElevFt is the
// field elevation in feet, valid when HasElev.
type Airport struct {
	Ident, Type, Name, Country, City, IATA string
	Lat, Lon, ElevFt                       float64
	HasElev                                bool
}

// Point returns the airport's reference point as [lon, lat].
func (a Airport) Point() orb.Point { return orb.Point{a.Lon, a.Lat} }

// Airport types, from smallest to largest.
const (
	SmallAirport  = "small_airport"
	MediumAirport = "medium_airport"
	LargeAirport  = "large_airport"
)

// typeRank orders airport types; 0 is unknown.
func typeRank(t string) int {
	switch t {
	case LargeAirport, "large":
		return 3
	case MediumAirport, "medium":
		return 2
	case SmallAirport, "small":
		return 1
	}
	return 0
}

// gridDeg is the cell size, in degrees, of the nearest-airport grid.
const gridDeg = 1.0

type gridKey struct{ lat, lon int16 }

// AirportIndex looks airports up by ident or IATA code and finds the
// nearest one to a point through a latitude/longitude grid. It is
// read-only once built and safe for concurrent use.
type AirportIndex struct {
	all    []Airport
	byCode map[string]int // upper-case ident, then IATA where not an ident
	grid   map[gridKey][]int32
}

var (
	airportsOnce sync.Once
	airports     *AirportIndex
	airportsErr  error
)

// EmbeddedAirports returns the index of the embedded airport list, parsed
// on first use, or the error that parsing it gave. main calls it at startup
// and fails on the error, then passes the index to the parts that need it.
func EmbeddedAirports() (*AirportIndex, error) {
	airportsOnce.Do(func() {
		airports, airportsErr = LoadAirports(bytes.NewReader(airportsCSV))
		if airportsErr != nil {
			airports = NewAirportIndex(nil)
		}
	})
	return airports, airportsErr
}

// Airports returns the index of the embedded airport list for tests and
// for defaults of parts built without one; it is empty when the list does
// not parse (EmbeddedAirports says why). Servers take their index through
// their Deps instead.
func Airports() *AirportIndex {
	ix, _ := EmbeddedAirports()
	return ix
}

// ErrAirports is wrapped by airport list parse errors.
var ErrAirports = errors.New("geo: bad airport list")

// LoadAirports reads an airport list in the embedded CSV layout (header
// ident,type,name,latitude_deg,longitude_deg,elevation_ft,iso_country,
// municipality,iata_code; columns found by name). Rows with a bad position
// are skipped; a missing column or unreadable CSV is an error.
func LoadAirports(r io.Reader) (*AirportIndex, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read airports header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	need := []string{"ident", "type", "name", "latitude_deg", "longitude_deg", "elevation_ft", "iso_country", "municipality", "iata_code"}
	idx := make([]int, len(need))
	for i, n := range need {
		c, ok := col[n]
		if !ok {
			return nil, fmt.Errorf("%w: column %q missing", ErrAirports, n)
		}
		idx[i] = c
	}
	get := func(rec []string, i int) string {
		if idx[i] < len(rec) {
			return strings.TrimSpace(rec[idx[i]])
		}
		return ""
	}
	var list []Airport
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read airports: %w", err)
		}
		lat, err1 := strconv.ParseFloat(get(rec, 3), 64)
		lon, err2 := strconv.ParseFloat(get(rec, 4), 64)
		if err1 != nil || err2 != nil || ValidPoint(orb.Point{lon, lat}) != nil || get(rec, 0) == "" {
			continue
		}
		a := Airport{Ident: strings.ToUpper(get(rec, 0)), Type: get(rec, 1), Name: get(rec, 2),
			Country: get(rec, 6), City: get(rec, 7), IATA: strings.ToUpper(get(rec, 8)), Lat: lat, Lon: lon}
		if e, err := strconv.ParseFloat(get(rec, 5), 64); err == nil {
			a.ElevFt, a.HasElev = e, true
		}
		list = append(list, a)
	}
	return NewAirportIndex(list), nil
}

// ValidPoint reports an error when p is not a finite WGS84 [lon, lat].
func ValidPoint(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) ||
		p[1] < -90 || p[1] > 90 || p[0] < -180 || p[0] > 180 {
		return fmt.Errorf("geo: point %v out of range", p)
	}
	return nil
}

// NewAirportIndex indexes list (which it keeps; do not modify it after).
func NewAirportIndex(list []Airport) *AirportIndex {
	x := &AirportIndex{all: list, byCode: make(map[string]int, len(list)*3/2), grid: make(map[gridKey][]int32)}
	for i, a := range list {
		x.byCode[strings.ToUpper(a.Ident)] = i
		k := keyOf(a.Lat, a.Lon)
		x.grid[k] = append(x.grid[k], int32(i))
	}
	for i, a := range list {
		if a.IATA == "" {
			continue
		}
		if _, ok := x.byCode[a.IATA]; !ok {
			x.byCode[a.IATA] = i
		}
	}
	return x
}

func keyOf(lat, lon float64) gridKey {
	la := int(math.Floor(lat / gridDeg))
	lo := int(math.Floor(lon / gridDeg))
	return gridKey{int16(la), int16(wrapLonCell(lo))}
}

var lonCells = int(math.Round(360 / gridDeg))

func wrapLonCell(lo int) int {
	lo = (lo + lonCells/2) % lonCells
	if lo < 0 {
		lo += lonCells
	}
	return lo - lonCells/2
}

// Len returns the number of airports.
func (x *AirportIndex) Len() int { return len(x.all) }

// Lookup finds an airport by its ident (e.g. "KBIF") or, failing that, its
// IATA code (e.g. "ELP"), ignoring case and surrounding space.
func (x *AirportIndex) Lookup(ident string) (Airport, bool) {
	if x == nil {
		return Airport{}, false
	}
	i, ok := x.byCode[strings.ToUpper(strings.TrimSpace(ident))]
	if !ok {
		return Airport{}, false
	}
	return x.all[i], true
}

// Ident returns the ident of the airport code names (an ident or an IATA
// code, as Lookup takes it); false when it is unknown or x is nil. It
// makes the index a flight.AirportIndex.
func (x *AirportIndex) Ident(code string) (string, bool) {
	if x == nil {
		return "", false
	}
	a, ok := x.Lookup(code)
	return a.Ident, ok
}

// All returns a copy of every airport, sorted by ident.
func (x *AirportIndex) All() []Airport {
	out := append([]Airport(nil), x.all...)
	sort.Slice(out, func(i, j int) bool { return out[i].Ident < out[j].Ident })
	return out
}

// maxSearchKm bounds Nearest when maxKm is zero or less.
const maxSearchKm = 2000.0

// Nearest returns the airport nearest to p within maxKm kilometres (zero or
// less means 2,000 km) whose type is minType or larger ("" or an unknown
// type: any; "small_airport", "medium_airport", "large_airport", or
// "small", "medium", "large"), with its distance in kilometres. ok is false
// when none is within reach.
func (x *AirportIndex) Nearest(p orb.Point, maxKm float64, minType string) (Airport, float64, bool) {
	if maxKm <= 0 || maxKm > maxSearchKm {
		maxKm = maxSearchKm
	}
	minRank := typeRank(minType)
	best, bestKm := -1, math.Inf(1)
	x.visit(p, maxKm, func(i int32) {
		a := &x.all[i]
		if minRank > 0 && typeRank(a.Type) < minRank {
			return
		}
		if d := DistanceKm(p, orb.Point{a.Lon, a.Lat}); d < bestKm && d <= maxKm {
			best, bestKm = int(i), d
		}
	})
	if best < 0 {
		return Airport{}, 0, false
	}
	return x.all[best], bestKm, true
}

// Within calls fn for every airport within maxKm of p (in no particular
// order) with its distance; fn returns false to stop.
func (x *AirportIndex) Within(p orb.Point, maxKm float64, fn func(a Airport, km float64) bool) {
	stop := false
	x.visit(p, math.Min(maxKm, maxSearchKm), func(i int32) {
		if stop {
			return
		}
		a := x.all[i]
		if d := DistanceKm(p, a.Point()); d <= maxKm {
			stop = !fn(a, d)
		}
	})
}

// visit calls fn for the airports in every grid cell that may hold a point
// within maxKm of p.
func (x *AirportIndex) visit(p orb.Point, maxKm float64, fn func(int32)) {
	const kmPerDeg = 111.2
	dLat := maxKm / kmPerDeg
	lat0 := int(math.Floor((p[1] - dLat) / gridDeg))
	lat1 := int(math.Floor((p[1] + dLat) / gridDeg))
	maxAbsLat := math.Min(90, math.Max(math.Abs(p[1]-dLat), math.Abs(p[1]+dLat)))
	allLon := p[1]+dLat >= 90 || p[1]-dLat <= -90 || maxAbsLat > 89
	var lon0, lon1 int
	if !allLon {
		dLon := maxKm / (kmPerDeg * math.Cos(rad(maxAbsLat)))
		if dLon >= 180 {
			allLon = true
		} else {
			lon0 = int(math.Floor((p[0] - dLon) / gridDeg))
			lon1 = int(math.Floor((p[0] + dLon) / gridDeg))
		}
	}
	if allLon {
		lon0, lon1 = -lonCells/2, lonCells/2-1
	}
	for la := lat0; la <= lat1; la++ {
		for lo := lon0; lo <= lon1; lo++ {
			for _, i := range x.grid[gridKey{int16(la), int16(wrapLonCell(lo))}] {
				fn(i)
			}
		}
	}
}
