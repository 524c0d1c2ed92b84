// Package configs holds flightwatch's configuration: the Config type read
// from configs/flightwatch.yaml (strict: unknown keys are errors), the
// environment overrides, and the bundled files (default configuration,
// watchlist, flight plans and the demo scenario) embedded in the binary.
//
// Durations are written as Go durations ("1s", "10m"). A zero value in a
// Config field means the documented default.
package configs
