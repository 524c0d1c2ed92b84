package server

import (
	"context"
	"crypto/hmac"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

type received struct {
	body []byte
	hdr  http.Header
}

func TestWebhookSignedWithRetry(t *testing.T) {
	var mu sync.Mutex
	var calls []received
	got := make(chan received, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, received{b, r.Header.Clone()})
		n := len(calls)
		mu.Unlock()
		if n == 1 {
			http.Error(w, "try later", http.StatusInternalServerError) // the first try fails
			return
		}
		w.WriteHeader(http.StatusNoContent)
		got <- received{b, r.Header.Clone()}
	}))
	defer recv.Close()

	var waits []time.Duration // backoffs asked for
	const secret = "s3cret"
	cfg := Config{InstanceID: "me", WebhookBackoff: time.Hour, Webhooks: []Webhook{
		{URL: recv.URL, Secret: secret, Types: []flight.AlertType{flight.AlertEmergency, flight.AlertLanded}},
	}}
	in := startServerWith(t, cfg, func(s *Server) {
		// a fake clock: backoffs are recorded, not slept
		s.hooks.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return ctx.Err()
		}
	})
	publish := func(src string, a flight.Alert) {
		if err := in.bus.Publish(t.Context(), store.Event{Kind: store.EventAlert, Alert: &a, Source: src}); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	publish("other", flight.Alert{ID: "x1", Type: flight.AlertEmergency, Time: t0, Message: "raised elsewhere", Lat: 1, Lon: 1})
	publish("me", flight.Alert{ID: "x2", Type: flight.AlertDeparted, Time: t0, Message: "type not wanted", Lat: 1, Lon: 1})
	publish("me", flight.Alert{ID: "a1", Type: flight.AlertEmergency, Time: t0, Hex: "ae1234", Message: "squawk 7700", Lat: 31.8, Lon: -106.4})

	var r received
	select {
	case r = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("webhook never delivered")
	}
	mac := hmac.New(sha256New, []byte(secret))
	mac.Write(r.body)
	want := "sha256=" + hexEncode(mac.Sum(nil))
	if sig := r.hdr.Get(HeaderSignature); !hmac.Equal([]byte(sig), []byte(want)) {
		t.Errorf("signature %q, want %q", sig, want)
	}
	if ev := r.hdr.Get(HeaderEvent); ev != "alert" {
		t.Errorf("%s = %q, want alert", HeaderEvent, ev)
	}
	f, err := geojson.UnmarshalFeature(r.body)
	if err != nil || f.ID != "a1" || f.Properties["type"] != "emergency" {
		t.Fatalf("body %s is not the alert Feature (%v)", r.body, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 2 {
		t.Errorf("%d calls, want 2 (a failure, then the retry)", len(calls))
	}
	if len(waits) != 1 || waits[0] != time.Hour {
		t.Errorf("backoffs %v, want [1h]", waits)
	}
	if string(calls[0].body) != string(r.body) {
		t.Errorf("the retry sent another body")
	}
}

func TestSign(t *testing.T) {
	tests := []struct {
		name, secret, body, want string
	}{
		// RFC 4231 test case 2
		{"rfc4231", "Jefe", "what do ya want for nothing?", "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(tt.secret, []byte(tt.body)); got != tt.want {
				t.Errorf("Sign = %s, want %s", got, tt.want)
			}
		})
	}
}
