package feature

import (
	"time"
)

// JSON Schema types of properties.
const (
	String  = "string"
	Number  = "number"
	Integer = "integer"
	Boolean = "boolean"
	Array   = "array"  // of strings, or of objects (a leg's sources)
	Object  = "object" // of counts by name (a cell's sources)
)

// FormatDateTime is the JSON Schema format of time properties.
const FormatDateTime = "date-time"

// Prop is one property of a feature kind.
type Prop[T any] struct {
	Name   string
	Type   string // String, Number, Integer, Boolean, Array or Object
	Format string // FormatDateTime for times, else empty
	Desc   string
	// Prec is how many decimals (0-6) the GeoJSON encoders keep of a
	// Number; zero writes whole numbers. CSV and the GIS formats keep
	// full precision.
	Prec int
	// Enum lists the allowed values of a string property; nil: any.
	Enum []string
	// Get returns the value of the property of v, nil when unknown.
	Get func(v *T) any
	// Typed getters, set alongside Get for the properties of the hot
	// tables (Aircraft) so that encoders read them without boxing; each
	// agrees with Get. Str returns "" and Time the zero time for unknown;
	// Num returns false for unknown; List never returns nil for a known
	// list. Nil: use Get.
	Str  func(v *T) string
	Num  func(v *T) (float64, bool)
	Time func(v *T) time.Time
	List func(v *T) []string
}

// strProp is a string property, null when empty.
func strProp[T any](name, desc string, enum []string, f func(v *T) string) Prop[T] {
	return Prop[T]{Name: name, Type: String, Desc: desc, Enum: enum, Str: f, Get: func(v *T) any { return str(f(v)) }}
}

// numProp is a number property written with prec decimals, null when f
// says it is unknown.
func numProp[T any](name, desc string, prec int, f func(v *T) (float64, bool)) Prop[T] {
	return Prop[T]{Name: name, Type: Number, Prec: prec, Desc: desc, Num: f, Get: func(v *T) any {
		if n, ok := f(v); ok {
			return n
		}
		return nil
	}}
}

// timeProp is a time property, null when zero.
func timeProp[T any](name, desc string, f func(v *T) time.Time) Prop[T] {
	return Prop[T]{Name: name, Type: String, Format: FormatDateTime, Desc: desc, Time: f, Get: func(v *T) any { return stamp(f(v)) }}
}

// listProp is a list of strings, [] when empty.
func listProp[T any](name, desc string, f func(v *T) []string) Prop[T] {
	g := func(v *T) []string {
		if l := f(v); l != nil {
			return l
		}
		return []string{}
	}
	return Prop[T]{Name: name, Type: Array, Desc: desc, List: g, Get: func(v *T) any { return g(v) }}
}

// IsTime reports whether the property holds a time.
func (p *Prop[T]) IsTime() bool { return p.Format == FormatDateTime }

// Table is the ordered property list of one feature kind.
type Table[T any] []Prop[T]

// Names returns the property names in order.
func (t Table[T]) Names() []string {
	out := make([]string, len(t))
	for i := range t {
		out[i] = t[i].Name
	}
	return out
}

// Find returns the property called name.
func (t Table[T]) Find(name string) (*Prop[T], bool) {
	for i := range t {
		if t[i].Name == name {
			return &t[i], true
		}
	}
	return nil, false
}

// Get returns the value of property name of v; ok is false when the table
// has no such property.
func (t Table[T]) Get(v *T, name string) (val any, ok bool) {
	p, ok := t.Find(name)
	if !ok {
		return nil, false
	}
	return p.Get(v), true
}

// Props returns every property of v by name, with nil for unknown values
// and times formatted as RFC 3339 UTC, ready to encode as JSON.
func (t Table[T]) Props(v *T) map[string]any {
	m := make(map[string]any, len(t))
	for i := range t {
		m[t[i].Name] = JSONValue(t[i].Get(v))
	}
	return m
}

// Fields describes the properties without their getters, for documents
// such as JSON Schemas that do not depend on the feature type.
func (t Table[T]) Fields() []Field {
	out := make([]Field, len(t))
	for i, p := range t {
		out[i] = Field{Name: p.Name, Type: p.Type, Format: p.Format, Desc: p.Desc, Enum: p.Enum}
	}
	return out
}

// Field is a property without its getter.
type Field struct {
	Name, Type, Format, Desc string
	Enum                     []string
}

// JSONValue converts a getter's value to its JSON form: times become RFC
// 3339 UTC strings (second precision, fractional seconds when present).
func JSONValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// helpers for getters

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func list(s []string) any {
	if s == nil {
		return []string{}
	}
	return s
}
