package export

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"
)

func TestAppendFixed(t *testing.T) {
	tests := []struct {
		name string
		v    float64
		prec int
		want string
	}{
		{"integer", 35000, 0, "35000"},
		{"round half up", 2.5, 0, "3"},
		{"coordinate", -106.38, 6, "-106.38"},
		{"tiny", 0.000001, 6, "0.000001"},
		{"negative tiny rounds to zero", -0.0000001, 6, "0"},
		{"trailing zeros", 12.5000, 1, "12.5"},
		{"NaN", math.NaN(), 1, "null"},
		{"huge", 1e15, 0, "1000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendFixed(nil, tt.v, tt.prec)); got != tt.want {
				t.Errorf("AppendFixed(%v, %d) = %s, want %s", tt.v, tt.prec, got, tt.want)
			}
		})
	}
}

func FuzzAppendFixed(f *testing.F) {
	f.Add(-106.38, 6)
	f.Add(0.5, 0)
	f.Fuzz(func(t *testing.T, v float64, prec int) {
		prec = ((prec % 7) + 7) % 7
		got := string(AppendFixed(nil, v, prec))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		g, err := strconv.ParseFloat(got, 64)
		if err != nil {
			t.Fatalf("AppendFixed(%v, %d) = %q, not a number", v, prec, got)
		}
		if math.Abs(g-v) > 0.5/math.Pow(10, float64(prec))*1.000001+math.Abs(v)*1e-15 {
			t.Errorf("AppendFixed(%v, %d) = %s, off by %g", v, prec, got, g-v)
		}
		if q := AppendQuoted(nil, got); string(q) != strconv.Quote(got) {
			t.Errorf("AppendQuoted(%q) = %s", got, q)
		}
	})
}

func FuzzAppendQuoted(f *testing.F) {
	for _, s := range []string{"RCH821", `a"b`, "é", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(AppendQuoted(nil, s), &back); err != nil {
			t.Fatalf("AppendQuoted(%q) is not JSON: %v", s, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Errorf("AppendQuoted(%q) reads back as %q", s, back)
		}
	})
}
