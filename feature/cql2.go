package feature

import (
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/cql2"
)

// GeometryName is the name filters use for a feature's geometry.
const GeometryName = "geometry"

// KindOf returns the kind of a property for CQL2 filters.
func KindOf(f Field) cql2.Kind {
	switch {
	case f.Format == FormatDateTime:
		return cql2.KindTime
	case f.Type == Number, f.Type == Integer:
		return cql2.KindNumber
	case f.Type == Boolean:
		return cql2.KindBool
	case f.Type == Array:
		return cql2.KindArray
	}
	return cql2.KindString
}

// Schema returns the kinds of the properties a CQL2 filter may name: the
// fields and the geometry.
func Schema(fs []Field) cql2.Schema {
	s := cql2.Schema{GeometryName: cql2.KindGeometry}
	for _, f := range fs {
		s[f.Name] = KindOf(f)
	}
	return s
}

// Record adapts one value to the CQL2 evaluator through its table. Geom
// returns its geometry and is called only by spatial filters; nil means
// the value has none.
type Record[T any] struct {
	Table Table[T]
	V     *T
	Geom  func() orb.Geometry
}

// Value returns a property of the value.
func (r Record[T]) Value(name string) any {
	v, _ := r.Table.Get(r.V, name)
	return v
}

// Geometry returns the value's geometry.
func (r Record[T]) Geometry() orb.Geometry {
	if r.Geom == nil {
		return nil
	}
	return r.Geom()
}
