package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/ingest"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/track"
)

// pipelineServer serves the real ingest pipeline on a memory store.
func pipelineServer(t *testing.T) (string, *memory.Store) {
	t.Helper()
	st := memory.New(store.Config{})
	bus := memory.NewBus()
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	p := ingest.New(st, bus, tr, ingest.Options{})
	s, err := New(Config{Tokens: testTokens(), MaxBodyBytes: 4 << 20}, Deps{Store: st, Bus: bus, Ingest: p})
	if err != nil {
		t.Fatal(err)
	}
	return newHTTPTest(t, s.Handler()), st
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestIngestAnswerAndBodies(t *testing.T) {
	url, st := pipelineServer(t)
	now := time.Now().UTC().Add(-30 * time.Second).Truncate(time.Second)
	body := strings.Join([]string{
		obsLine("ae1234", 30, -100, now, ""),
		obsLine("ae1234", 30.01, -100, now.Add(10*time.Second), ""),
		obsLine("ae1234", 30.005, -100, now.Add(5*time.Second), ""), // late: into the history
		obsLine("ae1234", 40, -100, now.Add(20*time.Second), ""),    // a 10° jump in 10 s
		`{"hex":"zz"}`,
	}, "\n") + "\n"
	bomb := gz(t, bytes.Repeat([]byte(" "), 900<<10))
	long := obsLine("ae7777", 30, -100, now, "") + "\n" + strings.Repeat("x", 1<<20+10) // over-long last line, unterminated
	tests := []struct {
		name     string
		body     []byte
		hdr      []string
		status   int
		accepted int
		ignored  []int // lines
		rejected int
	}{
		{"plain", []byte(body), nil, http.StatusAccepted, 3, []int{4}, 1},
		{"gzip", gz(t, []byte(body)), []string{"Content-Encoding", "gzip"}, http.StatusAccepted, 3, []int{4}, 1},
		{"gzip bomb", bomb, []string{"Content-Encoding", "gzip"}, http.StatusRequestEntityTooLarge, 0, nil, 0},
		{"not gzip", []byte(body), []string{"Content-Encoding", "gzip"}, http.StatusBadRequest, 0, nil, 0},
		{"unknown encoding", []byte(body), []string{"Content-Encoding", "br"}, http.StatusUnsupportedMediaType, 0, nil, 0},
		{"over-long last line", []byte(long), nil, http.StatusAccepted, 1, nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, b := do(t, "POST", url+"/api/v1/positions", ingestToken, "application/x-ndjson", tc.body, tc.hdr...)
			if code != tc.status {
				t.Fatalf("status = %d (%s), want %d", code, b, tc.status)
			}
			if code != http.StatusAccepted {
				return
			}
			var ans struct {
				Accepted int `json:"accepted"`
				Rejected int `json:"rejected"`
				Ignored  []struct {
					Line   int    `json:"line"`
					Reason string `json:"reason"`
				} `json:"ignored"`
			}
			if err := json.Unmarshal(b, &ans); err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, ig := range ans.Ignored {
				lines = append(lines, ig.Line)
				if !strings.Contains(ig.Reason, "position jump") {
					t.Errorf("reason = %q, want a position jump", ig.Reason)
				}
			}
			if ans.Accepted != tc.accepted || ans.Rejected != tc.rejected || len(lines) != len(tc.ignored) || (len(lines) > 0 && lines[0] != tc.ignored[0]) {
				t.Errorf("answer = %s, want accepted %d, rejected %d, ignored lines %v", b, tc.accepted, tc.rejected, tc.ignored)
			}
		})
	}
	pts, _ := st.Track(t.Context(), "ae1234", time.Time{}, time.Time{})
	if len(pts) != 3 {
		t.Errorf("track has %d points after the same body twice, want 3", len(pts))
	}
}

func TestZeroBBoxIsRefused(t *testing.T) {
	url, _ := pipelineServer(t)
	for _, q := range []string{"0,0,0,0", "5,5,5,5"} {
		if code, _, b := do(t, "GET", url+"/api/v1/aircraft?bbox="+q, "", "", nil); code != http.StatusBadRequest {
			t.Errorf("bbox=%s: %d %s, want 400", q, code, b)
		}
	}
}
