package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/paulmach/orb"
)

// topology is the part of a TopoJSON document the generator reads.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64       `json:"arcs"`
	Objects map[string]topObject `json:"objects"`

	decoded [][]orb.Point
}

type topObject struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []topObject     `json:"geometries"`
}

func readTopology(path string) (*topology, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := parseTopology(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// parseTopology decodes a TopoJSON document and its arcs (delta-decoded
// and transformed when quantized).
func parseTopology(b []byte) (*topology, error) {
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("decode topology: %w", err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("type %q, want Topology", t.Type)
	}
	t.decoded = make([][]orb.Point, len(t.Arcs))
	for i, arc := range t.Arcs {
		pts := make([]orb.Point, len(arc))
		var x, y float64
		for j, p := range arc {
			if t.Transform != nil {
				x, y = x+p[0], y+p[1] // quantized arcs are delta-encoded
				pts[j] = orb.Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				pts[j] = orb.Point{p[0], p[1]}
			}
		}
		t.decoded[i] = pts
	}
	return &t, nil
}

// arc returns arc i, reversed when i is negative (~i).
func (t *topology) arc(i int) ([]orb.Point, error) {
	rev := i < 0
	if rev {
		i = ^i
	}
	if i >= len(t.decoded) {
		return nil, fmt.Errorf("arc %d of %d", i, len(t.decoded))
	}
	a := t.decoded[i]
	if !rev {
		return a, nil
	}
	r := make([]orb.Point, len(a))
	for j, p := range a {
		r[len(a)-1-j] = p
	}
	return r, nil
}

// ring joins arcs into one ring, dropping the repeated first point of
// each arc after the first.
func (t *topology) ring(arcs []int) (orb.Ring, error) {
	var r orb.Ring
	for k, i := range arcs {
		a, err := t.arc(i)
		if err != nil {
			return nil, err
		}
		if k > 0 && len(a) > 0 {
			a = a[1:]
		}
		r = append(r, a...)
	}
	return r, nil
}

// polygons returns the polygons of a Polygon or MultiPolygon object (nil
// for others).
func (t *topology) polygons(o topObject) (orb.MultiPolygon, error) {
	var rings [][][]int
	switch o.Type {
	case "Polygon":
		var p [][]int
		if err := json.Unmarshal(o.Arcs, &p); err != nil {
			return nil, err
		}
		rings = [][][]int{p}
	case "MultiPolygon":
		if err := json.Unmarshal(o.Arcs, &rings); err != nil {
			return nil, err
		}
	default:
		return nil, nil
	}
	var mp orb.MultiPolygon
	for _, p := range rings {
		var poly orb.Polygon
		for _, ra := range p {
			r, err := t.ring(ra)
			if err != nil {
				return nil, err
			}
			if len(r) >= 4 {
				poly = append(poly, r)
			}
		}
		if len(poly) > 0 {
			mp = append(mp, splitAntimeridian(poly)...)
		}
	}
	return mp, nil
}

// arcOwners maps each arc index to the objects (by position in
// geometries) whose rings use it.
func arcOwners(geoms []topObject) (map[int][]int, error) {
	owners := map[int][]int{}
	for gi, o := range geoms {
		var rings [][][]int
		switch o.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(o.Arcs, &p); err != nil {
				return nil, err
			}
			rings = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(o.Arcs, &rings); err != nil {
				return nil, err
			}
		}
		for _, p := range rings {
			for _, r := range p {
				for _, i := range r {
					if i < 0 {
						i = ^i
					}
					if os := owners[i]; len(os) == 0 || os[len(os)-1] != gi {
						owners[i] = append(owners[i], gi)
					}
				}
			}
		}
	}
	return owners, nil
}
