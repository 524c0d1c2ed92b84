package server

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxGzipRatio bounds how much a gzip body may expand: a decoded body
// larger than this many times its compressed bytes (plus minGzipAllowance)
// is refused as too large, whatever MaxBodyBytes allows.
const (
	maxGzipRatio     = 100
	minGzipAllowance = 64 << 10
)

// errGzip is wrapped by read errors of a malformed gzip stream.
var errGzip = errors.New("server: gzip")

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gzipBody decodes a gzip request body, stopping with an
// *http.MaxBytesError (recorded in lb) past max decoded bytes or past the
// expansion ratio.
type gzipBody struct {
	zr  *gzip.Reader
	in  *countingReader
	out int64
	max int64
	lb  *limitedBody
}

func newGzipBody(raw io.Reader, max int64, lb *limitedBody) (*gzipBody, error) {
	// Record a compressed body past the cap as too large, too.
	in := &countingReader{}
	in.r = readerFunc(func(p []byte) (int, error) {
		n, err := raw.Read(p)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			lb.hit = mbe
		}
		return n, err
	})
	zr, err := gzip.NewReader(in)
	if err != nil {
		return nil, err
	}
	return &gzipBody{zr: zr, in: in, max: max, lb: lb}, nil
}

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func (g *gzipBody) Read(p []byte) (int, error) {
	if room := min(g.max, maxGzipRatio*g.in.n+minGzipAllowance) - g.out + 1; room > 0 && int64(len(p)) > room {
		p = p[:room] // never decode far past the cap
	}
	n, err := g.zr.Read(p)
	g.out += int64(n)
	limit := min(g.max, maxGzipRatio*g.in.n+minGzipAllowance)
	if g.out > limit {
		g.lb.hit = &http.MaxBytesError{Limit: limit}
		return n, g.lb.hit
	}
	if err != nil && err != io.EOF && g.lb.hit == nil {
		return n, fmt.Errorf("%w: %w", errGzip, err)
	}
	return n, err
}
