package cql2

import (
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

type rec struct {
	props map[string]any
	geom  orb.Geometry
}

func (r rec) Value(name string) any  { return r.props[name] }
func (r rec) Geometry() orb.Geometry { return r.geom }

var schema = Schema{"class": KindString, "hex": KindString, "alt_ft": KindNumber, "on_ground": KindBool,
	"departed": KindTime, "arrived": KindTime, "tags": KindArray, "geometry": KindGeometry, "callsign": KindString}

var dep = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

var leg = rec{props: map[string]any{"class": "removal", "hex": "ae5a01", "alt_ft": 31000.0, "on_ground": false,
	"departed": dep, "arrived": nil, "tags": []string{"removal-charter", "gov"}, "callsign": "GXA123"},
	geom: orb.LineString{{-97.3, 32.8}, {-90.5, 14.6}}}

func TestEvalText(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		{"class = 'removal'", true},
		{"class='domestic'", false},
		{"class <> 'domestic'", true},
		{`"class" = 'removal' AND hex = 'ae5a01'`, true},
		{"class = 'removal' and hex = 'ffffff'", false},
		{"class = 'x' OR hex = 'ae5a01'", true},
		{"NOT class = 'removal'", false},
		{"NOT (class = 'x' OR hex = 'y')", true},
		{"alt_ft > 30000", true},
		{"alt_ft >= 31000 AND alt_ft <= 31000", true},
		{"alt_ft < 1e3", false},
		{"alt_ft BETWEEN 30000 AND 32000", true},
		{"alt_ft NOT BETWEEN 30000 AND 32000", false},
		{"callsign LIKE 'GXA%'", true},
		{"callsign LIKE 'G_A1_3'", true},
		{"callsign LIKE 'gxa%'", false},
		{"CASEI(callsign) LIKE CASEI('gxa%')", true},
		{"callsign NOT LIKE '%9'", true},
		{"callsign ILIKE 'gxa%'", true},
		{"callsign NOT ILIKE 'gxa%'", false},
		{"class IN ('removal', 'return')", true},
		{"class NOT IN ('removal', 'return')", false},
		{"arrived IS NULL", true},
		{"departed IS NOT NULL", true},
		{"arrived = TIMESTAMP('2025-01-24T14:00:00Z')", false},
		{"NOT arrived = TIMESTAMP('2025-01-24T14:00:00Z')", false}, // unknown stays unknown
		{"on_ground = FALSE", true},
		{"TRUE", true},
		{"FALSE OR class = 'removal'", true},
		{"departed = TIMESTAMP('2025-01-24T14:00:00Z')", true},
		{"departed > '2025-01-24T13:00:00Z'", true},
		{"departed < DATE('2025-01-24')", false},
		{"tags = 'gov'", true},
		{"tags <> 'gov'", false},
		{"S_INTERSECTS(geometry, BBOX(-100, 30, -95, 35))", true},
		{"S_INTERSECTS(geometry, BBOX(0, 0, 10, 10))", false},
		{"S_DISJOINT(geometry, BBOX(0, 0, 10, 10))", true},
		{"S_INTERSECTS(geometry, POLYGON((-95 20, -93 20, -93 25, -95 25, -95 20)))", true}, // the line crosses it
		{"S_INTERSECTS(geometry, POINT(-97.3 32.8))", true},
		{"S_INTERSECTS(geometry, POINT(-97.3 30))", false},
		{"S_INTERSECTS(geometry, LINESTRING(-95 14, -93 30))", true},
		{"T_INTERSECTS(departed, INTERVAL('2025-01-24T00:00:00Z', '2025-01-25T00:00:00Z'))", true},
		{"T_INTERSECTS(departed, INTERVAL('2025-01-01', '2025-01-23'))", false},
		{"T_INTERSECTS(departed, INTERVAL('..', '2025-01-24'))", true}, // a date end covers its day
		{"T_DURING(departed, INTERVAL('2025-01-01T00:00:00Z', '..'))", true},
		{"T_DURING(departed, INTERVAL(DATE('2025-01-25'), '..'))", false},
		{"T_BEFORE(departed, TIMESTAMP('2025-02-01T00:00:00Z'))", true},
		{"T_AFTER(departed, DATE('2025-01-23'))", true},
		{"T_INTERSECTS(departed, DATE('2025-01-24'))", true},
		{"T_INTERSECTS(arrived, DATE('2025-01-24'))", false},
		{"class = 'removal' AND S_INTERSECTS(geometry, BBOX(-100,10,-85,20)) AND T_DURING(departed, INTERVAL('2025-01-01T00:00:00Z','2025-02-01T00:00:00Z'))", true},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			e, err := ParseText(tt.filter)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := Check(e, schema); err != nil {
				t.Fatalf("check: %v", err)
			}
			if got := Eval(e, leg); got != tt.want {
				t.Errorf("Eval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvalJSON(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		{`{"op":"=","args":[{"property":"class"},"removal"]}`, true},
		{`{"op":"and","args":[{"op":"=","args":[{"property":"class"},"removal"]},{"op":">","args":[{"property":"alt_ft"},40000]}]}`, false},
		{`{"op":"or","args":[{"op":"isNull","args":[{"property":"arrived"}]},false]}`, true},
		{`{"op":"not","args":[{"op":"in","args":[{"property":"class"},["return","foreign"]]}]}`, true},
		{`{"op":"like","args":[{"op":"casei","args":[{"property":"callsign"}]},"gxa%"]}`, true},
		{`{"op":"between","args":[{"property":"alt_ft"},1,2]}`, false},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[-100,30,-95,35]}]}`, true},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[-95,20],[-93,20],[-93,25],[-95,25],[-95,20]]]}]}`, true},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[10,10]}]}`, false},
		{`{"op":"t_intersects","args":[{"property":"departed"},{"interval":["2025-01-24T00:00:00Z",".."]}]}`, true},
		{`{"op":"t_during","args":[{"property":"departed"},{"interval":[{"date":"2025-01-25"},".."]}]}`, false},
		{`{"op":"t_after","args":[{"property":"departed"},{"timestamp":"2025-01-24T13:59:59Z"}]}`, true},
		{`{"op":"<","args":[{"property":"departed"},{"timestamp":"2025-01-24T13:59:59Z"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			e, err := ParseJSON([]byte(tt.filter))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := Check(e, schema); err != nil {
				t.Fatalf("check: %v", err)
			}
			if got := Eval(e, leg); got != tt.want {
				t.Errorf("Eval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		filter, want string
		json         bool
	}{
		{"class = ", "filter: at 9: expected a property or a value, found end of filter", false},
		{"class = 'removal' AND", "filter: at 22: expected a property or a value", false},
		{"class = 'removal' hex = 'x'", "filter: at 19: expected AND, OR or end of filter, found \"hex\"", false},
		{"class == 'x'", "filter: at 8: expected a property or a value", false},
		{"class = 'removal", "filter: at 9: unterminated string", false},
		{"nope = 'x'", "filter: at 1: unknown property \"nope\"", false},
		{"alt_ft = 'high'", "filter: at 1: cannot compare number with string", false},
		{"alt_ft LIKE 'x%'", "filter: at 1: LIKE needs a string", false},
		{"S_INTERSECTS(class, BBOX(0,0,1,1))", "filter: at 1: S_INTERSECTS needs geometries, found string", false},
		{"S_INTERSECTS(geometry, BBOX(0,0,1))", "filter: at 24: BBOX needs 4 or 6 numbers", false},
		{"S_CROSSES(geometry, BBOX(0,0,1,1))", "filter: at 1: function S_CROSSES is not supported", false},
		{"S_INTERSECTS(geometry, POLYGON((0 0, 1)))", "filter: at 24: bad geometry", false},
		{"T_DURING(departed, INTERVAL('2025-02-01', '2025-01-01'))", "filter: at 20: interval ends before it starts", false},
		{"departed > TIMESTAMP('yesterday')", "filter: at 22: \"yesterday\" is not an RFC 3339 timestamp", false},
		{"class IS NOTHING", "filter: at 10: expected NULL", false},
		{"class = 'x' AND (hex = 'y'", "filter: at 27: expected \")\"", false},
		{"FOO(class) = 'x'", "filter: at 1: unknown function FOO", false},
		{"class = 'x' ; drop", "filter: at 13: unexpected character ';'", false},
		{`{"op":"=","args":[{"property":"class"}]}`, "filter: at $: op \"=\" takes 2 arguments, has 1", true},
		{`{"op":"and","args":[{"op":"=","args":[{"property":"nope"},"x"]},true]}`, "filter: at $.args[0].args[0]: unknown property \"nope\"", true},
		{`{"op":"=","args":[{"property":"class"},null]}`, "filter: at $.args[1]: null is not a value", true},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[0,"a",1,1]}]}`, "filter: at $.args[1].bbox[1]: expected a number", true},
		{`{"op":"xor","args":[]}`, "filter: at $: unknown or unsupported op \"xor\"", true},
		{`{"op":`, "filter: at $: not JSON", true},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			var e Expr
			var err error
			if tt.json {
				e, err = ParseJSON([]byte(tt.filter))
			} else {
				e, err = ParseText(tt.filter)
			}
			if err == nil {
				err = Check(e, schema)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if got := Message("filter", err); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got  %q\nwant %q...", got, tt.want)
			}
		})
	}
}

func TestNesting(t *testing.T) {
	deep := strings.Repeat("(", 5000) + "class = 'x'" + strings.Repeat(")", 5000)
	if _, err := ParseText(deep); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep nesting: %v", err)
	}
	nots := strings.Repeat("NOT ", 5000) + "class = 'x'"
	if _, err := ParseText(nots); err == nil {
		t.Error("deep NOT chain accepted")
	}
	js := strings.Repeat(`{"op":"not","args":[`, 500) + "true" + strings.Repeat("]}", 500)
	if _, err := ParseJSON([]byte(js)); err == nil {
		t.Error("deep JSON accepted")
	}
}

func TestPushdownHelpers(t *testing.T) {
	e, err := ParseText("class = 'removal' AND ('ae5a01' = hex AND departed >= TIMESTAMP('2025-01-01T00:00:00Z')) AND TIMESTAMP('2025-02-01T00:00:00Z') > departed")
	if err != nil {
		t.Fatal(err)
	}
	cs := Conjuncts(e)
	if len(cs) != 4 {
		t.Fatalf("%d conjuncts, want 4", len(cs))
	}
	if n, v, ok := Equality(cs[1]); !ok || n != "hex" || v != "ae5a01" {
		t.Errorf("Equality = %q %v %v", n, v, ok)
	}
	if n, op, tv, ok := TimeBound(cs[3]); !ok || n != "departed" || op != "<" || !tv.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("TimeBound = %q %q %v %v", n, op, tv, ok)
	}
	if _, _, ok := Equality(cs[2]); ok {
		t.Error("a time bound is not an equality")
	}
}

func TestAntimeridianBBox(t *testing.T) {
	e, err := ParseText("S_INTERSECTS(geometry, BBOX(170, -20, -170, 20))")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		p    orb.Point
		want bool
	}{{orb.Point{175, 0}, true}, {orb.Point{-175, 0}, true}, {orb.Point{0, 0}, false}} {
		if got := Eval(e, rec{geom: tt.p}); got != tt.want {
			t.Errorf("%v: %v, want %v", tt.p, got, tt.want)
		}
	}
}

func FuzzParseText(f *testing.F) {
	for _, s := range []string{"class = 'removal'", "a LIKE 'x%' AND NOT b IN (1,2)", "S_INTERSECTS(geometry, POLYGON((0 0,1 0,1 1,0 0)))",
		"T_DURING(departed, INTERVAL('2025-01-01','..'))", "x IS NOT NULL OR y BETWEEN 1 AND 2", "CASEI(a) = 'x'", `"q" <> -1.5e3`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseText(s)
		if err != nil {
			if e != nil {
				t.Fatal("expression with an error")
			}
			return
		}
		if Check(e, schema) == nil {
			Eval(e, leg)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"op":"=","args":[{"property":"class"},"removal"]}`, `true`,
		`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[0,0,1,1]}]}`,
		`{"op":"t_intersects","args":[{"property":"departed"},{"interval":["..","2025-01-01"]}]}`,
		`{"op":"in","args":[{"property":"class"},["a","b"]]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseJSON(b)
		if err != nil {
			return
		}
		if Check(e, schema) == nil {
			Eval(e, leg)
		}
	})
}
