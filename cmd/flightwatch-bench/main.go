package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

// options are the command's flags.
type options struct {
	url, url2, token, token2 string
	pid, pid2                int
	duration                 time.Duration
	aircraft, rate, batch    int
	writers                  int
	viewers                  viewerOpts
	view                     string
	bbox                     string
	queryEvery               time.Duration
	timeout                  time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "flightwatch-bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("flightwatch-bench", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "server base URL")
	fs.StringVar(&o.token, "token", "", "ingest bearer token of --url")
	fs.IntVar(&o.pid, "pid", 0, "process id of --url's server, for CPU and RSS from /proc (0: not read)")
	fs.StringVar(&o.url2, "url2", "", "a second server driven with the same load at the same time")
	fs.StringVar(&o.token2, "token2", "", "ingest bearer token of --url2 (default: --token)")
	fs.IntVar(&o.pid2, "pid2", 0, "process id of --url2's server")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long the load runs (at most 10m)")
	fs.IntVar(&o.aircraft, "aircraft", 20000, "synthetic aircraft (60% over the US, 40% over Europe)")
	fs.IntVar(&o.rate, "rate", 30000, "observations per second to post in total")
	fs.IntVar(&o.batch, "batch", 100, "observations per POST (NDJSON lines)")
	fs.IntVar(&o.writers, "writers", 32, "concurrent posting clients per server (bounds the posts in flight)")
	fs.IntVar(&o.viewers.n, "ws", 1000, "websocket viewers")
	fs.StringVar(&o.view, "view", "12x8", "viewer viewport: WxH degrees placed over the US or Europe, or world")
	fs.StringVar(&o.viewers.format, "format", "", "websocket format asked at subscribe: empty (GeoJSON) or delta")
	fs.BoolVar(&o.viewers.deflate, "deflate", false, "offer permessage-deflate")
	fs.IntVar(&o.viewers.decodeEvery, "decode-every", 20, "one viewer in N decodes its frames and times the hop")
	fs.StringVar(&o.bbox, "bbox", "-125,25,-67,49", "bbox of the timed GET /api/v1/aircraft queries")
	fs.DurationVar(&o.queryEvery, "query-every", 200*time.Millisecond, "interval of the bbox queries (0: none)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "HTTP request timeout")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.duration <= 0 || o.duration > 10*time.Minute {
		return o, errors.New("--duration must be in (0, 10m]")
	}
	for _, u := range []string{o.url, o.url2} {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return o, fmt.Errorf("bad server URL %q: want http://host:port", u)
		}
	}
	if o.url == "" {
		return o, errors.New("--url is required")
	}
	if o.aircraft <= 0 || o.batch <= 0 || o.writers <= 0 || o.rate < 0 || o.viewers.n < 0 {
		return o, errors.New("--aircraft, --batch and --writers must be positive; --rate and --ws not negative")
	}
	if o.viewers.format != "" && o.viewers.format != "delta" {
		return o, fmt.Errorf("unknown --format %q: want delta or nothing", o.viewers.format)
	}
	if o.view != "world" {
		if _, err := fmt.Sscanf(o.view, "%gx%g", &o.viewers.w, &o.viewers.h); err != nil ||
			o.viewers.w <= 0 || o.viewers.h <= 0 || o.viewers.w > 360 || o.viewers.h > 180 {
			return o, fmt.Errorf("bad --view %q: want WxH degrees (12x8) or world", o.view)
		}
	}
	if o.token2 == "" {
		o.token2 = o.token
	}
	return o, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: o.timeout, Transport: &http.Transport{MaxIdleConnsPerHost: 4 * o.writers}}
	targets := []*target{{name: "url", base: strings.TrimSuffix(o.url, "/"), token: o.token, pid: o.pid, http: client}}
	if o.url2 != "" {
		targets = append(targets, &target{name: "url2", base: strings.TrimSuffix(o.url2, "/"), token: o.token2,
			pid: o.pid2, http: client})
	}
	fl := newFleet(o.aircraft, 1, time.Now())
	fmt.Fprintf(out, "load: %d aircraft, %d obs/s in batches of %d by %d writers, %d viewers (%s%s%s), %s\n",
		o.aircraft, o.rate, o.batch, o.writers, o.viewers.n, o.view, fmtIf(o.viewers.format != "", ", "+o.viewers.format),
		fmtIf(o.viewers.deflate, ", deflate"), o.duration)

	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(2)
		go func() { defer wg.Done(); t.watchProc(ctx) }()
		go func() { defer wg.Done(); t.viewers(ctx, o.viewers, uint64(i+1)) }()
		if o.queryEvery > 0 {
			wg.Add(1)
			go func() { defer wg.Done(); t.query(ctx, o.bbox, o.queryEvery) }()
		}
	}
	if o.rate > 0 {
		for _, t := range targets {
			wg.Add(1)
			go func() { defer wg.Done(); t.ingest(ctx, fl, o.rate, o.batch, o.writers) }()
		}
	}
	wg.Wait()
	report(out, targets, time.Since(start))
	return nil
}

func fmtIf(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

// report prints one column per target, and their ratio for two.
func report(out io.Writer, targets []*target, wall time.Duration) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	head := "figure"
	for _, t := range targets {
		head += "\t" + t.base
	}
	fmt.Fprintln(tw, head+"\t")
	secs := wall.Seconds()
	row := func(name string, f func(t *target) string) {
		line := name
		for _, t := range targets {
			line += "\t" + f(t)
		}
		fmt.Fprintln(tw, line+"\t")
	}
	row("observations posted", func(t *target) string {
		return fmt.Sprintf("%d (%.0f/s), accepted %d, failed posts %d", t.sent.Load(),
			float64(t.sent.Load())/secs, t.accepted.Load(), t.postErrs.Load())
	})
	row("POST latency", func(t *target) string { return quantiles(t.postLat) })
	row("GET bbox latency", func(t *target) string {
		return quantiles(t.getLat) + fmt.Sprintf(", median %d features", median(t.getFeatures))
	})
	row("ws viewers", func(t *target) string {
		return fmt.Sprintf("%d connected, %d closed by server, %d failed to connect",
			t.view.connected.Load(), t.view.closed.Load(), t.view.dialErrs.Load())
	})
	row("ws hop POST→frame", func(t *target) string { return quantiles(t.view.hops) })
	row("ws frames", func(t *target) string {
		return fmt.Sprintf("%d (%.0f/s), %.1f MB (%.1f MB/s)", t.view.frames.Load(), float64(t.view.frames.Load())/secs,
			float64(t.view.bytes.Load())/1e6, float64(t.view.bytes.Load())/1e6/secs)
	})
	row("bytes per feature update", func(t *target) string {
		if t.view.decFeatures == 0 {
			return "no updates decoded"
		}
		return fmt.Sprintf("%.0f (%d updates in %d decoded frames)", float64(t.view.decBytes)/float64(t.view.decFeatures),
			t.view.decFeatures, t.view.decFrames)
	})
	row("ws gaps", func(t *target) string {
		return fmt.Sprintf("max %s, %d over 1 s", t.view.maxGap.Round(time.Millisecond), t.view.gapsOver1s)
	})
	row("server CPU", func(t *target) string {
		if t.proc.err != nil {
			return t.proc.err.Error()
		}
		if t.proc.n < 2 {
			return "not read (--pid)"
		}
		return fmt.Sprintf("%.2f cores", t.proc.cores())
	})
	row("server RSS", func(t *target) string {
		if t.proc.n < 1 {
			return "not read (--pid)"
		}
		return fmt.Sprintf("%.0f MB at end, peak %.0f MB", float64(t.proc.last.rssB)/1e6, float64(t.proc.peakRSS)/1e6)
	})
	if len(targets) == 2 {
		a, b := targets[0], targets[1]
		fmt.Fprintf(tw, "ratio url/url2\thop p99 %s\tbbox p50 %s\t\n", ratio(p(a.view.hops, 0.99), p(b.view.hops, 0.99)),
			ratio(p(a.getLat, 0.5), p(b.getLat, 0.5)))
	}
	_ = tw.Flush()
	for _, t := range targets {
		if len(t.view.closeCodes) > 0 {
			fmt.Fprintf(out, "%s close reasons: %v\n", t.base, t.view.closeCodes)
		}
	}
}

func p(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

func quantiles(d []time.Duration) string {
	if len(d) == 0 {
		return "no samples"
	}
	r := func(q float64) time.Duration { return p(d, q).Round(100 * time.Microsecond) }
	return fmt.Sprintf("p50 %s p99 %s max %s (n=%d)", r(0.5), r(0.99), r(1), len(d))
}

func median(v []int) int {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
