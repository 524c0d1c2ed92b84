// Package httperr writes the JSON error answer of the whole HTTP API, REST
// and OGC alike: {"error": "..."} with a 4xx/5xx status. It is safe for
// concurrent use.
package httperr

import (
	"encoding/json"
	"net/http"
)

// body is the JSON error shape of the HTTP API.
type body struct {
	Error string `json:"error"`
}

// Write answers status with {"error": msg}.
func Write(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	b, _ := json.Marshal(body{Error: msg}) // a struct of one string always encodes
	_, _ = w.Write(append(b, '\n'))
}
