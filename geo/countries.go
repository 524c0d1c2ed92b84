package geo

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

//go:embed data/countries-50m.geojson
var countriesGeoJSON []byte

// Country is one country outline. Code is Natural Earth's ADM0_A3 (ISO 3166-1
// alpha-3 for most countries; it is set where ISO_A3 is "-99", e.g. FRA,
// NOR); ISO2 is ISO 3166-1 alpha-2, "-99" when Natural Earth has none.
type Country struct {
	Code, ISO2, Name string
	Area             orb.MultiPolygon
}

type countryPart struct {
	bound orb.Bound
	poly  orb.Polygon
	idx   int
}

// CountryIndex answers which country a point lies in. It is read-only once
// built and safe for concurrent use.
type CountryIndex struct {
	countries []Country
	byCode    map[string]int
	parts     []countryPart // every polygon, with its bound, for At
	raw       []byte
}

var (
	countriesOnce sync.Once
	countries     *CountryIndex
	countriesErr  error
)

// EmbeddedCountries returns the index of the embedded Natural Earth 1:50m
// country outlines, parsed on first use, or the error that parsing them
// gave. main calls it at startup and fails on the error, then passes the
// index to the parts that need it.
func EmbeddedCountries() (*CountryIndex, error) {
	countriesOnce.Do(func() {
		countries, countriesErr = LoadCountries(countriesGeoJSON)
		if countriesErr != nil {
			countries = &CountryIndex{byCode: map[string]int{}}
		}
	})
	return countries, countriesErr
}

// Countries returns EmbeddedCountries' index for tests; it is empty when
// the outlines do not parse. Servers take their index through their Deps.
func Countries() *CountryIndex {
	ix, _ := EmbeddedCountries()
	return ix
}

// ErrCountries is wrapped by country outline parse errors.
var ErrCountries = errors.New("geo: bad country outlines")

// LoadCountries reads a GeoJSON FeatureCollection of country outlines with
// properties ADM0_A3 (required), ISO_A2 and NAME. Features without ADM0_A3
// or without a Polygon/MultiPolygon geometry are skipped.
func LoadCountries(b []byte) (*CountryIndex, error) {
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCountries, err)
	}
	x := &CountryIndex{byCode: map[string]int{}, raw: b}
	for _, f := range fc.Features {
		code := strings.ToUpper(propString(f.Properties, "ADM0_A3"))
		if code == "" {
			continue
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			continue
		}
		i, ok := x.byCode[code]
		if !ok {
			i = len(x.countries)
			x.byCode[code] = i
			x.countries = append(x.countries, Country{Code: code,
				ISO2: propString(f.Properties, "ISO_A2"), Name: propString(f.Properties, "NAME")})
		}
		x.countries[i].Area = append(x.countries[i].Area, mp...)
		for _, p := range mp {
			x.parts = append(x.parts, countryPart{bound: p.Bound(), poly: p, idx: i})
		}
	}
	if len(x.countries) == 0 {
		return nil, fmt.Errorf("%w: no countries", ErrCountries)
	}
	// Test small polygons first: enclaves and islands inside a larger
	// neighbour's bound are then found before the neighbour.
	sort.SliceStable(x.parts, func(i, j int) bool { return boundArea(x.parts[i].bound) < boundArea(x.parts[j].bound) })
	return x, nil
}

// propString returns a string property, "" when missing or of another
// type (orb's MustString panics on those).
func propString(p geojson.Properties, key string) string {
	s, _ := p[key].(string)
	return s
}

func boundArea(b orb.Bound) float64 { return (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]) }

// At returns the ADM0_A3 code of the country that contains p, or false over
// the sea and unclaimed land.
func (x *CountryIndex) At(p orb.Point) (string, bool) {
	if x == nil {
		return "", false
	}
	for i := range x.parts {
		c := &x.parts[i]
		if !c.bound.Contains(p) {
			continue
		}
		if planar.PolygonContains(c.poly, p) {
			return x.countries[c.idx].Code, true
		}
	}
	return "", false
}

// Polygon returns the outline of the country with the ADM0_A3 code (case
// ignored).
func (x *CountryIndex) Polygon(code string) (orb.MultiPolygon, bool) {
	if x == nil {
		return nil, false
	}
	i, ok := x.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return nil, false
	}
	return x.countries[i].Area, true
}

// Country returns the country with the ADM0_A3 code (case ignored).
func (x *CountryIndex) Country(code string) (Country, bool) {
	if x == nil {
		return Country{}, false
	}
	i, ok := x.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Country{}, false
	}
	return x.countries[i], true
}

// Codes returns every ADM0_A3 code, sorted.
func (x *CountryIndex) Codes() []string {
	if x == nil {
		return nil
	}
	out := make([]string, 0, len(x.countries))
	for _, c := range x.countries {
		out = append(out, c.Code)
	}
	sort.Strings(out)
	return out
}

// GeoJSON returns the outlines as the GeoJSON FeatureCollection they were
// loaded from (properties NAME, ISO_A2, ISO_A3, ADM0_A3). The caller must
// not modify it.
func (x *CountryIndex) GeoJSON() []byte { return x.raw }
