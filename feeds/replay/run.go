package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/backoff"
	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/jump"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/feeds/lines"
	"github.com/flightwatch/flightwatch/feeds/sbs"
	"github.com/flightwatch/flightwatch/flight"
)

// Sink receives the feed's observations.
type Sink = sink.Sink

// MaxLine is the longest line read.
const MaxLine = 1 << 20

// ErrEmpty is returned when a pass over the file found no record.
var ErrEmpty = errors.New("replay: no records")

// Config configures a Feed. Zero values mean the documented defaults.
type Config struct {
	// Path of the recording. Required.
	Path string
	// Open opens Path; nil is os.Open.
	Open func(path string) (io.ReadCloser, error)
	// Speed divides the recorded spacing; zero is 1 (real time).
	Speed float64
	// Loop plays the file again at its end.
	Loop bool
	// Location is the time zone of SBS lines' times; nil is UTC.
	Location *time.Location
	// Source is set on observations that have none.
	Source string
	Stats  feedstats.Stats  // nil discards counts
	Logger *slog.Logger     // nil discards logs
	Now    func() time.Time // nil is time.Now
}

// Feed plays one file.
type Feed struct{ cfg Config }

// New returns a feed for cfg.
func New(cfg Config) *Feed {
	cfg.Stats, cfg.Logger, cfg.Now = feedstats.Defaults(cfg.Stats, cfg.Logger, cfg.Now)
	if cfg.Open == nil {
		cfg.Open = openFile
	}
	if cfg.Speed <= 0 {
		cfg.Speed = 1
	}
	return &Feed{cfg: cfg}
}

// openFile is the default Config.Open.
func openFile(path string) (io.ReadCloser, error) { return os.Open(path) }

// Run plays the file once (or forever with Loop) and returns nil at its
// end or when ctx is done.
func (f *Feed) Run(ctx context.Context, to Sink) error {
	if f.cfg.Path == "" {
		return errors.New("replay: no path")
	}
	buf := &sink.Buffer{Sink: to, Stats: f.cfg.Stats}
	for {
		n, err := f.pass(ctx, buf)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w in %s", ErrEmpty, f.cfg.Path)
		}
		if !f.cfg.Loop {
			return nil
		}
		f.cfg.Logger.Info("replay looping", "path", f.cfg.Path, "records", n)
	}
}

// pass plays the file once and returns how many records it read.
func (f *Feed) pass(ctx context.Context, buf *sink.Buffer) (int, error) {
	rc, err := f.cfg.Open(f.cfg.Path)
	if err != nil {
		return 0, fmt.Errorf("replay: open %s: %w", f.cfg.Path, err)
	}
	defer rc.Close()
	p := player{cfg: &f.cfg, buf: buf, sbs: sbs.Parser{Location: f.cfg.Location, Source: f.cfg.Source}}
	lr := lines.NewReader(rc, MaxLine)
	for {
		line, err := lr.Next()
		if errors.Is(err, lines.ErrTooLong) {
			f.cfg.Stats.Reject(feedstats.ReasonLineTooLong, 1)
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if perr := p.line(ctx, line); perr != nil {
				return p.records, perr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p.records, fmt.Errorf("replay: read %s: %w", f.cfg.Path, err)
		}
	}
	if err := buf.Flush(ctx); err != nil && ctx.Err() == nil {
		return p.records, fmt.Errorf("replay: %w", err)
	}
	return p.records, nil
}

// player is the state of one pass.
type player struct {
	cfg     *Config
	buf     *sink.Buffer
	sbs     sbs.Parser
	jumps   jump.Filter
	records int
	started bool
	first   time.Time // original time of the first record
	start   time.Time // wall time the first record maps to
	last    time.Time // original time of the previous record
}

// line plays one line: decode, wait for its re-based time, add it.
func (p *player) line(ctx context.Context, line []byte) error {
	p.cfg.Stats.Messages(1)
	o, ok, reason := p.decode(line)
	if reason != "" {
		p.cfg.Stats.Reject(reason, 1)
	}
	if !ok {
		return nil
	}
	p.records++
	if !p.started {
		p.started, p.first, p.start = true, o.Time, p.cfg.Now().Round(0)
	}
	p.last = o.Time
	// The jump filter judges recorded times: re-based ones are compressed.
	if !p.jumps.Allow(o.Hex, o.Time, o.Lat, o.Lon) {
		p.cfg.Stats.Reject(feedstats.ReasonJump, 1)
		return nil
	}
	offset := time.Duration(float64(o.Time.Sub(p.first)) / p.cfg.Speed)
	o.Time = p.start.Add(offset).UTC()
	if wait := o.Time.Sub(p.cfg.Now()); wait > 10*time.Millisecond {
		p.flush(ctx)
		if !backoff.Wait(ctx, wait) {
			return ctx.Err()
		}
	}
	p.buf.Add(o)
	if p.buf.Len() >= 500 {
		p.flush(ctx)
	}
	return nil
}

// flush hands the pending observations to the sink; when it fails they
// stay pending and the failure is logged.
func (p *player) flush(ctx context.Context) {
	if err := p.buf.Flush(ctx); err != nil && ctx.Err() == nil {
		p.cfg.Logger.Warn("sink failed; keeping observations", "err", err)
	}
}

// decode reads one record with its original time.
func (p *player) decode(line []byte) (flight.Observation, bool, string) {
	line = bytes.TrimSpace(line)
	if line[0] == '{' {
		var o flight.Observation
		if err := o.UnmarshalJSON(line); err != nil {
			return o, false, feedstats.ReasonBadRecord
		}
		o.Normalize()
		if o.Source == "" {
			o.Source = p.cfg.Source
		}
		if err := o.Validate(time.Time{}); err != nil {
			return o, false, feedstats.ReasonInvalid
		}
		return o, true, ""
	}
	recv := p.last
	if line[0] == '@' {
		i := bytes.IndexByte(line, ' ')
		if i < 0 {
			return flight.Observation{}, false, feedstats.ReasonBadTime
		}
		t, err := parsePrefix(string(line[1:i]))
		if err != nil {
			return flight.Observation{}, false, feedstats.ReasonBadTime
		}
		recv, line = t, line[i+1:]
	}
	if recv.IsZero() {
		recv = p.cfg.Now()
	}
	if !sbsLine(line) {
		return flight.Observation{}, false, feedstats.ReasonBadRecord
	}
	return p.sbs.Line(line, recv)
}

// sbsLine reports whether line starts with an SBS message type.
func sbsLine(line []byte) bool {
	for _, t := range []string{"MSG,", "SEL,", "ID,", "AIR,", "STA,", "CLK,"} {
		if bytes.HasPrefix(line, []byte(t)) {
			return true
		}
	}
	return false
}

// parsePrefix reads an RFC 3339 time or Unix seconds.
func parsePrefix(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	sec, err := strconv.ParseFloat(s, 64)
	if err != nil || sec < 0 || sec > 1e11 {
		return time.Time{}, fmt.Errorf("replay: bad time prefix %q", s)
	}
	whole := int64(sec)
	return time.Unix(whole, int64((sec-float64(whole))*1e9)).UTC(), nil
}
