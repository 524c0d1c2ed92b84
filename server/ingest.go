package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/flightwatch/flightwatch/feeds/reports"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/ingest"
	"github.com/flightwatch/flightwatch/ingest/push"
	"github.com/flightwatch/flightwatch/store"
)

// maxListedErrors caps the per-line errors an ingest answer lists.
const maxListedErrors = 100

// ingestAnswer is the body of a 202 (or 400) ingest answer.
type ingestAnswer struct {
	Accepted int                `json:"accepted"`
	Added    *int               `json:"added,omitempty"` // reports only: new, not duplicates
	Rejected int                `json:"rejected"`
	Errors   []flight.LineError `json:"errors"`
	// Ignored lists valid lines that were not stored, with the reason.
	Ignored []ignoredLine `json:"ignored"`
	Error   string        `json:"error,omitempty"` // set when nothing was accepted
}

// ignoredLine is a valid line not stored.
type ignoredLine struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// BatchIngester is an Ingester that says what became of each observation
// (ingest.Pipeline). Without it every valid line counts as accepted.
type BatchIngester interface {
	IngestBatch(ctx context.Context, obs []flight.Observation) (ingest.Outcome, error)
}

func newAnswer(accepted int, errs []flight.LineError) ingestAnswer {
	a := ingestAnswer{Accepted: accepted, Rejected: len(errs), Errors: errs}
	if len(a.Errors) > maxListedErrors {
		a.Errors = a.Errors[:maxListedErrors]
	}
	if a.Errors == nil {
		a.Errors = []flight.LineError{}
	}
	a.Ignored = []ignoredLine{}
	return a
}

// limitedBody is a request body capped at n bytes that remembers whether
// the cap was hit, whatever the parser does with the error.
type limitedBody struct {
	r   io.Reader
	hit *http.MaxBytesError
}

func (l *limitedBody) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		l.hit = mbe
	}
	return n, err
}

// body returns the request body capped at MaxBodyBytes; a declared length
// past the cap fails at once. A gzip body (Content-Encoding: gzip) is
// decoded, and capped after decoding too: at MaxBodyBytes and at
// maxGzipRatio times the compressed bytes read.
func (s *Server) body(w http.ResponseWriter, r *http.Request) (*limitedBody, error) {
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return nil, errorf(http.StatusRequestEntityTooLarge, "request body of %d bytes is larger than %d", r.ContentLength, s.cfg.MaxBodyBytes)
	}
	raw := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return &limitedBody{r: raw}, nil
	case "gzip", "x-gzip":
		lb := &limitedBody{}
		gz, err := newGzipBody(raw, s.cfg.MaxBodyBytes, lb)
		if err != nil {
			if lb.hit != nil {
				return nil, lb.tooLarge()
			}
			return nil, errorf(http.StatusBadRequest, "gzip body: %v", err)
		}
		lb.r = gz
		return lb, nil
	default:
		return nil, errorf(http.StatusUnsupportedMediaType, "content encoding %q: want gzip or none", enc)
	}
}

func (l *limitedBody) tooLarge() error {
	if l.hit == nil {
		return nil
	}
	return errorf(http.StatusRequestEntityTooLarge, "request body larger than %d bytes", l.hit.Limit)
}

func (s *Server) postPositions(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorize(w, r, ScopeIngest); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "application/x-ndjson" && mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "content type %q: want application/x-ndjson or application/json", ct)
	}
	body, err := s.body(w, r)
	if err != nil {
		return err
	}
	obs, lines, lineErrs, err := push.ParseLines(body, mt, s.now())
	if tl := body.tooLarge(); tl != nil {
		return tl
	}
	if err != nil {
		if errors.Is(err, errGzip) {
			return errorf(http.StatusBadRequest, "gzip body: %v", err)
		}
		return errorf(http.StatusBadRequest, "parse positions: %v", err)
	}
	s.m.ingested.WithLabelValues("positions", "rejected").Add(float64(len(lineErrs)))
	ans := newAnswer(len(obs), lineErrs)
	if len(obs) == 0 {
		ans.Error = "no valid observation in the body"
		return writeJSON(w, http.StatusBadRequest, ans)
	}
	if bi, ok := s.deps.Ingest.(BatchIngester); ok {
		out, err := bi.IngestBatch(r.Context(), obs)
		if err != nil {
			return ingestFailed("positions", err)
		}
		ans.Accepted = out.Stored
		for _, ig := range out.Ignored {
			if len(ans.Ignored) == maxListedErrors {
				break
			}
			line := ig.Index + 1
			if ig.Index < len(lines) {
				line = lines[ig.Index]
			}
			ans.Ignored = append(ans.Ignored, ignoredLine{Line: line, Reason: ig.Reason})
		}
		s.m.ingested.WithLabelValues("positions", "ignored").Add(float64(len(out.Ignored)))
	} else if err := s.deps.Ingest.Ingest(r.Context(), obs); err != nil {
		return ingestFailed("positions", err)
	}
	s.m.ingested.WithLabelValues("positions", "accepted").Add(float64(ans.Accepted))
	return writeJSON(w, http.StatusAccepted, ans)
}

// ingestFailed maps an Ingester error: unavailable stores answer 503 with
// Retry-After, invalid data 400, the rest 500.
func ingestFailed(kind string, err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		return &apiError{Status: http.StatusServiceUnavailable, RetryAfter: 5,
			Msg: fmt.Sprintf("%s not stored: store unavailable, retry later", kind)}
	}
	return fmt.Errorf("ingest %s: %w", kind, err)
}

func (s *Server) postReports(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorize(w, r, ScopeIngest); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	f, err := reports.FormatFor(ct)
	if err != nil {
		return errorf(http.StatusUnsupportedMediaType, "content type %q: want text/csv, application/x-ndjson or application/geo+json", ct)
	}
	body, err := s.body(w, r)
	if err != nil {
		return err
	}
	reps, lineErrs, err := reports.Parse(body, f, s.deps.Resolver, s.now())
	if tl := body.tooLarge(); tl != nil {
		return tl
	}
	if err != nil {
		return errorf(http.StatusBadRequest, "parse reports: %v", err)
	}
	s.m.ingested.WithLabelValues("reports", "rejected").Add(float64(len(lineErrs)))
	ans := newAnswer(len(reps), lineErrs)
	if len(reps) == 0 {
		ans.Error = "no valid report in the body"
		return writeJSON(w, http.StatusBadRequest, ans)
	}
	added, err := s.deps.Ingest.IngestReports(r.Context(), reps)
	if err != nil {
		return ingestFailed("reports", err)
	}
	s.m.ingested.WithLabelValues("reports", "accepted").Add(float64(len(reps)))
	ans.Added = &added
	return writeJSON(w, http.StatusAccepted, ans)
}
