package server

import (
	"net/http"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server/httperr"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/stream"
)

// streamEncoder gives the websocket the server's feature encoders, so its
// features agree with every other output.
type streamEncoder struct{}

var _ stream.Encoder = streamEncoder{}

func (streamEncoder) AppendAircraft(b []byte, a *flight.Aircraft) []byte {
	return appendAircraftFeature(b, a)
}
func (streamEncoder) AppendAlert(b []byte, a *flight.Alert) []byte { return appendAlertFeature(b, a) }
func (streamEncoder) AppendReport(b []byte, r *flight.Report) []byte {
	return appendReportFeature(b, r)
}
func (streamEncoder) AppendCell(b []byte, c store.CellCount) []byte {
	return cellSet{c}.AppendFeature(b, 0)
}

// streamPrivacy applies the server's privacy threshold and token scopes
// to the websocket.
type streamPrivacy struct{ s *Server }

var _ stream.Privacy = streamPrivacy{}

func (p streamPrivacy) PublicCells(cells []store.CellCount) []store.CellCount {
	return p.s.passK(cells)
}
func (p streamPrivacy) RawAllowed(r *http.Request) bool { return p.s.rawAllowed(r) }

// newStream builds the websocket hub mounted at /api/v1/stream.
func (s *Server) newStream() (*stream.Hub, error) {
	return stream.New(s.cfg.Stream, stream.Deps{
		Bus: s.deps.Bus, Source: s.deps.Store, Privacy: streamPrivacy{s}, Encoder: streamEncoder{},
		Logger: s.log, Registry: s.reg, Error: httperr.Write,
	})
}
