package stream

import "testing"

func FuzzParseSubscribe(f *testing.F) {
	for _, s := range []string{`{"op":"subscribe"}`, `{"op":"subscribe","bbox":[-130,20,-60,50],"layers":["aircraft","alerts","reports"]}`,
		`{"op":"subscribe","resume":{"epoch":"ab","offset":3}}`, `garbage`, `{"op":"x"}`, `{"op":"subscribe","bbox":[1e999,0,0,0]}`,
		`{"op":"subscribe","format":"delta"}`, `{"op":"subscribe","format":"xml"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sub, err := parseSubscribe(b)
		if err != nil {
			return
		}
		if len(sub.layers) == 0 {
			t.Errorf("parseSubscribe(%q): no layers", b)
		}
		if sub.format != "" && sub.format != formatDelta {
			t.Errorf("parseSubscribe(%q): format %q", b, sub.format)
		}
		if _, wide := tilesOf(sub.bbox); !wide {
			tiles, _ := tilesOf(sub.bbox)
			if len(tiles) == 0 || len(tiles) > wideTiles {
				t.Errorf("parseSubscribe(%q): bbox %v has %d tiles", b, sub.bbox, len(tiles))
			}
		}
	})
}
