package cql2

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// ParseText parses a cql2-text filter.
func ParseText(s string) (Expr, error) {
	if len(s) > MaxLen {
		return nil, errorf("1", "filter longer than %d bytes", MaxLen)
	}
	p := &textParser{lx: lexer{src: s}}
	p.lx.next()
	e := p.expr(0)
	if p.lx.err == nil && p.lx.tok.kind != tEOF {
		p.failf("expected AND, OR or end of filter, found %s", p.lx.describe())
	}
	if p.lx.err != nil {
		return nil, p.lx.err
	}
	return e, nil
}

type textParser struct {
	lx lexer
}

func (p *textParser) here() string { return p.lx.at(p.lx.tok.pos) }

func (p *textParser) failf(format string, args ...any) {
	if p.lx.err == nil {
		p.lx.err = errorf(p.here(), format, args...)
	}
	p.lx.tok = token{kind: tEOF, pos: len(p.lx.src)}
}

func (p *textParser) failed() bool { return p.lx.err != nil }

func (p *textParser) expect(punct string) bool {
	if !p.lx.punct(punct) {
		p.failf("expected %q, found %s", punct, p.lx.describe())
		return false
	}
	p.lx.next()
	return true
}

// expr := and { OR and }
func (p *textParser) expr(depth int) Expr {
	if depth > maxDepth {
		p.failf("filter nested deeper than %d", maxDepth)
		return nil
	}
	at := p.here()
	first := p.and(depth)
	if !p.lx.keyword("OR") {
		return first
	}
	l := &Logic{At: at, Op: "or", Args: []Expr{first}}
	for p.lx.keyword("OR") && !p.failed() {
		p.lx.next()
		l.Args = append(l.Args, p.and(depth))
	}
	return l
}

func (p *textParser) and(depth int) Expr {
	at := p.here()
	first := p.not(depth)
	if !p.lx.keyword("AND") {
		return first
	}
	l := &Logic{At: at, Op: "and", Args: []Expr{first}}
	for p.lx.keyword("AND") && !p.failed() {
		p.lx.next()
		l.Args = append(l.Args, p.not(depth))
	}
	return l
}

func (p *textParser) not(depth int) Expr {
	if p.lx.keyword("NOT") {
		at := p.here()
		p.lx.next()
		if depth > maxDepth {
			p.failf("filter nested deeper than %d", maxDepth)
			return nil
		}
		return &Not{At: at, Arg: p.not(depth + 1)}
	}
	return p.primary(depth)
}

func (p *textParser) primary(depth int) Expr {
	at := p.here()
	switch {
	case p.failed():
		return nil
	case p.lx.punct("("):
		p.lx.next()
		e := p.expr(depth + 1)
		p.expect(")")
		return e
	case p.lx.tok.kind == tIdent && p.lx.tok.text[0] != '"':
		name := strings.ToLower(p.lx.tok.text)
		switch {
		case spatialOps[name] || temporalOps[name]:
			p.lx.next()
			if !p.expect("(") {
				return nil
			}
			left := p.operand(depth)
			p.expect(",")
			right := p.operand(depth)
			p.expect(")")
			if spatialOps[name] {
				return &Spatial{At: at, Op: name, Left: left, Right: right}
			}
			return &Temporal{At: at, Op: name, Left: left, Right: right}
		case strings.HasPrefix(name, "s_") || strings.HasPrefix(name, "t_") || strings.HasPrefix(name, "a_"):
			p.failf("function %s is not supported (spatial: S_INTERSECTS, S_DISJOINT; temporal: T_AFTER ... T_STARTS)", strings.ToUpper(name))
			return nil
		case name == "true" || name == "false":
			save := p.lx
			p.lx.next()
			if p.lx.keyword("AND") || p.lx.keyword("OR") || p.lx.punct(")") || p.lx.tok.kind == tEOF {
				return &Bool{At: at, Value: name == "true"}
			}
			p.lx = save
		}
	}
	return p.predicate(at, depth)
}

// predicate := operand ( cmp operand | [NOT] LIKE | [NOT] IN | [NOT] BETWEEN | IS [NOT] NULL )
func (p *textParser) predicate(at string, depth int) Expr {
	left := p.operand(depth)
	if p.failed() {
		return nil
	}
	if p.lx.tok.kind == tPunct && compareOps[p.lx.tok.text] {
		op := p.lx.tok.text
		p.lx.next()
		return &Compare{At: at, Op: op, Left: left, Right: p.operand(depth)}
	}
	if p.lx.keyword("IS") {
		p.lx.next()
		neg := false
		if p.lx.keyword("NOT") {
			neg = true
			p.lx.next()
		}
		if !p.lx.keyword("NULL") {
			p.failf("expected NULL, found %s", p.lx.describe())
			return nil
		}
		p.lx.next()
		return negate(neg, at, &IsNull{At: at, Arg: left})
	}
	neg := false
	if p.lx.keyword("NOT") {
		neg = true
		p.lx.next()
	}
	switch {
	case p.lx.keyword("LIKE"):
		p.lx.next()
		return negate(neg, at, &Like{At: at, Left: left, Pattern: p.operand(depth)})
	case p.lx.keyword("ILIKE"):
		// not CQL2, but what OGR sends: LIKE ignoring case
		p.lx.next()
		pat := p.operand(depth)
		return negate(neg, at, &Like{At: at, Left: &Func{At: at, Name: "casei", Arg: left}, Pattern: &Func{At: at, Name: "casei", Arg: pat}})
	case p.lx.keyword("IN"):
		p.lx.next()
		if !p.expect("(") {
			return nil
		}
		in := &In{At: at, Left: left}
		for !p.failed() {
			in.List = append(in.List, p.operand(depth))
			if p.lx.punct(")") {
				p.lx.next()
				break
			}
			p.expect(",")
		}
		return negate(neg, at, in)
	case p.lx.keyword("BETWEEN"):
		p.lx.next()
		lo := p.operand(depth)
		if !p.lx.keyword("AND") {
			p.failf("expected AND, found %s", p.lx.describe())
			return nil
		}
		p.lx.next()
		return negate(neg, at, &Between{At: at, Left: left, Low: lo, High: p.operand(depth)})
	}
	if neg {
		p.failf("expected LIKE, ILIKE, IN or BETWEEN after NOT, found %s", p.lx.describe())
	} else {
		p.failf("expected a comparison (=, <>, <, <=, >, >=, LIKE, IN, BETWEEN, IS NULL), found %s", p.lx.describe())
	}
	return nil
}

func negate(neg bool, at string, e Expr) Expr {
	if neg {
		return &Not{At: at, Arg: e}
	}
	return e
}

var geometryWords = map[string]bool{"point": true, "linestring": true, "polygon": true, "multipoint": true,
	"multilinestring": true, "multipolygon": true, "geometrycollection": true}

// operand := string | number | TRUE | FALSE | property | TIMESTAMP(s) |
// DATE(s) | INTERVAL(a, b) | BBOX(n, ...) | WKT | CASEI(o) | ACCENTI(o)
func (p *textParser) operand(depth int) Operand {
	at := p.here()
	tok := p.lx.tok
	switch tok.kind {
	case tString:
		p.lx.next()
		return &Literal{At: at, Value: tok.text}
	case tNumber:
		p.lx.next()
		f, _ := strconv.ParseFloat(tok.text, 64)
		if math.IsInf(f, 0) {
			p.failf("number %s out of range", tok.text)
		}
		return &Literal{At: at, Value: f}
	case tIdent:
	default:
		p.failf("expected a property or a value, found %s", p.lx.describe())
		return nil
	}
	if tok.text[0] == '"' {
		p.lx.next()
		return &Property{At: at, Name: tok.text[1:]}
	}
	word := strings.ToLower(tok.text)
	switch {
	case word == "true" || word == "false":
		p.lx.next()
		return &Literal{At: at, Value: word == "true"}
	case word == "timestamp" || word == "date":
		p.lx.next()
		if !p.expect("(") {
			return nil
		}
		lit := p.instant(word == "date")
		p.expect(")")
		return lit
	case word == "interval":
		p.lx.next()
		if !p.expect("(") {
			return nil
		}
		iv := &Interval{At: at}
		iv.Start = p.intervalEnd(true)
		p.expect(",")
		iv.End = p.intervalEnd(false)
		p.expect(")")
		if !p.failed() && !iv.Start.IsZero() && !iv.End.IsZero() && iv.End.Before(iv.Start) {
			p.lx.err = errorf(at, "interval ends before it starts")
		}
		return iv
	case word == "bbox":
		p.lx.next()
		if !p.expect("(") {
			return nil
		}
		var n []float64
		for !p.failed() {
			if p.lx.tok.kind != tNumber {
				p.failf("expected a number in BBOX, found %s", p.lx.describe())
				return nil
			}
			f, _ := strconv.ParseFloat(p.lx.tok.text, 64)
			n = append(n, f)
			p.lx.next()
			if p.lx.punct(")") {
				p.lx.next()
				break
			}
			p.expect(",")
		}
		g, err := bboxGeometry(n)
		if err != nil {
			p.lx.err = errorf(at, "%v", err)
			return nil
		}
		return &Geometry{At: at, Geom: g}
	case geometryWords[word]:
		return p.wkt(at)
	case word == "casei":
		p.lx.next()
		if !p.expect("(") {
			return nil
		}
		if depth > maxDepth {
			p.failf("filter nested deeper than %d", maxDepth)
			return nil
		}
		arg := p.operand(depth + 1)
		p.expect(")")
		return &Func{At: at, Name: word, Arg: arg}
	}
	p.lx.next()
	if p.lx.punct("(") {
		p.lx.err = errorf(at, "unknown function %s", strings.ToUpper(tok.text))
		return nil
	}
	return &Property{At: at, Name: tok.text}
}

// instant reads the string argument of TIMESTAMP or DATE.
func (p *textParser) instant(day bool) Operand {
	at := p.here()
	if p.lx.tok.kind != tString {
		p.failf("expected a quoted time, found %s", p.lx.describe())
		return nil
	}
	t, err := parseInstant(p.lx.tok.text, day)
	if err != nil {
		p.failf("%v", err)
		return nil
	}
	p.lx.next()
	return &Literal{At: at, Value: t, Day: day}
}

// intervalEnd reads one end of an INTERVAL: '..' (open), a quoted
// instant, TIMESTAMP(...) or DATE(...). A date ends at the end of its day.
func (p *textParser) intervalEnd(start bool) time.Time {
	var s string
	day := false
	switch {
	case p.lx.tok.kind == tString:
		s = p.lx.tok.text
		p.lx.next()
		if s == ".." {
			return time.Time{}
		}
		day = len(s) == len(time.DateOnly)
	case p.lx.keyword("TIMESTAMP") || p.lx.keyword("DATE"):
		day = p.lx.keyword("DATE")
		p.lx.next()
		if !p.expect("(") {
			return time.Time{}
		}
		if p.lx.tok.kind != tString {
			p.failf("expected a quoted time, found %s", p.lx.describe())
			return time.Time{}
		}
		s = p.lx.tok.text
		p.lx.next()
		p.expect(")")
	default:
		p.failf("expected an interval end ('..', a quoted time, TIMESTAMP or DATE), found %s", p.lx.describe())
		return time.Time{}
	}
	t, err := parseInstant(s, day)
	if err != nil {
		p.failf("%v", err)
		return time.Time{}
	}
	if day && !start {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t
}

// wkt reads a WKT geometry starting at the current token: it takes the
// text up to the parenthesis that closes the first one.
func (p *textParser) wkt(at string) Operand {
	start := p.lx.tok.pos
	src := p.lx.src
	i := strings.IndexByte(src[start:], '(')
	if i < 0 {
		p.failf("expected \"(\" after %s", strings.ToUpper(p.lx.tok.text))
		return nil
	}
	if strings.TrimSpace(src[start+len(p.lx.tok.text):start+i]) != "" {
		p.failf("expected \"(\" after %s", strings.ToUpper(p.lx.tok.text))
		return nil
	}
	depth, end := 0, -1
	for j := start + i; j < len(src); j++ {
		if src[j] == '(' {
			depth++
		} else if src[j] == ')' {
			depth--
			if depth == 0 {
				end = j + 1
				break
			}
		}
	}
	if end < 0 {
		p.failf("unclosed geometry")
		return nil
	}
	g, err := parseWKT(src[start:end])
	if err != nil {
		p.lx.err = errorf(at, "bad geometry: %v", err)
		return nil
	}
	p.lx.pos = end
	p.lx.next()
	return &Geometry{At: at, Geom: g}
}

// parseWKT parses a WKT geometry, converting a panic of the decoder into
// an error and checking the coordinates.
func parseWKT(s string) (g orb.Geometry, err error) {
	defer func() {
		if v := recover(); v != nil {
			g, err = nil, fmt.Errorf("malformed WKT")
		}
	}()
	g, err = wkt.Unmarshal(s)
	if err != nil {
		return nil, err
	}
	return g, checkGeometry(g)
}

// parseInstant reads an RFC 3339 date-time or, when day is set or the
// text is a bare date, a date (its UTC midnight).
func parseInstant(s string, day bool) (time.Time, error) {
	if day || len(s) == len(time.DateOnly) {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp", s)
	}
	return t.UTC(), nil
}
