package poll

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
	"github.com/flightwatch/flightwatch/flight"
)

func TestGet(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		headers []map[string]string
		want    map[string]string
		wantErr bool
	}{
		{"no headers", "http://example.test/a", nil, map[string]string{"Accept": ""}, false},
		{"later map overrides", "http://example.test/a",
			[]map[string]string{{"Accept": "application/json"}, {"accept": "text/plain", "X-Key": "k"}},
			map[string]string{"Accept": "text/plain", "X-Key": "k"}, false},
		{"default kept", "http://example.test/a",
			[]map[string]string{{"Accept": "application/json"}, nil},
			map[string]string{"Accept": "application/json"}, false},
		{"bad url", "http://[::1", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := Get(context.Background(), "test", tt.url, tt.headers...)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error for a bad url")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != http.MethodGet {
				t.Errorf("method = %s, want GET", req.Method)
			}
			for k, v := range tt.want {
				if got := req.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestDeliver(t *testing.T) {
	bad := errors.New("not a document")
	decode := func(body []byte, recv time.Time) ([]flight.Observation, map[string]int, error) {
		if string(body) == "bad" {
			return nil, map[string]int{feedstats.ReasonBadRecord: 1}, bad
		}
		return []flight.Observation{{Hex: string(body), Time: recv}}, map[string]int{feedstats.ReasonStale: 2}, nil
	}
	st := &feedtest.Counts{}
	sink := &feedtest.Collector{}
	handle := Deliver(sink, st, decode)
	ctx := context.Background()
	now := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	if err := handle(ctx, []byte("bad"), now); !errors.Is(err, bad) {
		t.Errorf("bad body: err = %v, want %v", err, bad)
	}
	sink.SetFail(errors.New("down"))
	if err := handle(ctx, []byte("a00001"), now); err == nil {
		t.Error("no error while the sink fails")
	}
	sink.SetFail(nil)
	if err := handle(ctx, []byte("a00002"), now); err != nil {
		t.Fatal(err)
	}
	// The observation kept while the sink failed arrives with the next.
	if got := sink.All(); len(got) != 2 || got[0].Hex != "a00001" || got[1].Hex != "a00002" {
		t.Errorf("sink got %+v, want a00001 then a00002", got)
	}
	s := st.Snapshot()
	if s.Rejects[feedstats.ReasonBadDocument] != 1 || s.Rejects[feedstats.ReasonBadRecord] != 1 || s.Rejects[feedstats.ReasonStale] != 4 || s.Observations != 2 {
		t.Errorf("stats = %+v", s)
	}
}
