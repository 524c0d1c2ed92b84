package cql2

import (
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Record is one feature as the evaluator reads it.
type Record interface {
	// Value returns the value of a property, nil when unknown: a string,
	// float64, int, bool, time.Time or []string.
	Value(name string) any
	// Geometry returns the feature's geometry, nil when it has none.
	Geometry() orb.Geometry
}

// truth is a three-valued logic value.
type truth int8

const (
	no truth = iota
	yes
	unknown
)

func truthOf(b bool) truth {
	if b {
		return yes
	}
	return no
}

// Eval reports whether e is true for r. A nil e selects everything.
// Run Check first: Eval treats kinds it cannot compare as unknown.
func Eval(e Expr, r Record) bool { return e == nil || eval(e, r) == yes }

func eval(e Expr, r Record) truth {
	switch e := e.(type) {
	case *Logic:
		and := e.Op == "and"
		res := truthOf(and)
		for _, a := range e.Args {
			v := eval(a, r)
			switch {
			case and && v == no, !and && v == yes:
				return v
			case v == unknown:
				res = unknown
			}
		}
		return res
	case *Not:
		switch eval(e.Arg, r) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	case *Bool:
		return truthOf(e.Value)
	case *Compare:
		return compare(e.Op, value(e.Left, r), value(e.Right, r))
	case *Like:
		s, ok1 := value(e.Left, r).(string)
		pat, ok2 := value(e.Pattern, r).(string)
		if !ok1 || !ok2 {
			return unknown
		}
		return truthOf(like(s, pat))
	case *In:
		v := value(e.Left, r)
		res := no
		for _, o := range e.List {
			switch compare("=", v, value(o, r)) {
			case yes:
				return yes
			case unknown:
				res = unknown
			}
		}
		return res
	case *Between:
		v := value(e.Left, r)
		lo, hi := compare(">=", v, value(e.Low, r)), compare("<=", v, value(e.High, r))
		if lo == unknown || hi == unknown {
			return unknown
		}
		return truthOf(lo == yes && hi == yes)
	case *IsNull:
		return truthOf(value(e.Arg, r) == nil)
	case *Spatial:
		a, b := geometry(e.Left, r), geometry(e.Right, r)
		if a == nil || b == nil {
			return unknown
		}
		hit := Intersects(a, b)
		if e.Op == "s_disjoint" {
			hit = !hit
		}
		return truthOf(hit)
	case *Temporal:
		as, ae, ok1 := interval(e.Left, r)
		bs, be, ok2 := interval(e.Right, r)
		if !ok1 || !ok2 {
			return unknown
		}
		return truthOf(temporal(e.Op, as, ae, bs, be))
	}
	return unknown
}

// value returns an operand's value for r: nil for unknown.
func value(o Operand, r Record) any {
	switch o := o.(type) {
	case *Property:
		v := r.Value(o.Name)
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		case float32:
			return float64(x)
		}
		return v
	case *Literal:
		return o.Value
	case *Func:
		switch v := value(o.Arg, r).(type) {
		case string:
			return fold(o.Name, v)
		case []string:
			out := make([]string, len(v))
			for i, s := range v {
				out[i] = fold(o.Name, s)
			}
			return out
		}
		return nil
	}
	return nil
}

// fold applies CASEI.
func fold(_, s string) string { return strings.ToLower(s) }

// compare applies op to two values of one kind; an array of strings
// compares as "any element".
func compare(op string, a, b any) truth {
	if a == nil || b == nil {
		return unknown
	}
	if list, ok := a.([]string); ok {
		return anyOf(op, list, b, false)
	}
	if list, ok := b.([]string); ok {
		return anyOf(op, list, a, true)
	}
	var c int
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return unknown
		}
		c = strings.Compare(x, y)
	case float64:
		y, ok := b.(float64)
		if !ok || math.IsNaN(x) || math.IsNaN(y) {
			return unknown
		}
		switch {
		case x < y:
			c = -1
		case x > y:
			c = 1
		}
	case bool:
		y, ok := b.(bool)
		if !ok {
			return unknown
		}
		if op != "=" && op != "<>" {
			return unknown
		}
		return truthOf((x == y) == (op == "="))
	case time.Time:
		y, ok := b.(time.Time)
		if !ok {
			return unknown
		}
		c = x.Compare(y)
	default:
		return unknown
	}
	switch op {
	case "=":
		return truthOf(c == 0)
	case "<>":
		return truthOf(c != 0)
	case "<":
		return truthOf(c < 0)
	case "<=":
		return truthOf(c <= 0)
	case ">":
		return truthOf(c > 0)
	case ">=":
		return truthOf(c >= 0)
	}
	return unknown
}

func anyOf(op string, list []string, v any, flipped bool) truth {
	if op == "<>" {
		// no element equals v
		return truthOf(anyOf("=", list, v, flipped) == no)
	}
	for _, s := range list {
		var t truth
		if flipped {
			t = compare(op, v, s)
		} else {
			t = compare(op, s, v)
		}
		if t == yes {
			return yes
		}
	}
	return no
}

// like matches s against a LIKE pattern.
func like(s, pat string) bool {
	p := []rune(pat)
	str := []rune(s)
	// iterative matcher with backtracking on the last %
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == str[si]:
			si, pi = si+1, pi+2
		case pi < len(p) && p[pi] == '%':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '_' || p[pi] == str[si] && p[pi] != '\\'):
			si, pi = si+1, pi+1
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

func geometry(o Operand, r Record) orb.Geometry {
	switch o := o.(type) {
	case *Property:
		return r.Geometry()
	case *Geometry:
		return o.Geom
	}
	return nil
}

// open ends of intervals
var (
	minTime = time.Unix(math.MinInt64/4, 0)
	maxTime = time.Unix(math.MaxInt64/4, 0)
)

// interval returns the span of a temporal operand.
func interval(o Operand, r Record) (start, end time.Time, ok bool) {
	switch o := o.(type) {
	case *Interval:
		start, end = o.Start, o.End
		if start.IsZero() {
			start = minTime
		}
		if end.IsZero() {
			end = maxTime
		}
		return start, end, true
	case *Literal:
		t, isTime := o.Value.(time.Time)
		if !isTime {
			return time.Time{}, time.Time{}, false
		}
		if o.Day {
			return t, t.Add(24*time.Hour - time.Nanosecond), true
		}
		return t, t, true
	case *Property:
		t, isTime := r.Value(o.Name).(time.Time)
		if !isTime || t.IsZero() {
			return time.Time{}, time.Time{}, false
		}
		return t, t, true
	}
	return time.Time{}, time.Time{}, false
}

// temporal applies a temporal function to intervals a and b.
func temporal(op string, as, ae, bs, be time.Time) bool {
	lt := func(x, y time.Time) bool { return x.Before(y) }
	eq := func(x, y time.Time) bool { return x.Equal(y) }
	switch op {
	case "t_after":
		return lt(be, as)
	case "t_before":
		return lt(ae, bs)
	case "t_contains":
		return lt(as, bs) && lt(be, ae)
	case "t_disjoint":
		return lt(ae, bs) || lt(be, as)
	case "t_during":
		return lt(bs, as) && lt(ae, be)
	case "t_equals":
		return eq(as, bs) && eq(ae, be)
	case "t_finishedby":
		return lt(as, bs) && eq(ae, be)
	case "t_finishes":
		return lt(bs, as) && eq(ae, be)
	case "t_intersects":
		return !lt(ae, bs) && !lt(be, as)
	case "t_meets":
		return eq(ae, bs)
	case "t_metby":
		return eq(as, be)
	case "t_overlappedby":
		return lt(bs, as) && lt(as, be) && lt(be, ae)
	case "t_overlaps":
		return lt(as, bs) && lt(bs, ae) && lt(ae, be)
	case "t_startedby":
		return eq(as, bs) && lt(be, ae)
	case "t_starts":
		return eq(as, bs) && lt(ae, be)
	}
	return false
}
