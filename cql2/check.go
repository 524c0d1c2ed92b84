package cql2

import (
	"sort"
	"strings"
	"time"
)

// Kind is the type of a property, as Check sees it.
type Kind string

// Property kinds.
const (
	KindString   Kind = "string"
	KindNumber   Kind = "number"
	KindBool     Kind = "boolean"
	KindTime     Kind = "time"
	KindGeometry Kind = "geometry"
	KindArray    Kind = "array"
)

// Schema tells the kind of each property a filter may name.
type Schema map[string]Kind

// names lists the schema's property names, sorted.
func (s Schema) names() string {
	out := make([]string, 0, len(s))
	for n := range s {
		out = append(out, n)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// Check validates e against the properties of s: every property exists,
// spatial functions take the geometry, temporal functions times, and
// compared operands have matching kinds. A string literal compared with a
// time property becomes a time when it reads as one.
func Check(e Expr, s Schema) error {
	c := checker{s: s}
	c.expr(e)
	if c.err != nil {
		return c.err
	}
	return nil
}

type checker struct {
	s   Schema
	err *Error
}

func (c *checker) fail(at, format string, args ...any) {
	if c.err == nil {
		c.err = errorf(at, format, args...)
	}
}

func (c *checker) expr(e Expr) {
	switch e := e.(type) {
	case *Logic:
		for _, a := range e.Args {
			c.expr(a)
		}
	case *Not:
		c.expr(e.Arg)
	case *Compare:
		c.same(e.At, &e.Left, &e.Right)
	case *Like:
		if k := c.kind(e.Left); k != KindString {
			c.fail(e.At, "LIKE needs a string on the left, found %s", k)
		}
		if _, ok := e.Pattern.(*Property); ok {
			c.fail(e.At, "LIKE needs a string pattern")
		} else if k := c.kind(e.Pattern); k != KindString {
			c.fail(e.At, "LIKE needs a string pattern, found %s", k)
		}
	case *In:
		for i := range e.List {
			c.same(e.At, &e.Left, &e.List[i])
		}
	case *Between:
		c.same(e.At, &e.Left, &e.Low)
		c.same(e.At, &e.Left, &e.High)
		if k := c.kind(e.Left); k != KindNumber && k != KindTime && k != "" {
			c.fail(e.At, "BETWEEN needs numbers or times, found %s", k)
		}
	case *IsNull:
		c.kind(e.Arg)
	case *Spatial:
		for _, o := range []Operand{e.Left, e.Right} {
			if k := c.kind(o); k != KindGeometry && k != "" {
				c.fail(e.At, "%s needs geometries, found %s", strings.ToUpper(e.Op), k)
			}
		}
	case *Temporal:
		for _, o := range []*Operand{&e.Left, &e.Right} {
			c.coerceTime(o)
			k := c.kind(*o)
			if _, iv := (*o).(*Interval); k != KindTime && !iv && k != "" {
				c.fail(e.At, "%s needs times or intervals, found %s", strings.ToUpper(e.Op), k)
			}
		}
	}
}

// kind returns the kind of an operand ("" after an error).
func (c *checker) kind(o Operand) Kind {
	switch o := o.(type) {
	case *Property:
		k, ok := c.s[o.Name]
		if !ok {
			c.fail(o.At, "unknown property %q (queryables: %s)", o.Name, c.s.names())
			return ""
		}
		return k
	case *Literal:
		switch o.Value.(type) {
		case string:
			return KindString
		case float64:
			return KindNumber
		case bool:
			return KindBool
		case time.Time:
			return KindTime
		}
	case *Interval:
		return KindTime
	case *Geometry:
		return KindGeometry
	case *Func:
		if k := c.kind(o.Arg); k != KindString && k != "" {
			c.fail(o.At, "%s needs a string, found %s", strings.ToUpper(o.Name), k)
		}
		return KindString
	}
	return ""
}

// coerceTime turns a string literal that reads as a time into a time.
func (c *checker) coerceTime(o *Operand) {
	l, ok := (*o).(*Literal)
	if !ok {
		return
	}
	if s, ok := l.Value.(string); ok {
		if t, err := parseInstant(s, false); err == nil {
			*o = &Literal{At: l.At, Value: t, Day: len(s) == len(time.DateOnly)}
		}
	}
}

// same checks that two compared operands have one kind; arrays compare
// element by element with strings.
func (c *checker) same(at string, a, b *Operand) {
	ka, kb := c.kind(*a), c.kind(*b)
	if ka == "" || kb == "" {
		return
	}
	if ka == KindTime && kb == KindString {
		c.coerceTime(b)
		kb = c.kind(*b)
	} else if kb == KindTime && ka == KindString {
		c.coerceTime(a)
		ka = c.kind(*a)
	}
	if _, iv := (*a).(*Interval); iv {
		c.fail(at, "an interval can only be used in a temporal function")
	}
	if _, iv := (*b).(*Interval); iv {
		c.fail(at, "an interval can only be used in a temporal function")
	}
	switch {
	case ka == kb && ka != KindGeometry:
	case ka == KindArray && kb == KindString, ka == KindString && kb == KindArray:
	default:
		c.fail(at, "cannot compare %s with %s", ka, kb)
	}
}
