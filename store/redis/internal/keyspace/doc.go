// Package keyspace names every key of the Redis store, and only it does:
// Keys builds each name with the hash tag that spreads a store over a
// Redis Cluster's slots (aircraft by Partition, cell index sets by coarse
// H3 cell, reports by month, the rest under the store-wide tag), and
// reads the names of the older layout that kept every key in one slot,
// for the migration.
//
// Everything here is a pure function of its arguments, safe for
// concurrent use. Times are UTC days since epoch and months as
// year*12 + month-1.
package keyspace
