// Package cql2 parses and evaluates OGC Common Query Language (CQL2)
// filters, in both encodings: cql2-text (ParseText) and cql2-json
// (ParseJSON). Both produce the same small syntax tree, which Check
// validates against the properties a collection offers and Eval evaluates
// against one feature.
//
// Supported: comparisons (=, <>, <, <=, >, >=), AND, OR, NOT, LIKE (with %
// and _; ILIKE, which OGR sends, is LIKE ignoring case), IN, BETWEEN, IS NULL, CASEI, TRUE and FALSE, comparisons of two
// properties, string comparisons against list properties (any element),
// the spatial functions S_INTERSECTS and S_DISJOINT on points, lines,
// polygons, their multi forms and BBOX, and every temporal function
// (T_AFTER … T_STARTS) on TIMESTAMP, DATE and INTERVAL literals and time
// properties. Evaluation is three-valued: a comparison with an unknown
// (null) value is neither true nor false, and a feature is selected only
// when the filter is true.
//
// Errors are of type *Error and name where the mistake is: the 1-based
// character position in cql2-text, the JSON path in cql2-json.
package cql2
