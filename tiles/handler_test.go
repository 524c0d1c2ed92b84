package tiles

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/flightwatch/flightwatch/geo"
)

// houston is the zoom 9 tile holding downtown Houston and Ellington
// (KEFD).
var houston = maptile.At(orb.Point{-95.2, 29.7}, 9)

func get(t *testing.T, h http.Handler, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func tilePath(t maptile.Tile) string {
	return "/tiles/basemap/" + itoa(int(t.Z)) + "/" + itoa(int(t.X)) + "/" + itoa(int(t.Y)) + ".mvt"
}

func itoa(n int) string { return strconv.Itoa(n) }

// decode decodes a tile answer into layers by name.
func decode(t *testing.T, body []byte) map[string]*mvt.Layer {
	t.Helper()
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("mvt.Unmarshal: %v", err)
	}
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func has(l *mvt.Layer, key, value string) bool {
	if l == nil {
		return false
	}
	for _, f := range l.Features {
		if f.Properties[key] == value {
			return true
		}
	}
	return false
}

func TestHoustonTile(t *testing.T) {
	h := New(Config{Airports: testAirports(t)})
	rec := get(t, h, tilePath(houston), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", tilePath(houston), rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Errorf("Content-Type = %q", ct)
	}
	if rec.Header().Get("ETag") == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age") {
		t.Errorf("headers %v lack ETag or Cache-Control max-age", rec.Header())
	}
	layers := decode(t, rec.Body.Bytes())
	if l := layers[LayerLand]; l == nil || len(l.Features) == 0 {
		t.Errorf("layer land missing or empty in %v", keys(layers))
	}
	checks := []struct{ layer, key, value string }{
		{LayerCountries, "name", "United States of America"},
		{LayerStates, "name", "Texas"},
		{LayerStates, "name", "Harris"},
		{LayerPlaces, "name", "Houston"},
		{LayerAirports, "ident", "KEFD"},
		{LayerAirports, "name", "Ellington Airport"},
		{LayerAirports, "ident", "KHOU"},
	}
	for _, c := range checks {
		if !has(layers[c.layer], c.key, c.value) {
			t.Errorf("tile %v layer %s has no feature with %s=%q", houston, c.layer, c.key, c.value)
		}
	}
	// Ellington sits on land: its point is inside the land polygon of the
	// tile, not offshore.
	land := layers[LayerLand]
	for _, f := range layers[LayerAirports].Features {
		if f.Properties["ident"] != "KEFD" {
			continue
		}
		p := f.Geometry.(orb.Point)
		if p[0] < 0 || p[0] >= extent || p[1] < 0 || p[1] >= extent {
			t.Errorf("KEFD at %v, outside the tile", p)
		}
		if land == nil || !insideAny(land, p) {
			t.Errorf("KEFD at %v is not inside a land polygon", p)
		}
	}
}

// TestLakesTile: the tile over Lake Michigan has the lake, and a point in
// the middle of the lake lies in its polygon and not in the lake's absence.
func TestLakesTile(t *testing.T) {
	h := New(Config{Airports: testAirports(t)})
	mid := orb.Point{-87.0, 43.5}
	tile := maptile.At(mid, 5)
	rec := get(t, h, tilePath(tile), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", tilePath(tile), rec.Code, rec.Body)
	}
	layers := decode(t, rec.Body.Bytes())
	lakes := layers[LayerLakes]
	if !has(lakes, "name", "Lake Michigan") {
		t.Fatalf("tile %v layer %s has no Lake Michigan (layers %v)", tile, LayerLakes, keys(layers))
	}
	p := tileUnits(tile, mid)
	if !insideAny(lakes, p) {
		t.Errorf("the middle of Lake Michigan %v (tile units %v) is in no lake polygon", mid, p)
	}
	if insideAny(lakes, tileUnits(tile, orb.Point{-89.4, 43.1})) { // Madison, Wisconsin, on land
		t.Errorf("Madison, Wisconsin is inside a lake polygon")
	}
}

// tileUnits projects p into the 4096-unit grid of tile t.
func tileUnits(t maptile.Tile, p orb.Point) orb.Point {
	b := t.Bound()
	wm := func(q orb.Point) (float64, float64) {
		x := (q[0] + 180) / 360
		s := math.Sin(q[1] * math.Pi / 180)
		y := 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
		return x, y
	}
	x0, y0 := wm(orb.Point{b.Min[0], b.Max[1]})
	x1, y1 := wm(orb.Point{b.Max[0], b.Min[1]})
	x, y := wm(p)
	return orb.Point{(x - x0) / (x1 - x0) * extent, (y - y0) / (y1 - y0) * extent}
}

func insideAny(l *mvt.Layer, p orb.Point) bool {
	for _, f := range l.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			if ringContains(g[0], p) {
				return true
			}
		case orb.MultiPolygon:
			for _, poly := range g {
				if ringContains(poly[0], p) {
					return true
				}
			}
		}
	}
	return false
}

// ringContains is the even-odd rule.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func keys(m map[string]*mvt.Layer) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestZoomThinsLabels(t *testing.T) {
	b, err := Embedded(testAirports(t))
	if err != nil {
		t.Fatal(err)
	}
	// names returns the values of key of the features of layer in the
	// tile at zoom z over Houston.
	names := func(z maptile.Zoom, layer, key string) map[string]bool {
		out := map[string]bool{}
		for _, l := range b.Layers(maptile.At(orb.Point{-95.2, 29.7}, z)) {
			if l.Name == layer {
				for _, f := range l.Features {
					out[f.Properties[key].(string)] = true
				}
			}
		}
		return out
	}
	tests := []struct {
		z            maptile.Zoom
		layer, value string
		want         bool
	}{
		{3, LayerPlaces, "Houston", true},
		{3, LayerPlaces, "Pasadena", false},
		{9, LayerPlaces, "Pasadena", true},
		{3, LayerAirports, "KIAH", false},
		{5, LayerAirports, "KIAH", true},
		{5, LayerAirports, "KEFD", false},
		{9, LayerAirports, "KEFD", true},
		{8, LayerAirports, "KDWH", false}, // small: David Wayne Hooks
		{9, LayerAirports, "KDWH", true},
		{6, LayerStates, "Harris", false},
		{7, LayerStates, "Harris", true},
	}
	for _, tt := range tests {
		key := "name"
		if tt.layer == LayerAirports {
			key = "ident"
		}
		if got := names(tt.z, tt.layer, key)[tt.value]; got != tt.want {
			t.Errorf("z%d layer %s has %s: %v, want %v", tt.z, tt.layer, tt.value, got, tt.want)
		}
	}
}

func TestTileErrors(t *testing.T) {
	h := New(Config{Airports: testAirports(t)})
	tests := []struct {
		path string
		want int
	}{
		{"/tiles/basemap/x/1/1.mvt", http.StatusBadRequest},
		{"/tiles/basemap/1/-1/0.mvt", http.StatusBadRequest},
		{"/tiles/basemap/1/1/1.png", http.StatusBadRequest},
		{"/tiles/basemap/1/1/1e2.mvt", http.StatusBadRequest},
		{"/tiles/basemap/3/8/0.mvt", http.StatusNotFound},
		{"/tiles/basemap/3/0/8.mvt", http.StatusNotFound},
		{"/tiles/basemap/15/0/0.mvt", http.StatusNotFound},
		{"/tiles/basemap/99999999999/0/0.mvt", http.StatusBadRequest},
		{"/tiles/other/0/0/0.mvt", http.StatusNotFound},
		{"/fonts/Comic Sans/0-255.pbf", http.StatusNotFound},
		{"/fonts/Noto Sans Regular/0-256.pbf", http.StatusBadRequest},
		{"/fonts/Noto Sans Regular/1-256.pbf", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(t, h, strings.ReplaceAll(tt.path, " ", "%20"), nil)
			if rec.Code != tt.want {
				t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.want)
			}
			var body struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == "" {
				t.Errorf("GET %s body %q: want {\"error\": ...}", tt.path, rec.Body)
			}
		})
	}
}

func TestCacheAndConditional(t *testing.T) {
	h := New(Config{Airports: testAirports(t)})
	path := tilePath(maptile.New(0, 0, 1))
	first := get(t, h, path, map[string]string{"Accept-Encoding": "gzip, deflate"})
	if first.Code != http.StatusOK || first.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s with gzip = %d, Content-Encoding %q", path, first.Code, first.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(first.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if hits, misses, _ := h.cache.stats(); hits != 0 || misses != 1 {
		t.Errorf("after one request: hits %d misses %d, want 0 and 1", hits, misses)
	}
	plain := get(t, h, path, nil)
	if !bytes.Equal(plain.Body.Bytes(), unzipped) || plain.Header().Get("Content-Encoding") != "" {
		t.Errorf("plain answer differs from the gunzipped one")
	}
	if hits, _, _ := h.cache.stats(); hits != 1 {
		t.Errorf("second request: hits %d, want 1 (served from the cache)", hits)
	}
	if len(decode(t, plain.Body.Bytes())) == 0 {
		t.Errorf("tile %s has no layers", path)
	}
	etag := plain.Header().Get("ETag")
	if etag != first.Header().Get("ETag") {
		t.Errorf("ETag %q differs between encodings %q", etag, first.Header().Get("ETag"))
	}
	if rec := get(t, h, path, map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match %s = %d with %d bytes, want 304 and none", etag, rec.Code, rec.Body.Len())
	}
}

func TestCacheEvicts(t *testing.T) {
	c := newCache(300)
	for _, k := range []string{"a", "b", "c"} {
		c.add(k, &encoded{raw: make([]byte, 100)})
	}
	if _, ok := c.get("a"); ok {
		t.Errorf("oldest entry kept past the byte bound")
	}
	if _, ok := c.get("c"); !ok {
		t.Errorf("newest entry evicted")
	}
	if _, _, n := c.stats(); n > 300 {
		t.Errorf("cache holds %d bytes, bound 300", n)
	}
}

func TestTileJSON(t *testing.T) {
	rec := get(t, New(Config{Airports: testAirports(t)}), "/tiles/basemap.json", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /tiles/basemap.json = %d", rec.Code)
	}
	var doc struct {
		TileJSON     string   `json:"tilejson"`
		Tiles        []string `json:"tiles"`
		MaxZoom      int      `json:"maxzoom"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || !strings.HasSuffix(doc.Tiles[0], "/tiles/basemap/{z}/{x}/{y}.mvt") || doc.MaxZoom != MaxZoom {
		t.Errorf("TileJSON = %+v", doc)
	}
	ids := map[string]bool{}
	for _, l := range doc.VectorLayers {
		ids[l.ID] = true
	}
	for _, want := range []string{LayerLand, LayerCountries, LayerBoundaries, LayerStates, LayerPlaces, LayerAirports} {
		if !ids[want] {
			t.Errorf("vector_layers lack %s", want)
		}
	}
}

func TestGlyphs(t *testing.T) {
	h := New(Config{Airports: testAirports(t)})
	for _, tt := range []struct {
		path      string
		minGlyphs int
	}{
		{"/fonts/Noto%20Sans%20Regular/0-255.pbf", 90},
		{"/fonts/Noto%20Sans%20Bold,Noto%20Sans%20Regular/0-255.pbf", 90},
		{"/fonts/Noto%20Sans%20Regular/61440-61695.pbf", 0}, // none there: an empty set
	} {
		rec := get(t, h, tt.path, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", tt.path, rec.Code, rec.Body)
		}
		n, hasA := countGlyphs(t, rec.Body.Bytes())
		if n < tt.minGlyphs || (tt.minGlyphs > 0 && !hasA) {
			t.Errorf("GET %s: %d glyphs (A: %v), want at least %d", tt.path, n, hasA, tt.minGlyphs)
		}
	}
}

// countGlyphs counts the glyphs of the one font stack in a glyph set, and
// whether 'A' has a bitmap.
func countGlyphs(t *testing.T, b []byte) (int, bool) {
	t.Helper()
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 || num != 1 || typ != protowire.BytesType {
		t.Fatalf("glyphs: first field %d/%d", num, typ)
	}
	stack, m := protowire.ConsumeBytes(b[n:])
	if m < 0 || n+m != len(b) {
		t.Fatalf("glyphs: bad stacks field")
	}
	count, hasA := 0, false
	for len(stack) > 0 {
		num, typ, n := protowire.ConsumeTag(stack)
		if n < 0 {
			t.Fatalf("fontstack: bad tag")
		}
		stack = stack[n:]
		m := protowire.ConsumeFieldValue(num, typ, stack)
		if m < 0 {
			t.Fatalf("fontstack: bad field %d", num)
		}
		if num == 3 {
			count++
			g := stack[:m]
			g, _ = protowire.ConsumeBytes(g)
			id, bitmap := uint64(0), 0
			for len(g) > 0 {
				gn, gt, k := protowire.ConsumeTag(g)
				g = g[k:]
				l := protowire.ConsumeFieldValue(gn, gt, g)
				switch gn {
				case 1:
					id, _ = protowire.ConsumeVarint(g)
				case 2:
					v, _ := protowire.ConsumeBytes(g)
					bitmap = len(v)
				}
				g = g[l:]
			}
			if id == 'A' && bitmap > 0 {
				hasA = true
			}
		}
		stack = stack[m:]
	}
	return count, hasA
}

// TestConcurrentTiles requests the same tiles from several goroutines at
// once (cache, simplified levels and ancestors are shared) and checks that
// every answer equals the one a fresh handler gives.
func TestConcurrentTiles(t *testing.T) {
	paths := []string{tilePath(houston), tilePath(houston.Parent()), tilePath(maptile.New(241, 422, 10)), tilePath(maptile.New(1, 3, 3))}
	want := map[string][]byte{}
	ref := New(Config{Basemap: mustLoad(t)})
	for _, p := range paths {
		want[p] = get(t, ref, p, nil).Body.Bytes()
	}
	h := New(Config{CacheBytes: 1 << 10, Airports: testAirports(t)}) // tiny: evictions under way
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := range paths {
				p := paths[(i+g)%len(paths)]
				req := httptest.NewRequest(http.MethodGet, p, nil)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want[p]) {
					errs <- p
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for p := range errs {
		t.Errorf("concurrent GET %s differs from a lone request", p)
	}
}

// mustLoad decodes the embedded data into a Basemap of its own.
func mustLoad(t *testing.T) *Basemap {
	t.Helper()
	b, err := Load(bytes.NewReader(basemapGz), testAirports(t).All())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testAirports is the embedded airport list, as main loads it.
func testAirports(tb testing.TB) *geo.AirportIndex {
	tb.Helper()
	ix, err := geo.EmbeddedAirports()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}
