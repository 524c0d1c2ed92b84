// Package storetest is the contract test suite every store.Store and
// store.Bus implementation must pass: Run and RunBus take a factory and
// exercise the behaviour DESIGN.md promises, so that the memory and Redis
// backends answer alike.
//
// The suites are meant to be called from a backend's own tests; they are
// safe to run in parallel with other tests as long as each store the
// factory returns is private to the test.
package storetest
