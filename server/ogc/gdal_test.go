package ogc

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// These tests drive the API with GDAL's OAPIF driver, a real GIS client.

func needGDAL(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ogrinfo", "ogr2ogr"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install gdal-bin): skipping the GDAL client tests", tool)
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(cmd.Environ(), "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

var featureCount = regexp.MustCompile(`Feature Count: (\d+)`)

func countOf(t *testing.T, out string) int {
	t.Helper()
	m := featureCount.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no feature count in:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestGDAL(t *testing.T) {
	needGDAL(t)
	// A small page size makes GDAL follow next links.
	srv := newServer(t, Config{PublicRawReports: true, DefaultLimit: 2, MaxLimit: 2}, Deps{})
	ds := "OAPIF:" + srv.URL + "/ogc"

	out := run(t, "ogrinfo", "-ro", "-so", ds)
	for id := range wantCounts {
		if !strings.Contains(out, ": "+id+" (") && !strings.Contains(out, ": "+id+"\n") {
			t.Errorf("ogrinfo does not list %s:\n%s", id, out)
		}
	}
	dir := t.TempDir()
	for id, want := range wantCounts {
		t.Run(id, func(t *testing.T) {
			if got := countOf(t, run(t, "ogrinfo", "-ro", "-al", "-so", ds, id)); got != want {
				t.Errorf("ogrinfo %s: %d features, want %d", id, got, want)
			}
			gpkg := filepath.Join(dir, id+".gpkg")
			run(t, "ogr2ogr", "-f", "GPKG", gpkg, ds, id)
			if got := countOf(t, run(t, "ogrinfo", "-ro", "-al", "-so", gpkg)); got != want {
				t.Errorf("GPKG %s: %d features, want %d", id, got, want)
			}
		})
	}
}
