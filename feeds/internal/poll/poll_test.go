package poll

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		extra  string
		want   time.Duration
	}{
		{"none", nil, "", 0},
		{"seconds", map[string]string{"Retry-After": "120"}, "", 2 * time.Minute},
		{"date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, "", 90 * time.Second},
		{"past date", map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, "", 0},
		{"garbage", map[string]string{"Retry-After": "soon"}, "", 0},
		{"negative", map[string]string{"Retry-After": "-5"}, "", 0},
		{"extra header wins", map[string]string{"Retry-After": "1", "X-Rate-Limit-Retry-After-Seconds": "30"},
			"X-Rate-Limit-Retry-After-Seconds", 30 * time.Second},
		{"extra header absent", map[string]string{"Retry-After": "7"}, "X-Rate-Limit-Retry-After-Seconds", 7 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := RetryAfter(h, tt.extra, now); got != tt.want {
				t.Errorf("RetryAfter(%v) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}
