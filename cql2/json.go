package cql2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"
)

// ParseJSON parses a cql2-json filter.
func ParseJSON(b []byte) (Expr, error) {
	if len(b) > MaxLen {
		return nil, errorf("$", "filter longer than %d bytes", MaxLen)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, errorf("$", "not JSON: %v", err)
	}
	if d.More() {
		return nil, errorf("$", "text after the JSON value")
	}
	var p jsonParser
	return p.expr(v, "$", 0)
}

type jsonParser struct{}

func (p *jsonParser) expr(v any, at string, depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, errorf(at, "filter nested deeper than %d", maxDepth)
	}
	if b, ok := v.(bool); ok {
		return &Bool{At: at, Value: b}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(at, "expected an object with op and args, found %s", kindOf(v))
	}
	opv, ok := m["op"].(string)
	if !ok {
		return nil, errorf(at, "expected an object with op and args")
	}
	op := strings.ToLower(opv)
	args, ok := m["args"].([]any)
	if !ok {
		return nil, errorf(at, "op %q needs an args array", opv)
	}
	argAt := func(i int) string { return at + ".args[" + strconv.Itoa(i) + "]" }
	nargs := func(n int) error {
		if len(args) != n {
			return errorf(at, "op %q takes %d arguments, has %d", opv, n, len(args))
		}
		return nil
	}
	operands := func() ([]Operand, error) {
		out := make([]Operand, len(args))
		for i, a := range args {
			o, err := p.operand(a, argAt(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = o
		}
		return out, nil
	}
	switch {
	case op == "and" || op == "or":
		if len(args) < 2 {
			return nil, errorf(at, "op %q takes at least 2 arguments", opv)
		}
		l := &Logic{At: at, Op: op}
		for i, a := range args {
			e, err := p.expr(a, argAt(i), depth+1)
			if err != nil {
				return nil, err
			}
			l.Args = append(l.Args, e)
		}
		return l, nil
	case op == "not":
		if err := nargs(1); err != nil {
			return nil, err
		}
		e, err := p.expr(args[0], argAt(0), depth+1)
		if err != nil {
			return nil, err
		}
		return &Not{At: at, Arg: e}, nil
	case compareOps[op], op == "like", spatialOps[op], temporalOps[op]:
		if err := nargs(2); err != nil {
			return nil, err
		}
		o, err := operands()
		if err != nil {
			return nil, err
		}
		switch {
		case op == "like":
			return &Like{At: at, Left: o[0], Pattern: o[1]}, nil
		case spatialOps[op]:
			return &Spatial{At: at, Op: op, Left: o[0], Right: o[1]}, nil
		case temporalOps[op]:
			return &Temporal{At: at, Op: op, Left: o[0], Right: o[1]}, nil
		}
		return &Compare{At: at, Op: op, Left: o[0], Right: o[1]}, nil
	case op == "between":
		if err := nargs(3); err != nil {
			return nil, err
		}
		o, err := operands()
		if err != nil {
			return nil, err
		}
		return &Between{At: at, Left: o[0], Low: o[1], High: o[2]}, nil
	case op == "isnull":
		if err := nargs(1); err != nil {
			return nil, err
		}
		o, err := operands()
		if err != nil {
			return nil, err
		}
		return &IsNull{At: at, Arg: o[0]}, nil
	case op == "in":
		if err := nargs(2); err != nil {
			return nil, err
		}
		left, err := p.operand(args[0], argAt(0), depth+1)
		if err != nil {
			return nil, err
		}
		list, ok := args[1].([]any)
		if !ok || len(list) == 0 {
			return nil, errorf(argAt(1), "op \"in\" needs a non-empty list")
		}
		in := &In{At: at, Left: left}
		for i, a := range list {
			o, err := p.operand(a, argAt(1)+"["+strconv.Itoa(i)+"]", depth+1)
			if err != nil {
				return nil, err
			}
			in.List = append(in.List, o)
		}
		return in, nil
	}
	return nil, errorf(at, "unknown or unsupported op %q", opv)
}

func (p *jsonParser) operand(v any, at string, depth int) (Operand, error) {
	if depth > maxDepth {
		return nil, errorf(at, "filter nested deeper than %d", maxDepth)
	}
	switch x := v.(type) {
	case string:
		return &Literal{At: at, Value: x}, nil
	case bool:
		return &Literal{At: at, Value: x}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errorf(at, "number %s out of range", x)
		}
		return &Literal{At: at, Value: f}, nil
	case map[string]any:
		return p.object(x, at, depth)
	case nil:
		return nil, errorf(at, "null is not a value (use isNull)")
	}
	return nil, errorf(at, "expected a value, found %s", kindOf(v))
}

func (p *jsonParser) object(m map[string]any, at string, depth int) (Operand, error) {
	if name, ok := m["property"]; ok {
		s, ok := name.(string)
		if !ok || s == "" {
			return nil, errorf(at, "property must be a non-empty string")
		}
		return &Property{At: at, Name: s}, nil
	}
	if s, ok := m["timestamp"]; ok {
		return instantJSON(s, at+".timestamp", false)
	}
	if s, ok := m["date"]; ok {
		return instantJSON(s, at+".date", true)
	}
	if iv, ok := m["interval"]; ok {
		ends, ok := iv.([]any)
		if !ok || len(ends) != 2 {
			return nil, errorf(at+".interval", "interval must be an array of 2 ends")
		}
		out := &Interval{At: at}
		for i, e := range ends {
			t, err := intervalEndJSON(e, at+".interval["+strconv.Itoa(i)+"]", i == 0)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				out.Start = t
			} else {
				out.End = t
			}
		}
		if !out.Start.IsZero() && !out.End.IsZero() && out.End.Before(out.Start) {
			return nil, errorf(at, "interval ends before it starts")
		}
		return out, nil
	}
	if bb, ok := m["bbox"]; ok {
		list, ok := bb.([]any)
		if !ok {
			return nil, errorf(at+".bbox", "bbox must be an array of numbers")
		}
		n := make([]float64, len(list))
		for i, x := range list {
			num, ok := x.(json.Number)
			f, err := strconv.ParseFloat(string(num), 64)
			if !ok || err != nil {
				return nil, errorf(at+".bbox["+strconv.Itoa(i)+"]", "expected a number")
			}
			n[i] = f
		}
		g, err := bboxGeometry(n)
		if err != nil {
			return nil, errorf(at+".bbox", "%v", err)
		}
		return &Geometry{At: at, Geom: g}, nil
	}
	if _, ok := m["type"]; ok {
		raw, err := json.Marshal(m)
		if err != nil {
			return nil, errorf(at, "bad geometry")
		}
		g, err := geojson.UnmarshalGeometry(raw)
		if err != nil || g.Geometry() == nil {
			return nil, errorf(at, "bad GeoJSON geometry")
		}
		if err := checkGeometry(g.Geometry()); err != nil {
			return nil, errorf(at, "bad geometry: %v", err)
		}
		return &Geometry{At: at, Geom: g.Geometry()}, nil
	}
	if op, ok := m["op"].(string); ok {
		name := strings.ToLower(op)
		if name != "casei" {
			return nil, errorf(at, "unknown function %q", op)
		}
		args, ok := m["args"].([]any)
		if !ok || len(args) != 1 {
			return nil, errorf(at, "%s takes 1 argument", op)
		}
		arg, err := p.operand(args[0], at+".args[0]", depth+1)
		if err != nil {
			return nil, err
		}
		return &Func{At: at, Name: name, Arg: arg}, nil
	}
	return nil, errorf(at, "unknown value object")
}

func instantJSON(v any, at string, day bool) (Operand, error) {
	s, ok := v.(string)
	if !ok {
		return nil, errorf(at, "expected a string")
	}
	t, err := parseInstant(s, day)
	if err != nil {
		return nil, errorf(at, "%v", err)
	}
	return &Literal{At: at, Value: t, Day: day}, nil
}

func intervalEndJSON(v any, at string, start bool) (time.Time, error) {
	var s string
	day := false
	switch x := v.(type) {
	case string:
		if x == ".." {
			return time.Time{}, nil
		}
		s, day = x, len(x) == len(time.DateOnly)
	case map[string]any:
		if ts, ok := x["timestamp"].(string); ok {
			s = ts
		} else if d, ok := x["date"].(string); ok {
			s, day = d, true
		} else {
			return time.Time{}, errorf(at, "expected \"..\", a time string, a timestamp or a date")
		}
	default:
		return time.Time{}, errorf(at, "expected \"..\", a time string, a timestamp or a date")
	}
	t, err := parseInstant(s, day)
	if err != nil {
		return time.Time{}, errorf(at, "%v", err)
	}
	if day && !start {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
