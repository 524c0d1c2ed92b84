package demo

import (
	"context"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/server"
	"github.com/flightwatch/flightwatch/track/watch"
)

// Setup is the demo's share of a process, made by Apply: the watchlist the
// tracker merges into its own (at start and on every reload) and the
// scenario clock the map reads. It is safe for concurrent use.
type Setup struct {
	// Watchlist is the demo's watchlist.
	Watchlist *watch.List

	mu sync.Mutex
	sc server.Scenario
}

// keptPasses bounds the pass starts the scenario clock lists.
const keptPasses = 100

// Apply readies a process for the demo: it loads the demo's watchlist and
// sets the map's About panel (info.html) and scenario clock in sc. The
// configuration's own demo settings (time scale, privacy, banner) are set
// by configs.Load when demo is on. Run plays the scenario.
func Apply(sc *server.Config) (*Setup, error) {
	wl, err := Watchlist()
	if err != nil {
		return nil, fmt.Errorf("demo watchlist: %w", err)
	}
	info, err := fs.ReadFile(configs.Demo(), "info.html")
	if err != nil {
		return nil, fmt.Errorf("demo info: %w", err)
	}
	s := &Setup{Watchlist: wl}
	sc.Info = string(info)
	sc.Scenario = s.scenario
	return s, nil
}

// Run plays the demo (see the package's Run), keeping the scenario clock
// that Apply gave the map.
func (s *Setup) Run(ctx context.Context, d Deps) error {
	on := d.OnPass
	d.OnPass = func(pass int, start time.Time) {
		s.mu.Lock()
		passes := append(s.sc.Passes, start.UTC())
		if len(passes) > keptPasses {
			passes = append([]time.Time(nil), passes[len(passes)-keptPasses:]...)
		}
		s.sc = server.Scenario{Pass: pass, PassStart: start.UTC(), Start: Start, Speed: Speed, Passes: passes}
		s.mu.Unlock()
		if on != nil {
			on(pass, start)
		}
	}
	return Run(ctx, d)
}

func (s *Setup) scenario() server.Scenario {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.sc
	sc.Passes = append([]time.Time(nil), sc.Passes...)
	return sc
}
