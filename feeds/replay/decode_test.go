package replay

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
)

func FuzzReplay(f *testing.F) {
	for _, name := range []string{"testdata/demo.ndjson", "testdata/capture.sbs"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			f.Add(l)
		}
	}
	f.Add([]byte("@99999999999999 MSG,3,1,1,A1B2C3,1,,,,,,4500,,,31.85,-106.38,,,0,0,0,0"))
	f.Add([]byte("@ "))
	now := time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line []byte) {
		if len(bytes.TrimSpace(line)) == 0 {
			return
		}
		cfg := Config{Now: func() time.Time { return now }, Stats: feedstats.Nop{}}
		p := player{cfg: &cfg}
		o, ok, _ := p.decode(line)
		if ok {
			if err := o.Validate(time.Time{}); err != nil {
				t.Errorf("decode(%q) returned invalid %+v: %v", line, o, err)
			}
		}
	})
}
