// Package watch holds watchlists: which aircraft flightwatch watches, read
// from its YAML layout (configs/watchlist.yaml) or plane-alert-db CSV, and
// matched against an aircraft by hex, registration, callsign prefix, type
// or operator. A List is read-only once built and safe for concurrent use.
package watch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/flightwatch/flightwatch/flight"
	"gopkg.in/yaml.v3"
)

// ErrList is wrapped by watchlist parse errors.
var ErrList = errors.New("watch: bad watchlist")

// Entry is one watchlist entry. An aircraft matches it when any of its
// matchers does: Hex (ICAO addresses), Reg (registrations), CallsignPrefix
// (e.g. "RCH"), Type (ICAO type designators, e.g. "C17") or Operator (an
// operator name known for the aircraft's hex from a plane-alert list, or a
// three-letter ICAO airline designator compared with the callsign's first
// three letters). Matching ignores case.
type Entry struct {
	Name           string
	Hex            []string
	Reg            []string
	CallsignPrefix []string
	Type           []string
	Operator       []string
	Tags           []string
	// Source says where the entry comes from (a public report, a
	// monitor's list); it is documentation and does not match anything.
	Source string
}

// List matches aircraft against entries. It is read-only once built
// and safe for concurrent use; Merge returns a new one.
type List struct {
	entries   []Entry
	hex       map[string]int // lower-case hex -> entry
	reg       map[string]int // upper-case
	prefixes  []prefixRule   // longest first
	typ       map[string]int
	operator  map[string]int    // upper-case operator or designator -> entry
	operators map[string]string // hex -> upper-case operator name, from plane-alert rows
}

type prefixRule struct {
	prefix string
	entry  int
}

// strList accepts a YAML scalar or a sequence of scalars.
type strList []string

func (l *strList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = strList{n.Value}
		return nil
	case yaml.SequenceNode:
		var s []string
		if err := n.Decode(&s); err != nil {
			return err
		}
		*l = s
		return nil
	}
	return fmt.Errorf("line %d: want a string or a list of strings", n.Line)
}

type watchlistFile struct {
	Entries []struct {
		Name           string  `yaml:"name"`
		Hex            strList `yaml:"hex"`
		Reg            strList `yaml:"reg"`
		CallsignPrefix strList `yaml:"callsign_prefix"`
		Type           strList `yaml:"type"`
		Operator       strList `yaml:"operator"`
		Tags           strList `yaml:"tags"`
		Source         string  `yaml:"source"`
	} `yaml:"entries"`
}

// Load reads a watchlist from YAML. The layout:
//
//	entries:
//	  - name: usaf-airlift          # required, unique
//	    hex: [ae1234, ae5678]       # a string or a list, for every matcher
//	    reg: 05-5140
//	    callsign_prefix: [RCH, CNV]
//	    type: [C17, C130]
//	    operator: GXA               # operator name or ICAO designator
//	    tags: [military, removal-charter]
//	    source: "as reported by ..." # free text, documentation only
//
// Unknown keys, an entry without a name, a duplicate name, an entry with no
// matcher and a malformed hex are errors.
func Load(r io.Reader) (*List, error) {
	var f watchlistFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", ErrList, err)
	}
	seen := map[string]bool{}
	var entries []Entry
	for i, e := range f.Entries {
		name := strings.TrimSpace(e.Name)
		if name == "" {
			return nil, fmt.Errorf("%w: entry %d: name is required", ErrList, i+1)
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: entry %q: duplicate name", ErrList, name)
		}
		seen[name] = true
		w := Entry{Name: name, Hex: e.Hex, Reg: e.Reg, CallsignPrefix: e.CallsignPrefix,
			Type: e.Type, Operator: e.Operator, Tags: e.Tags, Source: strings.TrimSpace(e.Source)}
		if len(w.Hex)+len(w.Reg)+len(w.CallsignPrefix)+len(w.Type)+len(w.Operator) == 0 {
			return nil, fmt.Errorf("%w: entry %q: no hex, reg, callsign_prefix, type or operator", ErrList, name)
		}
		for _, h := range w.Hex {
			if !flight.ValidHex(strings.ToLower(strings.TrimSpace(h))) {
				return nil, fmt.Errorf("%w: entry %q: hex %q is not 6 hex digits", ErrList, name, h)
			}
		}
		entries = append(entries, w)
	}
	return New(entries, nil), nil
}

// LoadPlaneAlertCSV reads a plane-alert-db CSV ($ICAO,$Registration,
// $Operator,$Type,$ICAO Type,#CMPG,$Tag 1,$#Tag 2,$#Tag 3,Category,
// $#Link; columns found by name with the $ and # markers ignored). Each row
// is an entry named "Operator (Registration)" matching its hex, tagged with
// its tags and category (lower case), plus "military" when CMPG is Mil.
// Rows with a bad hex are skipped and counted in the error only when no row
// is good; a missing ICAO column is an error.
func LoadPlaneAlertCSV(r io.Reader) (*List, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: read header: %w", ErrList, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "$#"))
		h = strings.TrimLeft(h, "$#")
		col[h] = i
	}
	icao, ok := col["icao"]
	if !ok {
		return nil, fmt.Errorf("%w: no $ICAO column", ErrList)
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var entries []Entry
	operators := map[string]string{}
	bad := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrList, err)
		}
		if icao >= len(rec) {
			bad++
			continue
		}
		hex := strings.ToLower(strings.TrimSpace(rec[icao]))
		if !flight.ValidHex(hex) {
			bad++
			continue
		}
		reg, op := get(rec, "registration"), get(rec, "operator")
		name := strings.TrimSpace(op + " (" + reg + ")")
		if reg == "" {
			name = op
		}
		if name == "" {
			name = hex
		}
		var tags []string
		for _, k := range []string{"tag 1", "tag 2", "tag 3", "category"} {
			if v := strings.ToLower(get(rec, k)); v != "" {
				tags = append(tags, v)
			}
		}
		if strings.EqualFold(get(rec, "cmpg"), "mil") {
			tags = append(tags, "military")
		}
		w := Entry{Name: name, Hex: []string{hex}, Tags: dedupeTags(tags)}
		if reg != "" {
			w.Reg = []string{reg}
		}
		if op != "" {
			operators[hex] = strings.ToUpper(op)
		}
		entries = append(entries, w)
	}
	if len(entries) == 0 && bad > 0 {
		return nil, fmt.Errorf("%w: no valid rows (%d bad)", ErrList, bad)
	}
	return New(entries, operators), nil
}

// New builds a watchlist from entries; operators maps a hex to its
// operator's name for Operator matchers (nil for none).
func New(entries []Entry, operators map[string]string) *List {
	w := &List{entries: entries, hex: map[string]int{}, reg: map[string]int{},
		typ: map[string]int{}, operator: map[string]int{}, operators: map[string]string{}}
	for h, op := range operators {
		w.operators[strings.ToLower(h)] = strings.ToUpper(op)
	}
	first := func(m map[string]int, k string, i int) {
		if k == "" {
			return
		}
		if _, ok := m[k]; !ok {
			m[k] = i
		}
	}
	for i, e := range entries {
		for _, h := range e.Hex {
			first(w.hex, strings.ToLower(strings.TrimSpace(h)), i)
		}
		for _, r := range e.Reg {
			first(w.reg, normReg(r), i)
		}
		for _, p := range e.CallsignPrefix {
			if p = strings.ToUpper(strings.TrimSpace(p)); p != "" {
				w.prefixes = append(w.prefixes, prefixRule{p, i})
			}
		}
		for _, t := range e.Type {
			first(w.typ, strings.ToUpper(strings.TrimSpace(t)), i)
		}
		for _, o := range e.Operator {
			first(w.operator, strings.ToUpper(strings.TrimSpace(o)), i)
		}
	}
	sort.SliceStable(w.prefixes, func(a, b int) bool { return len(w.prefixes[a].prefix) > len(w.prefixes[b].prefix) })
	return w
}

// normReg folds a registration for comparison: upper case, no dashes or
// spaces ("05-5140" and "055140" match).
func normReg(r string) string {
	r = strings.ToUpper(strings.TrimSpace(r))
	return strings.NewReplacer("-", "", " ", "").Replace(r)
}

// Merge returns a watchlist holding w's entries followed by other's (w's
// win where both match the same key). Either may be nil.
func (w *List) Merge(other *List) *List {
	var entries []Entry
	ops := map[string]string{}
	for _, x := range []*List{other, w} {
		if x == nil {
			continue
		}
		for h, o := range x.operators {
			ops[h] = o
		}
	}
	if w != nil {
		entries = append(entries, w.entries...)
	}
	if other != nil {
		entries = append(entries, other.entries...)
	}
	return New(entries, ops)
}

// Len returns the number of entries.
func (w *List) Len() int {
	if w == nil {
		return 0
	}
	return len(w.entries)
}

// Match finds the entry that matches a, trying in priority order its hex,
// registration, callsign prefix (longest first), type and operator. It
// returns the entry's name and tags; tags also carry "military" when the
// aircraft is flagged military, even when no entry matched (ok false).
// The returned slice must not be modified. A nil List matches nothing.
func (w *List) Match(a *flight.Aircraft) (entry string, tags []string, ok bool) {
	i := w.find(a)
	if i < 0 {
		if a.Military {
			return "", militaryTags, false
		}
		return "", nil, false
	}
	e := &w.entries[i]
	tags = e.Tags
	if a.Military && !hasTag(tags, "military") {
		tags = append(append(make([]string, 0, len(tags)+1), tags...), "military")
	}
	return e.Name, tags, true
}

var militaryTags = []string{"military"}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

func dedupeTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !hasTag(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (w *List) find(a *flight.Aircraft) int {
	if w == nil || len(w.entries) == 0 {
		return -1
	}
	if i, ok := w.hex[a.Hex]; ok {
		return i
	}
	if a.Reg != "" && len(w.reg) > 0 {
		if i, ok := w.reg[normReg(a.Reg)]; ok {
			return i
		}
	}
	if a.Callsign != "" {
		for _, p := range w.prefixes {
			if strings.HasPrefix(a.Callsign, p.prefix) {
				return p.entry
			}
		}
	}
	if a.Type != "" {
		if i, ok := w.typ[a.Type]; ok {
			return i
		}
	}
	if len(w.operator) > 0 {
		if op, ok := w.operators[a.Hex]; ok {
			if i, ok := w.operator[op]; ok {
				return i
			}
		}
		if len(a.Callsign) >= 4 {
			if i, ok := w.operator[a.Callsign[:3]]; ok && a.Callsign[3] >= '0' && a.Callsign[3] <= '9' {
				return i
			}
		}
	}
	return -1
}
