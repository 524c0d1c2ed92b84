package cql2

import (
	"errors"
	"fmt"
)

// Error is a filter that cannot be parsed or does not fit the properties
// offered. At is where: a 1-based character position in cql2-text, a JSON
// path in cql2-json.
type Error struct {
	At  string
	Msg string
}

func (e *Error) Error() string { return "cql2: at " + e.At + ": " + e.Msg }

// Message formats err for a reader who gave the filter as parameter
// param: "filter: at 14: expected ...".
func Message(param string, err error) string {
	var e *Error
	if errors.As(err, &e) {
		return param + ": at " + e.At + ": " + e.Msg
	}
	return param + ": " + err.Error()
}

func errorf(at string, format string, args ...any) *Error {
	return &Error{At: at, Msg: fmt.Sprintf(format, args...)}
}

// MaxLen is the longest filter accepted, in bytes.
const MaxLen = 64 << 10

// maxDepth bounds nesting, so that a hostile filter cannot exhaust the stack.
const maxDepth = 100
