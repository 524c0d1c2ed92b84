package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/geo"
)

// TestConfigErrors loads bad configurations and checks the exact message:
// the file, the line, the key path and the reason, with no repeated
// prefixes and no Go type names.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown feed kind", "feeds:\n  - name: x\n    kind: beast\n",
			`config: feeds[0] "x": unknown kind "beast" (want sbs, readsb, adsbx-v2, opensky, replay or reports)`},
		{"feed without url", "feeds:\n  - name: mil\n    kind: adsbx-v2\n",
			`config: feeds[0] "mil": kind adsbx-v2 needs url`},
		{"duplicate feed", "feeds:\n  - {name: a, kind: replay, path: a.ndjson}\n  - {name: a, kind: replay, path: b.ndjson}\n",
			`config: feeds[1] "a": duplicate name`},
		{"bad feed duration", "feeds:\n  - name: rx\n    kind: readsb\n    url: http://h/a.json\n    interval: soon\n",
			`config F: line 5: bad duration "soon" (want e.g. 1s, 500ms)`},
		{"unknown top key", "listen: \":8080\"\nlisen: \":9090\"\n",
			`config F: line 2: unknown key lisen`},
		{"unknown tracker key", "tracker:\n  holding_turn: 360\n",
			`config F: line 2: unknown key tracker.holding_turn`},
		{"unknown feed key", "feeds:\n  - name: x\n    kind: sbs\n    adress: h:1\n",
			`config F: line 4: unknown key feeds[0].adress`},
		{"tracker number", "tracker:\n  takeoff_speed_kt: fast\n",
			`config F: line 2: tracker.takeoff_speed_kt: "fast" is not a number`},
		{"tracker duration", "tracker:\n  signal_lost: often\n",
			`config F: line 2: tracker.signal_lost: "often" is not a duration (e.g. 10s, 5m)`},
		{"two problems", "store:\n  h3_res: three\nlog_lvl: x\n",
			`config F: line 2: store.h3_res: "three" is not a whole number; line 3: unknown key log_lvl`},
		{"retention word", "store:\n  retention:\n    tracks: forever\n",
			`config F: line 3: store.retention.tracks "forever": want 0 or a duration such as 720h`},
		{"confidence", "tracker:\n  predict_min_confidence: 1.5\n",
			`config: tracker.predict_min_confidence 1.5: want 0..1`},
		{"home country", "tracker:\n  home_country: XXX\n",
			`config: tracker.home_country "XXX": not a Natural Earth ADM0_A3 code (e.g. USA)`},
		{"geofence points", "geofences:\n  - name: tiny\n    polygon: [[0, 0], [1, 1]]\n",
			`config: geofences[0] "tiny": polygon has 2 points, want 3 or more`},
		{"geofence range", "geofences:\n  - name: far\n    polygon: [[0, 0], [1, 1], [200, 1]]\n",
			`config: geofences[0] "far": polygon point 2 [200, 1]: want [lon -180..180, lat -90..90]`},
		{"geofence country", "geofences:\n  - name: mx\n    countries: [MEX, ATL]\n",
			`config: geofences[0] "mx": countries[1] "ATL": not a Natural Earth ADM0_A3 code (e.g. MEX)`},
		{"geofence name", "geofences:\n  - countries: [MEX]\n",
			`config: geofences[0] "": name is required`},
		{"scope", "http:\n  tokens:\n    - {token: t, scopes: [root]}\n",
			`config: http.tokens[0]: unknown scope "root"`},
		{"webhook type", "webhooks:\n  - {url: http://h/x, types: [landing]}\n",
			`config: webhooks[0].types: unknown alert type "landing"`},
		{"redis scheme", "redis:\n  url: http://h:1\n",
			`config: redis.url "http://h:1": want redis://, rediss://, unix://, redis+cluster:// or rediss+cluster://`},
		{"syntax", "tracker: [\n",
			`config F: line 1: did not find expected node content`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(tt.want, "config F:", "config "+path+":", 1)
			_, err := Load(path, noEnv, geo.Countries())
			if err == nil || err.Error() != want {
				t.Errorf("case %d: Load(%q) = %v, want %s", i, tt.yaml, err, want)
			}
		})
	}
}

// FuzzParse: any document parses or fails with an error, never a panic,
// and an error never names a Go type.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"tracker:\n  holding_turn: 360\n", "feeds:\n  - name: x\n    kind: sbs\n    adress: h:1\n",
		"store:\n  retention:\n    tracks: forever\n", "tracker: [\n", "listen: 1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := Parse(strings.NewReader(s))
		if err != nil && strings.Contains(err.Error(), "configs.") {
			t.Errorf("Parse(%q) = %v, names a Go type", s, err)
		}
	})
}
