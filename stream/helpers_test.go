package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// testEncoder writes GeoJSON features with encoding/json: the tests check
// the protocol, not the server's property table.
type testEncoder struct{}

func jsonFeature(id string, p orb.Point, props map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"type": "Feature", "id": id,
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{p[0], p[1]}},
		"properties": props})
	return b
}

// AppendAircraft writes by hand, as the server does, so that benchmarks
// time the hub rather than encoding/json.
func (testEncoder) AppendAircraft(b []byte, a *flight.Aircraft) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = flight.AppendQuoted(b, a.Hex)
	b = append(b, `,"geometry":{"type":"Point","coordinates":[`...)
	b = strconv.AppendFloat(b, a.Lon, 'f', 6, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, a.Lat, 'f', 6, 64)
	b = append(b, `]},"properties":{"hex":`...)
	b = flight.AppendQuoted(b, a.Hex)
	b = append(b, `,"callsign":`...)
	b = flight.AppendQuoted(b, a.Callsign)
	b = append(b, `,"alt_ft":`...)
	b = strconv.AppendFloat(b, a.AltFt, 'f', 0, 64)
	b = append(b, `,"gs_kt":`...)
	b = strconv.AppendFloat(b, a.GSKt, 'f', 1, 64)
	b = append(b, `,"track":`...)
	b = strconv.AppendFloat(b, a.TrackDeg, 'f', 1, 64)
	b = append(b, `,"seen":"`...)
	b = a.Time.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","phase":null,"tags":[],"watch":null,"squawk":null,"vrate_fpm":null,"military":false,"leg":null}}`...)
	return b
}

func (testEncoder) AppendAlert(b []byte, a *flight.Alert) []byte {
	return append(b, jsonFeature(a.ID, orb.Point{a.Lon, a.Lat}, map[string]any{"id": a.ID, "type": a.Type,
		"message": a.Message})...)
}

func (testEncoder) AppendReport(b []byte, r *flight.Report) []byte {
	return append(b, jsonFeature(r.ID, orb.Point{r.Lon, r.Lat}, map[string]any{"id": r.ID, "count": r.Count})...)
}

func (testEncoder) AppendCell(b []byte, c store.CellCount) []byte {
	return append(b, jsonFeature(geo.CellString(c.Cell), geo.CellCenter(c.Cell),
		map[string]any{"h3": geo.CellString(c.Cell), "res": c.Res, "count": c.Count})...)
}

// testPrivacy publishes cells counting at least 3 and raw reports to
// clients that connect with ?token=raw.
type testPrivacy struct{}

func (testPrivacy) PublicCells(cells []store.CellCount) []store.CellCount {
	return slices.DeleteFunc(cells, func(c store.CellCount) bool { return c.Count < 3 })
}

func (testPrivacy) RawAllowed(r *http.Request) bool { return r.URL.Query().Get("token") == rawToken }

const rawToken = "raw"

// instance is a running hub mounted at /api/v1/stream of a test server.
type instance struct {
	hub *Hub
	url string
	st  store.Store
	bus store.Bus
}

// startHub runs a hub on a memory store and bus until the test ends.
func startHub(t testing.TB, cfg Config) *instance {
	t.Helper()
	return startHubOn(t, cfg, nil)
}

// startHubOn is startHub with the hub reading snapshots and cells through
// wrap(store) (nil: the store itself).
func startHubOn(t testing.TB, cfg Config, wrap func(store.Store) Source) *instance {
	t.Helper()
	st, bus := memory.New(store.Config{}), memory.NewBus()
	var src Source = st
	if wrap != nil {
		src = wrap(st)
	}
	if cfg.Batch == 0 {
		cfg.Batch = 20 * time.Millisecond
	}
	h, err := New(cfg, Deps{Bus: bus, Source: src, Privacy: testPrivacy{}, Encoder: testEncoder{}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/stream", h)
	srv := httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		srv.Close()
	})
	<-h.Ready()
	return &instance{hub: h, url: srv.URL, st: st, bus: bus}
}

// ingest stores observations and publishes them, as the pipeline does.
func (in *instance) ingest(ctx context.Context, obs []flight.Observation) error {
	air := make([]flight.Aircraft, len(obs))
	for i := range obs {
		air[i] = flight.Aircraft{Observation: obs[i]}
	}
	if err := in.st.PutAircraft(ctx, air); err != nil {
		return fmt.Errorf("put aircraft: %w", err)
	}
	return in.bus.Publish(ctx, store.Event{Kind: store.EventAircraft, Aircraft: air})
}

// addReports stores reports and publishes them.
func (in *instance) addReports(t testing.TB, reps []flight.Report) {
	t.Helper()
	if _, err := in.st.AddReports(t.Context(), reps); err != nil {
		t.Fatal(err)
	}
	if err := in.bus.Publish(t.Context(), store.Event{Kind: store.EventReports, Reports: reps}); err != nil {
		t.Fatal(err)
	}
}

// obsLine is one observation.
func obsLine(hex string, lat, lon float64, t time.Time) flight.Observation {
	return flight.Observation{Hex: hex, Time: t.UTC().Truncate(time.Second), Lat: lat, Lon: lon, AltFt: 12000, GSKt: 300,
		TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
}

// postObs ingests observations.
func postObs(t testing.TB, in *instance, obs ...flight.Observation) {
	t.Helper()
	if err := in.ingest(t.Context(), obs); err != nil {
		t.Fatalf("ingest: %v", err)
	}
}

// featureCollection parses b as a GeoJSON FeatureCollection.
func featureCollection(t testing.TB, b []byte) *geojson.FeatureCollection {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("not a FeatureCollection: %v\n%.300s", err, b)
	}
	if fc.Type != "FeatureCollection" {
		t.Fatalf("type = %q, want FeatureCollection", fc.Type)
	}
	for _, f := range fc.Features {
		if f.Type != "Feature" || f.Geometry == nil {
			t.Fatalf("bad feature %+v", f)
		}
	}
	return fc
}

func ids(fc *geojson.FeatureCollection) []string {
	var out []string
	for _, f := range fc.Features {
		out = append(out, fmt.Sprint(f.ID))
	}
	return out
}

// wsMsg is a server websocket message.
type wsMsg struct {
	Type   string          `json:"type"`
	Layer  string          `json:"layer"`
	Format string          `json:"format"`
	Epoch  string          `json:"epoch"`
	Offset uint64          `json:"offset"`
	Data   json.RawMessage `json:"data"`
	IDs    []string        `json:"ids"`
	Error  string          `json:"error"`
	Missed int             `json:"missed"`
}

func dialWS(t testing.TB, in *instance, query string) *websocket.Conn {
	t.Helper()
	u := strings.Replace(in.url, "http://", "ws://", 1) + "/api/v1/stream" + query
	c, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readMsg reads one message; the deadline only guards against a hang.
func readMsg(t testing.TB, c *websocket.Conn) wsMsg {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	var m wsMsg
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read ws: %v", err)
	}
	return m
}

// readUntil reads messages until ok accepts one, and returns it.
func readUntil(t testing.TB, c *websocket.Conn, what string, ok func(wsMsg) bool) wsMsg {
	t.Helper()
	for i := 0; i < 10000; i++ {
		m := readMsg(t, c)
		if ok(m) {
			return m
		}
	}
	t.Fatalf("no %s message", what)
	return wsMsg{}
}

func sendWS(t testing.TB, c *websocket.Conn, msg string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("write ws: %v", err)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func slicesSort(s []string) { slices.Sort(s) }
