package push_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/ingest/push"
)

func ExampleParse() {
	body := `{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38,"alt_ft":4500,"callsign":"rch821"}
{"hex":"ae1234","time":"2025-01-24T14:03:06Z","lat":131.85,"lon":-106.38}
`
	now := time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)
	obs, errs, err := push.Parse(strings.NewReader(body), "application/x-ndjson", now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range obs {
		fmt.Println(o.Hex, o.Callsign, o.AltFt)
	}
	for _, e := range errs {
		fmt.Println(e.Line, e.Error)
	}
	// Output:
	// ae1234 RCH821 4500
	// 2 flight: invalid: lat 131.85 out of range -90..90
}
