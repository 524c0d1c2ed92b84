package legline

import (
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

func pts(n int) []flight.TrackPoint {
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	out := make([]flight.TrackPoint, n)
	for i := range out {
		out[i] = flight.TrackPoint{Hex: "ae1234", Time: t0.Add(time.Duration(i) * time.Second), Lat: -33.9 + float64(i)*1e-4,
			Lon: 179.99 - float64(i)*1e-4, AltFt: float64(i * 100), Has: flight.HasAlt}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	in := pts(5)
	in[2].Has, in[2].AltFt = 0, 0
	var b []byte
	for i := range in {
		b = Append(b, &in[i])
	}
	if len(b) != 5*Size {
		t.Fatalf("len = %d, want %d", len(b), 5*Size)
	}
	got, err := Decode(b, "ae1234")
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		g, w := got[i], in[i]
		if !g.Time.Equal(w.Time) || g.Has != w.Has || g.AltFt != w.AltFt || abs(g.Lat-w.Lat) > 1e-7 || abs(g.Lon-w.Lon) > 1e-7 {
			t.Errorf("Decode[%d] = %+v, want %+v", i, g, w)
		}
	}
	if last, ok := Last(b); !ok || last != in[4].Time.UnixMicro() {
		t.Errorf("Last = %d, %v; want %d", last, ok, in[4].Time.UnixMicro())
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestThin(t *testing.T) {
	tests := []struct {
		name    string
		n, want int
	}{
		{"empty", 0, 0}, {"one", 1, 1}, {"two", 2, 2}, {"odd keeps last", 5, 3}, {"even keeps last", 6, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := pts(tc.n)
			var b []byte
			for i := range in {
				b = Append(b, &in[i])
			}
			got, err := Decode(Thin(b), "ae1234")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Fatalf("Thin(%d) = %d points, want %d", tc.n, len(got), tc.want)
			}
			if tc.n > 0 && (!got[0].Time.Equal(in[0].Time) || !got[len(got)-1].Time.Equal(in[tc.n-1].Time)) {
				t.Errorf("Thin(%d) spans %v..%v, want the first and last point", tc.n, got[0].Time, got[len(got)-1].Time)
			}
		})
	}
}

func TestAppendNewer(t *testing.T) {
	p := pts(30)
	line := AppendNewer(nil, p[:10], 0)
	line = AppendNewer(line, p[5:12], 0)                                 // overlap: 10, 11 new
	line = AppendNewer(line, []flight.TrackPoint{p[3], p[12], p[12]}, 0) // old, new, repeat
	got, _ := Decode(line, "ae1234")
	if len(got) != 13 {
		t.Fatalf("AppendNewer kept %d points, want 13", len(got))
	}
	line = AppendNewer(line, p[13:], 8)
	got, _ = Decode(line, "ae1234")
	if len(got) > 8 || !got[0].Time.Equal(p[0].Time) || !got[len(got)-1].Time.Equal(p[29].Time) {
		t.Errorf("bounded line = %d points %v..%v, want <= 8 spanning the whole leg", len(got), got[0].Time, got[len(got)-1].Time)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	if _, err := Decode(make([]byte, Size+3), "x"); err == nil {
		t.Error("Decode(23 bytes) = nil error, want ErrCorrupt")
	}
}

func FuzzDecode(f *testing.F) {
	p := pts(3)
	var b []byte
	for i := range p {
		b = Append(b, &p[i])
	}
	f.Add(b)
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(b, "x")
		if err != nil {
			return
		}
		if len(got) != len(b)/Size {
			t.Fatalf("Decode(%d bytes) = %d points", len(b), len(got))
		}
		var again []byte
		for i := range got {
			again = Append(again, &got[i])
		}
		if len(Thin(again)) > len(again) {
			t.Fatal("Thin grew the line")
		}
	})
}
