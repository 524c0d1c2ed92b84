package ogc

import (
	"context"
	"errors"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
)

// statsCollections are the leg counts per ISO week and per calendar month,
// one feature per period, grouping and group: a country's outline, an
// airport's position, or no geometry (operator, class).
func (a *api) statsCollections() []*collection {
	bys := make([]string, len(stats.Bys))
	for i, b := range stats.Bys {
		bys[i] = string(b)
	}
	fields := []field{{"period", feature.String, "", "ISO week (2025-W04) or month (2025-01)", nil},
		{"start", feature.String, feature.FormatDateTime, "start of the period (UTC)", nil},
		{"by", feature.String, "", "grouping: country (of the destination), airport (destination), origin, operator or class", bys},
		{"group", feature.String, "", "the group: ADM0_A3 country code, airport ident, operator or class", nil},
		{"count", feature.Integer, "", "legs of watched aircraft in the period", nil},
		{"mean_prev", feature.Number, "", "mean count of the 6 periods before", nil},
		{"change", feature.Number, "", "count minus mean_prev", nil}}
	mk := func(p stats.Period, title string) *collection {
		return &collection{id: "stats-" + string(p), title: title, temporal: true, fields: fields,
			description: "Flights of watched aircraft counted per " + string(p) + " and group, each against the mean of the 6 " + string(p) + "s before.",
			load: func(ctx context.Context, q *query) (result, error) {
				feats, err := a.loadStats(ctx, p, q)
				return result{feats: feats}, err
			}}
	}
	return []*collection{mk(stats.Week, "Flights per week"), mk(stats.Month, "Flights per month")}
}

func (a *api) loadStats(ctx context.Context, p stats.Period, q *query) ([]feat, error) {
	h, ok := a.deps.Store.(store.History)
	if !ok {
		return nil, errors.New("ogc: stats: the store keeps no history")
	}
	var out []feat
	for _, by := range stats.Bys {
		since := q.start
		if !since.IsZero() {
			since = p.Add(p.Start(since), -stats.Baseline)
		}
		counts, err := h.Stats(ctx, store.StatsQuery{By: string(by), Since: since, Until: q.end})
		if err != nil {
			return nil, err
		}
		if len(counts) == 0 {
			continue
		}
		first := q.start
		if first.IsZero() {
			first = stats.DayTime(counts[0].Day)
			for _, c := range counts {
				if t := stats.DayTime(c.Day); t.Before(first) {
					first = t
				}
			}
		}
		f, end := p.Window(first, q.end, time.Now())
		for _, r := range stats.Rows(p, counts, f, end) {
			out = append(out, feat{id: string(p) + ":" + string(by) + ":" + r.Period + ":" + r.Group,
				geom: groupGeometry(a.deps.Airports, a.deps.Countries, by, r.Group), t0: r.Start, t1: p.Add(r.Start, 1).Add(-time.Second),
				vals: map[string]any{"period": r.Period, "start": r.Start.UTC().Format(time.RFC3339), "by": string(by), "group": r.Group,
					"count": r.Count, "mean_prev": r.Mean, "change": r.Change}})
		}
	}
	return out, nil
}

// groupGeometry places a group on the map: a country's outline, an
// airport's position; nil for groups without a place, and for countries
// when countries is nil.
func groupGeometry(airports *geo.AirportIndex, countries *geo.CountryIndex, by stats.By, group string) orb.Geometry {
	switch by {
	case stats.ByCountry:
		if countries == nil {
			return nil
		}
		if mp, ok := countries.Polygon(group); ok {
			return mp
		}
	case stats.ByAirport, stats.ByOrigin:
		if ap, ok := airports.Lookup(group); ok {
			return ap.Point()
		}
	}
	return nil
}
