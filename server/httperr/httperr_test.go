package httperr

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name   string
		status int
		msg    string
	}{
		{"bad request", http.StatusBadRequest, `bbox "1,2,3": want minLon,minLat,maxLon,maxLat`},
		{"unavailable", http.StatusServiceUnavailable, "store unavailable, retry later"},
		{"html in message", http.StatusNotFound, "<b>no</b> & \"quoted\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Write(rec, tt.status, tt.msg)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if n := rec.Header().Get("X-Content-Type-Options"); n != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", n)
			}
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", rec.Body.String(), err)
			}
			if len(got) != 1 || got["error"] != tt.msg {
				t.Errorf("body = %v, want {\"error\": %q}", got, tt.msg)
			}
		})
	}
}
