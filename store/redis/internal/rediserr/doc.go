// Package rediserr maps the errors of go-redis to the store's sentinels,
// naming the operation and subject: a missing key is store.ErrNotFound, a
// Redis that cannot be reached or cannot serve now is
// store.ErrUnavailable. Its functions are pure, safe for concurrent use.
package rediserr
