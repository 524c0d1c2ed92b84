package cql2

import (
	"time"

	"github.com/paulmach/orb"
)

// Expr is a boolean expression of the filter.
type Expr interface{ node() }

// Operand is a value an expression compares: a property, a literal, a
// geometry, an interval or a function of one of those.
type Operand interface{ operand() }

// Logic is a conjunction (Op "and") or disjunction (Op "or") of its Args.
type Logic struct {
	At   string
	Op   string
	Args []Expr
}

// Not negates Arg.
type Not struct {
	At  string
	Arg Expr
}

// Bool is the literal TRUE or FALSE as a whole expression.
type Bool struct {
	At    string
	Value bool
}

// Compare is a binary comparison: Op is one of = <> < <= > >=.
type Compare struct {
	At          string
	Op          string
	Left, Right Operand
}

// Like matches Left against a pattern where % stands for any run of
// characters and _ for one character; a backslash escapes them.
type Like struct {
	At      string
	Left    Operand
	Pattern Operand
}

// In holds when Left equals one of List.
type In struct {
	At   string
	Left Operand
	List []Operand
}

// Between holds when Low <= Left <= High.
type Between struct {
	At              string
	Left, Low, High Operand
}

// IsNull holds when Arg is unknown.
type IsNull struct {
	At  string
	Arg Operand
}

// Spatial is a spatial function: Op is "s_intersects" or "s_disjoint".
type Spatial struct {
	At          string
	Op          string
	Left, Right Operand
}

// Temporal is a temporal function such as "t_intersects" or "t_during".
type Temporal struct {
	At          string
	Op          string
	Left, Right Operand
}

// Property names a property of the feature; for spatial functions it
// names the feature's geometry.
type Property struct {
	At   string
	Name string
}

// Literal is a string, number (float64), boolean or instant (time.Time).
// Day is true for a DATE, which stands for its whole UTC day.
type Literal struct {
	At    string
	Value any
	Day   bool
}

// Interval is a time interval; a zero end is open.
type Interval struct {
	At         string
	Start, End time.Time
}

// Geometry is a geometry literal, in CRS84 longitude, latitude order
// unless the caller transforms it.
type Geometry struct {
	At   string
	Geom orb.Geometry
}

// Func is a function of one operand: "casei" (case-insensitive).
type Func struct {
	At   string
	Name string
	Arg  Operand
}

func (*Logic) node()    {}
func (*Not) node()      {}
func (*Bool) node()     {}
func (*Compare) node()  {}
func (*Like) node()     {}
func (*In) node()       {}
func (*Between) node()  {}
func (*IsNull) node()   {}
func (*Spatial) node()  {}
func (*Temporal) node() {}

func (*Property) operand() {}
func (*Literal) operand()  {}
func (*Interval) operand() {}
func (*Geometry) operand() {}
func (*Func) operand()     {}

// Temporal function names.
var temporalOps = map[string]bool{
	"t_after": true, "t_before": true, "t_contains": true, "t_disjoint": true, "t_during": true,
	"t_equals": true, "t_finishedby": true, "t_finishes": true, "t_intersects": true, "t_meets": true,
	"t_metby": true, "t_overlappedby": true, "t_overlaps": true, "t_startedby": true, "t_starts": true,
}

// Spatial function names.
var spatialOps = map[string]bool{"s_intersects": true, "s_disjoint": true}

var compareOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// Conjuncts returns the expressions whose conjunction e is: the arguments
// of top-level ANDs, flattened, or e itself. A nil e has none.
func Conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	l, ok := e.(*Logic)
	if !ok || l.Op != "and" {
		return []Expr{e}
	}
	var out []Expr
	for _, a := range l.Args {
		out = append(out, Conjuncts(a)...)
	}
	return out
}

// Equality returns the property and literal value of a comparison
// "property = literal" (either way round).
func Equality(e Expr) (name string, value any, ok bool) {
	c, isCmp := e.(*Compare)
	if !isCmp || c.Op != "=" {
		return "", nil, false
	}
	p, l := asPropLit(c.Left, c.Right)
	if p == nil {
		return "", nil, false
	}
	return p.Name, l.Value, true
}

// TimeBound returns the property, operator and instant of a comparison
// "property op TIMESTAMP(...)", with the operator flipped when the
// literal comes first, so that it reads "property op t".
func TimeBound(e Expr) (name, op string, t time.Time, ok bool) {
	c, isCmp := e.(*Compare)
	if !isCmp || c.Op == "<>" {
		return "", "", time.Time{}, false
	}
	op = c.Op
	if _, lit := c.Left.(*Literal); lit {
		op = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	p, l := asPropLit(c.Left, c.Right)
	if p == nil || l.Day {
		return "", "", time.Time{}, false
	}
	tv, isTime := l.Value.(time.Time)
	if !isTime {
		return "", "", time.Time{}, false
	}
	return p.Name, op, tv, true
}

func asPropLit(a, b Operand) (*Property, *Literal) {
	if p, ok := a.(*Property); ok {
		if l, ok := b.(*Literal); ok {
			return p, l
		}
	}
	if p, ok := b.(*Property); ok {
		if l, ok := a.(*Literal); ok {
			return p, l
		}
	}
	return nil, nil
}
