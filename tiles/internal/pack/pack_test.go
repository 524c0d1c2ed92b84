package pack

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func sample() []Layer {
	return []Layer{
		{Name: "places", Features: []Feature{
			{Props: map[string]any{"name": "Houston", "pop": int64(2304580)}, Geometry: orb.Point{-95.36327, 29.76328}},
		}},
		{Name: "states", Features: []Feature{
			{Props: map[string]any{"name": "Texas"}, Geometry: orb.MultiPolygon{{{{-106.5, 31.8}, {-94.0, 33.5}, {-97.1, 25.9}, {-106.5, 31.8}}}}},
			{Props: map[string]any{}, Geometry: orb.MultiLineString{{{-180, -90}, {180, 90}}, {{1, 2}, {3, 4}}}},
		}},
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if want := sample(); !reflect.DeepEqual(got, want) {
		t.Errorf("Decode(Encode(x)) = %+v, want %+v", got, want)
	}
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name string
		f    Feature
	}{
		{"float property", Feature{Props: map[string]any{"x": 1.5}, Geometry: orb.Point{}}},
		{"polygon not multi", Feature{Geometry: orb.Polygon{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Encode(&bytes.Buffer{}, []Layer{{Name: "x", Features: []Feature{tt.f}}}); err == nil {
				t.Errorf("Encode(%+v) = nil, want an error", tt.f)
			}
		})
	}
}

func TestDecodeBad(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"wrong magic", []byte("XXXX\x00")},
		{"truncated", good[:len(good)-3]},
		{"trailing", append(append([]byte{}, good...), 0)},
		{"huge count", []byte("FWB1\xff\xff\xff\xff\x0f")},
		{"out of range point", []byte("FWB1\x01\x01x\x01\x00P\xfe\xff\xff\xff\x01\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(tt.in); !errors.Is(err, ErrFormat) {
				t.Errorf("Decode(%q) error = %v, want ErrFormat", tt.in, err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("FWB1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		layers, err := Decode(b)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, layers); err != nil {
			t.Fatalf("Encode(Decode(b)): %v", err)
		}
		again, err := Decode(out.Bytes())
		if err != nil || !reflect.DeepEqual(again, layers) {
			t.Fatalf("round trip of decoded input differs: %v", err)
		}
	})
}
