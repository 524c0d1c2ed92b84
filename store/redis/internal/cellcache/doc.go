// Package cellcache keeps the H3 work of the Redis store's aircraft index
// small: Cells finds the cell of an aircraft that has not left the one it
// is indexed in without an H3 lookup, and Covers remembers the cell covers
// of recently asked bboxes. Coordinates are WGS84 degrees.
//
// Cells and Covers are safe for concurrent use; their zero values are
// ready for use.
package cellcache
