package pipe

import (
	"errors"
	"io"
	"net/http"
	"strings"
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

func TestLineReader(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		lines []string // "!" marks ErrLineTooLong
		last  string   // unterminated last line returned with io.EOF
	}{
		{"lf", "a\nb\n", 10, []string{"a", "b"}, ""},
		{"crlf", "a\r\nb\r\n\r\n", 10, []string{"a", "b", ""}, ""},
		{"unterminated", "a\nbc", 10, []string{"a"}, "bc"},
		{"long", "abc\n" + strings.Repeat("x", 100) + "\nd\n", 10, []string{"abc", "!", "d"}, ""},
		{"exact limit", "0123456789\n01234567890\n", 10, []string{"0123456789", "!"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tt.in), tt.max)
			var got []string
			for {
				line, err := lr.Next()
				if errors.Is(err, ErrLineTooLong) {
					got = append(got, "!")
					continue
				}
				if errors.Is(err, io.EOF) {
					if string(line) != tt.last {
						t.Errorf("last = %q, want %q", line, tt.last)
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(line))
			}
			if strings.Join(got, "|") != strings.Join(tt.lines, "|") {
				t.Errorf("lines = %q, want %q", got, tt.lines)
			}
		})
	}
}

func TestJumps(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	var j Jumps
	steps := []struct {
		name     string
		dt       time.Duration
		lat, lon float64
		want     bool
	}{
		{"first", 0, 31, -106, true},
		{"cruise", 10 * time.Second, 31.02, -106, true},
		{"glitch", 11 * time.Second, 40, -106, false},
		{"back on track", 12 * time.Second, 31.025, -106, true},
		{"far after an hour", time.Hour, 40, -106, true},
	}
	for _, s := range steps {
		if got := j.Allow("ae1234", t0.Add(s.dt), s.lat, s.lon); got != s.want {
			t.Errorf("%s: Allow = %v, want %v", s.name, got, s.want)
		}
	}
	// A stuck bad fix is abandoned after repeated jumps.
	var k Jumps
	k.Allow("a", t0, 0.5, 0.5)
	allowed := false
	for i := 1; i <= jumpTrust+1; i++ {
		allowed = k.Allow("a", t0.Add(time.Duration(i)*time.Second), 45, 45)
	}
	if !allowed {
		t.Error("filter never trusted a consistent new position")
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 5 * time.Second}
	var got []time.Duration
	for i := 0; i < 5; i++ {
		got = append(got, b.Next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Next #%d = %v, want %v", i, got[i], want[i])
		}
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Errorf("after Reset Next = %v, want 1s", d)
	}
}
