package opensky

import (
	"net/http"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
)

// TestRunOAuth fetches a token once, sends it with the bbox query, honours
// a 429 with X-Rate-Limit-Retry-After-Seconds and refetches the token
// after a 401.
func TestRunOAuth(t *testing.T) {
	fixture := feedtest.Fixture(t, "states.json")
	var (
		tokens      int
		polls       []time.Time
		badAuth     int
		rateLimited bool
	)
	srv := feedtest.Serve(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/token":
			if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
				r.PostForm.Get("client_id") != "id" || r.PostForm.Get("client_secret") != "secret" {
				http.Error(w, "bad client", http.StatusUnauthorized)
				return
			}
			tokens++
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"tok","expires_in":1800,"token_type":"Bearer"}`))
		case r.Method == http.MethodGet && r.URL.Path == "/api/states/all":
			q := r.URL.Query()
			if q.Get("lamin") != "5" || q.Get("lomin") != "-120" || q.Get("lamax") != "40" || q.Get("lomax") != "-60" {
				t.Errorf("query = %v", q)
			}
			if r.Header.Get("Authorization") != "Bearer tok" {
				badAuth++
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			polls = append(polls, time.Now())
			switch len(polls) {
			case 1:
				rateLimited = true
				w.Header().Set("X-Rate-Limit-Retry-After-Seconds", "1")
				w.WriteHeader(http.StatusTooManyRequests)
			case 2:
				http.Error(w, "token expired", http.StatusUnauthorized)
			default:
				w.Write(fixture)
			}
		default:
			http.NotFound(w, r)
		}
	})
	f := New(Config{URL: srv.URL + "/api/states/all", TokenURL: srv.URL + "/token", ClientID: "id", ClientSecret: "secret",
		BBox: []float64{-120, 5, -60, 40}, Interval: 10 * time.Millisecond})
	feedtest.Until(t, f.Run, 3, 20*time.Second)
	// Requests takes the server's lock: what the answers wrote is visible
	// from here on.
	srv.Requests()
	if !rateLimited || polls[1].Sub(polls[0]) < time.Second {
		t.Errorf("poll after 429 came %v later, want >= 1s", polls[1].Sub(polls[0]))
	}
	if tokens != 2 {
		t.Errorf("token fetched %d times, want 2 (first, and after the 401)", tokens)
	}
	if badAuth != 0 {
		t.Errorf("%d polls without the bearer token", badAuth)
	}
}

func TestRunBasicAuth(t *testing.T) {
	fixture := feedtest.Fixture(t, "states.json")
	srv := feedtest.Serve(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "pw" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Write(fixture)
	})
	f := New(Config{URL: srv.URL, Username: "alice", Password: "pw", Interval: 10 * time.Millisecond})
	feedtest.Until(t, f.Run, 3, 20*time.Second)
}
