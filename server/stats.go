package server

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/server/export"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
)

// statsAnswer is the JSON answer of GET /api/v1/stats.
type statsAnswer struct {
	Period   stats.Period `json:"period"`
	By       stats.By     `json:"by"`
	Since    time.Time    `json:"since"` // start of the first period
	Until    time.Time    `json:"until"` // end of the last period
	Baseline int          `json:"baseline"`
	Rows     []stats.Row  `json:"rows"`
}

// getStats answers the counts of legs of watched aircraft per period and
// group: period=week|month (default week), by=country|airport|origin|
// operator|class (default country; destination is airport), since and
// until (default the 12 periods up to the current one).
func (s *Server) getStats(w http.ResponseWriter, r *http.Request) error {
	h, ok := s.deps.Store.(store.History)
	if !ok {
		return errorf(http.StatusNotImplemented, "this store keeps no flight history")
	}
	q := r.URL.Query()
	period := stats.Period(first(q, "period"))
	if period == "" {
		period = stats.Week
	}
	if !period.Valid() {
		return errorf(http.StatusBadRequest, "period %q: want week or month", period)
	}
	by := stats.By(first(q, "by"))
	switch by {
	case "":
		by = stats.ByCountry
	case "destination":
		by = stats.ByAirport
	}
	if stats.Index(by) < 0 {
		return errorf(http.StatusBadRequest, "by %q: want country, airport (destination), origin, operator or class", by)
	}
	since, until, err := parseSpan(q)
	if err != nil {
		return err
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return errorf(http.StatusBadRequest, "since %s is not before until %s", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	firstP, end := period.Window(since, until, s.now())
	if n := periodsBetween(period, firstP, end); n > 1000 {
		return errorf(http.StatusBadRequest, "the window holds %d %ss; at most 1000", n, period)
	}
	counts, err := h.Stats(r.Context(), store.StatsQuery{By: string(by), Since: period.Add(firstP, -stats.Baseline), Until: end})
	if err != nil {
		return fmt.Errorf("stats by %s: %w", by, err)
	}
	ans := statsAnswer{Period: period, By: by, Since: firstP, Until: end, Baseline: stats.Baseline,
		Rows: stats.Rows(period, counts, firstP, end)}
	if ans.Rows == nil {
		ans.Rows = []stats.Row{}
	}
	if f := first(q, "f"); f == export.CSV || (f == "" && strings.Contains(r.Header.Get("Accept"), export.TypeCSV)) {
		return writeStatsCSV(w, &ans)
	} else if f != "" && f != "json" {
		return errorf(http.StatusBadRequest, "f=%q: want json or csv", f)
	}
	return writeJSON(w, http.StatusOK, &ans)
}

func periodsBetween(p stats.Period, first, end time.Time) int {
	if p == stats.Month {
		return (end.Year()-first.Year())*12 + int(end.Month()) - int(first.Month())
	}
	return int(end.Sub(first).Hours() / (24 * 7))
}

// writeStatsCSV writes one row per period and group, for spreadsheets.
func writeStatsCSV(w http.ResponseWriter, a *statsAnswer) error {
	w.Header().Set("Content-Type", export.TypeCSV+"; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="flights-per-%s-by-%s.csv"`, a.Period, a.By))
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"period", "start", string(a.By), "count", "mean_prev_6", "change", "change_pct"}); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, r := range a.Rows {
		pct := ""
		if r.ChangePct != nil {
			pct = strconv.FormatFloat(*r.ChangePct, 'f', 1, 64)
		}
		rec := []string{r.Period, r.Start.Format("2006-01-02"), r.Group, strconv.Itoa(r.Count),
			strconv.FormatFloat(r.Mean, 'f', 2, 64), strconv.FormatFloat(r.Change, 'f', 2, 64), pct}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// reportPage serves the flights report (report.html of the static files)
// at /report.
func reportPage(files http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/report.html"
		files.ServeHTTP(w, r2)
	})
}
