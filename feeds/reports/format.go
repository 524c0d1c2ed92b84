package reports

import (
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
)

// Format is the encoding of a reports document.
type Format int

// Formats of a reports document. The zero Format is CSV.
const (
	CSV     Format = iota // text/csv with a header row
	NDJSON                // application/x-ndjson: one report object per line
	GeoJSON               // application/geo+json: a FeatureCollection of Points
)

// ErrContentType is wrapped by FormatFor when a content type names no
// supported format.
var ErrContentType = errors.New("reports: unsupported content type")

// ErrDocument is wrapped by Parse when a whole document is unusable (as
// opposed to one bad row, which is reported as a flight.LineError).
var ErrDocument = errors.New("reports: bad document")

// String returns the format's name: csv, ndjson or geojson.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case NDJSON:
		return "ndjson"
	case GeoJSON:
		return "geojson"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatFor maps a Content-Type header value to a Format: text/csv → CSV;
// application/x-ndjson (also application/ndjson, application/jsonl) →
// NDJSON; application/geo+json or application/json → GeoJSON (a
// FeatureCollection). Parameters such as charset are ignored. Anything else
// is an error wrapping ErrContentType.
func FormatFor(contentType string) (Format, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, fmt.Errorf("format for %q: %w", contentType, ErrContentType)
	}
	switch mt {
	case "text/csv", "application/csv":
		return CSV, nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return NDJSON, nil
	case "application/geo+json", "application/json", "application/vnd.geo+json":
		return GeoJSON, nil
	}
	return 0, fmt.Errorf("format for %q: %w", contentType, ErrContentType)
}

// ParseFormat maps a format name (csv, ndjson, geojson; case-insensitive)
// to a Format.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "csv":
		return CSV, nil
	case "ndjson", "jsonl":
		return NDJSON, nil
	case "geojson", "json":
		return GeoJSON, nil
	}
	return 0, fmt.Errorf("format %q: %w", name, ErrContentType)
}

// formatForPath guesses a format from a file name's extension.
func formatForPath(p string) (Format, error) {
	switch strings.ToLower(path.Ext(p)) {
	case ".csv":
		return CSV, nil
	case ".ndjson", ".jsonl":
		return NDJSON, nil
	case ".geojson", ".json":
		return GeoJSON, nil
	}
	return 0, fmt.Errorf("format for file %q: %w", p, ErrContentType)
}
