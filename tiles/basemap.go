package tiles

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/tiles/internal/pack"
)

//go:generate go run ./internal/gen -out data

//go:embed data/basemap.fwb.gz
var basemapGz []byte

// Layer names of the basemap, in drawing order.
const (
	LayerLand       = "land"
	LayerCountries  = "countries"
	LayerBoundaries = "boundaries"
	LayerLakes      = "lakes"
	LayerStates     = "states"
	LayerPlaces     = "places"
	LayerAirports   = "airports"
)

// MaxZoom is the highest zoom served; maps over-zoom beyond it.
const MaxZoom = 14

// bufferUnits is how far, in tile units of the 4096 extent, geometry
// reaches past a tile's edge, so that lines and fills join seamlessly.
const (
	extent      = 4096
	bufferUnits = 64
)

// simplifiedZooms: below this zoom, geometry is pre-simplified once per
// zoom; at and above it, tiles simplify their clipped geometry, which they
// cut from the full-detail geometry already clipped to their ancestor at
// ancestorZoom (so a tile does not walk a whole continent's coastline).
const (
	simplifiedZooms = 8
	ancestorZoom    = 5
	maxAncestors    = 64
)

// feature is one embedded feature with its bound and the lowest zoom it
// shows at.
type feature struct {
	props   geojson.Properties
	geom    orb.Geometry
	bound   orb.Bound
	minZoom maptile.Zoom
}

type layer struct {
	name     string
	features []feature
}

// Basemap holds the decoded layers. Build it with Load or Embedded.
type Basemap struct {
	layers []layer // full detail

	levelMu sync.Mutex
	levels  [simplifiedZooms][]layer // lazily simplified copies

	ancMu     sync.Mutex
	ancestors map[maptile.Tile]*ancestor
	ancOrder  []maptile.Tile // oldest first, for eviction
}

// ancestor is the full-detail geometry clipped to one tile of
// ancestorZoom, computed once.
type ancestor struct {
	once   sync.Once
	layers []layer
}

// Embedded decodes the basemap of the embedded data, with the airports of
// the index given (nil: no airports layer).
func Embedded(airports *geo.AirportIndex) (*Basemap, error) {
	var list []geo.Airport
	if airports != nil {
		list = airports.All()
	}
	return Load(bytes.NewReader(basemapGz), list)
}

// Load builds a basemap from gzip-compressed pack data and a list of
// airports.
func Load(r io.Reader, airports []geo.Airport) (*Basemap, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("tiles: load: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("tiles: load: %w", err)
	}
	packed, err := pack.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("tiles: load: %w", err)
	}
	b := &Basemap{ancestors: map[maptile.Tile]*ancestor{}}
	for _, pl := range packed {
		l := layer{name: pl.Name, features: make([]feature, 0, len(pl.Features))}
		for _, pf := range pl.Features {
			f := feature{props: geojson.Properties(pf.Props), geom: pf.Geometry, bound: pf.Geometry.Bound()}
			f.minZoom = minZoomOf(pl.Name, f.props)
			l.features = append(l.features, f)
		}
		if pl.Name == "counties" { // older data kept counties apart
			l.name = LayerStates
		}
		b.layers = append(b.layers, l)
	}
	b.layers = append(b.layers, airportLayer(airports))
	return b, nil
}

// minZoomOf is the lowest zoom a feature of a layer shows at: places by
// population, counties from zoom 7, state lines from zoom 3, lakes from
// their Natural Earth min_zoom.
func minZoomOf(layerName string, p geojson.Properties) maptile.Zoom {
	switch layerName {
	case LayerPlaces:
		pop, _ := p["pop"].(int64)
		for _, s := range []struct {
			pop int64
			z   maptile.Zoom
		}{{2_000_000, 3}, {1_000_000, 4}, {500_000, 5}, {200_000, 6}, {100_000, 7}, {50_000, 8}, {20_000, 9}, {5_000, 10}} {
			if pop >= s.pop {
				return s.z
			}
		}
		return 11
	case LayerStates:
		if p["kind"] == "county" {
			return 7
		}
		return 3
	case LayerLakes:
		z, _ := p["min_zoom"].(int64)
		return maptile.Zoom(max(0, min(z, MaxZoom)))
	}
	return 0
}

// airportLayer makes the airports layer: large airports from zoom 4,
// medium from 7, small from 9.
func airportLayer(list []geo.Airport) layer {
	l := layer{name: LayerAirports, features: make([]feature, 0, len(list))}
	for _, a := range list {
		var size string
		var z maptile.Zoom
		switch a.Type {
		case geo.LargeAirport:
			size, z = "large", 4
		case geo.MediumAirport:
			size, z = "medium", 7
		case geo.SmallAirport:
			size, z = "small", 9
		default:
			continue
		}
		p := a.Point()
		l.features = append(l.features, feature{
			props:   geojson.Properties{"name": a.Name, "ident": a.Ident, "iata": a.IATA, "size": size},
			geom:    p,
			bound:   p.Bound(),
			minZoom: z,
		})
	}
	return l
}

// source returns the layers tile t is cut from: the layers simplified for
// its zoom, or from simplifiedZooms up, the full-detail geometry clipped
// to its ancestor.
func (b *Basemap) source(t maptile.Tile) []layer {
	if t.Z < simplifiedZooms {
		return b.level(t.Z)
	}
	shift := t.Z - ancestorZoom
	at := maptile.New(t.X>>shift, t.Y>>shift, ancestorZoom)
	b.ancMu.Lock()
	a, ok := b.ancestors[at]
	if !ok {
		a = &ancestor{}
		b.ancestors[at] = a
		b.ancOrder = append(b.ancOrder, at)
		if len(b.ancOrder) > maxAncestors {
			delete(b.ancestors, b.ancOrder[0])
			b.ancOrder = b.ancOrder[1:]
		}
	}
	b.ancMu.Unlock()
	a.once.Do(func() { a.layers = clipLayers(b.layers, at.Bound(float64(bufferUnits)/extent), 0) })
	return a.layers
}

// clipLayers returns the features of layers that show at zoom z (z 0:
// every feature) and reach into bound, their geometry clipped to it.
func clipLayers(layers []layer, bound orb.Bound, z maptile.Zoom) []layer {
	out := make([]layer, len(layers))
	for i, l := range layers {
		out[i].name = l.name
		for _, f := range l.features {
			if z > 0 && f.minZoom > z || !f.bound.Intersects(bound) {
				continue
			}
			if f.geom.Dimensions() > 0 {
				g := clip.Geometry(bound, orb.Clone(f.geom))
				if g == nil {
					continue
				}
				f.geom, f.bound = g, g.Bound()
			} else if !bound.Contains(f.geom.(orb.Point)) {
				continue
			}
			out[i].features = append(out[i].features, f)
		}
	}
	return out
}

// level returns the layers simplified for zoom z < simplifiedZooms.
func (b *Basemap) level(z maptile.Zoom) []layer {
	b.levelMu.Lock()
	defer b.levelMu.Unlock()
	if b.levels[z] != nil {
		return b.levels[z]
	}
	// a tile unit at the equator, in degrees
	tol := 360.0 / float64(uint64(1)<<z) / extent
	dp := simplify.DouglasPeucker(tol)
	out := make([]layer, len(b.layers))
	for i, l := range b.layers {
		out[i] = layer{name: l.name, features: make([]feature, 0, len(l.features))}
		for _, f := range l.features {
			if f.minZoom > z {
				continue
			}
			if f.geom.Dimensions() > 0 {
				g := dp.Simplify(orb.Clone(f.geom))
				if g == nil || isEmpty(g) {
					continue
				}
				f.geom = g
			}
			out[i].features = append(out[i].features, f)
		}
	}
	b.levels[z] = out
	return out
}

func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 && len(p[0]) >= 4 {
				return false
			}
		}
		return true
	case orb.MultiLineString:
		for _, ls := range g {
			if len(ls) >= 2 {
				return false
			}
		}
		return true
	}
	return false
}

// Layers returns the features of tile t in tile coordinates (extent 4096),
// clipped to the tile plus a buffer and simplified to its resolution.
func (b *Basemap) Layers(t maptile.Tile) mvt.Layers {
	bound := t.Bound(float64(bufferUnits) / extent)
	var ls mvt.Layers
	for _, l := range clipLayers(b.source(t), bound, t.Z) {
		if len(l.features) == 0 {
			continue
		}
		fc := geojson.NewFeatureCollection()
		for _, f := range l.features {
			fc.Append(&geojson.Feature{Type: "Feature", Geometry: f.geom, Properties: f.props})
		}
		ml := mvt.NewLayer(l.name, fc)
		ml.ProjectToTile(t)
		ml.Simplify(simplify.DouglasPeucker(2))
		ml.RemoveEmpty(8, 64) // under a pixel long or a pixel square at 512 px a tile
		for _, f := range ml.Features {
			f.Geometry = orient(f.Geometry)
		}
		if len(ml.Features) > 0 {
			ls = append(ls, ml)
		}
	}
	return ls
}

// Tile returns tile t encoded as an uncompressed Mapbox vector tile; a tile
// with no features is empty.
func (b *Basemap) Tile(t maptile.Tile) ([]byte, error) {
	if !t.Valid() || t.Z > MaxZoom {
		return nil, fmt.Errorf("tiles: tile %d/%d/%d out of range", t.Z, t.X, t.Y)
	}
	data, err := mvt.Marshal(b.Layers(t))
	if err != nil {
		return nil, fmt.Errorf("tiles: encode %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return data, nil
}

// orient winds polygon rings as the vector tile spec wants in tile
// coordinates (y down): outer rings clockwise on screen, holes
// anticlockwise, which is orb.CCW and orb.CW in orb's y-up terms.
func orient(g orb.Geometry) orb.Geometry {
	fix := func(p orb.Polygon) {
		for i, r := range p {
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
			}
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		fix(g)
	case orb.MultiPolygon:
		for _, p := range g {
			fix(p)
		}
	}
	return g
}
