package geo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

//go:embed data/places-us.csv
var placesCSV []byte

// Errors of place resolution, wrapped with the place that failed.
var (
	// ErrPlaceUnknown: the place is neither in the gazetteer nor an airport code.
	ErrPlaceUnknown = errors.New("geo: unknown place")
	// ErrPlaceAmbiguous: the name is shared by several states and none was given.
	ErrPlaceAmbiguous = errors.New("geo: ambiguous place")
)

// PlaceIndex resolves US place names ("Newark, NJ") and airport codes to
// positions. It is read-only once built and safe for concurrent use.
type PlaceIndex struct {
	byName map[string][]place // normalised name → one entry per state
	err    error              // set when the embedded list failed to load
}

type place struct {
	state    string // two-letter code
	lat, lon float64
}

var gazetteer = sync.OnceValues(func() (*PlaceIndex, error) {
	x, err := LoadPlaces(bytes.NewReader(placesCSV))
	if err != nil {
		return &PlaceIndex{err: err}, err
	}
	return x, nil
})

// EmbeddedPlaces returns the index of the embedded US places (GeoNames,
// CC BY 4.0), built on first use, or the error that building it gave.
// main calls it at startup and fails on the error.
func EmbeddedPlaces() (*PlaceIndex, error) { return gazetteer() }

// Gazetteer returns EmbeddedPlaces' index for tests; when the list does
// not load, every lookup fails with the reason.
func Gazetteer() *PlaceIndex {
	x, _ := gazetteer()
	return x
}

// LoadPlaces builds an index from CSV with the header name,state,lat,lon.
func LoadPlaces(r io.Reader) (*PlaceIndex, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("load places: header: %w", err)
	}
	if len(head) < 4 || head[0] != "name" || head[1] != "state" || head[2] != "lat" || head[3] != "lon" {
		return nil, fmt.Errorf("load places: header %v, want name,state,lat,lon", head)
	}
	x := &PlaceIndex{byName: make(map[string][]place, 20000)}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return x, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load places: %w", err)
		}
		lat, err1 := strconv.ParseFloat(rec[2], 64)
		lon, err2 := strconv.ParseFloat(rec[3], 64)
		if err1 != nil || err2 != nil || ValidPoint([2]float64{lon, lat}) != nil {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("load places: line %d: bad position %q,%q", line, rec[2], rec[3])
		}
		key, st := normPlace(rec[0]), strings.ToUpper(rec[1])
		if key == "" {
			continue
		}
		if slices.ContainsFunc(x.byName[key], func(p place) bool { return p.state == st }) {
			continue // the first of a name within a state wins
		}
		x.byName[key] = append(x.byName[key], place{state: st, lat: lat, lon: lon})
	}
}

// Resolve returns the position of a place written as "Newark, NJ",
// "Newark NJ", "Chicago, Illinois", "St. Paul, MN" (St, Ft and Mt stand for
// Saint, Fort and Mount), ignoring case, accents and punctuation; or of an
// airport given by its ICAO or IATA code ("KBIF", "ELP"). A name shared by
// several states needs its state (the error, wrapping ErrPlaceAmbiguous,
// lists them); a place not found wraps ErrPlaceUnknown.
func (x *PlaceIndex) Resolve(s string) (lat, lon float64, err error) {
	if x.err != nil {
		return 0, 0, x.err
	}
	raw := strings.TrimSpace(s)
	code := isCode(raw)
	if code && raw == strings.ToUpper(raw) {
		if a, ok := Airports().Lookup(raw); ok {
			return a.Lat, a.Lon, nil
		}
	}
	lat, lon, err = x.resolvePlace(raw)
	if err != nil && code {
		if a, ok := Airports().Lookup(raw); ok {
			return a.Lat, a.Lon, nil
		}
	}
	return lat, lon, err
}

func (x *PlaceIndex) resolvePlace(raw string) (float64, float64, error) {
	if i := strings.LastIndexByte(raw, ','); i >= 0 {
		name, st := normPlace(raw[:i]), stateCode(normBasic(raw[i+1:]))
		if st == "" {
			return 0, 0, fmt.Errorf("resolve %q: %w: %q is not a US state", raw, ErrPlaceUnknown, strings.TrimSpace(raw[i+1:]))
		}
		return x.inState(raw, name, st)
	}
	basic := normBasic(raw)
	key := expand(basic)
	if key == "" {
		return 0, 0, fmt.Errorf("resolve %q: %w: empty name", raw, ErrPlaceUnknown)
	}
	// "Newark NJ", "Salt Lake City Utah", "Chicago New Mexico": try the last
	// one to three words as a state when the rest is a known name.
	words := strings.Fields(basic)
	for n := 1; n <= 3 && n < len(words); n++ {
		st := stateCode(strings.Join(words[len(words)-n:], " "))
		name := expand(strings.Join(words[:len(words)-n], " "))
		if _, known := x.byName[name]; st != "" && known {
			return x.inState(raw, name, st)
		}
	}
	ps := x.byName[key]
	switch len(ps) {
	case 0:
		return 0, 0, fmt.Errorf("resolve %q: %w: not in the gazetteer of US places (give lat/lon instead)", raw, ErrPlaceUnknown)
	case 1:
		return ps[0].lat, ps[0].lon, nil
	}
	states := make([]string, len(ps))
	for i, p := range ps {
		states[i] = p.state
	}
	slices.Sort(states)
	return 0, 0, fmt.Errorf("resolve %q: %w: in %d states (%s): add the state, e.g. %q",
		raw, ErrPlaceAmbiguous, len(states), strings.Join(states, ", "), strings.TrimSpace(raw)+", "+states[0])
}

func (x *PlaceIndex) inState(raw, name, st string) (float64, float64, error) {
	for _, p := range x.byName[name] {
		if p.state == st {
			return p.lat, p.lon, nil
		}
	}
	return 0, 0, fmt.Errorf("resolve %q: %w: not in the gazetteer of US places (give lat/lon instead)", raw, ErrPlaceUnknown)
}

// isCode reports whether s looks like an airport code: 3 or 4 letters or
// digits.
func isCode(s string) bool {
	if len(s) < 3 || len(s) > 4 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// abbrev expands the abbreviations common in US place names.
var abbrev = map[string]string{"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}

// normPlace normalises a place name: normBasic, then expand.
func normPlace(s string) string { return expand(normBasic(s)) }

// normBasic lowercases s, folds accents, drops apostrophes, turns other
// punctuation into spaces and collapses spaces.
func normBasic(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if f, ok := foldAccent[r]; ok {
			r = f
		}
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == 'ʻ' || r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// expand spells out the abbreviations of a normBasic name.
func expand(s string) string {
	if !strings.ContainsAny(s, "sfm") {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if long, ok := abbrev[w]; ok {
			words[i] = long
		}
	}
	return strings.Join(words, " ")
}

var foldAccent = func() map[rune]rune {
	m := make(map[rune]rune)
	for base, accented := range map[rune]string{
		'a': "àáâãäåāăą", 'A': "ÀÁÂÃÄÅĀĂĄ", 'c': "çćč", 'C': "ÇĆČ", 'e': "èéêëēėęě", 'E': "ÈÉÊËĒĖĘĚ",
		'i': "ìíîïīį", 'I': "ÌÍÎÏĪĮ", 'n': "ñń", 'N': "ÑŃ", 'o': "òóôõöøō", 'O': "ÒÓÔÕÖØŌ",
		'u': "ùúûüūů", 'U': "ÙÚÛÜŪŮ", 'y': "ýÿ", 'Y': "Ý", 's': "śš", 'S': "ŚŠ", 'z': "źżž", 'Z': "ŹŻŽ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// stateCode returns the two-letter code of a normalised state code or name,
// or "".
func stateCode(s string) string {
	if len(s) == 2 {
		up := strings.ToUpper(s)
		if _, ok := stateNames[up]; ok {
			return up
		}
		return ""
	}
	return stateByName[s]
}

var stateNames = map[string]string{
	"AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
	"CO": "colorado", "CT": "connecticut", "DE": "delaware", "DC": "district of columbia",
	"FL": "florida", "GA": "georgia", "HI": "hawaii", "ID": "idaho", "IL": "illinois",
	"IN": "indiana", "IA": "iowa", "KS": "kansas", "KY": "kentucky", "LA": "louisiana",
	"ME": "maine", "MD": "maryland", "MA": "massachusetts", "MI": "michigan", "MN": "minnesota",
	"MS": "mississippi", "MO": "missouri", "MT": "montana", "NE": "nebraska", "NV": "nevada",
	"NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico", "NY": "new york",
	"NC": "north carolina", "ND": "north dakota", "OH": "ohio", "OK": "oklahoma", "OR": "oregon",
	"PA": "pennsylvania", "RI": "rhode island", "SC": "south carolina", "SD": "south dakota",
	"TN": "tennessee", "TX": "texas", "UT": "utah", "VT": "vermont", "VA": "virginia",
	"WA": "washington", "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming",
	"PR": "puerto rico",
}

var stateByName = func() map[string]string {
	m := make(map[string]string, len(stateNames)+4)
	for code, name := range stateNames {
		m[name] = code
	}
	m["washington dc"] = "DC"
	m["d c"] = "DC"
	return m
}()
