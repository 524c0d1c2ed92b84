package static

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func TestFSFiles(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		contains string
	}{
		{name: "page", path: "index.html", contains: `<div id="info"`},
		{name: "banner", path: "index.html", contains: `<div id="banner"`},
		{name: "app", path: "app.js", contains: "window.flightwatch"},
		{name: "info", path: "info.html", contains: "<p>"},
		{name: "style", path: "style.css", contains: ":root"},
		{name: "maplibre", path: "vendor/maplibre-gl.js", contains: "maplibregl"},
		{name: "maplibre css", path: "vendor/maplibre-gl.css", contains: ".maplibregl-map"},
		{name: "basemap", path: "basemap.js", contains: "/tiles/basemap/{z}/{x}/{y}.mvt"},
		{name: "report page", path: "report.html", contains: `id="tables"`},
		{name: "report script", path: "report.js", contains: "window.flightwatchReport"},
		{name: "report style", path: "report.css", contains: ".table-card"},
		{name: "alerts panel", path: "alerts.js", contains: "renderAlertLegend"},
	}
	fsys := FS()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := fs.ReadFile(fsys, tt.path)
			if err != nil {
				t.Fatalf("ReadFile(%q) error = %v", tt.path, err)
			}
			if !strings.Contains(string(b), tt.contains) {
				t.Errorf("ReadFile(%q) lacks %q", tt.path, tt.contains)
			}
		})
	}
}

// TestNoRemoteResources guards the offline promise: the page loads nothing
// from another host and every module import resolves inside the bundle.
func TestNoRemoteResources(t *testing.T) {
	fsys := FS()
	attr := regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]+)"`)
	imp := regexp.MustCompile(`(?m)^\s*import\s[^'"]*['"]([^'"]+)['"]`)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "vendor/") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		switch path.Ext(p) {
		case ".html":
			for _, m := range attr.FindAllStringSubmatch(string(b), -1) {
				ref := m[1]
				if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
					t.Errorf("%s references remote %q", p, ref)
					continue
				}
				if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "/") {
					continue
				}
				if _, err := fs.Stat(fsys, path.Join(path.Dir(p), ref)); err != nil {
					t.Errorf("%s references %q: %v", p, ref, err)
				}
			}
		case ".js":
			for _, m := range imp.FindAllStringSubmatch(string(b), -1) {
				ref := m[1]
				if !strings.HasPrefix(ref, "./") {
					t.Errorf("%s imports %q, want a relative module", p, ref)
					continue
				}
				if _, err := fs.Stat(fsys, path.Join(path.Dir(p), ref)); err != nil {
					t.Errorf("%s imports %q: %v", p, ref, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("WalkDir() error = %v", err)
	}
}

func TestServeHTTP(t *testing.T) {
	srv := httptest.NewServer(http.FileServerFS(FS()))
	defer srv.Close()
	tests := []struct {
		name     string
		path     string
		wantType string
		contains string
	}{
		{name: "root", path: "/", wantType: "text/html", contains: "flightwatch"},
		// Module scripts need a JavaScript content type or browsers refuse them.
		{name: "module", path: "/app.js", wantType: "javascript", contains: "import"},
		{name: "css", path: "/vendor/maplibre-gl.css", wantType: "text/css", contains: "maplibregl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatalf("GET %s: %v", tt.path, err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatalf("GET %s: read body: %v", tt.path, err)
			}
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", tt.path, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Errorf("GET %s Content-Type = %q, want it to contain %q", tt.path, ct, tt.wantType)
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("GET %s body lacks %q", tt.path, tt.contains)
			}
		})
	}
}

// TestStylesheetsBalanced checks that every block of the stylesheets is
// closed: an unclosed @media block silently swallows the rules after it.
func TestStylesheetsBalanced(t *testing.T) {
	for _, name := range []string{"style.css", "report.css"} {
		b, err := fs.ReadFile(FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		depth, line := 0, 1
		inComment := false
		for i := 0; i < len(b); i++ {
			switch {
			case inComment:
				if b[i] == '*' && i+1 < len(b) && b[i+1] == '/' {
					inComment, i = false, i+1
				}
			case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
				inComment, i = true, i+1
			case b[i] == '{':
				depth++
			case b[i] == '}':
				depth--
				if depth < 0 {
					t.Fatalf("%s line %d: } closes no block", name, line)
				}
			}
			if b[i] == '\n' {
				line++
			}
		}
		if depth != 0 || inComment {
			t.Errorf("%s: %d blocks left open at the end (comment open: %v)", name, depth, inComment)
		}
	}
}
