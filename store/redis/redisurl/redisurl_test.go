package redisurl

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		url      string
		cluster  bool
		addrs    []string
		user     string
		password string
		db       int
		tls      bool
		err      string // substring of the error; "" for success
	}{
		{url: "redis://127.0.0.1:6379/15", addrs: []string{"127.0.0.1:6379"}, db: 15},
		{url: "redis://:pw@h:1/2", addrs: []string{"h:1"}, password: "pw", db: 2},
		{url: "rediss://u:pw@h:6380", addrs: []string{"h:6380"}, user: "u", password: "pw", tls: true},
		{url: "unix:///tmp/redis.sock", addrs: []string{"/tmp/redis.sock"}},
		{url: "redis+cluster://a:7000,b:7001,c:7002", cluster: true, addrs: []string{"a:7000", "b:7001", "c:7002"}},
		{url: "redis+cluster://a", cluster: true, addrs: []string{"a:6379"}},
		{url: "redis+cluster://u:p%40ss@a:1,b:2/", cluster: true, addrs: []string{"a:1", "b:2"}, user: "u", password: "p@ss"},
		{url: "rediss+cluster://:secret@a:1,[::1]:2/0?dial_timeout=3", cluster: true, addrs: []string{"a:1", "[::1]:2"}, password: "secret", tls: true},
		{url: "REDIS+CLUSTER://a:1", cluster: true, addrs: []string{"a:1"}},
		{url: "", err: "no scheme"},
		{url: "127.0.0.1:6379", err: "no scheme"},
		{url: "http://h:1", err: "unknown scheme"},
		{url: "redis+sentinel://h:1", err: "unknown scheme"},
		{url: "redis+cluster://", err: "empty host"},
		{url: "redis+cluster://a:1,,b:2", err: "empty host"},
		{url: "redis+cluster://a:1,b:2/3", err: "only database 0"},
		{url: "redis+cluster://a:x", err: "bad port"},
		{url: "redis+cluster://a:0", err: "bad port"},
		{url: "redis+cluster://a:70000", err: "bad port"},
		{url: "redis+cluster://:1", err: "bad host"},
		{url: "redis+cluster://a:1?addr=b:2", err: "addr"},
		{url: "redis+cluster://a:1?bogus=1", err: "bogus"},
		{url: "redis+cluster://:topsecret@a:1?bogus=1", err: "***@a:1"},
		{url: "redis+cluster://a:1#frag", err: "fragment"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			o, err := Parse(tc.url)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.url, err, tc.err)
				}
				if strings.Contains(err.Error(), "topsecret") {
					t.Errorf("error %q shows the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tc.url, err)
			}
			if (o.Cluster != nil) != tc.cluster || (o.Single != nil) == tc.cluster {
				t.Fatalf("Parse(%q) cluster=%v single=%v, want cluster %v", tc.url, o.Cluster != nil, o.Single != nil, tc.cluster)
			}
			var addrs []string
			var user, pw string
			var db int
			var tls bool
			if o.Cluster != nil {
				addrs, user, pw, tls = o.Cluster.Addrs, o.Cluster.Username, o.Cluster.Password, o.Cluster.TLSConfig != nil
				if tls && o.Cluster.TLSConfig.ServerName != "" {
					t.Errorf("cluster TLS ServerName = %q, want each node's own", o.Cluster.TLSConfig.ServerName)
				}
			} else {
				addrs, user, pw, db, tls = []string{o.Single.Addr}, o.Single.Username, o.Single.Password, o.Single.DB, o.Single.TLSConfig != nil
			}
			if !slices.Equal(addrs, tc.addrs) || user != tc.user || pw != tc.password || db != tc.db || tls != tc.tls {
				t.Errorf("Parse(%q) = addrs %v user %q password %q db %d tls %v; want %v %q %q %d %v",
					tc.url, addrs, user, pw, db, tls, tc.addrs, tc.user, tc.password, tc.db, tc.tls)
			}
			if o.Addr() != strings.Join(tc.addrs, ",") {
				t.Errorf("Addr() = %q", o.Addr())
			}
		})
	}
	o, err := Parse("rediss+cluster://a:1,b:2?dial_timeout=3&read_timeout=6s")
	if err != nil || o.Cluster.DialTimeout != 3*time.Second || o.Cluster.ReadTimeout != 6*time.Second {
		t.Errorf("cluster query options = %+v, %v; want dial 3s read 6s", o.Cluster, err)
	}
	o.SetContextTimeout(true)
	if !o.Cluster.ContextTimeoutEnabled {
		t.Errorf("SetContextTimeout did not reach the cluster options")
	}
}

// FuzzParse checks that Parse never panics, never shows a password
// in an error, and that every cluster URL it accepts names valid nodes.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"redis://h:1/2", "redis+cluster://a:1,b:2", "rediss+cluster://u:pw@a:1,[::1]:2/0?dial_timeout=3",
		"redis+cluster://a:1,,", "unix:///s", "redis+cluster://:pw@", "redis+cluster://a:1?addr=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		o, err := Parse(raw)
		if err != nil {
			if (o.Single != nil) || (o.Cluster != nil) {
				t.Fatalf("Parse(%q) returned options with error %v", raw, err)
			}
			return
		}
		if (o.Single == nil) == (o.Cluster == nil) {
			t.Fatalf("Parse(%q) = %+v: want exactly one of Single, Cluster", raw, o)
		}
		if o.Cluster != nil {
			if len(o.Cluster.Addrs) == 0 {
				t.Fatalf("Parse(%q) accepted a cluster without nodes", raw)
			}
			for _, a := range o.Cluster.Addrs {
				if a == "" || strings.ContainsAny(a, ",/?#@") {
					t.Fatalf("Parse(%q) node %q", raw, a)
				}
			}
		}
	})
}
