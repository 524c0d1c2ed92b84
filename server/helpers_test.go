package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// testIngester is the pipeline as the tests need it: it stores
// observations as aircraft and track points, stores reports, and publishes
// the changes on the bus.
type testIngester struct {
	st  store.Store
	bus store.Bus
	id  string
}

func (t *testIngester) Ingest(ctx context.Context, obs []flight.Observation) error {
	air := make([]flight.Aircraft, len(obs))
	pts := make([]flight.TrackPoint, len(obs))
	for i := range obs {
		air[i] = flight.Aircraft{Observation: obs[i]}
		pts[i] = obs[i].Point()
	}
	if err := t.st.PutAircraft(ctx, air); err != nil {
		return fmt.Errorf("put aircraft: %w", err)
	}
	if err := t.st.AppendTrack(ctx, pts); err != nil {
		return fmt.Errorf("append track: %w", err)
	}
	return t.bus.Publish(ctx, store.Event{Kind: store.EventAircraft, Aircraft: air, Source: t.id})
}

func (t *testIngester) IngestReports(ctx context.Context, reps []flight.Report) (int, error) {
	n, err := t.st.AddReports(ctx, reps)
	if err != nil {
		return 0, err
	}
	return n, t.bus.Publish(ctx, store.Event{Kind: store.EventReports, Reports: reps, Source: t.id})
}

// downStore is a store whose writes and pings fail as unreachable.
type downStore struct{ store.Store }

func (downStore) PutAircraft(context.Context, []flight.Aircraft) error {
	return fmt.Errorf("put aircraft: %w", store.ErrUnavailable)
}
func (downStore) Ping(context.Context) error { return fmt.Errorf("ping: %w", store.ErrUnavailable) }

const (
	ingestToken = "tok-ingest"
	rawToken    = "tok-raw"
	adminToken  = "tok-admin"
)

func testTokens() []Token {
	return []Token{{Value: ingestToken, Scopes: []string{ScopeIngest}},
		{Value: rawToken, Scopes: []string{ScopeReadRaw}},
		{Value: adminToken, Scopes: []string{ScopeAdmin}}}
}

// instance is a running server on a loopback port.
type instance struct {
	s   *Server
	url string
	st  store.Store
	bus store.Bus
}

// startServer runs a Server on a free loopback port until the test ends.
// Zero st and bus become a fresh memory store and bus.
func startServer(t testing.TB, cfg Config, st store.Store, bus store.Bus) *instance {
	t.Helper()
	return startServerOn(t, cfg, st, bus, nil)
}

// startServerWith is startServer on a memory store, with setup applied to
// the Server before it runs.
func startServerWith(t testing.TB, cfg Config, setup func(*Server)) *instance {
	t.Helper()
	return startServerOn(t, cfg, nil, nil, setup)
}

func startServerOn(t testing.TB, cfg Config, st store.Store, bus store.Bus, setup func(*Server)) *instance {
	t.Helper()
	if st == nil {
		st = memory.New(store.Config{Keyer: storetest.Keyer()})
	}
	if bus == nil {
		bus = memory.NewBus()
	}
	if cfg.Tokens == nil {
		cfg.Tokens = testTokens()
	}
	if cfg.Stream.Batch == 0 {
		cfg.Stream.Batch = 20 * time.Millisecond
	}
	s, err := New(cfg, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus, id: cfg.InstanceID}, Airports: geo.Airports()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if setup != nil {
		setup(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	<-s.hub.Ready()
	return &instance{s: s, url: "http://" + ln.Addr().String(), st: st, bus: bus}
}

// do sends a request and returns the status, headers and body.
func do(t testing.TB, method, url, token, ctype string, body []byte, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header, b
}

// obsLine is one NDJSON observation.
func obsLine(hex string, lat, lon float64, t time.Time, extra string) string {
	return fmt.Sprintf(`{"hex":%q,"time":%q,"lat":%g,"lon":%g,"alt_ft":12000,"gs_kt":300,"track":90%s}`,
		hex, t.UTC().Format(time.RFC3339), lat, lon, extra)
}

// postObs posts NDJSON lines and wants 202.
func postObs(t testing.TB, in *instance, lines ...string) {
	t.Helper()
	code, _, body := do(t, "POST", in.url+"/api/v1/positions", ingestToken, "application/x-ndjson",
		[]byte(strings.Join(lines, "\n")))
	if code != http.StatusAccepted {
		t.Fatalf("POST positions = %d %s, want 202", code, body)
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

var (
	sha256New = sha256.New
	hexEncode = hex.EncodeToString
)

// newHTTPTest serves h with httptest until the test ends.
func newHTTPTest(t testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
