package replay

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/flightwatch/flightwatch/flight"
)

// Recorder is a Sink that writes every observation it receives as one
// NDJSON line, the form a Feed plays back, and flushes after each batch.
// It is safe for concurrent use.
type Recorder struct {
	mu  sync.Mutex
	w   *bufio.Writer
	buf []byte
	n   uint64
}

var _ Sink = (*Recorder)(nil)

// NewRecorder returns a Recorder writing to w. The caller closes w after
// the feeds have stopped.
func NewRecorder(w io.Writer) *Recorder {
	return &Recorder{w: bufio.NewWriterSize(w, 64<<10)}
}

// Ingest writes obs and flushes them to the underlying writer.
func (r *Recorder) Ingest(_ context.Context, obs []flight.Observation) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range obs {
		r.buf = obs[i].AppendJSON(r.buf[:0])
		r.buf = append(r.buf, '\n')
		if _, err := r.w.Write(r.buf); err != nil {
			return fmt.Errorf("replay: record: write: %w", err)
		}
	}
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("replay: record: flush: %w", err)
	}
	r.n += uint64(len(obs))
	return nil
}

// Count is the number of observations written.
func (r *Recorder) Count() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// Tee returns a Sink that records every batch with r and then forwards it
// to next. A recording error is returned only when next succeeded, so the
// feed retries as it would for next alone.
func (r *Recorder) Tee(next Sink) Sink {
	return tee{r: r, next: next}
}

type tee struct {
	r    *Recorder
	next Sink
}

func (t tee) Ingest(ctx context.Context, obs []flight.Observation) error {
	if err := t.next.Ingest(ctx, obs); err != nil {
		return err
	}
	return t.r.Ingest(ctx, obs)
}
