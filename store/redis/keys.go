package redis

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

// keys builds every key name the store uses.
//
// Keys carry one of four kinds of hash tag, so that a Redis Cluster
// spreads them over its slots while the keys one script, MULTI or
// pipeline step touches together share one:
//
//	{p}           store-wide: legs, plans, alerts, stats, day and month lists
//	{p:p:<nn>}    an aircraft partition (nn: two hex digits, see Partitions)
//	{p:c:<h3>}    a coarse H3 cell (cellTagRes) holding cell index sets
//	{p:m:<yyyymm>} a UTC calendar month of reports and their aggregates
//
// Instances sharing a Redis must use the same prefix; separate prefixes
// are separate stores. A single Redis ignores the tags; a store written
// by the layout with one tag for every key is moved to this one by
// Migrate.
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
//	{p}:lstat:<by>:<day>  hash   group -> legs of the day, grouped by the by-th part of the stats key
//
// An aircraft's partition is partition(hex); a leg's is its aircraft's.
type keys struct {
	prefix string // braces replaced
	tag    string // "{prefix}", the store-wide tag
}

func newKeys(prefix string) keys {
	prefix = strings.NewReplacer("{", "_", "}", "_").Replace(prefix)
	return keys{prefix: prefix, tag: "{" + prefix + "}"}
}

// partition is the partition of the aircraft hex (0 to Partitions-1).
func partition(hex string) int {
	h := fnv.New32a()
	h.Write([]byte(hex))
	return int(h.Sum32() % Partitions)
}

// part is the hash tag of partition p.
func (k keys) part(p int) string {
	const digits = "0123456789abcdef"
	return "{" + k.prefix + ":p:" + string([]byte{digits[p>>4&15], digits[p&15]}) + "}"
}

// cellTag is the hash tag of the cell index key of c.
func (k keys) cellTag(c uint64) string {
	if c != 0 {
		if res := geo.CellRes(c); res > cellTagRes {
			c = geo.Parent(c, cellTagRes)
		}
	}
	return "{" + k.prefix + ":c:" + cellName(c) + "}"
}

// monthTag is the hash tag of UTC calendar month m (year*12 + month-1).
func (k keys) monthTag(m int64) string {
	return "{" + k.prefix + ":m:" + query.MonthName(m) + "}"
}

func (k keys) aircraft(p int) string     { return k.part(p) + ":ac" }
func (k keys) aircraftCell(p int) string { return k.part(p) + ":acell" }
func (k keys) seen(p int) string         { return k.part(p) + ":seen" }
func (k keys) cell(c uint64) string      { return k.cellTag(c) + ":cell:" + cellName(c) }
func (k keys) track(hex string) string   { return k.part(partition(hex)) + ":trk:" + hex }
func (k keys) legs() string              { return k.tag + ":legs" }
func (k keys) legTimes() string          { return k.tag + ":legt" }
func (k keys) plans() string             { return k.tag + ":plans" }
func (k keys) alerts() string            { return k.tag + ":alerts" }
func (k keys) alertKeys() string         { return k.tag + ":akeys" }
func (k keys) alertSeq() string          { return k.tag + ":akseq" }
func (k keys) reports(m int64) string    { return k.monthTag(m) + ":rep" }
func (k keys) failed(group string) string {
	return k.tag + ":fail:" + group
}
func (k keys) reportDay(d int64) string {
	return k.monthTag(query.Month(d)) + ":rday:" + query.DayName(d)
}
func (k keys) days() string      { return k.tag + ":days" }
func (k keys) reportIDs() string { return k.tag + ":rids" }
func (k keys) agg(res int, d int64) string {
	return k.monthTag(query.Month(d)) + ":agg:" + strconv.Itoa(res) + ":" + query.DayName(d)
}
func (k keys) months() string { return k.tag + ":months" }
func (k keys) monthAgg(res int, m int64) string {
	return k.monthTag(m) + ":magg:" + strconv.Itoa(res) + ":" + query.MonthName(m)
}
func (k keys) legLine(id string) string    { return k.part(partition(legHex(id))) + ":lline:" + id }
func (k keys) legSources(id string) string { return k.part(partition(legHex(id))) + ":lsrc:" + id }
func (k keys) legStatKeys() string         { return k.tag + ":lstatk" }
func (k keys) statDays() string            { return k.tag + ":lstatd" }

// statDayPrefix is what statDay puts before "<by>:<day>"; the count
// script builds the keys of a leg's groups from it.
func (k keys) statDayPrefix() string { return k.tag + ":lstat:" }
func (k keys) statDay(by int, day int64) string {
	return k.statDayPrefix() + strconv.Itoa(by) + ":" + strconv.FormatInt(day, 10)
}

// trackPattern, legLinePattern and cellPattern match every track, leg
// line and cell index set of the store, for SCAN.
func (k keys) trackPattern() string   { return "{" + glob(k.prefix) + ":p:??}:trk:*" }
func (k keys) legLinePattern() string { return "{" + glob(k.prefix) + ":p:??}:lline:*" }
func (k keys) cellPattern() string    { return "{" + glob(k.prefix) + ":c:*}:cell:*" }

// patterns match every key of the store between them, for SCAN.
func (k keys) patterns() []string {
	g := glob(k.prefix)
	return []string{"{" + g + "}:*", "{" + g + ":p:??}:*", "{" + g + ":c:*}:*", "{" + g + ":m:*}:*"}
}

// glob escapes the SCAN pattern characters of s.
func glob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cellName is the usual hexadecimal form of an H3 index.
func cellName(c uint64) string { return strconv.FormatUint(c, 16) }

// parseCell reads cellName's form; 0 when malformed.
func parseCell(s string) uint64 {
	c, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0
	}
	return c
}

// The layout before keys spread over a cluster kept every key under the
// store-wide tag, "{p}:<name>". Migrate moves the families below from
// it; the store-wide keys kept their names and stay. A name ending in
// ':' is followed by the key's subject (cell, hex, day, leg...).
var oldFamilies = []string{"ac", "acell", "seen", "rep", "cell:", "trk:", "rday:", "agg:", "magg:", "lline:", "lsrc:"}

// old is the single-tag layout's key "{p}:<name>".
func (k keys) old(name string) string { return k.tag + ":" + name }

// oldPattern matches every key of the single-tag layout, for SCAN.
func (k keys) oldPattern() string { return "{" + glob(k.prefix) + "}:*" }

// oldFamily splits a single-tag key into its family (one of oldFamilies)
// and subject; ok is false for the store-wide keys, which do not move.
func (k keys) oldFamily(key string) (family, subject string, ok bool) {
	name, found := strings.CutPrefix(key, k.tag+":")
	if !found {
		return "", "", false
	}
	for _, f := range oldFamilies {
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
