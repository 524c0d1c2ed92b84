package configs

import (
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/geo"
)

func TestDurabilityOptions(t *testing.T) {
	d := Default()
	if d.Store.StaleAfter != time.Minute || d.Store.WriteTimeout != 2*time.Second || d.Store.Takeover != 30*time.Second {
		t.Errorf("defaults stale_after %v, write_timeout %v, takeover %v; want 1m, 2s, 30s",
			d.Store.StaleAfter, d.Store.WriteTimeout, d.Store.Takeover)
	}
	c, err := Load("testdata/durable.good.yml", noEnv, geo.Countries())
	if err != nil {
		t.Fatal(err)
	}
	w := c.Webhooks[0]
	if c.Store.StaleAfter != 2*time.Minute || c.Store.WriteTimeout != 1500*time.Millisecond || c.Store.Takeover != 10*time.Second ||
		w.Name != "newsroom" || w.MaxAge != 12*time.Hour || w.Attempts != 20 || w.Timeout != 5*time.Second {
		t.Errorf("loaded store %+v, webhook %+v", c.Store, w)
	}
	c, err = Load("testdata/minimal.good.yml", noEnv, geo.Countries())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Webhooks {
		if w.MaxAge != 24*time.Hour || w.Timeout != 10*time.Second {
			t.Errorf("webhook defaults max_age %v, timeout %v; want 24h, 10s", w.MaxAge, w.Timeout)
		}
	}
}
