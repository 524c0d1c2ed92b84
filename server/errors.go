package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server/export"
	"github.com/flightwatch/flightwatch/server/httperr"
	"github.com/flightwatch/flightwatch/store"
)

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	Status     int
	Msg        string
	RetryAfter int // seconds; 0: no Retry-After header
}

func (e *apiError) Error() string { return e.Msg }

// errorf builds an apiError.
func errorf(status int, format string, args ...any) error {
	return &apiError{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// handlerFunc is a handler that returns its error; handle maps it to a
// status in one place.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusOf maps an error to its HTTP status, message and Retry-After.
func statusOf(err error) (int, string, int) {
	var ae *apiError
	var mbe *http.MaxBytesError
	var fe *export.FormatError
	switch {
	case errors.As(err, &ae):
		return ae.Status, ae.Msg, ae.RetryAfter
	case errors.As(err, &fe):
		return http.StatusBadRequest, fe.Error(), 0
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", mbe.Limit), 0
	case errors.Is(err, store.ErrUnavailable):
		return http.StatusServiceUnavailable, "store unavailable, retry later", 5
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not found", 0
	case errors.Is(err, flight.ErrInvalid):
		return http.StatusBadRequest, err.Error(), 0
	}
	return http.StatusInternalServerError, "internal error", 0
}

// handle adapts a handlerFunc: it writes the error answer when the handler
// returns one before writing.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, msg, retry := statusOf(err)
		if status >= 500 {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if rw, ok := w.(*statusWriter); ok && rw.wrote {
			return // the answer is under way; nothing more can be said
		}
		if retry > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retry))
		}
		httperr.Write(w, status, msg)
	})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// statusWriter records the status written, for metrics and error handling.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (the
// websocket upgrade needs its Hijacker, streaming needs its Flusher).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack passes through to the underlying writer (websocket upgrades).
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: response writer cannot hijack")
	}
	w.status, w.wrote = http.StatusSwitchingProtocols, true
	return h.Hijack()
}

// Flush passes through to the underlying writer.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// recoverer turns a panic in a handler into a 500 JSON answer and a log
// line; http.ErrAbortHandler is passed on.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel value compared as net/http does
				panic(v)
			}
			log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.wrote {
				return
			}
			httperr.Write(w, http.StatusInternalServerError, "internal error")
		}()
		next.ServeHTTP(w, r)
	})
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
