package sbs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/backoff"
	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/feeds/lines"
	"github.com/flightwatch/flightwatch/flight"
)

// Sink receives the feed's observations.
type Sink = sink.Sink

// Config configures a Feed. Zero values mean the documented defaults.
type Config struct {
	// Address is the receiver's host:port (port 30003 usually). Required.
	Address string
	// Location is the time zone of the lines' times; nil is UTC.
	Location *time.Location
	// Source is copied into every observation.
	Source string
	// Stats receives counts; nil discards them.
	Stats feedstats.Stats
	// Logger; nil discards logs.
	Logger *slog.Logger
	// Now is the receive clock; nil is time.Now.
	Now func() time.Time
	// FlushEvery is the longest observations wait before going to the
	// sink; zero is 100 ms.
	FlushEvery time.Duration
	// FlushSize sends a batch as soon as it holds this many; zero is 500.
	FlushSize int
	// IdleTimeout drops a connection silent this long; zero is 2 minutes.
	IdleTimeout time.Duration
	// MaxBackoff caps the delay between reconnects; zero is 30 s.
	MaxBackoff time.Duration
}

// Feed is a TCP client of an SBS receiver.
type Feed struct {
	cfg    Config
	parser Parser
}

// New returns a feed for cfg.
func New(cfg Config) *Feed {
	cfg.Stats, cfg.Logger, cfg.Now = feedstats.Defaults(cfg.Stats, cfg.Logger, cfg.Now)
	if cfg.FlushEvery <= 0 {
		cfg.FlushEvery = 100 * time.Millisecond
	}
	if cfg.FlushSize <= 0 {
		cfg.FlushSize = 500
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	return &Feed{cfg: cfg, parser: Parser{Location: cfg.Location, Source: cfg.Source}}
}

// Run connects to the receiver and sends its observations to the sink to until
// ctx is done, reconnecting with exponential backoff whenever the
// connection fails or drops. It returns nil when ctx is done.
func (f *Feed) Run(ctx context.Context, to Sink) error {
	if f.cfg.Address == "" {
		return errors.New("sbs: no address")
	}
	buf := &sink.Buffer{Sink: to, Stats: f.cfg.Stats}
	back := backoff.Doubling{Min: 500 * time.Millisecond, Max: f.cfg.MaxBackoff}
	var d net.Dialer
	connected := false
	for {
		conn, err := d.DialContext(ctx, "tcp", f.cfg.Address)
		if ctx.Err() != nil {
			if conn != nil {
				conn.Close()
			}
			return nil
		}
		if err != nil {
			f.fail(fmt.Errorf("sbs: dial %s: %w", f.cfg.Address, err))
		} else {
			if connected {
				f.cfg.Stats.Reconnect()
			}
			connected = true
			f.cfg.Stats.Connected(true)
			f.cfg.Stats.Error(nil)
			f.cfg.Logger.Info("connected", "address", f.cfg.Address)
			got, err := f.serve(ctx, conn, buf)
			f.cfg.Stats.Connected(false)
			if ctx.Err() != nil {
				return nil
			}
			if got {
				back.Reset()
			}
			if err == nil {
				err = io.EOF
			}
			f.fail(fmt.Errorf("sbs: read %s: %w", f.cfg.Address, err))
		}
		if !backoff.Wait(ctx, back.Next()) {
			return nil
		}
	}
}

func (f *Feed) fail(err error) {
	f.cfg.Stats.Error(err)
	f.cfg.Logger.Warn("receiver connection failed", "err", err)
}

// serve reads one connection until it fails or ctx is done, and reports
// whether any line arrived.
func (f *Feed) serve(ctx context.Context, conn net.Conn, buf *sink.Buffer) (bool, error) {
	obsc := make(chan flight.Observation, 1024)
	type result struct {
		lines int
		err   error
	}
	done := make(chan result, 1)
	go func() {
		n, err := f.read(conn, obsc)
		done <- result{n, err}
		close(obsc)
	}()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	tick := time.NewTicker(f.cfg.FlushEvery)
	defer tick.Stop()
	flush := func() {
		if err := buf.Flush(ctx); err != nil && ctx.Err() == nil {
			f.cfg.Logger.Warn("sink failed; keeping observations", "err", err, "pending", buf.Len())
		}
	}
	for {
		select {
		case o, ok := <-obsc:
			if !ok {
				flush()
				r := <-done
				return r.lines > 0, r.err
			}
			buf.Add(o)
			if buf.Len() >= f.cfg.FlushSize {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// read parses lines until the connection fails and returns how many
// complete lines arrived. A line cut by the drop is
// not parsed.
func (f *Feed) read(conn net.Conn, out chan<- flight.Observation) (int, error) {
	n := 0
	lr := lines.NewReader(idleReader{conn, f.cfg.IdleTimeout}, MaxLine)
	for {
		line, err := lr.Next()
		if errors.Is(err, lines.ErrTooLong) {
			f.cfg.Stats.Messages(1)
			f.cfg.Stats.Reject(feedstats.ReasonLineTooLong, 1)
			continue
		}
		if err != nil {
			return n, err
		}
		n++
		if len(line) == 0 {
			continue // heartbeat
		}
		f.cfg.Stats.Messages(1)
		obs, ok, reason := f.parser.Line(line, f.cfg.Now())
		if reason != "" {
			f.cfg.Stats.Reject(reason, 1)
		}
		if ok {
			out <- obs
		}
	}
}

// idleReader fails a read that waits longer than timeout.
type idleReader struct {
	conn    net.Conn
	timeout time.Duration
}

func (r idleReader) Read(p []byte) (int, error) {
	if err := r.conn.SetReadDeadline(time.Now().Add(r.timeout)); err != nil {
		return 0, err
	}
	return r.conn.Read(p)
}
