// Package routes reads callsign route tables in the Virtual Radar Server
// standing-data layout (Callsign,Code,Number,AirlineCode,AirportCodes) for
// the route basis of the tracker's destination predictions. A Table is
// read-only once built and safe for concurrent use.
package routes

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/flightwatch/flightwatch/geo"
)

// ErrTable is wrapped by route table errors that stop the whole file
// (unreadable input); bad rows are counted instead.
var ErrTable = errors.New("routes: bad routes file")

// Table is a callsign route table: each callsign's stops in order. It is
// read-only once built and safe for concurrent use; a nil *Table has no
// routes.
type Table struct {
	byCall map[string][]geo.Airport
}

// Stats says how a route table loaded: rows read, routes kept, rows
// skipped as bad (Errors holds the first few reasons, with line numbers).
type Stats struct {
	Rows, Loaded, Bad int
	Errors            []string
}

// maxErrors bounds Stats.Errors.
const maxErrors = 10

// Len returns the number of callsigns with a route.
func (r *Table) Len() int {
	if r == nil {
		return 0
	}
	return len(r.byCall)
}

// Lookup returns the stops of a callsign's route (upper case, trimmed).
// The slice must not be modified.
func (r *Table) Lookup(callsign string) ([]geo.Airport, bool) {
	if r == nil {
		return nil, false
	}
	s, ok := r.byCall[strings.ToUpper(strings.TrimSpace(callsign))]
	return s, ok
}

// Load reads a route table in the Virtual Radar Server standing-data
// layout: CSV with the columns Callsign,Code,Number,AirlineCode,
// AirportCodes, where AirportCodes lists the stops joined by "-" (e.g.
// "KBIF-MGGT", "EGLL-KJFK-KLAX"). The header row is optional; with one,
// columns are found by name. Codes are ICAO idents or IATA codes (a
// three-letter code is taken as IATA first), mapped through airports (nil knows
// none). A row with no callsign, fewer than two stops, an
// unknown airport or a malformed field is bad: it is skipped, counted and
// reported in the stats, never fatal. Only an unreadable stream is an
// error; then the routes read so far are returned with it.
func Load(r io.Reader, airports *geo.AirportIndex) (*Table, Stats, error) {
	if airports == nil {
		airports = geo.NewAirportIndex(nil)
	}
	iata := iataIndex(airports)
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	out := &Table{byCall: map[string][]geo.Airport{}}
	var st Stats
	bad := func(line int, format string, args ...any) {
		st.Bad++
		if len(st.Errors) < maxErrors {
			st.Errors = append(st.Errors, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
		}
	}
	callCol, codesCol := 0, 4
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, io.ErrUnexpectedEOF) {
				st.Rows++
				bad(pe.StartLine, "%v", pe.Err)
				continue
			}
			return out, st, fmt.Errorf("%w: %w", ErrTable, err)
		}
		if first {
			first = false
			if isRouteHeader(rec) {
				callCol, codesCol = -1, -1
				for i, h := range rec {
					switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
					case "callsign":
						callCol = i
					case "airportcodes":
						codesCol = i
					}
				}
				if callCol < 0 || codesCol < 0 {
					return out, st, fmt.Errorf("%w: header has no Callsign or AirportCodes column", ErrTable)
				}
				continue
			}
		}
		st.Rows++
		if callCol >= len(rec) || codesCol >= len(rec) {
			bad(line, "want at least %d fields, got %d", max(callCol, codesCol)+1, len(rec))
			continue
		}
		call := strings.ToUpper(strings.TrimSpace(rec[callCol]))
		if !validCallsign(call) {
			bad(line, "callsign %q is not 2-8 letters and digits", call)
			continue
		}
		codes := strings.Split(strings.TrimSpace(rec[codesCol]), "-")
		if len(codes) < 2 {
			bad(line, "%s: want at least two airport codes joined by -, got %q", call, rec[codesCol])
			continue
		}
		stops := make([]geo.Airport, 0, len(codes))
		ok := true
		for _, c := range codes {
			a, found := lookupCode(airports, iata, c)
			if !found {
				bad(line, "%s: unknown airport %q", call, c)
				ok = false
				break
			}
			stops = append(stops, a)
		}
		if !ok {
			continue
		}
		if _, dup := out.byCall[call]; dup {
			bad(line, "%s: duplicate callsign (the first route is kept)", call)
			continue
		}
		out.byCall[call] = stops
		st.Loaded++
	}
	return out, st, nil
}

func isRouteHeader(rec []string) bool {
	for _, h := range rec {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "callsign") {
			return true
		}
	}
	return false
}

// validCallsign accepts 2 to 8 ASCII letters and digits.
func validCallsign(s string) bool {
	if len(s) < 2 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// lookupCode maps an ICAO ident or IATA code to an airport: three letters
// are tried as IATA first, anything else as an ident first.
func lookupCode(ix *geo.AirportIndex, iata map[string]geo.Airport, code string) (geo.Airport, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || len(code) > 8 {
		return geo.Airport{}, false
	}
	if len(code) == 3 {
		if a, ok := iata[code]; ok {
			return a, true
		}
	}
	return ix.Lookup(code)
}

// iataIndex maps IATA codes to airports (the largest airport wins a code
// two share).
func iataIndex(ix *geo.AirportIndex) map[string]geo.Airport {
	m := map[string]geo.Airport{}
	for _, a := range ix.All() {
		if a.IATA == "" {
			continue
		}
		if old, ok := m[a.IATA]; !ok || airportRank(a.Type) > airportRank(old.Type) {
			m[a.IATA] = a
		}
	}
	return m
}

func airportRank(t string) int {
	switch t {
	case geo.LargeAirport:
		return 3
	case geo.MediumAirport:
		return 2
	case geo.SmallAirport:
		return 1
	}
	return 0
}
