package ogc

import (
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// The OWSLib client script: it lists the collections, reads the
// queryables of each and runs CQL2 filters, printing what it got as JSON.
const owslibScript = `
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
out = {"queryables": {}, "items": {}}
for c in api.collections()["collections"]:
    out["queryables"][c["id"]] = sorted(api.collection_queryables(c["id"])["properties"].keys())
def ids(coll, **kw):
    return [f["id"] for f in api.collection_items(coll, **kw)["features"]]
out["items"]["spatial_temporal"] = ids("flights", **{"filter": "S_INTERSECTS(geometry, BBOX(-120, 25, -90, 35)) AND T_INTERSECTS(departed, INTERVAL('2025-01-24T14:30:00Z', '..'))", "filter-lang": "cql2-text"})
out["items"]["class"] = ids("flights", **{"class": "removal"})
out["items"]["json"] = ids("alerts", **{"filter": json.dumps({"op": "=", "args": [{"property": "type"}, "diverted"]}), "filter-lang": "cql2-json"})
out["items"]["bbox"] = ids("aircraft", bbox=[-101, 24, -99, 26])
print(json.dumps(out))
`

// TestOWSLib drives the API with OWSLib (Debian python3-owslib).
func TestOWSLib(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3: skipping the OWSLib client test")
	}
	if err := exec.Command(py, "-c", "import owslib.ogcapi.features").Run(); err != nil {
		t.Skip("OWSLib is not installed (apt-get install python3-owslib): skipping the OWSLib client test")
	}
	srv := newServer(t, Config{PublicRawReports: true}, Deps{})
	out, err := exec.Command(py, "-c", owslibScript, srv.URL+"/ogc").CombinedOutput()
	if err != nil {
		t.Fatalf("owslib: %v\n%s", err, out)
	}
	var got struct {
		Queryables map[string][]string `json:"queryables"`
		Items      map[string][]string `json:"items"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("owslib output: %v\n%s", err, out)
	}
	for _, c := range (&api{}).collections() {
		q := got.Queryables[c.id]
		if !slices.Contains(q, "geometry") || len(q) != len(c.fields)+1 {
			t.Errorf("OWSLib queryables of %s: %v", c.id, q)
		}
	}
	if n := len((&api{}).collections()) + len((&api{}).statsCollections()); len(got.Queryables) != n {
		t.Errorf("OWSLib read queryables of %d collections, want %d", len(got.Queryables), n)
	}
	want := map[string][]string{
		"spatial_temporal": {"ae5678-1737730800"},
		"class":            {"ae1234-1737727200"},
		"bbox":             {"ae1234"},
	}
	for k, w := range want {
		if !slices.Equal(got.Items[k], w) {
			t.Errorf("OWSLib %s: %v, want %v", k, got.Items[k], w)
		}
	}
	if len(got.Items["json"]) != 1 {
		t.Errorf("OWSLib cql2-json filter: %v, want one alert", got.Items["json"])
	}
}
