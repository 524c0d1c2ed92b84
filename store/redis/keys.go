package redis

import (
	"strconv"
	"strings"

	"github.com/flightwatch/flightwatch/store/internal/query"
)

// keys builds every key name the store uses.
//
// All keys of one store share a single hash tag, "{prefix}", so that they
// live in one Redis Cluster slot: operations touch several keys together
// (a batch of aircraft moving between cell sets, a report updating its day
// list and aggregates in one script), and one slot keeps that valid for
// pipelines, MULTI and scripts. Instances sharing a Redis must use the same
// prefix; separate prefixes are separate stores.
//
//	{p}:ac           hash   hex -> binary aircraft state
//	{p}:acell        hash   hex -> H3 cell (hex digits) the aircraft is indexed in
//	{p}:seen         zset   hex scored by last observation time (Unix µs)
//	{p}:cell:<h3>    set    hexes in the cell at Config.H3Res
//	{p}:trk:<hex>    zset   binary track points scored by time (Unix µs)
//	{p}:legs         hash   leg id -> JSON
//	{p}:legt         zset   leg id scored by LastSeen (Unix µs)
//	{p}:plans        hash   plan id -> JSON
//	{p}:alerts       stream alert log, field "a" holds the JSON; its consumer groups are the outbox
//	{p}:akeys        zset   alert keys seen, scored by insertion order
//	{p}:akseq        string counter for akeys scores
//	{p}:fail:<group> hash   alerts entry id -> JSON store.Failure (deliveries given up on)
//	{p}:rep          hash   report id -> JSON (set once: makes reports idempotent)
//	{p}:rday:<day>   zset   report ids of a UTC day (yyyymmdd) scored by time (Unix µs)
//	{p}:days         zset   UTC days (days since epoch) holding reports
//	{p}:agg:<r>:<day> hash  "<h3>" -> count, "<h3>:n" -> reports, "<h3>:s:<source>" -> count
//	{p}:months       zset   UTC calendar months (year*12 + month-1) holding reports
//	{p}:magg:<r>:<month> hash "<h3>" -> "<count>,<reports>{,<count>,<len>:<source>}" over a UTC calendar month (yyyymm)
//	{p}:lline:<leg>  string the leg's line: fixed-size records (store/internal/legline), in time order
//	{p}:lsrc:<leg>   hash   source -> "first,last,positions" (Unix µs) of the leg's positions
//	{p}:lstatk       hash   leg id -> the stats key (stats.Key) the leg is counted under
//	{p}:lstatd       zset   UTC days (days since epoch) holding counted legs
//	{p}:lstat:<by>:<day> hash group -> legs of the day, grouped by the by-th part of the stats key
type keys struct {
	tag string
}

func newKeys(prefix string) keys {
	prefix = strings.NewReplacer("{", "_", "}", "_").Replace(prefix)
	return keys{tag: "{" + prefix + "}"}
}

func (k keys) aircraft() string        { return k.tag + ":ac" }
func (k keys) aircraftCell() string    { return k.tag + ":acell" }
func (k keys) seen() string            { return k.tag + ":seen" }
func (k keys) cell(c uint64) string    { return k.tag + ":cell:" + cellName(c) }
func (k keys) track(hex string) string { return k.tag + ":trk:" + hex }
func (k keys) legs() string            { return k.tag + ":legs" }
func (k keys) legTimes() string        { return k.tag + ":legt" }
func (k keys) plans() string           { return k.tag + ":plans" }
func (k keys) alerts() string          { return k.tag + ":alerts" }
func (k keys) alertKeys() string       { return k.tag + ":akeys" }
func (k keys) alertSeq() string        { return k.tag + ":akseq" }
func (k keys) reports() string         { return k.tag + ":rep" }
func (k keys) failed(group string) string {
	return k.tag + ":fail:" + group
}
func (k keys) reportDay(d int64) string {
	return k.tag + ":rday:" + query.DayName(d)
}
func (k keys) days() string { return k.tag + ":days" }
func (k keys) agg(res int, d int64) string {
	return k.tag + ":agg:" + strconv.Itoa(res) + ":" + query.DayName(d)
}
func (k keys) months() string { return k.tag + ":months" }
func (k keys) monthAgg(res int, m int64) string {
	return k.tag + ":magg:" + strconv.Itoa(res) + ":" + query.MonthName(m)
}
func (k keys) legLine(id string) string    { return k.tag + ":lline:" + id }
func (k keys) legSources(id string) string { return k.tag + ":lsrc:" + id }
func (k keys) legStatKeys() string         { return k.tag + ":lstatk" }
func (k keys) statDays() string            { return k.tag + ":lstatd" }

// statDayPrefix is what statDay puts before "<by>:<day>"; the count
// script builds the keys of a leg's groups from it.
func (k keys) statDayPrefix() string { return k.tag + ":lstat:" }
func (k keys) statDay(by int, day int64) string {
	return k.statDayPrefix() + strconv.Itoa(by) + ":" + strconv.FormatInt(day, 10)
}

// trackPattern and legLinePattern match every track and every leg line of
// the store, for SCAN.
func (k keys) trackPattern() string   { return k.pattern()[:len(k.pattern())-1] + "trk:*" }
func (k keys) legLinePattern() string { return k.pattern()[:len(k.pattern())-1] + "lline:*" }

// pattern matches every key of the store, for SCAN.
func (k keys) pattern() string {
	var b strings.Builder
	for _, r := range k.tag {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String() + ":*"
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
