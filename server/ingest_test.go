package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

func TestPositionsAnswers(t *testing.T) {
	in := startServer(t, Config{MaxBodyBytes: 1 << 20}, nil, nil)
	now := time.Now()
	good := obsLine("ae1234", 31.85, -106.38, now, "")
	big := strings.Repeat(good+"\n", (10<<20)/len(good)+1)
	tests := []struct {
		name, token, ctype, body string
		want                     int
	}{
		{"no token", "", "application/x-ndjson", good, http.StatusUnauthorized},
		{"unknown token", "nope", "application/x-ndjson", good, http.StatusForbidden},
		{"token without ingest scope", rawToken, "application/x-ndjson", good, http.StatusForbidden},
		{"ingest token", ingestToken, "application/x-ndjson", good, http.StatusAccepted},
		{"admin token", adminToken, "application/x-ndjson", good, http.StatusAccepted},
		{"json array", ingestToken, "application/json", "[" + good + "]", http.StatusAccepted},
		{"wrong content type", ingestToken, "text/plain", good, http.StatusUnsupportedMediaType},
		{"nothing valid", ingestToken, "application/x-ndjson", "{bad\n{\"hex\":\"zz\"}", http.StatusBadRequest},
		{"too large", ingestToken, "application/x-ndjson", big, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hdr, body := do(t, "POST", in.url+"/api/v1/positions", tt.token, tt.ctype, []byte(tt.body))
			if code != tt.want {
				t.Fatalf("POST = %d %s, want %d", code, body, tt.want)
			}
			if !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type = %q, want JSON", hdr.Get("Content-Type"))
			}
			var ans map[string]any
			if err := json.Unmarshal(body, &ans); err != nil {
				t.Fatalf("answer %s is not JSON: %v", body, err)
			}
			if code >= 400 && ans["error"] == nil {
				t.Errorf("answer %s lacks error", body)
			}
			if code == http.StatusUnauthorized && hdr.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
}

// TestPositionsTooLargeChunked sends 10 MB without a Content-Length.
func TestPositionsTooLargeChunked(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	line := obsLine("ae1234", 31.85, -106.38, time.Now(), "") + "\n"
	r := strings.NewReader(strings.Repeat(line, (10<<20)/len(line)+1))
	req, _ := http.NewRequest("POST", in.url+"/api/v1/positions", struct{ *strings.Reader }{r})
	req.Header.Set("Authorization", "Bearer "+ingestToken)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("POST 10 MB chunked = %d, want 413", resp.StatusCode)
	}
	if _, err := in.st.Aircraft(context.Background(), "ae1234"); err == nil {
		t.Errorf("aircraft stored from a rejected body")
	}
}

func TestPositionsPartlyBad(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	now := time.Now()
	body := strings.Join([]string{
		obsLine("ae0001", 31.85, -106.38, now, ""),
		`{"hex":"ae0002","lat":`,
		obsLine("ae0003", 32.0, -106.0, now, ""),
		`{"hex":"xyz","time":"` + now.Format(time.RFC3339) + `","lat":1,"lon":2}`,
		obsLine("ae0004", 95, 10, now, ""),
	}, "\n")
	code, _, b := do(t, "POST", in.url+"/api/v1/positions", ingestToken, "application/x-ndjson", []byte(body))
	if code != http.StatusAccepted {
		t.Fatalf("POST = %d %s, want 202", code, b)
	}
	var ans ingestAnswer
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Accepted != 2 || ans.Rejected != 3 || len(ans.Errors) != 3 {
		t.Fatalf("answer = %+v, want 2 accepted, 3 rejected with errors", ans)
	}
	lines := map[int]bool{}
	for _, e := range ans.Errors {
		lines[e.Line] = true
		if e.Error == "" {
			t.Errorf("line %d error is empty", e.Line)
		}
	}
	for _, l := range []int{2, 4, 5} {
		if !lines[l] {
			t.Errorf("errors %+v lack line %d", ans.Errors, l)
		}
	}
	for _, hex := range []string{"ae0001", "ae0003"} {
		if _, err := in.st.Aircraft(context.Background(), hex); err != nil {
			t.Errorf("Aircraft(%s) = %v, want stored", hex, err)
		}
	}
}

func TestPositionsStoreDown(t *testing.T) {
	in := startServer(t, Config{}, downStore{memory.New(store.Config{})}, nil)
	code, hdr, b := do(t, "POST", in.url+"/api/v1/positions", ingestToken, "application/x-ndjson",
		[]byte(obsLine("ae1234", 31.85, -106.38, time.Now(), "")))
	if code != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
		t.Fatalf("POST with store down = %d (Retry-After %q) %s, want 503 with Retry-After", code, hdr.Get("Retry-After"), b)
	}
	code, _, _ = do(t, "GET", in.url+"/readyz", "", "", nil)
	if code != http.StatusServiceUnavailable {
		t.Errorf("readyz with store down = %d, want 503", code)
	}
	code, _, _ = do(t, "GET", in.url+"/healthz", "", "", nil)
	if code != http.StatusOK {
		t.Errorf("healthz = %d, want 200", code)
	}
}

func TestReportsIngest(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	csv := "id,time,lat,lon,count,category,place,source\n" +
		"r1,2025-01-20T10:00:00Z,40.73,-74.17,4,criminal,\"Newark, NJ\",test\n" +
		"r2,2025-01-20T11:00:00Z,40.74,-74.18,2,non-criminal,,test\n" +
		"r3,not-a-time,40.74,-74.18,2,,,test\n"
	tests := []struct {
		name, token, ctype, body string
		want, added              int
	}{
		{"no token", "", "text/csv", csv, http.StatusUnauthorized, 0},
		{"wrong content type", ingestToken, "image/png", csv, http.StatusUnsupportedMediaType, 0},
		{"csv", ingestToken, "text/csv", csv, http.StatusAccepted, 2},
		{"csv again counts nothing", ingestToken, "text/csv", csv, http.StatusAccepted, 0},
		{"ndjson", ingestToken, "application/x-ndjson",
			`{"id":"r4","time":"2025-01-21T10:00:00Z","lat":40.7,"lon":-74.1,"count":1}`, http.StatusAccepted, 1},
		{"nothing valid", ingestToken, "application/x-ndjson", `{"id":"r5"}`, http.StatusBadRequest, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, b := do(t, "POST", in.url+"/api/v1/reports", tt.token, tt.ctype, []byte(tt.body))
			if code != tt.want {
				t.Fatalf("POST reports = %d %s, want %d", code, b, tt.want)
			}
			if code != http.StatusAccepted {
				return
			}
			var ans ingestAnswer
			if err := json.Unmarshal(b, &ans); err != nil {
				t.Fatal(err)
			}
			if ans.Added == nil || *ans.Added != tt.added {
				t.Errorf("answer %s: added want %d", b, tt.added)
			}
		})
	}
}
