package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server/ogc"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

func TestWatchFilter(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	now := time.Now().Add(-time.Minute)
	if err := in.st.PutAircraft(t.Context(), []flight.Aircraft{
		{Observation: flight.Observation{Hex: "ae0001", Time: now, Lat: 31, Lon: -106}, Watch: "ice-air", Tags: []string{"removal-charter"}},
		{Observation: flight.Observation{Hex: "ae0002", Time: now, Lat: 32, Lon: -106}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, query string
		want        []string
	}{{"all", "", []string{"ae0001", "ae0002"}}, {"watched", "?watch=1", []string{"ae0001"}}} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, b := do(t, "GET", in.url+"/api/v1/aircraft"+tt.query, "", "", nil)
			got := ids(featureCollection(t, b))
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestStreamLostEvents: when the bus reports lost events, clients get a
// fresh snapshot under a new epoch.
func TestStreamLostEvents(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, time.Now(), ""))
	c := dialWS(t, in, "")
	sendWS(t, c, `{"op":"subscribe"}`)
	first := readMsg(t, c)
	if err := in.bus.Publish(t.Context(), store.Event{Kind: store.EventLost}); err != nil {
		t.Fatal(err)
	}
	m := readUntil(t, c, "snapshot", func(m wsMsg) bool { return m.Type == "snapshot" })
	if m.Epoch == first.Epoch {
		t.Errorf("epoch %s unchanged after lost events", m.Epoch)
	}
	if got := ids(featureCollection(t, m.Data)); !slices.Equal(got, []string{"ae0001"}) {
		t.Errorf("new snapshot ids %v", got)
	}
}

// TestPanicRecovered: a panicking handler answers 500 JSON and the server
// keeps serving.
func TestPanicRecovered(t *testing.T) {
	st, bus := memory.New(store.Config{}), memory.NewBus()
	s, err := New(Config{}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus},
		FeedStatus: func() any { panic("feed status broke") }})
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPTest(t, s.Handler())
	code, _, b := do(t, "GET", srv+"/api/v1/feeds", "", "", nil)
	if code != http.StatusInternalServerError || !bytes.Contains(b, []byte(`"error"`)) {
		t.Errorf("panicking handler = %d %s, want 500 JSON", code, b)
	}
	if code, _, _ := do(t, "GET", srv+"/healthz", "", "", nil); code != 200 {
		t.Errorf("healthz after panic = %d", code)
	}
}

func TestNewRejects(t *testing.T) {
	st, bus := memory.New(store.Config{}), memory.NewBus()
	ing := &testIngester{st: st, bus: bus}
	tests := []struct {
		name string
		cfg  Config
		deps Deps
	}{
		{"no store", Config{}, Deps{Bus: bus, Ingest: ing}},
		{"no bus", Config{}, Deps{Store: st, Ingest: ing}},
		{"empty token", Config{Tokens: []Token{{}}}, Deps{Store: st, Bus: bus, Ingest: ing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, tt.deps); err == nil {
				t.Errorf("New accepted %s", tt.name)
			}
		})
	}
}

func TestStaticAndOGCMounted(t *testing.T) {
	st, bus := memory.New(store.Config{}), memory.NewBus()
	ogc := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"path":"` + r.URL.Path + `"}`))
	})
	s, err := New(Config{}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus}, OGC: ogc,
		Static: fstest.MapFS{"index.html": {Data: []byte("<html>map</html>")}}})
	if err != nil {
		t.Fatal(err)
	}
	url := newHTTPTest(t, s.Handler())
	for _, tt := range []struct {
		method, path string
		code         int
		has          string
	}{
		{"GET", "/", 200, "map"},
		{"GET", "/ogc/collections", 200, `"path":"/collections"`},
		{"GET", "/ogc", 200, `"path":"/"`},
		{"POST", "/", 405, ""},
		{"GET", "/missing.js", 404, ""},
	} {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			code, _, b := do(t, tt.method, url+tt.path, "", "", nil)
			if code != tt.code || !bytes.Contains(b, []byte(tt.has)) {
				t.Errorf("%s %s = %d %s, want %d with %q", tt.method, tt.path, code, b, tt.code, tt.has)
			}
		})
	}
}

func TestAuthorizer(t *testing.T) {
	auth := Authorizer(testTokens())
	tests := []struct {
		name, header, query, scope string
		want                       bool
	}{
		{"raw token header", "Bearer " + rawToken, "", ScopeReadRaw, true},
		{"raw token query", "", rawToken, ScopeReadRaw, true},
		{"admin has every scope", "Bearer " + adminToken, "", ScopeReadRaw, true},
		{"ingest token lacks raw", "Bearer " + ingestToken, "", ScopeReadRaw, false},
		{"unknown token", "Bearer nope", "", ScopeReadRaw, false},
		{"no token", "", "", ScopeReadRaw, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/ogc/collections/reports/items?token="+tt.query, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			if got := auth(r, tt.scope); got != tt.want {
				t.Errorf("Authorizer(%s) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

// TestRealOGCMounted mounts the OGC API handler as the service does.
func TestRealOGCMounted(t *testing.T) {
	st, bus := memory.New(store.Config{}), memory.NewBus()
	h := ogc.New(ogc.Config{}, ogc.Deps{Store: st, Authorize: Authorizer(testTokens())})
	s, err := New(Config{Tokens: testTokens()}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus}, OGC: h})
	if err != nil {
		t.Fatal(err)
	}
	url := newHTTPTest(t, s.Handler())
	for _, tt := range []struct {
		path, token string
		code        int
	}{
		{"/ogc/collections?f=json", "", 200},
		{"/ogc/collections/reports/items/x?f=json", "", 403},
		{"/ogc/collections/reports/items?f=json", rawToken, 200},
	} {
		t.Run(tt.path, func(t *testing.T) {
			if code, _, b := do(t, "GET", url+tt.path, tt.token, "", nil); code != tt.code {
				t.Errorf("GET %s = %d %.200s, want %d", tt.path, code, b, tt.code)
			}
		})
	}
}
