package feeds

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

type file struct {
	Feeds []Config `yaml:"feeds"`
}

func load(path string) ([]Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	return f.Feeds, ValidateAll(f.Feeds)
}

func TestConfigFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatal("no config fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := load(f)
			good := strings.HasSuffix(f, ".good.yml")
			if good && err != nil {
				t.Errorf("load(%s) = %v, want nil", f, err)
			}
			if !good && err == nil {
				t.Errorf("load(%s) = nil, want an error", f)
			}
		})
	}
}

func TestConfigValues(t *testing.T) {
	cfgs, err := load("testdata/all.good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfgs) != 7 {
		t.Fatalf("got %d feeds, want 7", len(cfgs))
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{"readsb interval", time.Duration(cfgs[2].Interval) == time.Second},
		{"readsb max_age", time.Duration(cfgs[2].MaxAge) == 30*time.Second},
		{"reports interval ms", time.Duration(cfgs[6].Interval) == 500*time.Millisecond},
		{"bbox", len(cfgs[4].BBox) == 4 && cfgs[4].BBox[0] == -120},
		{"headers", cfgs[3].Headers["api-auth"] == "secret"},
		{"oauth", cfgs[4].ClientID == "me" && cfgs[4].TokenURL != ""},
		{"replay", cfgs[5].Speed == 60 && cfgs[5].Loop},
		{"timezone", cfgs[1].Timezone == "America/Phoenix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("%s not decoded as written: %+v", tt.name, cfgs)
			}
		})
	}
}

func TestValidateWrapsErrConfig(t *testing.T) {
	c := Config{Name: "x", Kind: "nope"}
	if err := c.Validate(); !errors.Is(err, ErrConfig) {
		t.Errorf("Validate = %v, want ErrConfig", err)
	}
}
