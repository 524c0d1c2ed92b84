// Package jump is the feeds' position jump filter: it drops a position
// that implies an impossible speed from the last good position of the same
// aircraft, by the one rule geo.JumpRule defines, with the slack feeds
// need for rounded and out-of-order timestamps. Speeds are in knots.
//
// A Filter is not safe for concurrent use; each feed owns its own.
package jump
