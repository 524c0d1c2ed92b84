package keyspace

import (
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// Partitions is how many partitions the aircraft keys are spread over:
// an aircraft's keys carry the hash tag of its partition, a hash of its
// hex, so that a Redis Cluster spreads them over its slots and nodes. A
// batch of aircraft costs about three commands per partition it touches,
// so more partitions spread wider but cost more per batch: 64 spread
// evenly over a cluster of up to about 16 masters (docs/scaling.md).
const Partitions = 64

// cellTagRes is the H3 resolution of the parent cell whose tag a cell
// index key carries: neighbouring cells share a slot, so that a bbox
// query asks few nodes, while the world's cells spread over the cluster.
const cellTagRes = 1

// Keys builds every key name the store uses. The zero Keys is not
// usable; call New.
//
// Keys carry one of four kinds of hash tag, so that a Redis Cluster
// spreads them over its slots while the keys one script, MULTI or
// pipeline step touches together share one:
//
//	{p}           store-wide: legs, plans, alerts, stats, day and month lists
//	{p:p:<nn>}    an aircraft Partition (nn: two hex digits, see Partitions)
//	{p:c:<h3>}    a coarse H3 cell (cellTagRes) holding cell index sets
//	{p:m:<yyyymm>} a UTC calendar month of reports and their aggregates
//
// Instances sharing a Redis must use the same prefix; separate prefixes
// are separate stores. A single Redis ignores the tags; a store written
// by the layout with one tag for every key is moved to this one by
// store/redis/migrate.
//
//	{p:p:nn}:ac           hash   hex -> binary aircraft state
//	{p:p:nn}:acell        hash   hex -> H3 cell (hex digits) the aircraft is indexed in
//	{p:p:nn}:seen         zset   hex scored by last observation time (Unix µs)
//	{p:p:nn}:trk:<hex>    zset   binary track points scored by time (Unix µs)
//	{p:p:nn}:lline:<leg>  string the leg's line: fixed-size records (store/internal/legline), in time order
//	{p:p:nn}:lsrc:<leg>   hash   source -> "first,last,positions" (Unix µs) of the leg's positions
//	{p:c:<h3>}:cell:<h3>  set    hexes in the cell at Config.H3Res
//	{p:m:M}:rep           hash   report id -> JSON (set once: makes reports of a month idempotent)
//	{p:m:M}:rday:<day>    zset   report ids of a UTC day (yyyymmdd) scored by time (Unix µs)
//	{p:m:M}:agg:<r>:<day> hash   "<h3>" -> count, "<h3>:n" -> reports, "<h3>:s:<source>" -> count
//	{p:m:M}:magg:<r>:<month> hash "<h3>" -> "<count>,<reports>{,<count>,<len>:<source>}" over the month (yyyymm)
//	{p}:rids              hash   report id -> its month (yyyymm): an id is stored once, whatever its time
//	{p}:days              zset   UTC days (days since epoch) holding reports
//	{p}:months            zset   UTC calendar months (year*12 + month-1) holding reports
//	{p}:legs              hash   leg id -> JSON
//	{p}:legt              zset   leg id scored by LastSeen (Unix µs)
//	{p}:plans             hash   plan id -> JSON
//	{p}:alerts            stream alert log, field "a" holds the JSON; its consumer groups are the outbox
//	{p}:akeys             zset   alert keys seen, scored by insertion order
//	{p}:akseq             string counter for akeys scores
//	{p}:fail:<group>      hash   alerts entry id -> JSON store.Failure (deliveries given up on)
//	{p}:lstatk            hash   leg id -> the stats key (stats.Key) the leg is counted under
//	{p}:lstatd            zset   UTC days (days since epoch) holding counted legs
//	{p}:lstat:<by>:<day>  hash   group -> legs of the day, grouped by the by-th Part of the stats key
//	{p}:owners            zset   live instance id scored by when its announcement expires (Unix ms, Redis clock)
//	{p:p:nn}:lease        string the instance id owning the partition (SET NX PX; store/redis/partition)
//	{p:p:nn}:route        stream observations ingested elsewhere for the partition's owner, field "o": packed batch
//
// An aircraft's partition is Partition(hex); a leg's is its aircraft's.
type Keys struct {
	prefix string // braces replaced
	tag    string // "{prefix}", the store-wide tag
}

// New returns the key names of the store under prefix; braces in prefix
// are replaced by "_" since the prefix becomes the keys' hash tag.
func New(prefix string) Keys {
	prefix = strings.NewReplacer("{", "_", "}", "_").Replace(prefix)
	return Keys{prefix: prefix, tag: "{" + prefix + "}"}
}

// Prefix is the store's key prefix, braces replaced.
func (k Keys) Prefix() string { return k.prefix }

// Tag is the store-wide hash tag, "{prefix}".
func (k Keys) Tag() string { return k.tag }

// LegHex is the aircraft part of a leg id ("hex-unixseconds").
func LegHex(id string) string {
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// Partition is the partition of the aircraft hex (0 to Partitions-1).
func Partition(hex string) int {
	h := fnv.New32a()
	h.Write([]byte(hex))
	return int(h.Sum32() % Partitions)
}

// Part is the hash tag of partition p.
func (k Keys) Part(p int) string {
	const digits = "0123456789abcdef"
	return "{" + k.prefix + ":p:" + string([]byte{digits[p>>4&15], digits[p&15]}) + "}"
}

// CellTag is the hash tag of the cell index key of c.
func (k Keys) CellTag(c uint64) string {
	if c != 0 {
		if res := geo.CellRes(c); res > cellTagRes {
			c = geo.Parent(c, cellTagRes)
		}
	}
	return "{" + k.prefix + ":c:" + CellName(c) + "}"
}

// MonthTag is the hash tag of UTC calendar month m (year*12 + month-1).
func (k Keys) MonthTag(m int64) string {
	return "{" + k.prefix + ":m:" + query.MonthName(m) + "}"
}

// The key names, one method per key family of the table on Keys: p is
// a partition, c an H3 cell, m a month (year*12 + month-1), d a day
// (days since epoch), res an H3 resolution, id a leg id.
func (k Keys) Aircraft(p int) string     { return k.Part(p) + ":ac" }
func (k Keys) AircraftCell(p int) string { return k.Part(p) + ":acell" }
func (k Keys) Seen(p int) string         { return k.Part(p) + ":seen" }
func (k Keys) Cell(c uint64) string      { return k.CellTag(c) + ":cell:" + CellName(c) }
func (k Keys) Track(hex string) string   { return k.Part(Partition(hex)) + ":trk:" + hex }
func (k Keys) Legs() string              { return k.tag + ":legs" }
func (k Keys) LegTimes() string          { return k.tag + ":legt" }
func (k Keys) Plans() string             { return k.tag + ":plans" }
func (k Keys) Alerts() string            { return k.tag + ":alerts" }
func (k Keys) AlertKeys() string         { return k.tag + ":akeys" }
func (k Keys) AlertSeq() string          { return k.tag + ":akseq" }
func (k Keys) Reports(m int64) string    { return k.MonthTag(m) + ":rep" }
func (k Keys) Failed(group string) string {
	return k.tag + ":fail:" + group
}
func (k Keys) ReportDay(d int64) string {
	return k.MonthTag(query.Month(d)) + ":rday:" + query.DayName(d)
}
func (k Keys) Days() string      { return k.tag + ":days" }
func (k Keys) ReportIDs() string { return k.tag + ":rids" }
func (k Keys) Agg(res int, d int64) string {
	return k.MonthTag(query.Month(d)) + ":agg:" + strconv.Itoa(res) + ":" + query.DayName(d)
}
func (k Keys) Months() string { return k.tag + ":months" }
func (k Keys) MonthAgg(res int, m int64) string {
	return k.MonthTag(m) + ":magg:" + strconv.Itoa(res) + ":" + query.MonthName(m)
}
func (k Keys) LegLine(id string) string    { return k.Part(Partition(LegHex(id))) + ":lline:" + id }
func (k Keys) LegSources(id string) string { return k.Part(Partition(LegHex(id))) + ":lsrc:" + id }
func (k Keys) LegStatKeys() string         { return k.tag + ":lstatk" }
func (k Keys) StatDays() string            { return k.tag + ":lstatd" }

// StatDayPrefix is what StatDay puts before "<by>:<day>"; the count
// script builds the keys of a leg's groups from it.
func (k Keys) StatDayPrefix() string { return k.tag + ":lstat:" }
func (k Keys) StatDay(by int, day int64) string {
	return k.StatDayPrefix() + strconv.Itoa(by) + ":" + strconv.FormatInt(day, 10)
}
func (k Keys) Owners() string     { return k.tag + ":owners" }
func (k Keys) Lease(p int) string { return k.Part(p) + ":lease" }
func (k Keys) Route(p int) string { return k.Part(p) + ":route" }

// TrackPattern, LegLinePattern and CellPattern match every track, leg
// line and cell index set of the store, for SCAN.
func (k Keys) TrackPattern() string   { return "{" + Glob(k.prefix) + ":p:??}:trk:*" }
func (k Keys) LegLinePattern() string { return "{" + Glob(k.prefix) + ":p:??}:lline:*" }
func (k Keys) CellPattern() string    { return "{" + Glob(k.prefix) + ":c:*}:cell:*" }

// Patterns match every key of the store between them, for SCAN.
func (k Keys) Patterns() []string {
	g := Glob(k.prefix)
	return []string{"{" + g + "}:*", "{" + g + ":p:??}:*", "{" + g + ":c:*}:*", "{" + g + ":m:*}:*"}
}

// Glob escapes the SCAN pattern characters of s.
func Glob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CellName is the usual hexadecimal form of an H3 index.
func CellName(c uint64) string { return strconv.FormatUint(c, 16) }

// ParseCell reads CellName's form; 0 when malformed.
func ParseCell(s string) uint64 {
	c, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0
	}
	return c
}

// OldFamilies are the key families that moved: the layout before keys
// spread over a cluster kept every key under the store-wide tag,
// "{p}:<name>". store/redis/migrate moves the families below from
// it; the store-wide keys kept their names and stay. A name ending in
// ':' is followed by the key's subject (cell, hex, day, leg...).
var OldFamilies = []string{"ac", "acell", "seen", "rep", "cell:", "trk:", "rday:", "agg:", "magg:", "lline:", "lsrc:"}

// Old is the single-tag layout's key "{p}:<name>".
func (k Keys) Old(name string) string { return k.tag + ":" + name }

// OldPattern matches every key of the single-tag layout, for SCAN.
func (k Keys) OldPattern() string { return "{" + Glob(k.prefix) + "}:*" }

// OldFamily splits a single-tag key into its family (one of OldFamilies)
// and subject; ok is false for the store-wide keys, which do not move.
func (k Keys) OldFamily(key string) (family, subject string, ok bool) {
	name, found := strings.CutPrefix(key, k.tag+":")
	if !found {
		return "", "", false
	}
	for _, f := range OldFamilies {
		if strings.HasSuffix(f, ":") {
			if s, ok := strings.CutPrefix(name, f); ok && s != "" {
				return strings.TrimSuffix(f, ":"), s, true
			}
		} else if name == f {
			return f, "", true
		}
	}
	return "", "", false
}
