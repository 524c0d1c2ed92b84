package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/export"
	"github.com/flightwatch/flightwatch/store"
)

// routeStepKm is the spacing of great-circle route points.
const routeStepKm = 50

func (s *Server) postPlan(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorize(w, r, ScopeIngest); err != nil {
		return err
	}
	body, err := s.body(w, r)
	if err != nil {
		return err
	}
	var p flight.Plan
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		if tl := body.tooLarge(); tl != nil {
			return tl
		}
		return errorf(http.StatusBadRequest, "plan: %v", err)
	}
	if err := p.Normalize(s.airports); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := s.deps.Store.PutPlan(r.Context(), p); err != nil {
		return fmt.Errorf("put plan %s: %w", p.ID, err)
	}
	if err := s.deps.Bus.Publish(r.Context(), store.Event{Kind: store.EventPlans, Source: s.cfg.InstanceID}); err != nil {
		s.log.Warn("publish plans change", "plan", p.ID, "err", err)
	}
	w.Header().Set("Location", "/api/v1/plans/"+p.ID)
	return writeJSON(w, http.StatusCreated, p)
}

func (s *Server) getPlans(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.deps.Store.Plans(r.Context())
	if err != nil {
		return fmt.Errorf("plans: %w", err)
	}
	if plans == nil {
		plans = []flight.Plan{}
	}
	return writeJSON(w, http.StatusOK, plans)
}

func (s *Server) deletePlan(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorize(w, r, ScopeIngest); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.deps.Store.DeletePlan(r.Context(), id); err != nil {
		if isNotFound(err) {
			return errorf(http.StatusNotFound, "plan %q not found", id)
		}
		return fmt.Errorf("delete plan %s: %w", id, err)
	}
	if err := s.deps.Bus.Publish(r.Context(), store.Event{Kind: store.EventPlans, Source: s.cfg.InstanceID}); err != nil {
		s.log.Warn("publish plans change", "plan", id, "err", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// routeSet is the planned routes as great-circle features.
type routeSet struct {
	routes []feature.PlannedRoute
	geoms  []orb.Geometry
}

func (s routeSet) Len() int { return len(s.routes) }
func (s routeSet) AppendFeature(b []byte, i int) []byte {
	return export.AppendTableFeature(b, s.routes[i].Plan.ID, s.geoms[i], feature.Route, &s.routes[i])
}
func (s routeSet) Geometry(i int) orb.Geometry { return s.geoms[i] }
func (s routeSet) Props(i int) []kv            { return export.TableProps(nil, feature.Route, &s.routes[i]) }
func (routeSet) Columns() []string             { return feature.Route.Names() }

func (s *Server) getRoutes(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.deps.Store.Plans(r.Context())
	if err != nil {
		return fmt.Errorf("plans: %w", err)
	}
	set := routeSet{}
	for _, p := range plans {
		a, ok1 := s.airports.Lookup(p.Origin)
		b, ok2 := s.airports.Lookup(p.Destination)
		if !ok1 || !ok2 {
			s.log.Warn("route of plan with unknown airport", "plan", p.ID, "origin", p.Origin, "destination", p.Destination)
			continue
		}
		mls := geo.GreatCircle(a.Point(), b.Point(), routeStepKm)
		var g orb.Geometry = mls
		if len(mls) == 1 {
			g = mls[0]
		}
		set.routes = append(set.routes, feature.PlannedRoute{Plan: p, DistanceKm: geo.DistanceKm(a.Point(), b.Point()), Known: true})
		set.geoms = append(set.geoms, g)
	}
	return writeFeatures(w, r, set)
}
