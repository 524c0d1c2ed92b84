package ogc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// requestLog records the items requests a server answered, with the
// number of features each returned.
type requestLog struct {
	mu   sync.Mutex
	reqs []loggedRequest
}

type loggedRequest struct {
	path     string
	query    url.Values
	returned int
}

// recorder keeps a copy of the response body.
type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// newLoggedServer serves the API at /ogc/ and logs items requests.
func newLoggedServer(t *testing.T, cfg Config, deps Deps) (*httptest.Server, *requestLog) {
	t.Helper()
	if deps.Store == nil {
		deps.Store = loadStore(t)
	}
	log := &requestLog{}
	h := http.StripPrefix("/ogc", New(cfg, deps))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/items") {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		var doc struct {
			NumberReturned int `json:"numberReturned"`
		}
		_ = json.Unmarshal(rec.buf.Bytes(), &doc)
		log.mu.Lock()
		log.reqs = append(log.reqs, loggedRequest{path: r.URL.Path, query: r.URL.Query(), returned: doc.NumberReturned})
		log.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

func (l *requestLog) take() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.reqs
	l.reqs = nil
	return out
}

// TestGDALFilter has GDAL's OAPIF driver translate -where into a CQL2
// filter and -spat into bbox, and checks that the server did the
// filtering: the requests it received carry them and return only matches.
func TestGDALFilter(t *testing.T) {
	needGDAL(t)
	srv, log := newLoggedServer(t, Config{PublicRawReports: true}, Deps{})
	ds := "OAPIF:" + srv.URL + "/ogc"

	t.Run("where", func(t *testing.T) {
		log.take()
		out := run(t, "ogrinfo", "-ro", "-al", "-q", ds, "flights", "-where", "class = 'removal'")
		if n := strings.Count(out, "OGRFeature(flights)"); n != 1 || !strings.Contains(out, "class (String) = removal") ||
			strings.Contains(out, "class (String) = domestic") {
			t.Fatalf("ogrinfo -where: %d features:\n%s", n, out)
		}
		filtered := false
		for _, r := range log.take() {
			if strings.Contains(r.query.Get("filter"), "class = 'removal'") {
				filtered = true
				if r.returned != 1 {
					t.Errorf("filtered request %v returned %d features, want 1", r.query, r.returned)
				}
			}
			// GDAL reads one unfiltered page first to learn the fields.
		}
		if !filtered {
			t.Error("the server received no CQL2 filter")
		}
	})
	t.Run("where on alerts", func(t *testing.T) {
		log.take()
		out := run(t, "ogrinfo", "-ro", "-al", "-q", ds, "alerts", "-where", "type = 'diverted'")
		if n := strings.Count(out, "OGRFeature(alerts)"); n != 1 || !strings.Contains(out, "KIAH") {
			t.Fatalf("ogrinfo -where on alerts: %d features:\n%s", n, out)
		}
		sawFilter := false
		for _, r := range log.take() {
			sawFilter = sawFilter || r.query.Get("filter") != ""
		}
		if !sawFilter {
			t.Error("the server received no CQL2 filter")
		}
	})
	t.Run("spat", func(t *testing.T) {
		log.take()
		out := run(t, "ogrinfo", "-ro", "-al", "-q", ds, "aircraft", "-spat", "-101", "24", "-99", "26")
		if n := strings.Count(out, "OGRFeature(aircraft)"); n != 1 || !strings.Contains(out, "ae1234") {
			t.Fatalf("ogrinfo -spat: %d features:\n%s", n, out)
		}
		sawBBox := false
		for _, r := range log.take() {
			if r.query.Get("bbox") != "" {
				sawBBox = true
				if r.returned != 1 {
					t.Errorf("bbox request %v returned %d features, want 1", r.query, r.returned)
				}
			}
		}
		if !sawBBox {
			t.Error("the server received no bbox")
		}
	})
	t.Run("EPSG:3857 page opens in place", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/ogc/collections/aircraft/items?hex=ae1234&crs=EPSG:3857")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		dir := t.TempDir()
		in := filepath.Join(dir, "ac3857.geojson")
		if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		info := run(t, "ogrinfo", "-ro", "-al", in)
		if !strings.Contains(info, "Pseudo-Mercator") && !strings.Contains(info, "3857") {
			t.Errorf("GDAL does not read the page as EPSG:3857:\n%s", info)
		}
		back := filepath.Join(dir, "back.geojson")
		run(t, "ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", back, in)
		b, err := os.ReadFile(back)
		if err != nil {
			t.Fatal(err)
		}
		var fc struct {
			Features []struct {
				Geometry struct {
					Coordinates []float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 1 {
			t.Fatalf("reprojected: %v %s", err, b)
		}
		c := fc.Features[0].Geometry.Coordinates
		if len(c) != 2 || abs(c[0]+100) > 1e-6 || abs(c[1]-25) > 1e-6 {
			t.Errorf("EPSG:3857 point reprojected by GDAL to %v, want [-100 25]", c)
		}
	})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
