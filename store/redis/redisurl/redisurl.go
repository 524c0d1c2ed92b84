package redisurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	goredis "github.com/redis/go-redis/v9"
)

// Options is a parsed FLIGHTWATCH_REDIS_URL: exactly one of Single and
// Cluster is set.
type Options struct {
	Single  *goredis.Options
	Cluster *goredis.ClusterOptions
}

// Parse reads a Redis URL. redis://, rediss:// and unix:// name one
// server and
// are read by goredis.ParseURL (user, password, database, query options).
// redis+cluster:// and rediss+cluster:// name a Redis Cluster by a
// comma-separated list of seed nodes, host1:port,host2:port (port 6379
// when left out), with user and password in the URL and the query options
// of goredis.ParseClusterURL; a cluster has no database, so the path must
// be empty or "/0". Errors never show the password.
func Parse(raw string) (Options, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return Options{}, fmt.Errorf("redis url %s: no scheme (want redis://, rediss://, unix://, redis+cluster:// or rediss+cluster://)", redactURL(raw))
	}
	switch strings.ToLower(scheme) {
	case "redis", "rediss", "unix":
		opt, err := goredis.ParseURL(raw)
		if err != nil {
			return Options{}, fmt.Errorf("redis url %s: %w", redactURL(raw), err)
		}
		return Options{Single: opt}, nil
	case "redis+cluster", "rediss+cluster":
		opt, err := parseClusterURL(strings.TrimSuffix(strings.ToLower(scheme), "+cluster"), rest)
		if err != nil {
			return Options{}, fmt.Errorf("redis url %s: %w", redactURL(raw), err)
		}
		return Options{Cluster: opt}, nil
	}
	return Options{}, fmt.Errorf("redis url %s: unknown scheme %q (want redis://, rediss://, unix://, redis+cluster:// or rediss+cluster://)", redactURL(raw), scheme)
}

// parseClusterURL reads the part after "<scheme>+cluster://": it rewrites
// the host list into the addr query parameters goredis.ParseClusterURL
// takes and checks every address.
func parseClusterURL(scheme, rest string) (*goredis.ClusterOptions, error) {
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo, hosts = authority[:at+1], authority[at+1:]
	}
	path, query := tail, ""
	if i := strings.IndexAny(tail, "?#"); i >= 0 {
		path, query = tail[:i], tail[i:]
	}
	if strings.HasPrefix(query, "#") {
		return nil, errors.New("fragment not allowed")
	}
	if path != "" && path != "/" && path != "/0" {
		return nil, fmt.Errorf("database %q: a cluster has only database 0", strings.TrimPrefix(path, "/"))
	}
	var addrs []string
	for _, h := range strings.Split(hosts, ",") {
		if h == "" {
			return nil, errors.New("empty host in the node list")
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			if !strings.Contains(err.Error(), "missing port") {
				return nil, fmt.Errorf("node %q: %w", h, err)
			}
			host, port = strings.Trim(h, "[]"), "6379"
		}
		if host == "" || strings.ContainsAny(host, "[]@/?#%") {
			return nil, fmt.Errorf("node %q: bad host", h)
		}
		if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
			return nil, fmt.Errorf("node %q: bad port %q", h, port)
		}
		addrs = append(addrs, net.JoinHostPort(host, port))
	}
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	if q.Has("addr") {
		return nil, errors.New("query parameter addr: list the nodes in the host part")
	}
	for _, a := range addrs[1:] {
		q.Add("addr", a)
	}
	u := scheme + "://" + userinfo + addrs[0]
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	opt, err := goredis.ParseClusterURL(u)
	if err != nil {
		return nil, err
	}
	if opt.TLSConfig != nil {
		// Verify each node against its own address, not the first seed's.
		opt.TLSConfig.ServerName = ""
	}
	return opt, nil
}

// Client makes the client the options describe: a *goredis.Client or a
// *goredis.ClusterClient.
func (o Options) Client() goredis.UniversalClient {
	if o.Cluster != nil {
		return goredis.NewClusterClient(o.Cluster)
	}
	return goredis.NewClient(o.Single)
}

// Addr names the server or the seed nodes, for logs.
func (o Options) Addr() string {
	if o.Cluster != nil {
		return strings.Join(o.Cluster.Addrs, ",")
	}
	return o.Single.Addr
}

// SetContextTimeout makes the callers' deadlines bound every command.
func (o Options) SetContextTimeout(on bool) {
	if o.Cluster != nil {
		o.Cluster.ContextTimeoutEnabled = on
		return
	}
	o.Single.ContextTimeoutEnabled = on
}

// redactURL hides the password of a Redis URL for error messages.
func redactURL(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return u
	}
	return u[:scheme+3] + "***" + u[at:]
}
